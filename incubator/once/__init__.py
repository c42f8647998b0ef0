"""One-time submit tokens: a form posted twice does its work once.

Every form (``incubator.forms.Form``) carries a random ``once_token``. The token is stored in the same commit as
the work the post did, so a second post of the same token (a double click, a browser re-sending a POST after a slow
network, two tabs) either finds it and is sent where the first post went, or — when both arrive at the same moment
— fails on the token's primary key at commit, is rolled back whole, and is sent there too. A post that changed
nothing (a form with errors) stores no token, so the person can correct it and send it again.

Nothing here knows any feature: it works on every POST of the app.
"""

from __future__ import annotations

import logging
import re

from flask import Flask, flash, g, has_request_context, redirect, request, url_for
from markupsafe import Markup
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.exc import IntegrityError

from incubator.errors import INTEGRITY_ANSWERS, render_conflict
from incubator.extensions import db
from incubator.once.models import Submission

logger = logging.getLogger("incubator.once")

FIELD = "once_token"
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _posted_token() -> str | None:
    if request.method != "POST":
        return None
    token = request.form.get(FIELD, "")
    return token if _TOKEN.match(token) else None


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _replay(submission: Submission | None):
    """Where the first post of this form went, with a word saying that nothing was done twice."""
    flash(_("This form had already been sent. It was saved once; here is the result."), "info")
    if submission is not None and submission.location:
        return redirect(submission.location, 303)
    return redirect(url_for("core.dashboard") if current_user.is_authenticated else url_for("core.index"), 303)


def _before_request():
    token = _posted_token()
    if token is None:
        return None
    done = db.session.get(Submission, token)
    if done is not None:
        if done.user_id != _user_id():
            return render_conflict()  # a crafted post with someone else's token: nothing to replay, nothing done
        logger.info("replayed post %s to %s", request.endpoint, done.endpoint)
        db.session.rollback()
        return _replay(done)
    g.once_token = token
    return None


def _before_commit(session) -> None:
    if not has_request_context() or getattr(g, "once_token", None) is None or g.get("once_stored"):
        return
    if session.in_nested_transaction():
        return
    session.add(Submission(token=g.once_token, user_id=_user_id(), endpoint=(request.endpoint or "")[:100]))
    g.once_pending = True


def _after_commit(session) -> None:
    if has_request_context() and g.get("once_pending"):
        g.once_stored, g.once_pending = True, False


def _after_rollback(session) -> None:
    if has_request_context() and g.get("once_pending"):
        g.once_pending = False


def _after_request(response):
    """Remember where the post went, so that a second post of the same form goes there too."""
    if g.get("once_stored") and response.status_code in (301, 302, 303, 307, 308) and response.location:
        submission = db.session.get(Submission, g.once_token)
        if submission is not None:
            submission.location = response.location[:2000]
            db.session.commit()
    return response


def replay_duplicate(error: IntegrityError):
    """The response for a commit that failed because the same form was sent twice at once, else None."""
    token = g.get("once_token") if has_request_context() else None
    if token is None or "submissions" not in str(error.orig).lower():
        return None
    db.session.rollback()
    g.once_token = None
    logger.info("parallel duplicate post to %s", request.endpoint)
    done = db.session.get(Submission, token)
    if done is not None and done.user_id != _user_id():
        return None
    return _replay(done)


def once_field() -> Markup:
    """The hidden token for a form written by hand in a template (forms of ``incubator.forms.Form`` have it)."""
    from incubator.forms import new_submit_token

    return Markup(f'<input type="hidden" name="{FIELD}" value="{new_submit_token()}">')


def init_app(app: Flask) -> None:
    app.jinja_env.globals["once_field"] = once_field
    if replay_duplicate not in INTEGRITY_ANSWERS:
        INTEGRITY_ANSWERS.append(replay_duplicate)
    app.before_request(_before_request)
    app.after_request(_after_request)
    for name, listener in (("before_commit", _before_commit), ("after_commit", _after_commit),
                           ("after_rollback", _after_rollback)):
        if not event.contains(db.session, name, listener):  # one app per process, or several in tests
            event.listen(db.session, name, listener)
