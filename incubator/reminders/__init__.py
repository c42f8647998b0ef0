"""Dated reminders, mailed through the outbox by a daily ``flask reminders send``."""

from flask import Blueprint

bp = Blueprint("reminders", __name__, cli_group="reminders")
