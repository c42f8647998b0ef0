"""Keyset cursors carry the last row's sort value; every column type we sort by comes back as it went."""

from __future__ import annotations

from datetime import date, datetime, timezone

from incubator.pagination import _decode, _encode
from incubator.spaces.models import Lease
from incubator.support.models import SupportRequest
from incubator.ventures.models import Venture


def test_cursors_round_trip_for_each_kind_of_sort_column():
    moment = datetime(2026, 12, 7, 15, 0, tzinfo=timezone.utc)
    for column, value in ((SupportRequest.resolution_due_at, moment), (Lease.ends_on, date(2027, 3, 31)),
                          (Venture.name_latin, "Lotus AgriTech"), (SupportRequest.id, 42)):
        assert _decode(_encode(value, 7), column) == (value, 7), column


def test_a_cursor_we_did_not_make_is_ignored():
    for cursor in ("garbage", "W10", _encode("not a date", 3)):
        assert _decode(cursor, Lease.ends_on) is None
