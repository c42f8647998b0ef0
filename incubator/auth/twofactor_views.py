"""Two-factor sign-in: the code step after the password, setting it up and turning it off, and the requirement
for some roles (TWO_FACTOR_REQUIRED_ROLES) to set it up before anything else.

Between the password and the code the person is not signed in: the session holds only a short-lived pending
state, bound to the account (its session identity, so a password change or deactivation ends it too).
"""

from __future__ import annotations

import hmac
import logging
import time

import click
from flask import current_app, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user
from markupsafe import Markup

from incubator.audit import services as audit
from incubator.auth import bp, services
from incubator.auth import twofactor as twofactor_service
from incubator.auth.forms import ConfirmForm
from incubator.auth.signin import finish_login
from incubator.auth.models import User
from incubator.auth.twofactor_forms import ChallengeForm, ReauthForm, SetupForm
from incubator.extensions import db, limiter
from incubator.permissions import can_edit_own_profile, can_turn_off_two_factor, must_use_two_factor, public, requires
from incubator.urls import safe_next

logger = logging.getLogger("incubator.auth")

PENDING = "two_factor_pending"

# What a person who must set up two-factor sign-in may still reach before doing so.
OPEN_WHILE_SETTING_UP = {"auth.twofactor", "auth.twofactor_start", "auth.twofactor_confirm", "auth.logout",
                         "core.set_language", "core.healthz", "core.readyz", "core.metrics", "static", "bootstrap.static"}

def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _pending_account_key() -> str:
    """Codes are counted per account too, so that changing address does not give an attacker more tries."""
    state = session.get(PENDING)
    if isinstance(state, dict) and state.get("user"):
        return "two-factor:" + str(state["user"]).partition(":")[0]
    return _address_key()


def _signed_in_account_key() -> str:
    return f"two-factor:{current_user.id}" if current_user.is_authenticated else _address_key()


def _address_key() -> str:
    # Not the bare address: that is the key of the limit per address on the same view, which would count twice.
    return "two-factor-address:" + (get_remote_address() or "")


def _wrong_code_message() -> str:
    return _("The code is not correct. Check that your device shows the right time, or use a recovery code.")


def _setup_code_message() -> str:
    return _("The code is not correct. Check that your device shows the right time, and type the code the app "
             "shows now.")


def _reused_code_message() -> str:
    return _("This code has already been used. Please wait for the next code from your app.")


# --- signing in: the step after the password -------------------------------------------------------------------

def start_challenge(user: User, *, remember: bool, next_url: str | None):
    """The password was right: remember that for a few minutes and ask for the code."""
    session[PENDING] = {
        "user": user.get_id(),
        "until": int(time.time()) + current_app.config["TWO_FACTOR_PENDING_SECONDS"],
        "remember": bool(remember),
        "next": safe_next(next_url),
    }
    return redirect(url_for("auth.twofactor_challenge"))


def _pending_user(state) -> User | None:
    """The account the pending state is for, while it lasts and the account has not been signed out since."""
    if not isinstance(state, dict) or not isinstance(state.get("user"), str):
        return None
    if not isinstance(state.get("until"), int) or time.time() > state["until"]:
        return None
    user_id = state["user"].partition(":")[0]
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.is_active or not hmac.compare_digest(user.get_id(), state["user"]):
        return None
    return user


@bp.route("/auth/two-factor", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_pending_account_key)
def twofactor_challenge():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    state = session.get(PENDING)
    user = _pending_user(state)
    if user is None:
        if session.pop(PENDING, None) is not None:
            flash(_("Signing in took too long and was stopped. Please enter your e-mail address and password "
                    "again."), "warning")
        return redirect(url_for("auth.login"))
    form = ChallengeForm()
    if not form.validate_on_submit():
        return render_template("auth/twofactor_challenge.html", form=form), 422 if form.is_submitted() else 200
    try:
        method = twofactor_service.verify(user, form.code.data)
    except twofactor_service.CodeReused:
        audit.sign_in_failed(user, "code")
        form.code.errors.append(_reused_code_message())
        return render_template("auth/twofactor_challenge.html", form=form), 401
    except twofactor_service.WrongCode:
        audit.sign_in_failed(user, "code")
        form.code.errors.append(_wrong_code_message())
        return render_template("auth/twofactor_challenge.html", form=form), 401
    session.pop(PENDING, None)
    if method == "recovery":
        flash(ngettext("You signed in with a recovery code. You have %(num)d recovery code left.",
                       "You signed in with a recovery code. You have %(num)d recovery codes left.",
                       twofactor_service.remaining_recovery_codes(user)), "warning")

    return finish_login(user, remember=state.get("remember", False), next_url=state.get("next"))


# --- the person's own settings ------------------------------------------------------------------------------------

def _settings_page(user: User, *, setup_form=None, regenerate_form=None, disable_form=None, status: int = 200):
    settings = twofactor_service.settings_for(user)
    context = {
        "settings": settings,
        "required": must_use_two_factor(user),
        "can_turn_off": can_turn_off_two_factor(user),
        "start_form": ConfirmForm(),
        "setup_form": setup_form or SetupForm(),
        "regenerate_form": regenerate_form or ReauthForm(prefix="regenerate"),
        "disable_form": disable_form or ReauthForm(prefix="disable"),
        "remaining": twofactor_service.remaining_recovery_codes(user) if settings and settings.is_enabled else 0,
    }
    if settings is not None and not settings.is_enabled:
        uri = twofactor_service.provisioning_uri(settings, user)
        context["qr"] = Markup(twofactor_service.qr_svg(uri, title=_("QR code to scan with your authenticator app")))
        context["secret"] = twofactor_service.grouped_secret(settings)
    return _no_store(render_template("auth/twofactor_settings.html", **context), status)


def _codes_page(codes: list[str]):
    return _no_store(render_template("auth/twofactor_recovery_codes.html", codes=codes), 200)


def _no_store(body: str, status: int):
    """Secrets and recovery codes stay out of every cache (the browser's back button included)."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/account/two-factor")
@requires(can_edit_own_profile)
def twofactor():
    return _settings_page(_me())


@bp.route("/account/two-factor/start", methods=["POST"])
@requires(can_edit_own_profile)
def twofactor_start():
    try:
        twofactor_service.begin_setup(_me())
    except twofactor_service.AlreadyEnabled:
        flash(_("Two-factor sign-in is already on."), "info")
        return redirect(url_for("auth.twofactor"))
    db.session.commit()
    return redirect(url_for("auth.twofactor"))


@bp.route("/account/two-factor/setup", methods=["POST"])
@requires(can_edit_own_profile)
@limiter.limit(_login_limit, methods=["POST"])
def twofactor_confirm():
    user = _me()
    settings = twofactor_service.settings_for(user)
    if settings is None or settings.is_enabled:
        return redirect(url_for("auth.twofactor"))
    form = SetupForm()
    if not form.validate_on_submit():
        return _settings_page(user, setup_form=form, status=422)
    try:
        codes = twofactor_service.confirm_setup(user, form.code.data)
    except twofactor_service.CodeRejected:
        form.code.errors.append(_setup_code_message())
        return _settings_page(user, setup_form=form, status=422)
    db.session.commit()
    logger.info("two-factor sign-in turned on by user %s", user.id)
    flash(_("Two-factor sign-in is on. From now on you sign in with your password and a code from your app."),
          "success")
    return _codes_page(codes)


def _reauthenticated(user: User, form: ReauthForm) -> bool:
    """Both factors again: the password, then a current code or an unused recovery code (which is used up)."""
    if not form.validate_on_submit():
        return False
    if services.authenticate(user.email, form.password.data) is None:
        form.password.errors.append(_("The current password is not correct."))
        return False
    try:
        twofactor_service.verify(user, form.code.data)
    except twofactor_service.CodeReused:
        form.code.errors.append(_reused_code_message())
        return False
    except twofactor_service.WrongCode:
        form.code.errors.append(_wrong_code_message())
        return False
    return True


@bp.route("/account/two-factor/recovery-codes", methods=["POST"])
@requires(can_edit_own_profile)
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_signed_in_account_key)
def twofactor_regenerate():
    user = _me()
    if not twofactor_service.is_enabled(user):
        return redirect(url_for("auth.twofactor"))
    form = ReauthForm(prefix="regenerate")
    if not _reauthenticated(user, form):
        return _settings_page(user, regenerate_form=form, status=422)
    codes = twofactor_service.regenerate_recovery_codes(user)
    db.session.commit()
    flash(_("Here are your new recovery codes. The old ones no longer work."), "success")
    return _codes_page(codes)


@bp.route("/account/two-factor/disable", methods=["POST"])
@requires(can_turn_off_two_factor)
@limiter.limit(_login_limit, methods=["POST"])
@limiter.limit(_login_limit, methods=["POST"], key_func=_signed_in_account_key)
def twofactor_disable():
    user = _me()
    if not twofactor_service.is_enabled(user):
        return redirect(url_for("auth.twofactor"))
    form = ReauthForm(prefix="disable")
    if not _reauthenticated(user, form):
        return _settings_page(user, disable_form=form, status=422)
    twofactor_service.disable(user, by=user)
    db.session.commit()
    logger.info("two-factor sign-in turned off by user %s", user.id)
    flash(_("Two-factor sign-in is off. You sign in with your password only."), "info")
    return redirect(url_for("auth.twofactor"))


@bp.app_template_global("two_factor_on")
def two_factor_on(user: User) -> bool:
    return twofactor_service.is_enabled(user)


# --- the requirement for some roles ---------------------------------------------------------------------------------

@bp.before_app_request
def _require_two_factor():
    """A person whose role must use two-factor sign-in can do nothing else until they have set it up."""
    if request.endpoint in OPEN_WHILE_SETTING_UP or not current_user.is_authenticated:
        return None
    if not must_use_two_factor(current_user) or twofactor_service.is_enabled(current_user):
        return None
    flash(_("Your role needs two-factor sign-in. Please set it up before you continue."), "warning")
    return redirect(url_for("auth.twofactor"))


# --- the command line -------------------------------------------------------------------------------------------

@bp.cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor(email: str) -> None:
    """Turn off two-factor sign-in for an account that lost both its device and its recovery codes."""
    user = services.find_by_email(email)
    if user is None:
        raise click.ClickException("no account has this e-mail address")
    twofactor_service.disable(user, by=None)
    db.session.commit()
    click.echo("Two-factor sign-in is off for that account; it must be set up again on the next sign-in "
               "if the role requires it.")
