"""Staff see the researchers in Kawasaki now, and who arrives and who leaves in a month."""

from __future__ import annotations

from datetime import date

from incubator.extensions import db
from incubator.researchers.models import CaseStatus
from tests import factories
from tests.helpers import text


def test_arrivals_and_departures_of_a_month(client, users, login):
    def case(name, status, start, end, **fields):
        person = factories.user("applicant", name_latin=name)
        return factories.researcher_case(person, status, planned_start=start, planned_end=end, **fields)

    case("ARRIVES Planned", CaseStatus.DOCUMENTS, date(2026, 12, 1), date(2027, 11, 30))
    case("ARRIVED Early", CaseStatus.ARRIVED, date(2027, 1, 15), date(2027, 12, 31), arrived_on=date(2026, 12, 31))
    case("LEAVES December", CaseStatus.ACTIVE, date(2026, 1, 10), date(2026, 12, 31))
    case("WITHDREW December", CaseStatus.WITHDRAWN, date(2026, 12, 5), date(2027, 6, 30))
    case("STILL Inquiry", CaseStatus.INQUIRY, date(2026, 12, 10), date(2027, 6, 30))
    case("HERE All Year", CaseStatus.ACTIVE, date(2026, 4, 1), date(2027, 3, 31))
    db.session.commit()
    login(users["staff"])
    page = text(client.get("/researchers/hosted?month=2026-12"))
    arriving = page[page.index("Arriving in December 2026"):page.index("Leaving in December 2026")]
    leaving = page[page.index("Leaving in December 2026"):page.index("In Kawasaki now")]
    now = page[page.index("In Kawasaki now"):]
    assert "ARRIVES Planned" in arriving and "ARRIVED Early" in arriving
    assert "WITHDREW December" not in arriving and "STILL Inquiry" not in arriving
    assert "LEAVES December" in leaving and "HERE All Year" not in leaving
    assert "HERE All Year" in now and "LEAVES December" in now and "ARRIVES Planned" not in now
    assert client.get("/researchers/hosted?month=garbage").status_code == 200
