"""Service levels of support requests, in business days (incubator.business_days).

Each request has two clocks: the first response (by default within 2 business days) and the resolution (within
10), counted from filing. A category can set its own; a subcategory without its own takes its category's. While
the request waits for the requester, both clocks stand still: the due time is cleared and the business time left
is kept, and it runs again from where it stopped when the request moves on. A resolved request stops the
resolution clock the same way, so that a reopened one goes on with what was left.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app

from incubator.business_days import add_business_days, add_business_time, business_time_between
from incubator.support.models import SupportCategory, SupportRequest


def targets(category: SupportCategory, parent: SupportCategory | None) -> tuple[int, int]:
    """(first-response days, resolution days) of a category, with its parent's and the defaults behind it."""
    config = current_app.config
    first = category.first_response_days or (parent.first_response_days if parent else None)
    resolution = category.resolution_days or (parent.resolution_days if parent else None)
    return first or config["SUPPORT_FIRST_RESPONSE_DAYS"], resolution or config["SUPPORT_RESOLUTION_DAYS"]


def start(request: SupportRequest, now: datetime, first_days: int, resolution_days: int) -> None:
    request.first_response_due_at = add_business_days(now, first_days)
    request.resolution_due_at = add_business_days(now, resolution_days)
    request.first_response_left_s = request.resolution_left_s = None


def _left(due: datetime | None, now: datetime) -> int | None:
    return None if due is None else int(business_time_between(now, due).total_seconds())


def pause(request: SupportRequest, now: datetime, *, first_response: bool = True) -> None:
    """Stop the clocks: keep the business time left, clear the due times."""
    if first_response and request.first_response_at is None and request.first_response_due_at is not None:
        request.first_response_left_s = _left(request.first_response_due_at, now)
        request.first_response_due_at = None
    if request.resolution_due_at is not None:
        request.resolution_left_s = _left(request.resolution_due_at, now)
        request.resolution_due_at = None


def resume(request: SupportRequest, now: datetime) -> None:
    """Run the clocks again from what was left."""
    if request.first_response_left_s is not None and request.first_response_at is None:
        request.first_response_due_at = add_business_time(now, timedelta(seconds=request.first_response_left_s))
    request.first_response_left_s = None
    if request.resolution_left_s is not None:
        request.resolution_due_at = add_business_time(now, timedelta(seconds=request.resolution_left_s))
    request.resolution_left_s = None


def first_response(request: SupportRequest, now: datetime) -> None:
    """The first public answer of the handling organization."""
    request.first_response_at = now
    request.first_response_business_s = int(business_time_between(request.created_at, now).total_seconds())
    request.first_response_left_s = None  # the due time stays: it shows whether it was met


def resolved(request: SupportRequest, now: datetime) -> None:
    """Stop the resolution clock and note whether the service level was met."""
    due = request.resolution_due_at
    if due is not None:
        request.resolved_in_time = now <= due
    else:  # resolved while its clock stood still: in time if time was left
        request.resolved_in_time = (request.resolution_left_s or 0) > 0
    request.resolution_business_s = int(business_time_between(request.created_at, now).total_seconds())
    pause(request, now, first_response=False)
