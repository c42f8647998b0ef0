"""Sessions: signing out really signs out, sessions time out, and nothing typed before a timeout is lost."""

from __future__ import annotations

import importlib.util
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup

from incubator.auth import held_posts, sessions
from incubator.auth.models import HeldPost, UserSession
from incubator.extensions import db
from incubator.once.models import Submission
from incubator.support.models import SupportRequest
from tests import factories
from tests.helpers import link_path, outbox_for, text

FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_ON_IPHONE = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                    "Version/17.5 Mobile/15E148 Safari/604.1")
NEW_PASSWORD = "another long passphrase"


class Clock:
    """The time source of incubator.auth.sessions and held_posts, moved on by hand."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 1, 0, tzinfo=timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture()
def clock(monkeypatch):
    frozen = Clock()
    monkeypatch.setattr(sessions, "utcnow", frozen)
    monkeypatch.setattr(held_posts, "utcnow", frozen)
    return frozen


def browser(app, user_agent: str = FIREFOX_ON_WINDOWS, address: str = "203.0.113.45"):
    client = app.test_client()
    client.environ_base.update(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=address)
    return client


def sign_in(client, user, *, remember: bool = False, next_page: str | None = None, password=factories.PASSWORD):
    data = {"email": user.email, "password": password}
    if remember:
        data["remember"] = "y"
    url = "/auth/login" + (f"?next={next_page}" if next_page else "")
    response = client.post(url, data=data)
    assert response.status_code == 302, text(response)
    return response


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found is not None else None


def with_cookies(app, **cookies):
    """A new browser holding only these cookies (copied from another one, as a thief would)."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value)
    return client


def is_signed_in(client) -> bool:
    response = client.get("/dashboard")
    if response.status_code == 302:
        assert "/auth/login" in response.headers["Location"]
        return False
    assert response.status_code == 200
    return True


def session_rows(user) -> list[UserSession]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(UserSession).where(UserSession.user_id == user.id)))


# --- signing out signs out ----------------------------------------------------------------------------------------

def test_old_session_cookie_gets_the_login_page_after_sign_out(app, users):
    client = browser(app)
    sign_in(client, users["staff"])
    stolen = cookie(client, "session")
    assert is_signed_in(with_cookies(app, session=stolen))

    assert client.post("/auth/logout").status_code == 302

    replay = with_cookies(app, session=stolen)
    response = replay.get("/spaces/")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert session_rows(users["staff"]) == []


def test_remember_cookie_does_not_work_after_sign_out(app, users):
    client = browser(app)
    sign_in(client, users["applicant"], remember=True)
    remembered = cookie(client, "remember_token")
    assert remembered
    assert is_signed_in(with_cookies(app, remember_token=remembered))  # the browser closed and opened again

    client.post("/auth/logout")

    assert not is_signed_in(with_cookies(app, remember_token=remembered))
    assert not is_signed_in(with_cookies(app, remember_token=remembered, session=cookie(client, "session") or ""))


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, users):
    user = users["applicant"]
    here, elsewhere = browser(app), browser(app, SAFARI_ON_IPHONE, "198.51.100.7")
    sign_in(here, user, remember=True)
    sign_in(elsewhere, user, remember=True)
    old_remembered = cookie(here, "remember_token")

    response = here.post("/account/password", data={"current": factories.PASSWORD, "password": NEW_PASSWORD,
                                                     "confirm": NEW_PASSWORD})
    assert response.status_code == 302

    assert is_signed_in(here)
    assert not is_signed_in(elsewhere)
    assert not is_signed_in(with_cookies(app, remember_token=old_remembered))
    # This browser's remember-me cookie was renewed with the account's new session version.
    assert is_signed_in(with_cookies(app, remember_token=cookie(here, "remember_token")))
    assert len(session_rows(user)) == 1


def test_a_password_reset_ends_every_session(app, client, users):
    user = users["applicant"]
    signed_in = browser(app)
    sign_in(signed_in, user, remember=True)
    remembered = cookie(signed_in, "remember_token")

    client.post("/auth/reset", data={"email": user.email})
    path = link_path(outbox_for(user.email)[-1])
    assert client.post(path, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302

    assert not is_signed_in(signed_in)
    assert not is_signed_in(with_cookies(app, remember_token=remembered))
    assert session_rows(user) == []


@pytest.mark.parametrize("change", [{"role": "staff"}, {"role": "applicant", "is_active": "y"}],
                         ids=["deactivated", "new role"])
def test_deactivation_and_a_role_change_end_every_session(app, login, users, change):
    staff = users["staff"]
    signed_in, remembered_browser = browser(app), browser(app)
    sign_in(signed_in, staff)
    sign_in(remembered_browser, staff, remember=True)
    remembered = cookie(remembered_browser, "remember_token")
    admin = login(users["admin"], app.test_client())

    assert admin.post(f"/admin/users/{staff.id}", data=change).status_code == 302

    assert not is_signed_in(signed_in)
    assert not is_signed_in(with_cookies(app, remember_token=remembered))
    assert session_rows(staff) == []


def test_an_admin_saving_an_account_unchanged_signs_nobody_out(app, login, users):
    staff = users["staff"]
    signed_in = browser(app)
    sign_in(signed_in, staff)
    admin = login(users["admin"], app.test_client())

    assert admin.post(f"/admin/users/{staff.id}", data={"role": "staff", "is_active": "y"}).status_code == 302

    assert is_signed_in(signed_in)


def test_a_forged_or_malformed_session_identity_is_just_signed_out(app, users):
    staff = users["staff"]
    for identity in ("garbage", f"{staff.id}:{staff.session_token}", f"{staff.id}:{staff.session_token}:nokey",
                     f"{staff.id}::", "::", f"x:{staff.session_token}:abc"):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = identity
        assert not is_signed_in(client), identity


def test_another_accounts_version_does_not_open_a_session(app, users):
    """The key names the session; the user id and version in the cookie must be its account's."""
    applicant, staff = users["applicant"], users["staff"]
    identity = sessions.open_session(applicant)
    db.session.commit()
    key = identity.rpartition(":")[2]
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{staff.id}:{staff.session_token}:{key}"
    assert not is_signed_in(client)


# --- timeouts -----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("role, minutes", [("staff", 30), ("agent", 30), ("admin", 30), ("applicant", 120),
                                           ("liaison", 120)])
def test_idle_timeout_by_role(app, users, clock, role, minutes):
    client = browser(app)
    sign_in(client, users[role])

    clock.advance(minutes=minutes - 1)
    assert is_signed_in(client)  # activity: the idle time starts again
    clock.advance(minutes=minutes - 1)
    assert is_signed_in(client)
    clock.advance(minutes=minutes)

    response = client.get("/dashboard")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    page = text(client.get(response.headers["Location"]))
    assert f"You were signed out after {minutes} minutes without activity." in page
    assert "Please sign in again to go on where you were." in page


def test_idle_timeouts_are_configurable(app, users, clock, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES_APPLICANT", 10)
    client = browser(app)
    sign_in(client, users["applicant"])
    clock.advance(minutes=11)
    assert not is_signed_in(client)


def test_absolute_lifetime_ends_even_a_busy_session(app, users, clock):
    client = browser(app)
    sign_in(client, users["staff"])
    for _ in range(12 * 60 // 20 - 1):
        clock.advance(minutes=20)
        assert is_signed_in(client)
    clock.advance(minutes=20)  # 12 hours after signing in

    response = client.get("/dashboard")
    assert response.status_code == 302
    assert "your session reached its maximum length" in text(client.get(response.headers["Location"]))


def test_last_use_is_written_at_most_once_a_minute_and_only_after_a_get(app, users, clock):
    client = browser(app)
    sign_in(client, users["staff"])
    [row] = session_rows(users["staff"])
    signed_in_at = row.last_seen_at

    clock.advance(seconds=30)
    client.get("/dashboard")
    assert session_rows(users["staff"])[0].last_seen_at == signed_in_at

    clock.advance(seconds=31)
    client.post("/account/profile", data={"name_latin": ""})  # a post with errors: no second commit
    assert session_rows(users["staff"])[0].last_seen_at == signed_in_at

    client.get("/dashboard")
    assert session_rows(users["staff"])[0].last_seen_at == clock.now


# --- keep me signed in --------------------------------------------------------------------------------------------

def test_remember_me_lasts_fourteen_days_through_idle_time(app, users, clock):
    client = browser(app)
    response = sign_in(client, users["staff"], remember=True)
    remembered = cookie(client, "remember_token")
    [row] = session_rows(users["staff"])
    assert row.is_remembered and row.expires_at - row.created_at == timedelta(days=14)
    [set_cookie] = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("remember_token=")]
    expires = datetime.strptime(set_cookie.partition("Expires=")[2].partition(";")[0], "%a, %d %b %Y %H:%M:%S GMT")
    assert abs(expires.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc) - timedelta(days=14)) \
        < timedelta(minutes=5)

    clock.advance(days=3)  # far past 30 idle minutes: the browser was closed and is opened again
    assert is_signed_in(with_cookies(app, remember_token=remembered))
    clock.advance(days=11)
    assert not is_signed_in(with_cookies(app, remember_token=remembered))


def test_remember_me_can_be_shortened_but_never_beyond_fourteen_days(monkeypatch):
    monkeypatch.setenv("REMEMBER_DAYS", "365")
    assert _fresh_config().Config.REMEMBER_DAYS == 14
    monkeypatch.setenv("REMEMBER_DAYS", "3")
    fresh = _fresh_config()
    assert fresh.Config.REMEMBER_DAYS == 3 and fresh.Config.REMEMBER_COOKIE_DURATION == timedelta(days=3)


def _fresh_config():
    spec = importlib.util.spec_from_file_location("config_under_test", Path(__file__).parents[2] / "config.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_admins_are_never_remembered(app, users, clock):
    client = browser(app)
    response = sign_in(client, users["admin"], remember=True)

    assert "remember_token=" not in " ".join(response.headers.getlist("Set-Cookie"))
    assert cookie(client, "remember_token") is None
    [row] = session_rows(users["admin"])
    assert not row.is_remembered
    assert "Administrators are never kept signed in" in text(client.get("/dashboard"))
    clock.advance(minutes=31)
    assert not is_signed_in(client)


# --- back to where they were --------------------------------------------------------------------------------------

def test_after_a_timeout_signing_in_returns_to_the_page(app, users, clock):
    client = browser(app)
    sign_in(client, users["staff"])
    clock.advance(minutes=45)

    response = client.get("/spaces/leases?state=current")
    assert response.status_code == 302
    login_page = response.headers["Location"]
    next_page = parse_qs(urlsplit(login_page).query)["next"][0]
    assert next_page == "/spaces/leases?state=current"

    response = client.post(login_page, data={"email": users["staff"].email, "password": factories.PASSWORD})
    assert response.headers["Location"] == "/spaces/leases?state=current"
    assert client.get("/spaces/leases?state=current").status_code == 200


def _support_form(catalog):
    return {"category_id": str(catalog["bank_account"].id), "title": "銀行口座の開設",
            "description": "我需要为公司开一个银行账户。\n请问需要哪些材料？", "written_locale": "zh_Hans",
            "reply_locale": "zh_Hans", "consent_sharing": "y"}


def test_a_form_posted_after_the_timeout_is_kept_and_sent_after_signing_in(app, users, clock, csrf_app):
    catalog = factories.support_catalog()
    db.session.commit()
    applicant = users["applicant"]
    client = browser(app)
    sign_in_page = BeautifulSoup(text(client.get("/auth/login")), "html.parser")
    client.post("/auth/login", data={"email": applicant.email, "password": factories.PASSWORD,
                                     "csrf_token": _token(sign_in_page)})
    new_request = BeautifulSoup(text(client.get("/support/new")), "html.parser")

    clock.advance(hours=2, minutes=5)  # writing the request took long
    typed = _support_form(catalog) | {"csrf_token": _token(new_request), "once_token": _once_token(new_request)}
    response = client.post("/support/new", data=typed)

    assert response.status_code == 302
    login_page = response.headers["Location"]
    resume = parse_qs(urlsplit(login_page).query)["next"][0]
    assert resume.startswith("/account/resume/")
    assert _requests() == []
    assert db.session.get(Submission, typed["once_token"]) is None  # a post not carried out keeps its token unused
    page = BeautifulSoup(text(client.get(login_page)), "html.parser")
    assert "What you were sending has been kept" in page.get_text()

    response = client.post(login_page, data={"email": applicant.email, "password": factories.PASSWORD,
                                             "csrf_token": _token(page)})
    assert response.headers["Location"] == resume
    kept = BeautifulSoup(text(client.get(resume)), "html.parser")
    assert "请问需要哪些材料？" in kept.get_text()
    form = kept.find("form", action="/support/new")
    fields = {field["name"]: field["value"] for field in form.find_all("input", type="hidden")}
    assert fields["description"].replace("\r\n", "\n") == typed["description"]
    assert fields["csrf_token"] and fields["once_token"] != typed["once_token"]

    without_token = client.post("/support/new", data={k: v for k, v in fields.items() if k != "csrf_token"})
    assert without_token.status_code == 400 and _requests() == []  # CSRF still applies
    response = client.post("/support/new", data=fields)
    assert response.status_code == 302 and "/support/" in response.headers["Location"]
    [filed] = _requests()
    assert filed.title == "銀行口座の開設" and filed.description == typed["description"]


def _token(page) -> str:
    return page.find("input", {"name": "csrf_token"})["value"]


def _once_token(page) -> str:
    """The form's one-time submit token (incubator.once), or a made-up one where forms carry none."""
    field = page.find("input", {"name": "once_token"})
    return field["value"] if field is not None else "x" * 32


def _requests():
    db.session.rollback()
    return db.session.scalars(sa.select(SupportRequest)).all()


def test_passwords_and_sign_in_forms_are_never_kept(app, users, clock):
    client = browser(app)
    sign_in(client, users["applicant"])
    clock.advance(hours=3)

    response = client.post("/account/password", data={"current": factories.PASSWORD, "password": NEW_PASSWORD,
                                                       "confirm": NEW_PASSWORD})
    assert response.status_code == 302 and "resume" not in response.headers["Location"]
    held = held_posts.hold(users["applicant"].id, "/support/new", [("title", "a"), ("new_password", "secret"),
                                                                   ("csrf_token", "t")], had_files=False)
    assert held.fields == [["title", "a"]]
    db.session.rollback()
    assert db.session.scalars(sa.select(HeldPost).where(HeldPost.path == "/account/password")).all() == []


def test_a_kept_form_is_only_for_its_owner_and_only_for_a_day(app, users, login, clock):
    key = held_posts.hold(users["applicant"].id, "/support/new", [("title", "Bank account")], had_files=True).key
    db.session.commit()
    owner, other = login(users["applicant"], browser(app)), login(users["staff"], browser(app))

    assert other.get(f"/account/resume/{key}").status_code == 404
    page = owner.get(f"/account/resume/{key}")
    assert page.status_code == 200 and "Attached files cannot be kept" in text(page)

    clock.advance(hours=24)
    owner = login(users["applicant"], browser(app))  # the old session has timed out as well
    assert owner.get(f"/account/resume/{key}").status_code == 404
    assert owner.get("/account/resume/not-a-key").status_code == 404


def test_an_anonymous_post_is_not_kept(app, users):
    response = app.test_client().post("/support/new", data={"title": "x"})
    assert response.status_code == 302 and "resume" not in response.headers["Location"]
    db.session.rollback()
    assert db.session.scalars(sa.select(HeldPost)).all() == []


# --- the sessions page --------------------------------------------------------------------------------------------

def test_the_sessions_page_lists_devices_without_full_addresses(app, users):
    user = users["applicant"]
    here, phone = browser(app), browser(app, SAFARI_ON_IPHONE, "2001:db8:85a3:8d3:1319:8a2e:370:7348")
    sign_in(here, user)
    sign_in(phone, user, remember=True)

    page = text(here.get("/account/sessions"))

    assert "Firefox on Windows" in page and "Safari on iOS" in page
    assert "203.0.113.0/24" in page and "2001:db8:85a3::/48" in page
    assert "203.0.113.45" not in page and "8a2e" not in page
    assert page.count("Sign out this device") == 2 and "This device" in page and "Kept signed in" in page
    assert "Sign out everywhere" in text(here.get("/account/profile"))


def test_sign_out_this_device(app, users):
    user = users["applicant"]
    here, phone = browser(app), browser(app, SAFARI_ON_IPHONE)
    sign_in(here, user)
    sign_in(phone, user, remember=True)
    remembered = cookie(phone, "remember_token")
    phone_row = next(row for row in session_rows(user) if row.is_remembered)

    response = here.post(f"/account/sessions/{phone_row.id}/end")

    assert response.status_code == 302 and response.headers["Location"] == "/account/sessions"
    assert not is_signed_in(phone) and not is_signed_in(with_cookies(app, remember_token=remembered))
    assert is_signed_in(here)
    [own] = session_rows(user)
    response = here.post(f"/account/sessions/{own.id}/end")  # this device: signing out
    assert "/auth/login" in response.headers["Location"] and not is_signed_in(here)


def test_sign_out_everywhere(app, users):
    user = users["applicant"]
    here, phone = browser(app), browser(app, SAFARI_ON_IPHONE)
    sign_in(here, user)
    sign_in(phone, user, remember=True)
    remembered = cookie(phone, "remember_token")

    response = here.post("/account/sessions/end-all", follow_redirects=True)

    assert "You have been signed out on every device" in text(response)
    assert not is_signed_in(here) and not is_signed_in(phone)
    assert not is_signed_in(with_cookies(app, remember_token=remembered))


def test_someone_elses_session_cannot_be_ended(app, users, login):
    other = browser(app)
    sign_in(other, users["staff"])
    [row] = session_rows(users["staff"])
    client = login(users["applicant"], browser(app))

    assert client.post(f"/account/sessions/{row.id}/end").status_code == 404
    assert is_signed_in(other)


def test_timed_out_sessions_are_not_listed(app, users, login, clock):
    user = users["applicant"]
    idle = browser(app)
    sign_in(idle, user)
    clock.advance(hours=3)
    here = browser(app, SAFARI_ON_IPHONE)
    sign_in(here, user)

    page = text(here.get("/account/sessions"))
    assert "Safari on iOS" in page and "Firefox on Windows" not in page


@pytest.mark.parametrize("user_agent, expected", [
    (FIREFOX_ON_WINDOWS, ("Firefox", "Windows")),
    (SAFARI_ON_IPHONE, ("Safari", "iOS")),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 "
     "Safari/537.36 Edg/126.0.0.0", ("Edge", "macOS")),
    ("Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 "
     "Chrome/121.0.0.0 Mobile Safari/537.36", ("Samsung Internet", "Android")),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36",
     ("Chrome", "Linux")),
    ("curl/8.5.0", ("", "")),
    ("", ("", "")),
])
def test_user_agent_summary(user_agent, expected):
    assert sessions.describe_user_agent(user_agent) == expected


@pytest.mark.parametrize("address, expected", [
    ("203.0.113.45", "203.0.113.0/24"),
    ("::ffff:198.51.100.7", "198.51.100.0/24"),
    ("2001:db8:85a3:8d3:1319:8a2e:370:7348", "2001:db8:85a3::/48"),
    ("not an address", ""),
    (None, ""),
])
def test_addresses_are_kept_truncated(address, expected):
    assert sessions.ip_prefix(address) == expected
