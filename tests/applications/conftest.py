from __future__ import annotations

import io

import pytest

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64


def founder_fields(index: int = 0, **overrides) -> dict:
    fields = {
        "name_native": "王 芳", "name_latin": "WANG Fang", "name_kana": "ワン ファン", "nationality": "CN",
        "date_of_birth": "1991-05-14", "email": "wang@example.org", "phone": "080-1234-5678",
        "residence_status": "", "residence_card_expires_on": "",
    }
    fields.update(overrides)
    return {f"founders-{index}-{key}": value for key, value in fields.items()}


def application_fields(action: str = "submit", founders=None, **overrides) -> dict:
    data = {
        "venture_name": "Green Loop", "sector": "environment", "venture_stage": "prototype",
        "pitch": "Recycling for small factories.", "plan_summary": "Year one: pilots in Kawasaki.",
        "funds_needed_yen": "5000000", "funding_plan": "Savings and a city grant.", "planned_start": "2027-04-01",
        "space_wanted": "desk", "uses_startup_visa": "y", "referring_city_id": "",
        "consent_purpose": "y", "consent_sharing": "y", "action": action,
    }
    for index, founder in enumerate(founders or [founder_fields()]):
        data.update(founder if any(k.startswith("founders-") for k in founder) else founder_fields(index, **founder))
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def upload(client, application_id: int, content: bytes = PDF, name: str = "plan.pdf", kind: str = "business_plan"):
    return client.post(f"/applications/{application_id}/documents",
                       data={"kind": kind, "file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


@pytest.fixture()
def draft(client, users, login):
    """A draft application of users["applicant"], started through the app."""
    from incubator.applications.models import Application
    from incubator.extensions import db

    login(users["applicant"])
    response = client.post("/applications/new")
    assert response.status_code == 302
    db.session.rollback()
    return db.session.query(Application).filter_by(applicant_id=users["applicant"].id).one()
