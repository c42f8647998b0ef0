from __future__ import annotations

import pytest


def case_fields(**overrides) -> dict:
    """A complete, valid answer to the researcher's form; ``None`` leaves a field out."""
    data = {
        "home_institution": "Vietnam National University, Hanoi", "home_country": "VN",
        "research_field": "life_science", "research_topic": "Cell models for drug screening.",
        "host_institution": "King Skyfront", "host_contact": "Dr. SATO, lab office",
        "planned_start": "2027-04-01", "planned_end": "2028-03-31", "residence_status": "researcher",
        "needs_housing": "y", "housing_notes": "A flat near Tonomachi.", "family_members": "2",
        "family_notes": "A school place for our daughter.", "consent_purpose": "y",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture()
def researcher(users):
    """The applicant of the ``users`` fixture, who comes as a researcher and reads Vietnamese."""
    from incubator.extensions import db

    users["applicant"].locale = "vi"
    db.session.commit()
    return users["applicant"]
