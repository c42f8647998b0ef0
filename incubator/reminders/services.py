"""Queue each due reminder once: the log row and the outbox mail are written in the same transaction.

Reminders are ground: each feature registers the generator of its due reminders with ``@reminder_source``; this
package never imports a feature.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from incubator.extensions import db
from incubator.jobs import daily_job
from incubator.outbox.services import enqueue
from incubator.reminders.models import ReminderLog

logger = logging.getLogger("incubator.reminders")


@dataclass
class Reminder:
    key: str  # what it is about, e.g. "visa-renewal:12"; with due_on and days_before it is sent once
    due_on: date
    days_before: int
    email: str
    locale: str
    subject: object  # a lazy string, rendered in the recipient's language
    template: str
    context: dict = field(default_factory=dict)


SOURCES: list = []


def reminder_source(func):
    """Register ``func(today)``, a generator of the reminders due today, with the daily run."""
    SOURCES.append(func)
    return func


def due(today: date):
    for source in SOURCES:
        yield from source(today)


def already_sent(reminder: Reminder) -> bool:
    return db.session.scalar(sa.select(ReminderLog.id).where(
        ReminderLog.key == reminder.key, ReminderLog.due_on == reminder.due_on,
        ReminderLog.days_before == reminder.days_before)) is not None


def queue(reminder: Reminder) -> bool:
    """Log and mail the reminder unless it went out before. A concurrent run trips the log's unique key."""
    if already_sent(reminder):
        return False
    db.session.add(ReminderLog(key=reminder.key, due_on=reminder.due_on, days_before=reminder.days_before))
    db.session.flush()
    enqueue(reminder.email, reminder.locale, reminder.subject, reminder.template, due_on=reminder.due_on,
            days_before=reminder.days_before, **reminder.context)
    logger.info("reminder %s (%s days before %s) queued", reminder.key, reminder.days_before, reminder.due_on)
    return True


@daily_job("reminders", label=_l("Reminders of deadlines"),
           counts={"queued": _l("queued"), "skipped": _l("sent before")})
def send_due(today: date) -> dict[str, int]:
    """Queue the reminders due today, one transaction each, so an interrupted run resumes without a double mail."""
    queued = skipped = 0
    for reminder in list(due(today)):
        try:
            if queue(reminder):
                db.session.commit()  # one reminder, one transaction: its log row and its mail together
                queued += 1
            else:
                skipped += 1
        except IntegrityError:  # another run queued it a moment ago
            db.session.rollback()
            skipped += 1
    return {"queued": queued, "skipped": skipped}
