"""Two-factor sign-in: setting it up, the code step after the password, recovery codes, replay, the requirement
for admins and staff, turning it off, and throttling."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from incubator import create_app
from incubator.auth import services as accounts
from incubator.auth import twofactor
from incubator.auth.twofactor_models import RecoveryCode, TwoFactor
from incubator.db import utcnow
from incubator.extensions import db, limiter
from tests import factories
from tests.conftest import Client
from tests.helpers import text

WRONG = "The code is not correct."
REUSED = "This code has already been used."


def enable(user) -> tuple[pyotp.TOTP, list[str]]:
    """Two-factor sign-in on for ``user``, confirmed five minutes ago; the app and the recovery codes."""
    settings = twofactor.begin_setup(user)
    earlier = utcnow() - timedelta(minutes=5)
    totp = pyotp.TOTP(settings.secret)
    codes = twofactor.confirm_setup(user, totp.at(earlier), at=earlier)
    db.session.commit()
    return totp, codes


def not_now(totp: pyotp.TOTP) -> str:
    """A well-formed code that is none of the ones accepted around now."""
    accepted = {totp.at(utcnow() + timedelta(seconds=s)) for s in (-30, 0, 30)}
    return next(c for c in ("123456", "654321", "111111", "222222") if c not in accepted)


def sign_in(client, user, next_page=None):
    url = "/auth/login" + (f"?next={next_page}" if next_page else "")
    return client.post(url, data={"email": user.email, "password": factories.PASSWORD})


def send_code(client, code):
    return client.post("/auth/two-factor", data={"code": code})


def signed_in(client) -> bool:
    return client.get("/dashboard").status_code == 200


@pytest.fixture()
def required(app):
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = "admin,staff"
    yield
    app.config["TWO_FACTOR_REQUIRED_ROLES"] = ""


# --- setting it up ------------------------------------------------------------------------------------------

def test_setup_shows_a_qr_code_and_turns_on_with_a_current_code(client, login, users):
    user = users["applicant"]
    login(user)
    assert "Set up two-factor sign-in" in text(client.get("/account/two-factor"))

    assert client.post("/account/two-factor/start").status_code == 302
    page = client.get("/account/two-factor")
    secret = db.session.get(TwoFactor, user.id).secret
    soup = BeautifulSoup(text(page), "html.parser")
    assert soup.select_one("figure svg title") is not None  # the QR code, drawn inline
    assert not [s for s in soup.find_all("script") if not s.get("src")]  # no inline script (strict CSP)
    assert not soup.find("img")  # nothing fetched from elsewhere
    assert secret[:4] in text(page)  # the key, to type by hand
    assert page.headers["Cache-Control"] == "no-store"

    response = client.post("/account/two-factor/setup", data={"code": pyotp.TOTP(secret).now()})

    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    shown = [li.get_text(strip=True) for li in BeautifulSoup(text(response), "html.parser").select("ol li")]
    assert len(shown) == 10 and len(set(shown)) == 10
    db.session.rollback()
    assert twofactor.is_enabled(user)
    stored = db.session.scalars(sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10
    assert not {code.replace("-", "") for code in shown} & set(stored)  # only digests are kept
    assert "On ·" in text(client.get("/account/profile"))


def test_setup_with_a_wrong_code_stays_off(client, login, users):
    user = users["applicant"]
    login(user)
    client.post("/account/two-factor/start")
    totp = pyotp.TOTP(db.session.get(TwoFactor, user.id).secret)

    for bad in (not_now(totp), "abc", ""):
        response = client.post("/account/two-factor/setup", data={"code": bad})
        assert response.status_code == 422, bad
    assert "type the code the app shows now" in text(client.post("/account/two-factor/setup",
                                                                 data={"code": not_now(totp)}))
    db.session.rollback()
    assert not twofactor.is_enabled(user)
    assert twofactor.remaining_recovery_codes(user) == 0


# --- signing in ----------------------------------------------------------------------------------------------

def test_sign_in_asks_for_the_code_after_the_password(client, users):
    user = users["applicant"]
    totp, _codes = enable(user)

    response = sign_in(client, user, next_page="/account/profile")
    assert response.status_code == 302 and response.headers["Location"] == "/auth/two-factor"
    assert not signed_in(client)  # the password alone does not sign in
    assert "authenticator app" in text(client.get("/auth/two-factor"))

    response = send_code(client, totp.now())
    assert response.status_code == 302 and response.headers["Location"] == "/account/profile"
    assert signed_in(client)


def test_a_wrong_code_does_not_sign_in(client, users):
    user = users["applicant"]
    totp, _codes = enable(user)
    sign_in(client, user)

    response = send_code(client, not_now(totp))

    assert response.status_code == 401
    assert WRONG in text(response)
    assert not signed_in(client)
    assert send_code(client, "").status_code == 422


def test_the_code_step_is_nothing_without_the_password(client, users):
    totp, _codes = enable(users["applicant"])
    response = send_code(client, totp.now())
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert not signed_in(client)


def test_a_recovery_code_signs_in_once(client, app, users):
    user = users["applicant"]
    _totp, codes = enable(user)
    sign_in(client, user)

    response = send_code(client, codes[0].upper().replace("-", " "))  # typed with capitals and a space
    assert response.status_code == 302
    dashboard = client.get("/dashboard")
    assert dashboard.status_code == 200 and "You have 9 recovery codes left." in text(dashboard)

    again = app.test_client()
    sign_in(again, user)
    response = send_code(again, codes[0])
    assert response.status_code == 401 and WRONG in text(response)
    assert not signed_in(again)
    db.session.rollback()
    assert twofactor.remaining_recovery_codes(user) == 9


def test_a_used_code_cannot_be_replayed(client, app, users):
    user = users["applicant"]
    totp, _codes = enable(user)
    code = totp.now()
    sign_in(client, user)
    assert send_code(client, code).status_code == 302

    thief = app.test_client()
    sign_in(thief, user)
    response = send_code(thief, code)

    assert response.status_code == 401
    assert REUSED in text(response)
    assert not signed_in(thief)


def test_the_code_step_expires(client, users, monkeypatch):
    user = users["applicant"]
    totp, _codes = enable(user)
    sign_in(client, user)

    import incubator.auth.twofactor_views as views

    later = views.time.time() + 301
    monkeypatch.setattr(views.time, "time", lambda: later)
    response = send_code(client, totp.now())

    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert "took too long" in text(client.get("/auth/login"))
    assert not signed_in(client)


def test_a_password_reset_meanwhile_ends_the_code_step(client, users):
    user = users["applicant"]
    totp, _codes = enable(user)
    sign_in(client, user)
    accounts.set_password(user, "another long password", by=user)
    db.session.commit()

    response = send_code(client, totp.now())

    assert response.status_code == 302 and response.headers["Location"] == "/auth/login"
    assert not signed_in(client)


def test_sign_in_without_two_factor_is_unchanged(client, users):
    response = sign_in(client, users["applicant"])
    assert response.headers["Location"] == "/dashboard"
    assert signed_in(client)


# --- required for some roles ------------------------------------------------------------------------------------

def test_staff_without_two_factor_must_set_it_up_first(client, users, required):
    staff = users["staff"]
    assert sign_in(client, staff).status_code == 302

    for path in ("/dashboard", "/spaces/", "/account/profile"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/account/two-factor", path
    assert client.post("/account/my-data.zip").headers["Location"] == "/account/two-factor"
    page = text(client.get("/account/two-factor"))
    assert "Your role needs two-factor sign-in" in page

    client.post("/account/two-factor/start")
    secret = db.session.get(TwoFactor, staff.id).secret
    assert client.post("/account/two-factor/setup", data={"code": pyotp.TOTP(secret).now()}).status_code == 200

    assert client.get("/spaces/").status_code == 200
    # ...and it cannot be turned off again.
    assert client.post("/account/two-factor/disable").status_code == 403
    assert "cannot be turned off" in text(client.get("/account/two-factor"))


def test_applicants_are_not_required_to_use_two_factor(client, users, required):
    sign_in(client, users["applicant"])
    assert client.get("/dashboard").status_code == 200


def test_production_requires_two_factor_for_admins_and_staff(monkeypatch):
    from config import DevelopmentConfig, ProductionConfig, TestConfig

    assert ProductionConfig.TWO_FACTOR_REQUIRED_ROLES == "admin,staff"
    assert DevelopmentConfig.TWO_FACTOR_REQUIRED_ROLES == TestConfig.TWO_FACTOR_REQUIRED_ROLES == ""


# --- turning off, new recovery codes ---------------------------------------------------------------------------

def test_turning_off_needs_the_password_and_a_code(client, login, users):
    user = users["applicant"]
    totp, _codes = enable(user)
    login(user)

    wrong_password = client.post("/account/two-factor/disable",
                                 data={"disable-password": "not the password", "disable-code": totp.now()})
    assert wrong_password.status_code == 422 and "The current password is not correct." in text(wrong_password)
    wrong_code = client.post("/account/two-factor/disable",
                             data={"disable-password": factories.PASSWORD, "disable-code": not_now(totp)})
    assert wrong_code.status_code == 422 and WRONG in text(wrong_code)
    db.session.rollback()
    assert twofactor.is_enabled(user)

    response = client.post("/account/two-factor/disable",
                           data={"disable-password": factories.PASSWORD, "disable-code": totp.now()})
    assert response.status_code == 302
    db.session.rollback()
    assert not twofactor.is_enabled(user)
    assert twofactor.remaining_recovery_codes(user) == 0
    fresh = client.application.test_client()
    assert sign_in(fresh, user).headers["Location"] == "/dashboard"


def test_new_recovery_codes_replace_the_old_ones(client, app, login, users):
    user = users["applicant"]
    totp, old = enable(user)
    login(user)

    response = client.post("/account/two-factor/recovery-codes",
                           data={"regenerate-password": factories.PASSWORD, "regenerate-code": totp.now()})
    assert response.status_code == 200
    new = [li.get_text(strip=True) for li in BeautifulSoup(text(response), "html.parser").select("ol li")]
    assert len(new) == 10 and not set(new) & set(old)

    other = app.test_client()
    sign_in(other, user)
    assert send_code(other, old[1]).status_code == 401
    assert send_code(other, new[1]).status_code == 302


def test_a_lost_phone_is_reset_from_the_command_line(app, client, users):
    user = users["staff"]
    enable(user)

    result = app.test_cli_runner().invoke(args=["auth", "reset-two-factor", user.email.upper()])

    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert not twofactor.is_enabled(user)
    assert sign_in(client, user).headers["Location"] == "/dashboard"
    unknown = app.test_cli_runner().invoke(args=["auth", "reset-two-factor", "nobody@example.org"])
    assert unknown.exit_code != 0


# --- throttling ------------------------------------------------------------------------------------------------

@pytest.fixture()
def limited(app):
    """The app with rate limits on and three tries a minute (the test app has them off)."""
    limited = create_app("test", SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
                         RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI="memory://",
                         RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}", LOGIN_RATE_LIMIT="3 per minute",
                         WTF_CSRF_ENABLED=False)
    limited.test_client_class = Client
    yield limited
    limiter.enabled = False  # the limiter object is shared; leave it as the test app expects
    with limited.app_context():
        db.engine.dispose()


def test_codes_are_throttled_per_address_and_per_account(limited, users):
    user = users["applicant"]
    totp, _codes = enable(user)
    client = limited.test_client()
    sign_in(client, user)

    wrong = [send_code(client, not_now(totp)).status_code for _ in range(3)]
    assert wrong == [401, 401, 401]
    blocked = send_code(client, totp.now())
    assert blocked.status_code == 429 and "Traceback" not in text(blocked)

    # Another address does not buy more tries at the same account.
    moved = client.post("/auth/two-factor", data={"code": totp.now()}, environ_overrides={"REMOTE_ADDR": "10.9.8.7"})
    assert moved.status_code == 429
    assert not signed_in(client)
