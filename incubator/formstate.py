"""Stale forms: saving a form over a change that someone else saved meanwhile is a conflict.

A form filled from a record (``Form(obj=record)``) carries, signed, the values its fields had in the record then.
When the post is saved, the record's values as the database still has them are compared with those: if another
person changed one of the form's fields meanwhile, the save stops before anything is written, and the person gets
the conflict page, saying which fields changed, with what they typed. This works for every edit form without the
feature knowing; records with a version column (ventures, support requests) also have their own check.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal

from flask import current_app, g, has_request_context, request
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import event, inspect
from sqlalchemy.orm.attributes import NO_VALUE

from incubator.extensions import db

FIELD = "saved_state"


class StaleForm(Exception):
    """The record changed since the form was filled; ``fields`` are the labels of the fields that did."""

    def __init__(self, fields: list[str]):
        super().__init__(", ".join(fields))
        self.fields = fields


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="form-state")


def _plain(value):
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value.normalize()) if value == value.to_integral() else str(value)
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return None  # relationships, lists: not compared


def fingerprint(form, record) -> str:
    """The signed values of the form's fields as the record has them now ("" for what is not a mapped row)."""
    try:
        state = inspect(record)
    except Exception:  # noqa: BLE001  (not a mapped object: nothing to compare)
        return ""
    if not getattr(state, "identity", None):
        return ""
    columns = {attr.key for attr in state.mapper.column_attrs}
    values = {field.name: [str(field.label.text), _plain(getattr(record, field.name))]
              for field in form if field.name in columns}
    return _serializer().dumps({"t": state.mapper.persist_selectable.name, "id": list(state.identity),
                                "v": values})


def _saved_value(state, key):
    """The value the database has for the attribute, whatever the request changed in memory."""
    history = state.attrs[key].history
    if history.deleted:
        return history.deleted[0]
    if history.unchanged:
        return history.unchanged[0]
    value = state.attrs[key].loaded_value
    return None if value is NO_VALUE else value


def _before_flush(session, flush_context, instances) -> None:
    if not has_request_context() or request.method != "POST" or g.get("formstate_checked"):
        return
    posted = request.form.get(FIELD)
    if not posted:
        return
    try:
        expected = _serializer().loads(posted)
    except BadSignature:
        return  # a tampered value protects nothing; the save goes on as without it
    for record in list(session.dirty):
        state = inspect(record)
        if state.mapper.persist_selectable.name != expected["t"] or list(state.identity or ()) != expected["id"]:
            continue
        g.formstate_checked = True
        changed = [label for key, (label, value) in expected["v"].items()
                   if key in state.attrs and _plain(_saved_value(state, key)) != value]
        if changed:
            raise StaleForm(changed)


def init_app(app) -> None:
    if not event.contains(db.session, "before_flush", _before_flush):
        event.listen(db.session, "before_flush", _before_flush)
