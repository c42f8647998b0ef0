"""Calendar feeds are conditional: an ETag and a Last-Modified no earlier than any change the feed shows, and 304
with no body to a calendar program whose copy is still right."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from flask import Response
from werkzeug.http import http_date

from incubator import conditional
from incubator.dates import start_of_day, today_in_tokyo
from incubator.exchanges import services
from incubator.exchanges.models import CalendarFeed, Exchange, ExchangeStatus
from incubator.extensions import db
from tests.exchanges.conftest import exchange_data


def _feed_url(users, city=None):
    feed = services.renew_feed(city, users["staff"])
    db.session.commit()
    return f"/calendar/{feed.token}.ics"


def _age_everything(hours=2):
    """Stamps from a while ago, so the feed's Last-Modified is a second gone and can be sent."""
    past = datetime.now(timezone.utc) - timedelta(hours=hours)
    db.session.execute(sa.update(Exchange).values(updated_at=past))
    db.session.execute(sa.update(CalendarFeed).values(renewed_at=past))
    db.session.commit()
    return max(past, start_of_day(today_in_tokyo()))


def _edit(users, exchange_id, **changes):
    """The staff's edit of an exchange: every field as it is, but ``changes``."""
    exchange = services.load(exchange_id)
    data = exchange_data([city.id for city in exchange.cities], **{
        name: getattr(exchange, name) for name in ("kind", "title", "starts_on", "ends_on", "visibility")})
    services.update_exchange(exchange, users["staff"], dict(data, **changes))
    db.session.commit()
    return exchange


def test_a_feed_answers_304_to_its_own_tag_and_date(app, users, ledger):
    url = _feed_url(users)
    newest = _age_everything()
    calendar_program = app.test_client()
    first = calendar_program.get(url)
    assert first.status_code == 200 and first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert first.headers["Last-Modified"] == http_date(newest)
    assert "Accept-Language" not in first.vary  # the feed's language is in its address
    for conditions in ({"If-None-Match": first.headers["ETag"]},
                       {"If-Modified-Since": first.headers["Last-Modified"]}):
        again = calendar_program.get(url, headers=conditions)
        assert again.status_code == 304, conditions
        assert again.get_data() == b"" and again.headers["ETag"] == first.headers["ETag"]
    # Another language is another answer.
    assert calendar_program.get(url + "?lang=ko", headers={"If-None-Match": first.headers["ETag"]}).status_code == 200


def test_an_edited_exchange_gives_a_new_answer(app, users, ledger):
    url = _feed_url(users)
    _age_everything()
    calendar_program = app.test_client()
    first = calendar_program.get(url)
    _edit(users, ledger["upcoming"].id, title="Next delegation, moved")
    for conditions in ({"If-None-Match": first.headers["ETag"]},
                       {"If-Modified-Since": first.headers["Last-Modified"]}):
        changed = calendar_program.get(url, headers=conditions)
        assert changed.status_code == 200, conditions
        assert b"moved" in changed.get_data() and changed.headers["ETag"] != first.headers["ETag"]


def test_an_exchange_that_left_the_feed_gives_a_new_answer(app, users, ledger):
    url = _feed_url(users)
    _age_everything()
    calendar_program = app.test_client()
    first = calendar_program.get(url)
    assert b"Next delegation" in first.get_data()
    ledger["upcoming"].status = ExchangeStatus.DECLINED
    db.session.commit()
    changed = calendar_program.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert changed.status_code == 200 and b"Next delegation" not in changed.get_data()


def test_a_change_of_cities_alone_moves_the_feeds_date(app, users, ledger, cities):
    _age_everything()
    before = db.session.get(Exchange, ledger["upcoming"].id).updated_at
    exchange = _edit(users, ledger["upcoming"].id, city_ids=[cities["bucheon"].id])
    assert exchange.updated_at > before
    assert services.feed_changed_at(services.renew_feed(cities["shenyang"], users["staff"]), cities["shenyang"]) \
        >= exchange.updated_at


def test_a_wrong_address_never_answers_304(app, users, ledger):
    url = _feed_url(users)
    tag = app.test_client().get(url).headers["ETag"]
    answer = app.test_client().get("/calendar/not-the-address.ics", headers={"If-None-Match": tag})
    assert answer.status_code == 404 and "ETag" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"


def test_a_stamp_of_the_current_second_is_not_sent(app):
    now = datetime.now(timezone.utc)
    with app.test_request_context():
        assert conditional.answer(Response(b"x"), last_modified=now).last_modified is None
        assert conditional.answer(Response(b"x"), last_modified=now - timedelta(seconds=2)).last_modified \
            == (now - timedelta(seconds=2)).replace(microsecond=0)
