"""Signed-in devices: the list, signing one out or all of them; where a timed-out person is sent, and the form
they had posted. The rules are in incubator/auth/sessions.py."""

from __future__ import annotations

import logging

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, logout_user
from flask_login.utils import login_url
from sqlalchemy.exc import SQLAlchemyError

from incubator.audit.services import record
from incubator.auth import bp, held_posts, sessions
from incubator.auth.forms import ConfirmForm
from incubator.extensions import db, login_manager
from incubator.permissions import can_edit_own_profile, is_signed_in, requires

logger = logging.getLogger("incubator.auth")


@bp.record_once
def _configure_login_manager(state) -> None:
    # The cookies name one session of the account, not the account (see sessions.py).
    login_manager.id_attribute = "get_session_id"
    login_manager.unauthorized_handler(_sign_in_first)


def _sign_in_first():
    """Where a request that needs a signed-in person goes: the login page, then back to where they were."""
    ended = sessions.ended()
    if ended is None:
        flash(str(login_manager.login_message), login_manager.login_message_category)
        return redirect(login_url(login_manager.login_view, next_url=request.url))
    next_url = request.url
    if ended.reason == "idle":
        message = ngettext("You were signed out after %(num)d minute without activity.",
                           "You were signed out after %(num)d minutes without activity.", ended.minutes)
    else:
        message = _("You were signed out because your session reached its maximum length.")
    flash(message + " " + _("Please sign in again to go on where you were."), "warning")
    held = _hold_post(ended.user_id)
    if held is not None:
        next_url = url_for("auth.resume_post", token=held.key)
        flash(_("What you were sending has been kept: after signing in you can check it and send it again."),
              "info")
    return redirect(login_url(login_manager.login_view, next_url=next_url))


def _hold_post(user_id: int):
    """Keep the form posted after the timeout (never one of the sign-in pages' own forms)."""
    if request.method != "POST" or request.blueprint == "auth":
        return None
    path = request.script_root + request.path
    if request.query_string:
        path += f"?{request.query_string.decode('latin-1')}"
    held = held_posts.hold(user_id, path, list(request.form.items(multi=True)),
                           had_files=any(file.filename for file in request.files.values()))
    if held is not None:
        # The post was not carried out, so it must not use up its one-time token (incubator.once), which would
        # otherwise be stored with this commit.
        g.pop("once_token", None)
        db.session.commit()
        logger.info("post to %s kept for user %s after a timeout", request.endpoint, user_id)
    return held


@bp.after_app_request
def _write_last_use(response):
    """The time of last use, at most once a minute, after a page has been answered (GET: nothing else commits)."""
    if request.method in ("GET", "HEAD") and response.status_code < 500 and sessions.touch_if_due():
        try:
            db.session.commit()
        except SQLAlchemyError:
            # A busy database must not turn an answered page into an error: the next page writes it.
            db.session.rollback()
            logger.warning("last use of a session not written on %s", request.endpoint)
    return response


def _me():
    return current_user._get_current_object()


@bp.route("/account/sessions")
@requires(can_edit_own_profile)
def device_sessions():
    user = _me()
    return render_template("auth/sessions.html", rows=sessions.active_sessions(user), current=sessions.current(),
                           idle_minutes=int(sessions.idle_limit(user).total_seconds() // 60),
                           may_be_remembered=sessions.may_be_remembered(user))


@bp.route("/account/sessions/<int:session_id>/end", methods=["POST"])
@requires(can_edit_own_profile)
def end_device_session(session_id: int):
    user = _me()
    row = sessions.find_active(user, session_id) or abort(404)
    if not ConfirmForm().validate_on_submit():
        return redirect(url_for("auth.device_sessions"))
    current = sessions.current()
    is_current = current is not None and row.id == current.id
    sessions.end(row)
    record(user, "auth.session_ended", user, current=is_current)
    db.session.commit()
    if is_current:
        logout_user()
        flash(_("You have signed out."), "info")
        return redirect(url_for("auth.login"))
    flash(_("That device has been signed out."), "success")
    return redirect(url_for("auth.device_sessions"))


@bp.route("/account/sessions/end-all", methods=["POST"])
@requires(can_edit_own_profile)
def end_all_sessions():
    user = _me()
    sessions.end_all(user)
    record(user, "auth.signed_out_everywhere", user)
    db.session.commit()
    logout_user()
    flash(_("You have been signed out on every device, this one included."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/resume/<token>")
@requires(is_signed_in)
def resume_post(token: str):
    held = held_posts.find(current_user.id, token) or abort(404)
    return render_template("auth/sessions_resume.html", held=held)
