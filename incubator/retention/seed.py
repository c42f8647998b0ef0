"""Demo: one founder has asked for deletion and waits for staff's decision."""

from __future__ import annotations

import sqlalchemy as sa

from incubator.auth.models import User
from incubator.extensions import db
from incubator.retention.models import DeletionRequest


def seed_deletion_request(email: str = "founder.th@think.example.jp") -> None:
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or db.session.scalar(sa.select(DeletionRequest.id).where(DeletionRequest.user_id == user.id)):
        return
    db.session.add(DeletionRequest(user_id=user.id, reason="I am moving back to Bangkok and will not apply again."))
    db.session.flush()
