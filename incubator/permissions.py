"""Who may do what: the one place that decides. Pure functions of the user (and the object), plus the
decorators that attach them to views.

Every view carries exactly one of ``@public`` or ``@requires(check)``; the access-matrix test fails on a
route that has neither.
"""

from __future__ import annotations

from functools import wraps
from typing import Callable

from flask import abort, current_app
from flask_login import current_user

from incubator.auth.models import Role

Check = Callable[[object], bool]


def _role(user) -> Role | None:
    return getattr(user, "role", None) if getattr(user, "is_authenticated", False) else None


def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_admin(user) -> bool:
    return _role(user) is Role.ADMIN


def is_staff(user) -> bool:
    """Incubator staff; administrators can do everything staff can."""
    return _role(user) in {Role.STAFF, Role.ADMIN}


def is_agent(user) -> bool:
    return _role(user) is Role.AGENT


def is_liaison(user) -> bool:
    return _role(user) is Role.LIAISON


def is_applicant(user) -> bool:
    return _role(user) is Role.APPLICANT


# --- feature permissions -------------------------------------------------------------------------------

def can_manage_users(user) -> bool:
    return is_admin(user)


def can_view_audit_log(user) -> bool:
    return is_admin(user)


def can_view_job_runs(user) -> bool:
    """The daily jobs' last runs and failures."""
    return is_admin(user)


def can_manage_reference_data(user) -> bool:
    """Organizations, partner cities and their translated names."""
    return is_admin(user)


def can_view_spaces(user) -> bool:
    return is_staff(user)


def can_manage_leases(user) -> bool:
    return is_staff(user)


def can_manage_spaces(user) -> bool:
    """Add THINK's spaces and change their rent, area or use."""
    return is_admin(user)


def can_view_organizations(user) -> bool:
    return is_staff(user)


def can_view_partner_cities(user) -> bool:
    return is_staff(user)


def can_edit_own_profile(user) -> bool:
    return is_signed_in(user)


def can_request_deletion(user) -> bool:
    """Applicants and liaisons may ask for their account and data to be deleted; staff, agents and admins are
    accounts of the organizations, closed by an administrator."""
    return _role(user) in {Role.APPLICANT, Role.LIAISON}


def can_decide_deletions(user) -> bool:
    return is_staff(user)


def must_use_two_factor(user) -> bool:
    """The roles that may use the system only with two-factor sign-in (TWO_FACTOR_REQUIRED_ROLES)."""
    role = _role(user)
    required = {name.strip() for name in current_app.config.get("TWO_FACTOR_REQUIRED_ROLES", "").split(",")}
    return role is not None and role.value in required


def can_turn_off_two_factor(user) -> bool:
    return is_signed_in(user) and not must_use_two_factor(user)


# --- entrepreneur applications ------------------------------------------------------------------------

def can_apply(user) -> bool:
    return is_applicant(user)


def can_review_applications(user) -> bool:
    """See the queue, move applications, comment, score and onboard."""
    return is_staff(user)


def can_view_application(user, application) -> bool:
    """Its applicant and staff; for everyone else the application does not exist (404)."""
    return is_staff(user) or (is_applicant(user) and application.applicant_id == user.id)


def can_edit_application(user, application) -> bool:
    return is_applicant(user) and application.applicant_id == user.id


def can_use_applications(user) -> bool:
    """Reach an application page at all: its applicant or staff (the object check follows)."""
    return is_applicant(user) or is_staff(user)


def can_score_applications(user) -> bool:
    """Staff review and score applications; several reviewers may score the same one."""
    return is_staff(user)


def can_edit_rubric(user) -> bool:
    return is_admin(user)


# --- startup-visa case clock ----------------------------------------------------------------------------------

def can_manage_startup_visa(user) -> bool:
    """Record plan confirmations, renewals and progress meetings, and see every case's deadlines."""
    return is_staff(user)


# --- ventures at THINK --------------------------------------------------------------------------------------

def can_manage_ventures(user) -> bool:
    """The staff's record of ventures, members, milestones, readiness, graduation and withdrawal."""
    return is_staff(user)


def can_use_tenant_pages(user) -> bool:
    """Reach the tenant pages at all: entrepreneurs and researchers (the membership check follows)."""
    return is_applicant(user)


def can_view_own_venture(user, membership) -> bool:
    """A current member of the venture; for everyone else the venture does not exist (404).

    ``membership`` is the user's current membership of the venture, or None."""
    return is_applicant(user) and membership is not None and membership.user_id == user.id


# --- support requests -----------------------------------------------------------------------------------------

def can_file_support_request(user) -> bool:
    """Entrepreneurs, tenant members and researchers for themselves; staff for someone who came in or phoned."""
    return is_applicant(user) or is_staff(user)


def can_use_support(user) -> bool:
    """Reach a request's page at all (the object check follows)."""
    return is_applicant(user) or is_staff(user) or is_agent(user)


def can_work_support_queue(user) -> bool:
    """Staff see every request; an agent sees their organization's."""
    return is_staff(user) or is_agent(user)


def can_handle_support_request(user, request) -> bool:
    """Reply, write internal notes, assign, change the status, transfer and split."""
    return is_staff(user) or (is_agent(user) and request.organization_id == user.organization_id)


def can_view_support_request(user, request) -> bool:
    """Its handlers and its requester; for everyone else the request does not exist (404)."""
    return can_handle_support_request(user, request) or (
        is_applicant(user) and request.requester_id is not None and request.requester_id == user.id)


def can_manage_support_catalog(user) -> bool:
    """The catalog of categories and the routing rules."""
    return is_admin(user)


def can_edit_canned_replies(user, organization_id: int | None = None) -> bool:
    """Staff for every organization; an agent for their own."""
    return is_staff(user) or (is_agent(user) and (organization_id is None or organization_id == user.organization_id))


# --- partner cities and exchanges --------------------------------------------------------------------------

def can_manage_exchanges(user) -> bool:
    """The exchange ledger, city pages, statistics, proposals' decisions and calendar feeds."""
    return is_staff(user)


def can_use_city_portal(user) -> bool:
    """A liaison's portal: their own city only (every object check follows)."""
    return is_liaison(user)


# --- programme reports ----------------------------------------------------------------------------------------

def can_view_programme_reports(user) -> bool:
    """The programme dashboard, every organization's and city's figures, the annual report and their exports."""
    return is_staff(user)


def can_set_targets(user) -> bool:
    return is_admin(user)


def can_use_organization_reports(user) -> bool:
    """Reach an organization's dashboard at all (the object check follows)."""
    return is_staff(user) or is_agent(user)


def can_view_organization_report(user, organization_id: int) -> bool:
    """Staff see every organization's figures; an agent their own. For anyone else they do not exist (404)."""
    return is_staff(user) or (is_agent(user) and user.organization_id == organization_id)


def can_use_city_reports(user) -> bool:
    """Reach a partner city's dashboard at all (the object check follows)."""
    return is_staff(user) or is_liaison(user)


def can_view_city_report(user, city_id: int) -> bool:
    """Staff see every city's figures; a liaison their own city's. For anyone else they do not exist (404)."""
    return is_staff(user) or (is_liaison(user) and user.partner_city_id == city_id)


# --- researcher intake ----------------------------------------------------------------------------------------

def can_file_researcher_case(user) -> bool:
    """Researchers are applicants: they file and follow their own cases."""
    return is_applicant(user)


def can_manage_researcher_cases(user) -> bool:
    """See every case, move it through the intake and read the internal notes."""
    return is_staff(user)


def can_use_researcher_cases(user) -> bool:
    """Reach a case page at all: its researcher or staff (the object check follows)."""
    return is_applicant(user) or is_staff(user)


def can_view_researcher_case(user, case) -> bool:
    """Its researcher and staff; for everyone else the case does not exist (404)."""
    return is_staff(user) or (is_applicant(user) and case.researcher_id == user.id)


def can_edit_researcher_case(user, case) -> bool:
    return is_applicant(user) and case.researcher_id == user.id


# --- view decorators -----------------------------------------------------------------------------------

def public(view):
    """Anyone may use this view, signed in or not."""
    view.access = "public"
    return view


def requires(check: Check):
    """Sign-in required (anonymous visitors go to the login page); then ``check(user)`` or 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            from incubator.extensions import login_manager

            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if not check(current_user):
                from incubator.audit.signals import access_denied

                access_denied.send(current_user._get_current_object(), check=check.__name__)  # audited
                abort(403)
            return view(*args, **kwargs)

        wrapped.access = check
        return wrapped

    return decorator
