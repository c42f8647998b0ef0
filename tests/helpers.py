"""Small helpers for reading what the app sent."""

from __future__ import annotations

import re

import sqlalchemy as sa

from incubator.extensions import db
from incubator.outbox.models import OutboxMessage


def outbox_for(email: str) -> list[OutboxMessage]:
    db.session.rollback()  # see the requests' commits
    return list(db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id)))


def link_path(message: OutboxMessage) -> str:
    """The path of the one site link in a mail body."""
    match = re.search(r"http://localhost(/\S+)", message.body)
    assert match, message.body
    return match.group(1)


def text(response) -> str:
    return response.get_data(as_text=True)
