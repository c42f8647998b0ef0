"""The last step of signing in, shared by the password page and the two-factor page."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _

from incubator.auth import services, sessions
from incubator.extensions import db
from incubator.urls import safe_next


def finish_login(user, *, remember: bool, next_url: str | None):
    """Sign the person in, every factor checked: after the password, or after the code that follows it."""
    if not sessions.sign_in(user, remember=remember) and remember:
        flash(_("Administrators are never kept signed in on a device: you are signed out after some time "
                "without activity."), "info")
    services.record_login(user)
    db.session.commit()
    flash(_("Welcome back."), "success")
    return redirect(safe_next(next_url) or url_for("core.dashboard"))
