"""Forms posted after the session timed out: kept for a day, bound to the person, so that nothing typed is lost.

After signing in, the person sees what they had typed and sends it again to the same address with a button (a new
CSRF token and a new one-time token, so both protections still apply). Passwords are never kept, nor anything
posted to the sign-in pages; uploaded files cannot be kept, and the page says so.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa

from incubator.auth.models import HeldPost
from incubator.db import utcnow
from incubator.extensions import db
from incubator.urls import safe_next

LIFETIME = timedelta(hours=24)
MAX_CHARACTERS = 200_000  # more than any form of the app takes; a larger post is not kept
# Never kept: tokens are replaced by new ones; passwords are not written down anywhere.
_DROPPED = ("csrf_token", "once_token")


def _kept(name: str) -> bool:
    return name not in _DROPPED and "password" not in name.lower()


def hold(user_id: int, path: str, fields: list[tuple[str, str]], *, had_files: bool) -> HeldPost | None:
    """Keep a post for the user; None when there is nothing worth keeping or it cannot be kept."""
    path = safe_next(path)
    kept = [[name, value] for name, value in fields if _kept(name)]
    if path is None or not any(value.strip() for _name, value in kept):
        return None
    if sum(len(name) + len(value) for name, value in kept) > MAX_CHARACTERS or len(path) > 2000:
        return None
    now = utcnow()
    purge()
    held = HeldPost(key=secrets.token_urlsafe(24), user_id=user_id, path=path, fields=kept,
                    once_token=secrets.token_urlsafe(24), had_files=had_files, created_at=now)
    db.session.add(held)
    db.session.flush()
    return held


def purge() -> None:
    """Forget the posts kept longer than a day."""
    db.session.execute(sa.delete(HeldPost).where(HeldPost.created_at <= utcnow() - LIFETIME)
                       .execution_options(synchronize_session=False))


def find(user_id: int, key: str) -> HeldPost | None:
    """The user's held post with this key, while it is kept."""
    held = db.session.get(HeldPost, key) if len(key) <= 64 else None
    if held is None or held.user_id != user_id or held.created_at <= utcnow() - LIFETIME:
        return None
    return held
