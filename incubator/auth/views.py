from __future__ import annotations


from flask import Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, logout_user

from incubator.audit import services as audit
from incubator.audit.services import record
from incubator.auth import session_views, sessions  # noqa: F401  (session_views attaches its routes)
from incubator.auth import bp, services, throttle, twofactor, twofactor_views
from incubator.auth.signin import finish_login
from incubator.auth.forms import (ChangePasswordForm, ConfirmForm, EmailOnlyForm, LoginForm, NewPasswordForm,
                                  ProfileForm, RegisterForm)
from incubator.auth.models import TokenPurpose
from incubator import personal_data
from incubator.extensions import db, limiter
from incubator.permissions import can_edit_own_profile, is_signed_in, public, requires


def _login_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _invalid_link():
    return render_template("auth/invalid_link.html"), 400


@bp.route("/auth/login", methods=["GET", "POST"])
@public
@throttle.per_account
@limiter.limit(_login_limit, methods=["POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form), 422 if form.is_submitted() else 200
    user = services.authenticate(form.email.data, form.password.data)
    if user is None:
        audit.sign_in_failed(services.find_by_email(form.email.data), "credentials")  # a lookup either way
        # One message for an unknown address and a wrong password: it must not reveal which accounts exist.
        flash(_("The e-mail address or password is not correct."), "danger")
        return render_template("auth/login.html", form=form), 401
    if not user.is_verified:
        audit.sign_in_failed(user, "unverified")
        services.send_verification(user)
        db.session.commit()
        flash(_("Please confirm your e-mail address first. We have sent you a new link."), "warning")
        return render_template("auth/login.html", form=form), 403
    if twofactor.is_enabled(user):
        # Not signed in yet: the code from the authenticator app comes first (auth/twofactor_views.py).
        db.session.commit()  # a rehashed password
        return twofactor_views.start_challenge(user, remember=form.remember.data, next_url=request.args.get("next"))
    return finish_login(user, remember=form.remember.data, next_url=request.args.get("next"))


@bp.route("/auth/logout", methods=["POST"])
@requires(is_signed_in)
def logout():
    if sessions.current() is not None:
        sessions.end(sessions.current())  # the cookies of this browser, copied or not, stop working
        db.session.commit()
    logout_user()
    flash(_("You have signed out."), "info")
    return redirect(url_for("core.index"))


@bp.route("/auth/register", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("core.dashboard"))
    form = RegisterForm(locale=str(get_locale()))
    if not form.validate_on_submit():
        return render_template("auth/register.html", form=form), 422 if form.is_submitted() else 200
    # An address that already has an account gets the same answer (its owner gets a mail): no enumeration.
    services.register(email=form.email.data, password=form.password.data, locale=form.locale.data,
                      name_native=form.name_native.data or "", name_latin=form.name_latin.data,
                      name_kana=form.name_kana.data or "", nationality=form.nationality.data)
    db.session.commit()
    return redirect(url_for("auth.check_email"))


@bp.route("/auth/check-email")
@public
def check_email():
    return render_template("auth/check_email.html")


@bp.route("/auth/verify/<token>", methods=["GET", "POST"])
@public
def verify_email(token: str):
    form = ConfirmForm()
    if form.validate_on_submit():
        if services.verify_email(token) is None:
            return _invalid_link()
        db.session.commit()
        flash(_("Your e-mail address is confirmed. You can sign in now."), "success")
        return redirect(url_for("auth.login"))
    if services.peek_token(token, TokenPurpose.VERIFY_EMAIL) is None:
        return _invalid_link()
    return render_template("auth/verify_email.html", form=form)


@bp.route("/auth/verify/resend", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def resend_verification():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.resend_verification(form.email.data)
        db.session.commit()
        return redirect(url_for("auth.check_email"))
    return render_template("auth/resend.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/auth/reset", methods=["GET", "POST"])
@public
@limiter.limit(_login_limit, methods=["POST"])
def reset_request():
    form = EmailOnlyForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        flash(_("If an account uses that address, we have sent it a link to choose a new password."), "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form), 422 if form.is_submitted() else 200


@bp.route("/auth/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    if services.peek_token(token, TokenPurpose.RESET_PASSWORD) is None:
        return _invalid_link()
    form = NewPasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/reset_password.html", form=form), 422 if form.is_submitted() else 200
    if services.reset_password(token, form.password.data) is None:
        return _invalid_link()
    db.session.commit()
    flash(_("Your password has been changed. Please sign in with the new one."), "success")
    return redirect(url_for("auth.login"))


@bp.route("/account/profile", methods=["GET", "POST"])
@requires(can_edit_own_profile)
def profile():
    user = services.load_with_profile(current_user.id)
    form = ProfileForm(obj=user.profile, locale=user.locale)
    if request.method == "GET" and user.profile.residence_status:
        form.residence_status.data = user.profile.residence_status.value
    if not form.validate_on_submit():
        return render_template("auth/profile.html", form=form, user=user), 422 if form.is_submitted() else 200
    services.update_profile(user, by=user, locale=form.locale.data, **form.profile_data())
    db.session.commit()
    flash(_("Your profile has been saved."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/account/password", methods=["GET", "POST"])
@requires(can_edit_own_profile)
def change_password():
    form = ChangePasswordForm()
    if not form.validate_on_submit():
        return render_template("auth/change_password.html", form=form), 422 if form.is_submitted() else 200
    if services.authenticate(current_user.email, form.current.data) is None:
        form.current.errors.append(_("The current password is not correct."))
        return render_template("auth/change_password.html", form=form), 422
    user = current_user._get_current_object()
    services.set_password(user, form.password.data, by=user, keep=sessions.current())
    db.session.commit()
    sessions.keep_current(user)  # this browser stays signed in, with the account's new session version
    flash(_("Your password has been changed."), "success")
    return redirect(url_for("auth.profile"))


@bp.route("/account/my-data.zip", methods=["POST"])
@requires(can_edit_own_profile)
def my_data():
    """Everything held about the signed-in person, with their files, as one zip (APPI disclosure request)."""
    user = services.load_with_profile(current_user.id)
    body = personal_data.archive(user, services.personal_data(user))
    record(user, "profile.export", user)
    db.session.commit()
    return Response(body, mimetype="application/zip",
                    headers={"Content-Disposition": "attachment; filename=my-data.zip"})
