"""The startup-visa case clock of an application.

The city's confirmation of the business-start plan starts the clock. The status is granted for six months at a
time and renewed every six months, up to two years in all; progress is checked at monthly meetings. Functions
change the session and flush; the view or command commits.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l

from incubator.applications.models import Application, Stage
from incubator.rules import NotAllowed
from incubator.audit.services import record
from incubator.auth.models import User
from incubator.dates import today_in_tokyo
from incubator.db import LabelledEnum
from incubator.extensions import db
from incubator.reminders.services import Reminder, reminder_source
from incubator.permissions import can_manage_startup_visa
from incubator.startup_visa.models import VisaEvent, VisaEventKind

logger = logging.getLogger("incubator.startup_visa")

PERIOD_MONTHS = 6
LIMIT_MONTHS = 24
MAX_RENEWALS = LIMIT_MONTHS // PERIOD_MONTHS - 1  # the first period, then three renewals
MEETING_EVERY_MONTHS = 1
# The clock runs for accepted founders who said they would use the startup visa.
CLOCK_STAGES = (Stage.ACCEPTED, Stage.ONBOARDING, Stage.TENANT)


class DeadlineKind(LabelledEnum):
    RENEWAL = "renewal", _l("Renewal of the startup visa")
    MEETING = "meeting", _l("Progress meeting")
    LIMIT = "limit", _l("End of the two-year startup-visa period")


@dataclass(frozen=True)
class Deadline:
    kind: DeadlineKind
    due_on: date
    is_scheduled: bool = False  # a meeting with a date agreed, rather than one that falls due

    def days_left(self, today: date) -> int:
        return (self.due_on - today).days


@dataclass
class Clock:
    application_id: int
    plan_confirmed_on: date | None = None
    renewals: int = 0
    last_meeting_on: date | None = None  # the latest meeting up to today
    scheduled_meeting_on: date | None = None  # the next meeting after today, if one is scheduled

    @property
    def is_started(self) -> bool:
        return self.plan_confirmed_on is not None

    @property
    def limit_on(self) -> date | None:
        return self.plan_confirmed_on + relativedelta(months=LIMIT_MONTHS) if self.is_started else None

    @property
    def period_ends_on(self) -> date | None:
        """The end of the current six-month period."""
        if not self.is_started:
            return None
        return self.plan_confirmed_on + relativedelta(months=PERIOD_MONTHS * (min(self.renewals, MAX_RENEWALS) + 1))

    @property
    def renewals_left(self) -> int:
        return max(0, MAX_RENEWALS - self.renewals)

    def deadlines(self) -> list[Deadline]:
        """What falls due next, soonest first."""
        if not self.is_started:
            return []
        result = [Deadline(DeadlineKind.LIMIT, self.limit_on)]
        if self.renewals_left:
            result.append(Deadline(DeadlineKind.RENEWAL, self.period_ends_on))
        if self.scheduled_meeting_on:
            result.append(Deadline(DeadlineKind.MEETING, self.scheduled_meeting_on, is_scheduled=True))
        else:
            since = max(filter(None, (self.last_meeting_on, self.plan_confirmed_on)))
            meeting_due = since + relativedelta(months=MEETING_EVERY_MONTHS)
            if meeting_due < self.limit_on:
                result.append(Deadline(DeadlineKind.MEETING, meeting_due))
        return sorted(result, key=lambda d: (d.due_on, d.kind.value))


def clocks(application_ids=None, today: date | None = None) -> dict[int, Clock]:
    """Each application's clock, aggregated by the database in one query."""
    today = today or today_in_tokyo()
    kind, on = VisaEvent.kind, VisaEvent.occurred_on
    stmt = sa.select(
        VisaEvent.application_id,
        sa.func.min(sa.case((kind == VisaEventKind.PLAN_CONFIRMED, on))),
        sa.func.count(sa.case((kind == VisaEventKind.RENEWAL, VisaEvent.id))),
        sa.func.max(sa.case((sa.and_(kind == VisaEventKind.PROGRESS_MEETING, on <= today), on))),
        sa.func.min(sa.case((sa.and_(kind == VisaEventKind.PROGRESS_MEETING, on > today), on))),
    ).group_by(VisaEvent.application_id)
    if application_ids is not None:
        stmt = stmt.where(VisaEvent.application_id.in_(application_ids))
    return {row[0]: Clock(*row) for row in db.session.execute(stmt)}


def clock_of(application: Application) -> Clock:
    return clocks([application.id]).get(application.id) or Clock(application.id)


def has_clock(application: Application) -> bool:
    return application.uses_startup_visa and application.stage in CLOCK_STAGES


def clock_for(application_id: int | None) -> Clock | None:
    """The clock of the application a venture came from, if it runs one (a venture's pages show it)."""
    application = db.session.get(Application, application_id) if application_id is not None else None
    return clock_of(application) if application is not None and has_clock(application) else None


def events(application: Application) -> list[VisaEvent]:
    return list(db.session.scalars(sa.select(VisaEvent).where(VisaEvent.application_id == application.id)
                                   .order_by(VisaEvent.occurred_on, VisaEvent.id)))


def record_event(application: Application, by: User, kind: VisaEventKind, occurred_on: date,
                 note: str = "") -> VisaEvent:
    """Add a plan confirmation, renewal or meeting; refuse what the startup-visa rules do not allow."""
    if not has_clock(application):
        raise NotAllowed(_l("The startup-visa clock runs only for accepted founders who use the startup visa."))
    clock = clock_of(application)
    today = today_in_tokyo()
    if kind is not VisaEventKind.PROGRESS_MEETING and occurred_on > today:
        raise NotAllowed(_l("Only a progress meeting can have a date in the future."))
    if kind is VisaEventKind.PLAN_CONFIRMED:
        if clock.is_started:
            raise NotAllowed(_l("The plan confirmation has already been recorded."))
    elif not clock.is_started:
        raise NotAllowed(_l("Record the confirmation of the business-start plan first."))
    elif occurred_on < clock.plan_confirmed_on:
        raise NotAllowed(_l("This date is before the confirmation of the business-start plan."))
    elif kind is VisaEventKind.RENEWAL and not clock.renewals_left:
        raise NotAllowed(_l("The startup visa lasts two years at most: no further renewal is possible."))
    elif kind is VisaEventKind.PROGRESS_MEETING and occurred_on > clock.limit_on:
        raise NotAllowed(_l("This date is after the end of the two-year startup-visa period."))
    event = VisaEvent(application_id=application.id, kind=kind, occurred_on=occurred_on, note=note.strip(),
                      by_id=by.id)
    db.session.add(event)
    db.session.flush()
    record(by, "startup_visa.record", application, event_id=event.id, kind=kind.value)
    logger.info("startup-visa %s recorded for application %s by user %s", kind.value, application.id, by.id)
    return event


def remove_event(application: Application, by: User, event: VisaEvent) -> None:
    """Take back an event recorded by mistake; the plan confirmation goes last."""
    if event.kind is VisaEventKind.PLAN_CONFIRMED and db.session.scalar(
            sa.select(sa.func.count(VisaEvent.id)).where(VisaEvent.application_id == application.id)) > 1:
        raise NotAllowed(_l("Remove the renewals and meetings before the plan confirmation."))
    db.session.delete(event)
    db.session.flush()
    record(by, "startup_visa.remove", application, event_id=event.id, kind=event.kind.value)


def panel(application: Application, user: User, form=None) -> dict | None:
    """The clock card on the application page, for the founder and staff; None when there is no clock."""
    if not has_clock(application):
        return None
    from incubator.startup_visa.forms import VisaEventForm

    clock = clock_of(application)
    context = {"clock": clock, "events": events(application), "today": today_in_tokyo(),
               "max_renewals": MAX_RENEWALS}
    if can_manage_startup_visa(user):
        context["form"] = form or VisaEventForm(formdata=None)
    return context


@dataclass
class CaseRow:
    application: Application
    clock: Clock

    @property
    def next_deadline(self) -> Deadline | None:
        deadlines = self.clock.deadlines()
        return deadlines[0] if deadlines else None


def open_cases(today: date | None = None) -> list[CaseRow]:
    """Every startup-visa founder whose two years have not ended, nearest deadline first (plan not yet
    confirmed comes first of all: the clock cannot start without it). Two queries."""
    today = today or today_in_tokyo()
    applications = list(db.session.scalars(
        sa.select(Application).where(Application.uses_startup_visa.is_(True), Application.stage.in_(CLOCK_STAGES))
        .order_by(Application.id)))
    by_id = clocks([a.id for a in applications], today)
    rows = [CaseRow(a, by_id.get(a.id) or Clock(a.id)) for a in applications]
    rows = [r for r in rows if not r.clock.is_started or r.clock.limit_on >= today]
    return sorted(rows, key=lambda r: (r.clock.is_started, r.next_deadline.due_on if r.next_deadline else today))


# --- reminders --------------------------------------------------------------------------------------------------

# Days ahead at which each kind of deadline is reminded. A monthly meeting gets the week's notice only: a
# 30-day notice would arrive the day after the previous meeting.
REMINDER_DAYS = {DeadlineKind.RENEWAL: (30, 7), DeadlineKind.LIMIT: (30, 7), DeadlineKind.MEETING: (7,)}


def due_reminders(today: date):
    """(application, deadline, days_before) for each reminder whose day has come; the 7-day one replaces
    a 30-day one that was missed, so a late run never sends a stale reminder."""
    for row in open_cases(today):
        for deadline in row.clock.deadlines():
            days_left = deadline.days_left(today)
            if days_left < 0:
                continue
            for days_before in sorted(REMINDER_DAYS[deadline.kind]):
                if days_left <= days_before:
                    yield row.application, deadline, days_before
                    break


@reminder_source
def reminders(today: date):
    """The startup-visa reminders due today, for the founder who applied, in their language."""
    from flask_babel import LazyString

    from incubator.i18n import format_day
    from incubator.urls import external_url

    due = list(due_reminders(today))
    founders = {user.id: user for user in db.session.scalars(
        sa.select(User).where(User.id.in_({application.applicant_id for application, _d, _b in due})))}
    for application, deadline, days_before in due:
        founder = founders[application.applicant_id]
        yield Reminder(
            key=f"visa-{deadline.kind.value}:{application.id}", due_on=deadline.due_on, days_before=days_before,
            email=founder.email, locale=founder.locale,
            subject=_l("Reminder: %(what)s on %(date)s", what=deadline.kind.label,
                       date=LazyString(format_day, deadline.due_on)),
            template="startup_visa_reminder",
            context={"application": application, "deadline": deadline, "days_left": deadline.days_left(today),
                     "link": external_url("applications.detail", application_id=application.id,
                                          _anchor="startup-visa")})


def clocks_of_applicant(applications: list[Application]) -> list[tuple[Application, Clock]]:
    """The started clocks among a founder's applications (one query)."""
    mine = [a for a in applications if has_clock(a)]
    by_id = clocks([a.id for a in mine]) if mine else {}
    return [(a, by_id[a.id]) for a in mine if a.id in by_id]
