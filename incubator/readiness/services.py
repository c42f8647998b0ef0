from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from incubator.audit.services import record
from incubator.auth.models import User
from incubator.extensions import db
from incubator.readiness.models import EXPLANATIONS, Criterion, ReadinessItem, State
from incubator.ventures.models import Venture


@dataclass
class Line:
    criterion: Criterion
    state: State
    evidence: str

    @property
    def explanation(self):
        return EXPLANATIONS[self.criterion]


@dataclass
class Checklist:
    lines: list[Line]

    @property
    def missing(self) -> list[Line]:
        """What is not yet known to be met: not met, or unknown."""
        return [line for line in self.lines if line.state is not State.MET]

    @property
    def met_count(self) -> int:
        return len(self.lines) - len(self.missing)


def checklist(venture: Venture) -> Checklist:
    """Every criterion, in order, with the venture's state of it (unknown until someone says); one query."""
    items = {item.criterion: (item.state, item.evidence) for item in db.session.scalars(
        sa.select(ReadinessItem).where(ReadinessItem.venture_id == venture.id))}
    return Checklist([Line(c, *items.get(c, (State.UNKNOWN, ""))) for c in Criterion])


def set_item(venture: Venture, by: User, criterion: Criterion, state: State, evidence: str) -> ReadinessItem:
    item = db.session.scalar(sa.select(ReadinessItem).where(ReadinessItem.venture_id == venture.id,
                                                            ReadinessItem.criterion == criterion))
    if item is None:
        item = ReadinessItem(venture_id=venture.id, criterion=criterion)
        db.session.add(item)
    item.state = state
    item.evidence = evidence.strip()
    item.updated_by_id = by.id
    db.session.flush()
    record(by, "readiness.set", venture, criterion=criterion.value, state=state.value)
    return item
