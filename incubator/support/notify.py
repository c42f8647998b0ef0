"""Mail about support requests, through the outbox, each in its reader's language.

The requester hears about public replies and status changes, never about internal notes; agents hear about new
requests for their organization and about what is assigned to them; each organization's lead hears about
breaches of the service level.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l

from incubator.auth.models import Role, User
from incubator.extensions import db
from incubator.organizations.models import Organization
from incubator.outbox.services import enqueue
from incubator.support.models import RequestStatus, SupportMessage, SupportRequest
from incubator.urls import external_url


def _link(request: SupportRequest) -> str:
    return external_url("support.detail", request_id=request.id)


def requester_address(request: SupportRequest) -> str:
    if request.requester_id is not None:
        return db.session.get(User, request.requester_id).email
    return request.contact_email


def reply_to_requester(request: SupportRequest, message: SupportMessage) -> None:
    if message.is_internal:
        raise ValueError("an internal note is never mailed to the requester")
    address = requester_address(request)
    if address:
        enqueue(address, request.reply_locale,
                _l("%(reference)s: a new reply to your request", reference=request.reference),
                "support_reply", request=request, message=message, link=_link(request))


def status_to_requester(request: SupportRequest, status: RequestStatus) -> None:
    address = requester_address(request)
    if address:
        enqueue(address, request.reply_locale,
                _l("%(reference)s: %(status)s", reference=request.reference, status=status.label),
                "support_status", request=request, status=status, link=_link(request),
                reopen_days=current_app.config["SUPPORT_AUTO_CLOSE_DAYS"])


def _agents(organization: Organization) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(
        User.organization_id == organization.id, User.role == Role.AGENT, User.is_active.is_(True))))


def new_for_organization(request: SupportRequest, organization: Organization) -> None:
    """Every active agent of the organization; without agents (THINK), its contact address."""
    recipients = [(agent.email, agent.locale) for agent in _agents(organization)]
    if not recipients and organization.contact_email:
        recipients = [(organization.contact_email, "ja")]
    for address, locale in recipients:
        enqueue(address, locale, _l("New support request %(reference)s", reference=request.reference),
                "support_new", request=request, organization=organization, link=_link(request))


def assigned(request: SupportRequest, assignee: User) -> None:
    enqueue(assignee.email, assignee.locale,
            _l("%(reference)s has been assigned to you", reference=request.reference),
            "support_assigned", request=request, link=_link(request))


def requester_replied(request: SupportRequest) -> None:
    if request.assignee_id is not None:
        assignee = db.session.get(User, request.assignee_id)
        enqueue(assignee.email, assignee.locale,
                _l("%(reference)s: the requester has replied", reference=request.reference),
                "support_requester_replied", request=request, link=_link(request))


def escalation(organization: Organization, breaches: list[SupportRequest]) -> None:
    lead = db.session.get(User, organization.lead_id) if organization.lead_id else None
    address, locale = (lead.email, lead.locale) if lead else (organization.contact_email, "ja")
    if address:
        enqueue(address, locale,
                _l("Support requests past their service level at %(organization)s",
                   organization=LazyString(lambda: organization.name)),
                "support_escalation", organization=organization, breaches=breaches,
                link=external_url("support.queue", overdue=1))
