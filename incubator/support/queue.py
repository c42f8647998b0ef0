"""The queues: each organization's requests (all of them for staff), filtered and sorted, paged by keyset so
that a deep page costs what the first does, with a million requests in the table and no COUNT(*) per page."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from incubator.auth.models import User
from incubator.extensions import db
from incubator.i18n import LOCALES
from incubator.permissions import is_staff
from incubator.support.models import OPEN_STATUSES, FiledMonth, RequestStatus, SupportCategory, SupportRequest
from incubator.support.services import overdue_clause


@dataclass
class QueueFilters:
    status: str = "open"  # "open", "" for all, or a status
    category: int | None = None  # a category (with its subcategories) or a subcategory
    assignee: str = ""  # "me", "none" or a user id
    language: str = ""
    overdue: bool = False
    organization: int | None = None  # staff only
    query: str = ""
    sort: str = "newest"


SORTS = {
    "newest": (SupportRequest.id, True),
    "oldest": (SupportRequest.id, False),
    "due": (SupportRequest.resolution_due_at, False),
}


def statement(user: User, filters: QueueFilters, now: datetime) -> sa.Select:
    stmt = sa.select(SupportRequest).options(joinedload(SupportRequest.organization),
                                             joinedload(SupportRequest.category),
                                             joinedload(SupportRequest.assignee).selectinload(User.profile))
    if is_staff(user):
        if filters.organization:
            stmt = stmt.where(SupportRequest.organization_id == filters.organization)
    else:  # an agent: their own organization's requests, and nothing else
        stmt = stmt.where(SupportRequest.organization_id == user.organization_id)
    if filters.status == "open":
        stmt = stmt.where(SupportRequest.is_open.is_(True))
    elif filters.status in RequestStatus._value2member_map_:
        stmt = stmt.where(SupportRequest.status == RequestStatus(filters.status))
    if filters.category:
        children = sa.select(SupportCategory.id).where(SupportCategory.parent_id == filters.category)
        stmt = stmt.where(sa.or_(SupportRequest.category_id == filters.category,
                                 SupportRequest.category_id.in_(children)))
    if filters.assignee == "me":
        stmt = stmt.where(SupportRequest.assignee_id == user.id)
    elif filters.assignee == "none":
        stmt = stmt.where(SupportRequest.assignee_id.is_(None))
    elif filters.assignee.isdigit():
        stmt = stmt.where(SupportRequest.assignee_id == int(filters.assignee))
    if filters.language in LOCALES:
        stmt = stmt.where(SupportRequest.reply_locale == filters.language)
    if filters.overdue:
        stmt = stmt.where(overdue_clause(now))
    if filters.sort == "due":  # a keyset needs a value: requests whose clock stands still have no due time
        stmt = stmt.where(SupportRequest.resolution_due_at.is_not(None))
    if filters.query:
        query = filters.query.strip()
        if query.upper().startswith("SR-"):
            stmt = stmt.where(SupportRequest.reference == query.upper())
        else:
            stmt = stmt.where(sa.func.lower(SupportRequest.title).like(f"%{query.lower()}%"))
    return stmt


OPEN_DEFINITION = _l("Support requests open today (new, assigned, in progress or waiting for the requester), "
                     "whenever they were filed. A case split between organizations counts once for each of its "
                     "parts, not as a case.")


def open_counts() -> dict[int, int]:
    """Open requests per organization, as the queue's Open tab counts them and the reports show them: the
    requests whose status is open, added up from the monthly figures that ``support.figures`` keeps equal to the
    requests (a few rows per month, whatever the number of requests)."""
    m = FiledMonth
    return {organization_id: int(count) for organization_id, count in db.session.execute(
        sa.select(m.organization_id, sa.func.sum(m.requests)).where(m.status.in_(OPEN_STATUSES))
        .group_by(m.organization_id)) if count}


def open_count(user: User, organization_id: int | None = None) -> int:
    """The open requests in ``user``'s queue (staff: every organization's, or ``organization_id``'s)."""
    counts = open_counts()
    if not is_staff(user):
        return counts.get(user.organization_id, 0)
    return counts.get(organization_id, 0) if organization_id else sum(counts.values())
