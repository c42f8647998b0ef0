"""Queue each due reminder once: the log row and the outbox mail are written in the same transaction."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from incubator.extensions import db
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


def sources():
    """Each feature's generator of due reminders, as ``source(today)``."""
    from incubator.startup_visa.services import reminders as startup_visa
    from incubator.ventures.services import card_reminders

    return (startup_visa, card_reminders)


def due(today: date):
    for source in sources():
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
