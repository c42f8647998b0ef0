from __future__ import annotations

from incubator.cities.models import CityStatus, PartnerCity
from incubator.extensions import db
from incubator.i18n import LOCALES
from incubator.organizations.models import Organization
from tests.conftest import reload
from tests.helpers import text


def names(prefix: str) -> dict[str, str]:
    return {f"name_{code}": f"{prefix} {code}" for code in LOCALES}


def test_admin_edits_an_organizations_names_in_every_language(client, login, users):
    login(users["admin"])
    org = db.session.get(Organization, users["agent"].organization_id)

    response = client.post(f"/admin/organizations/{org.id}",
                           data={**names("Center"), "contact_email": "desk@example.org", "website": ""})

    assert response.status_code == 302
    saved = reload(org)
    assert saved.names["ko"] == "Center ko"
    assert saved.contact_email == "desk@example.org"


def test_a_missing_name_or_bad_email_is_refused(client, login, users):
    login(users["admin"])
    org_id = users["agent"].organization_id
    data = {**names("Center"), "name_vi": "", "contact_email": "not-an-address"}

    response = client.post(f"/admin/organizations/{org_id}", data=data)

    assert response.status_code == 422
    assert "This field is required." in text(response)
    assert "Invalid email address." in text(response)


def test_admin_changes_a_city_status(client, login, users):
    login(users["admin"])
    city = db.session.get(PartnerCity, users["liaison"].partner_city_id)

    response = client.post(f"/admin/cities/{city.id}", data={**names("City"), "status": "dormant",
                                                             "name_local": "沈阳市", "notes": "",
                                                             "country_code": "CN", "relationship_kind": "friendship_city",
                                                             "since_year": "1981"})

    assert response.status_code == 302
    assert reload(city).status is CityStatus.DORMANT


def test_staff_see_the_organizations_in_their_language(client, login, users):
    login(users["staff"])
    assert "SME Support Center" in text(client.get("/admin/organizations"))
