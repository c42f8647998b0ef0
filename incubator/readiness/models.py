"""A venture's readiness for Business Manager status, by the criteria in force from 2025-10-16."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column

from incubator.db import LabelledEnum, enum_type, utcnow
from incubator.extensions import db


class Criterion(LabelledEnum):
    CAPITAL = "capital", _l("Capital of at least JPY 30 million")
    EMPLOYEE = "employee", _l("A full-time employee who is Japanese or a permanent resident")
    JAPANESE = "japanese", _l("Japanese at B2 (JLPT N2) level")
    EXPERIENCE = "experience", _l("Management experience or a relevant degree")
    PLAN_CHECKED = "plan_checked", _l("Business plan checked by a certified professional")
    OFFICE = "office", _l("A real office, not a home")


# What counts as meeting each criterion: shown to staff and to the founder.
EXPLANATIONS = {
    Criterion.CAPITAL: _l("Paid-in capital (or total investment for a sole proprietor) of JPY 30 million or more."),
    Criterion.EMPLOYEE: _l("At least one full-time employee living in Japan who is Japanese, a permanent resident, "
                           "a spouse of a Japanese national or permanent resident, or a long-term resident."),
    Criterion.JAPANESE: _l("The applicant or a full-time employee has Japanese at CEFR B2 level, for example JLPT "
                           "N2 or at least 400 points in the BJT."),
    Criterion.EXPERIENCE: _l("The applicant has at least 3 years of business management experience, or a master's "
                             "degree or doctorate in business administration or in the venture's field."),
    Criterion.PLAN_CHECKED: _l("The business plan has been checked by a certified SME consultant, a certified "
                               "public accountant or a licensed tax accountant."),
    Criterion.OFFICE: _l("An office for the business that is not the founder's home, such as a private office "
                         "at THINK."),
}


class State(LabelledEnum):
    MET = "met", _l("Met")
    NOT_MET = "not_met", _l("Not met")
    UNKNOWN = "unknown", _l("Unknown")


class ReadinessItem(db.Model):
    __tablename__ = "readiness_items"
    __table_args__ = (sa.UniqueConstraint("venture_id", "criterion"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    venture_id: Mapped[int] = mapped_column(sa.ForeignKey("ventures.id", ondelete="CASCADE"), index=True)
    criterion: Mapped[Criterion] = mapped_column(enum_type(Criterion, length=20))
    state: Mapped[State] = mapped_column(enum_type(State, length=10), default=State.UNKNOWN)
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<ReadinessItem {self.venture_id} {self.criterion.value}={self.state.value}>"
