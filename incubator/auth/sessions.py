"""Signed-in sessions, kept in the database so that every worker on every host agrees on them.

A browser carries ``user_id:session_token:key`` in Flask's signed session cookie (and, with "keep me signed in",
in Flask-Login's remember-me cookie). On every request the loader checks all three parts:

- ``key`` names one ``UserSession`` row (only its SHA-256 digest is stored): signing out deletes it, so neither
  cookie works again, and the row also carries the idle and absolute timeouts;
- ``session_token`` is the user's session version: changing it ends every session of the user at once (password
  change or reset, deactivation, role change, "sign out everywhere"), including one being started at that moment.

Idle time is measured from the last page viewed; the time of last use is written at most once every
``SESSION_TOUCH_SECONDS``, after a GET has been answered (posts never get a second commit for it).
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, has_request_context, request
from flask_login import login_user
from sqlalchemy.orm import joinedload

from incubator.auth import held_posts
from incubator.auth.models import Role, User, UserSession, new_session_token
from incubator.db import utcnow
from incubator.extensions import db

logger = logging.getLogger("incubator.auth")

# Roles with the short idle timeout (SESSION_IDLE_MINUTES_STAFF); the others get SESSION_IDLE_MINUTES_APPLICANT.
STAFF_IDLE_ROLES = frozenset({Role.STAFF, Role.AGENT, Role.ADMIN})
# "Keep me signed in" is ignored for these roles: their sessions always time out.
NEVER_REMEMBERED = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class Ended:
    """Why the session the browser presented has ended by itself: "idle" or "lifetime"."""

    reason: str
    user_id: int
    minutes: int = 0
    hours: int = 0


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def idle_limit(user: User) -> timedelta:
    name = "SESSION_IDLE_MINUTES_STAFF" if user.role in STAFF_IDLE_ROLES else "SESSION_IDLE_MINUTES_APPLICANT"
    return timedelta(minutes=current_app.config[name])


def may_be_remembered(user: User) -> bool:
    return user.role not in NEVER_REMEMBERED


def remember_duration() -> timedelta:
    return timedelta(days=current_app.config["REMEMBER_DAYS"])


# --- starting a session -------------------------------------------------------------------------------------------

def open_session(user: User, *, remember: bool = False, user_agent: str = "", remote_addr: str | None = None) -> str:
    """Add a session row for this user and return the identity the browser keeps (``user_id:version:key``)."""
    now = utcnow()
    remember = remember and may_be_remembered(user)
    lifetime = remember_duration() if remember else timedelta(hours=current_app.config["SESSION_LIFETIME_HOURS"])
    browser, platform = describe_user_agent(user_agent)
    key = secrets.token_urlsafe(32)
    # Sessions past their absolute end can never come back; clearing them here keeps the table small.
    db.session.execute(sa.delete(UserSession).where(UserSession.expires_at <= now)
                       .execution_options(synchronize_session=False))
    held_posts.purge()
    db.session.add(UserSession(user_id=user.id, key_hash=_digest(key), is_remembered=remember, created_at=now,
                               last_seen_at=now, expires_at=now + lifetime, browser=browser, platform=platform,
                               ip_prefix=ip_prefix(remote_addr)))
    db.session.flush()
    return f"{user.id}:{user.session_token}:{key}"


def sign_in(user: User, *, remember: bool) -> bool:
    """Sign the person in on this browser (every factor checked); return whether they will be remembered."""
    remember = remember and may_be_remembered(user)
    user.session_id = open_session(user, remember=remember, user_agent=request.user_agent.string,
                                   remote_addr=request.remote_addr)
    login_user(user, remember=remember, duration=remember_duration() if remember else None)
    return remember


def keep_current(user: User) -> None:
    """After the user's version changed (a new password), give this browser its identity with the new version."""
    row = current()
    if row is None:
        return
    key = getattr(user, "session_id", "").rpartition(":")[2]
    user.session_id = f"{user.id}:{user.session_token}:{key}"
    login_user(user, remember=row.is_remembered, duration=remember_duration() if row.is_remembered else None)


# --- every request ------------------------------------------------------------------------------------------------

def load(identity: str) -> User | None:
    """Flask-Login's loader (session cookie and remember-me cookie): the user, if this session is still on."""
    user_id, version, key = _parse(identity)
    if key is None:
        return None
    row = db.session.scalar(sa.select(UserSession).options(joinedload(UserSession.user))
                            .where(UserSession.key_hash == _digest(key)))
    if row is None or row.user_id != user_id:
        return None
    user = row.user
    if not user.is_active or not secrets.compare_digest(user.session_token, version):
        return None
    now = utcnow()
    ended = _ended(row, user, now)
    if ended is not None:
        if has_request_context():
            g.session_ended = ended
        return None
    user.session_id = identity
    if has_request_context():
        g.user_session = row
        if now - row.last_seen_at >= timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"]):
            g.session_touch_due = True
    return user


def _parse(identity: str) -> tuple[int | None, str, str | None]:
    parts = identity.split(":") if isinstance(identity, str) else []
    if len(parts) != 3 or not parts[0].isdigit() or not parts[1] or not parts[2]:
        return None, "", None
    return int(parts[0]), parts[1], parts[2]


def _ended(row: UserSession, user: User, now: datetime) -> Ended | None:
    if now >= row.expires_at:
        return Ended("lifetime", user.id, hours=current_app.config["SESSION_LIFETIME_HOURS"])
    limit = idle_limit(user)
    if not row.is_remembered and now - row.last_seen_at >= limit:
        return Ended("idle", user.id, minutes=int(limit.total_seconds() // 60))
    return None


def current() -> UserSession | None:
    """This request's session row, once the user is loaded."""
    return g.get("user_session") if has_request_context() else None


def ended() -> Ended | None:
    """Why the session this browser presented ended by itself, if it did (for the login page's message)."""
    return g.get("session_ended") if has_request_context() else None


def touch_if_due() -> bool:
    """Write the time of last use, if due; the caller commits. Return whether there is anything to commit."""
    row = current()
    if row is None or not g.get("session_touch_due"):
        return False
    now = utcnow()
    threshold = now - timedelta(seconds=current_app.config["SESSION_TOUCH_SECONDS"])
    # Conditional, so that two workers answering the same browser at once write once.
    db.session.execute(sa.update(UserSession)
                       .where(UserSession.id == row.id, UserSession.last_seen_at <= threshold)
                       .values(last_seen_at=now).execution_options(synchronize_session=False))
    g.session_touch_due = False
    return True


# --- ending sessions ----------------------------------------------------------------------------------------------

def end(row: UserSession) -> None:
    """Sign one device out."""
    db.session.execute(sa.delete(UserSession).where(UserSession.id == row.id)
                       .execution_options(synchronize_session=False))
    logger.info("session %s of user %s ended", row.id, row.user_id)


def end_all(user: User, *, keep: UserSession | None = None) -> None:
    """Sign the user out everywhere (except the ``keep`` session): a new session version and no rows left."""
    user.session_token = new_session_token()
    stmt = sa.delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep.id)
    db.session.execute(stmt.execution_options(synchronize_session=False))
    logger.info("sessions of user %s ended%s", user.id, " except the current one" if keep is not None else "")


# --- the sessions page --------------------------------------------------------------------------------------------

def active_sessions(user: User) -> list[UserSession]:
    """The user's sessions still on, most recently used first."""
    now = utcnow()
    rows = db.session.scalars(sa.select(UserSession)
                              .where(UserSession.user_id == user.id, UserSession.expires_at > now)
                              .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())).all()
    limit = idle_limit(user)
    return [row for row in rows if row.is_remembered or now - row.last_seen_at < limit]


def find_active(user: User, session_id: int) -> UserSession | None:
    return next((row for row in active_sessions(user) if row.id == session_id), None)


# --- what the person sees of a device -----------------------------------------------------------------------------

_BROWSERS = (  # the first token found names the browser; order matters (Edge and Opera also say "Chrome")
    ("Edg", "Edge"), ("OPR/", "Opera"), ("Opera", "Opera"), ("SamsungBrowser", "Samsung Internet"),
    ("YaBrowser", "Yandex"), ("Firefox/", "Firefox"), ("FxiOS", "Firefox"), ("CriOS", "Chrome"),
    ("Chromium", "Chromium"), ("Chrome/", "Chrome"), ("Safari/", "Safari"),
)
_PLATFORMS = (  # iPhones say "like Mac OS X", Android says "Linux"
    ("iPhone", "iOS"), ("iPad", "iPadOS"), ("iPod", "iOS"), ("Android", "Android"), ("Windows", "Windows"),
    ("CrOS", "ChromeOS"), ("Macintosh", "macOS"), ("Mac OS X", "macOS"), ("Linux", "Linux"),
)


def describe_user_agent(user_agent: str | None) -> tuple[str, str]:
    """(browser, platform) from a User-Agent header, each "" when not recognised."""
    user_agent = user_agent or ""
    browser = next((name for token, name in _BROWSERS if token in user_agent), "")
    platform = next((name for token, name in _PLATFORMS if token in user_agent), "")
    return browser, platform


def ip_prefix(address: str | None) -> str:
    """The network around an address (/24 for IPv4, /48 for IPv6): enough to recognise a place, not a person."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 6 and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return str(ipaddress.ip_network(f"{ip}/{24 if ip.version == 4 else 48}", strict=False))
