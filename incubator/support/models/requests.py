"""A support request, its conversation, attachments and history."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from incubator.db import LabelledEnum, StoredFileMixin, TimestampMixin, enum_type, utcnow
from incubator.extensions import db


class RequestStatus(LabelledEnum):
    NEW = "new", _l("New")
    ASSIGNED = "assigned", _l("Assigned")
    IN_PROGRESS = "in_progress", _l("In progress")
    WAITING = "waiting", _l("Waiting for the requester")
    RESOLVED = "resolved", _l("Resolved")
    CLOSED = "closed", _l("Closed")


OPEN_STATUSES = (RequestStatus.NEW, RequestStatus.ASSIGNED, RequestStatus.IN_PROGRESS, RequestStatus.WAITING)


class SupportRequest(TimestampMixin, db.Model):
    __tablename__ = "support_requests"
    __table_args__ = (
        sa.UniqueConstraint("fiscal_year", "sequence"),
        sa.CheckConstraint("rating IS NULL OR rating BETWEEN 1 AND 5", name="rating_1_to_5"),
        # The queues: each organization's, newest first or by due time, filtered by status or assignee.
        sa.Index("ix_support_requests_organization_id_id", "organization_id", "id"),
        sa.Index("ix_support_requests_organization_id_status_id", "organization_id", "status", "id"),
        # Open requests by due time (is_open first: the closed majority is never scanned).
        sa.Index("ix_support_requests_org_open_due_id", "organization_id", "is_open",
                 "resolution_due_at", "id"),
        sa.Index("ix_support_requests_organization_id_is_open_id", "organization_id", "is_open", "id"),
        sa.Index("ix_support_requests_is_open_resolution_due_at_id", "is_open", "resolution_due_at", "id"),
        sa.Index("ix_support_requests_status_id", "status", "id"),
        sa.Index("ix_support_requests_assignee_id_id", "assignee_id", "id"),
        # A handler's own open requests by due time (their dashboard).
        sa.Index("ix_support_requests_assignee_open_due_id", "assignee_id", "is_open", "resolution_due_at", "id"),
        sa.Index("ix_support_requests_requester_id_id", "requester_id", "id"),
        # The monthly figures (support.figures): requests filed in a month, and requests resolved in it. Each
        # index holds every column the count reads, so counting a month never touches the table (index-only scans).
        sa.Index("ix_support_requests_created_at_figures", "created_at", "is_split", "organization_id",
                 "fiscal_year", "category_id", "status", "first_response_business_s"),
        sa.Index("ix_support_requests_resolved_at_report", "resolved_at", "is_split", "organization_id",
                 "resolved_in_time", "rating", "resolution_business_s"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(20), unique=True)  # SR-2026-000123
    fiscal_year: Mapped[int] = mapped_column(active_history=True)
    sequence: Mapped[int]
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("support_requests.id"), index=True)
    # The person the request is for: an account, or someone who came in or phoned (staff filed it for them).
    requester_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    contact_name: Mapped[str] = mapped_column(sa.String(200), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    filed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("support_categories.id"), index=True, active_history=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), active_history=True)
    routing_rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("support_routing_rules.id"))  # None: triage
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    written_locale: Mapped[str] = mapped_column(sa.String(10))
    reply_locale: Mapped[str] = mapped_column(sa.String(10), index=True)
    consent_sharing_at: Mapped[datetime]
    status: Mapped[RequestStatus] = mapped_column(enum_type(RequestStatus, length=20), default=RequestStatus.NEW,
                                                  active_history=True)
    is_open: Mapped[bool] = mapped_column(default=True)  # the status is one of OPEN_STATUSES; kept for the indexes
    # Split between organizations: its parts carry the work, so the reports count the parts and not the case.
    is_split: Mapped[bool] = mapped_column(default=False, server_default=sa.false(), active_history=True)
    # Two agents changing the status at once: the second is told (optimistic locking), nothing is lost.
    version: Mapped[int] = mapped_column(default=1)
    # Service levels. A due time is empty while its clock is paused (waiting for the requester, or resolved);
    # the business time still left is kept in *_left_s meanwhile.
    first_response_due_at: Mapped[datetime | None]
    resolution_due_at: Mapped[datetime | None]
    first_response_left_s: Mapped[int | None]
    resolution_left_s: Mapped[int | None]
    first_response_at: Mapped[datetime | None]
    first_response_business_s: Mapped[int | None] = mapped_column(active_history=True)  # business s to 1st response
    resolved_at: Mapped[datetime | None] = mapped_column(active_history=True)
    resolution_business_s: Mapped[int | None] = mapped_column(active_history=True)  # business s to resolution
    resolved_in_time: Mapped[bool | None] = mapped_column(active_history=True)
    closed_at: Mapped[datetime | None]
    # When the retention job wiped its texts and files (what the figures count is kept).
    anonymised_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(active_history=True)
    rating_comment: Mapped[str] = mapped_column(sa.Text, default="")
    rated_at: Mapped[datetime | None]

    category = relationship("SupportCategory", lazy="raise")
    organization = relationship("Organization", lazy="raise")
    requester = relationship("User", foreign_keys=[requester_id], lazy="raise")
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="raise")
    parent: Mapped[SupportRequest | None] = relationship(remote_side=[id], lazy="raise")

    created_at: Mapped[datetime] = mapped_column(default=utcnow, active_history=True)
    # The columns above marked active_history are the ones the monthly figures count (support.figures): their value
    # before a change is always known, so the month a request leaves is counted again as well as the one it joins.
    __mapper_args__ = {"version_id_col": version}

    @property
    def next_due_at(self) -> datetime | None:
        """The deadline that comes next: the first response while there is none, then the resolution (None while
        the clocks stand still)."""
        if self.first_response_at is None and self.first_response_due_at is not None:
            return self.first_response_due_at
        return self.resolution_due_at

    def breached_due_at(self, now: datetime) -> datetime | None:
        """The deadline this open request has missed (the resolution's before the first response's), or None."""
        if not self.is_open:
            return None
        for due in (self.resolution_due_at, self.first_response_due_at if self.first_response_at is None else None):
            if due is not None and due < now:
                return due
        return None

    def is_overdue(self, now: datetime) -> bool:
        return self.breached_due_at(now) is not None

    def __repr__(self) -> str:
        return f"<SupportRequest {self.reference} {self.status.value}>"


class SupportMessage(db.Model):
    """A public reply (the requester sees it) or an internal note (only the handling staff and agents do)."""

    __tablename__ = "support_messages"
    __table_args__ = (sa.Index("ix_support_messages_request_id_id", "request_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_requests.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    is_internal: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    author = relationship("User", lazy="raise")

    def __repr__(self) -> str:
        return f"<SupportMessage {self.id} {'internal' if self.is_internal else 'public'}>"


class SupportAttachment(StoredFileMixin, db.Model):
    """A file of a request, stored under a name the server chose. An attachment of an internal note is
    internal too."""

    __tablename__ = "support_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_requests.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(sa.ForeignKey("support_messages.id", ondelete="CASCADE"),
                                                   index=True)
    is_internal: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<SupportAttachment {self.id} request={self.request_id}>"


class EventKind(LabelledEnum):
    FILED = "filed", _l("Filed")
    ROUTED = "routed", _l("Routed")
    ASSIGNED = "assigned", _l("Assigned")
    STATUS = "status", _l("Status changed")
    TRANSFERRED = "transferred", _l("Transferred")
    SPLIT = "split", _l("Split into parts")
    REOPENED = "reopened", _l("Reopened")
    RATED = "rated", _l("Rated")


class SupportEvent(db.Model):
    """The history of a request: who did what, when, from what to what, and why."""

    __tablename__ = "support_events"
    __table_args__ = (sa.Index("ix_support_events_request_id_id", "request_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(sa.ForeignKey("support_requests.id", ondelete="CASCADE"))
    kind: Mapped[EventKind] = mapped_column(enum_type(EventKind, length=20))
    by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    from_status: Mapped[RequestStatus | None] = mapped_column(enum_type(RequestStatus, length=20))
    to_status: Mapped[RequestStatus | None] = mapped_column(enum_type(RequestStatus, length=20))
    from_organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    to_organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    rule_id: Mapped[int | None] = mapped_column(sa.ForeignKey("support_routing_rules.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    by = relationship("User", foreign_keys=[by_id], lazy="raise")
    assignee = relationship("User", foreign_keys=[assignee_id], lazy="raise")
    from_organization = relationship("Organization", foreign_keys=[from_organization_id], lazy="raise")
    to_organization = relationship("Organization", foreign_keys=[to_organization_id], lazy="raise")
    rule = relationship("RoutingRule", lazy="raise")

    def __repr__(self) -> str:
        return f"<SupportEvent {self.id} {self.kind.value}>"


class ReferenceCounter(db.Model):
    """The last request number given in a fiscal year: SR-2026-000123 is the 123rd of FY2026."""

    __tablename__ = "support_reference_counters"

    fiscal_year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_value: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ReferenceCounter FY{self.fiscal_year}={self.last_value}>"
