"""The demo data has researcher cases in several statuses, from several countries, each with its history."""

from __future__ import annotations

import sqlalchemy as sa

from incubator.auth.models import User
from incubator.extensions import db
from incubator.researchers.models import CaseStatus, CaseStatusChange, ResearcherCase


def _snapshot():
    db.session.rollback()
    return (db.session.scalar(sa.select(sa.func.count()).select_from(ResearcherCase)),
            db.session.scalar(sa.select(sa.func.count()).select_from(CaseStatusChange)))


def test_the_demo_has_researcher_cases_in_several_statuses_and_countries(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    cases = db.session.scalars(sa.select(ResearcherCase)).all()
    assert {c.status for c in cases} >= {CaseStatus.INQUIRY, CaseStatus.HOST_MATCHED, CaseStatus.DOCUMENTS,
                                         CaseStatus.ACTIVE, CaseStatus.COMPLETED, CaseStatus.WITHDRAWN}
    assert {c.home_country for c in cases} >= {"CN", "KR", "VN", "IN", "TW"}
    owner = db.session.scalar(sa.select(User).where(User.email == "researcher@think.example.jp"))
    assert any(c.researcher_id == owner.id for c in cases)
    for case in cases:
        history = db.session.scalars(sa.select(CaseStatusChange).where(CaseStatusChange.case_id == case.id)
                                     .order_by(CaseStatusChange.id)).all()
        assert history[0].to_status is CaseStatus.INQUIRY and history[-1].to_status is case.status
        assert [h.created_at for h in history] == sorted(h.created_at for h in history)

    first = _snapshot()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert _snapshot() == first
