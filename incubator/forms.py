"""Helpers shared by the features' forms."""

from __future__ import annotations

import enum
import re
import secrets
from typing import Iterable

from flask_babel import get_translations
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Form as WTForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice, SelectFieldBase
from wtforms.validators import ValidationError


def options(pairs: Iterable[tuple[str, object]], blank=None) -> list[SelectChoice]:
    """Select options from ``(value, label)`` pairs, with an optional empty first choice labelled ``blank``."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(value, label) for value, label in pairs]


def int_or_none(value) -> int | None:
    """A select's coerce for an optional id: the empty choice is None."""
    return int(value) if value not in (None, "") else None


def choice_value(value) -> str | None:
    """The default ``coerce`` of every select: an enum member is its value ("it"), not its label ("IT").

    WTForms' own default, ``str``, turns a ``LabelledEnum`` into its translated label, so a form filled from a
    record (``obj=venture``) selected nothing, and saving it unchanged overwrote the saved choice.
    """
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        return str(value.value)
    return str(value)


# C0 control characters and DEL, except tab, line feed and carriage return: never part of what a person types,
# and NUL breaks PostgreSQL, XLSX files and HTTP headers.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class NoControlCharacters:
    """Refuse text with invisible control characters (a NUL, an escape), with a message saying so."""

    message = _l("This text contains invisible control characters (such as NUL). Please remove them and try again.")
    field_flags: dict = {}

    def __call__(self, form, field) -> None:
        if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
            raise ValidationError(self.message)


def normalize_line_breaks(value):
    """Browsers send line breaks as CRLF; keep them as LF, as everything else in the app writes them."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def new_submit_token() -> str:
    return secrets.token_urlsafe(24)


class BabelTranslations:
    """WTForms' own messages ("This field is required.") from our catalogs, so every locale has them."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


def bind_field(unbound_field, options: dict) -> dict:
    """What every form does to its fields as they are bound: selects compare enum values, text refuses control
    characters."""
    field_class = unbound_field.field_class
    if issubclass(field_class, SelectFieldBase) and unbound_field.kwargs.get("coerce", str) is str:
        options["coerce"] = choice_value
    if issubclass(field_class, (StringField, TextAreaField)) and not issubclass(field_class, HiddenField):
        validators = list(unbound_field.kwargs.get("validators") or ())
        options["validators"] = [NoControlCharacters(), *validators]
    if issubclass(field_class, TextAreaField):
        options["filters"] = [normalize_line_breaks, *(unbound_field.kwargs.get("filters") or ())]
    return options


class Form(FlaskForm):
    """The base of every form in the app.

    Each form carries a one-time ``once_token`` (see ``incubator.once``): posting the same rendered form twice (a
    double click, a re-sent POST) does its work once and sends the second post where the first one went.
    """

    once_token = HiddenField(default=new_submit_token)
    # What the record said when the form was filled from it (see ``incubator.formstate``): saving over a change
    # someone else made meanwhile is a conflict, not a silent overwrite.
    saved_state = HiddenField()

    class Meta:
        def get_translations(self, form):
            return BabelTranslations()

        def bind_field(self, form, unbound_field, options):
            return unbound_field.bind(form=form, **bind_field(unbound_field, options))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        record = kwargs.get("obj")
        if record is not None and not self.saved_state.data:
            from incubator.formstate import fingerprint

            self.saved_state.data = fingerprint(self, record)


class SubForm(WTForm):
    """A form nested in another (``FormField``): no CSRF token of its own, same translated messages."""

    class Meta:
        def get_translations(self, form):
            return BabelTranslations()

        def bind_field(self, form, unbound_field, options):
            return unbound_field.bind(form=form, **bind_field(unbound_field, options))


def N_(message: str) -> str:
    """Mark a message for extraction without translating it here."""
    return message


def ngettext(singular: str, plural: str, n: int) -> tuple[str, str]:
    return singular, plural


# The WTForms messages our forms can show, listed so that `flask translate update` extracts them.
WTFORMS_MESSAGES = (
    N_("This field is required."),
    N_("Invalid input."),
    N_("Invalid email address."),
    N_("Invalid URL."),
    N_("Not a valid choice."),
    N_("Invalid Choice: could not coerce."),
    N_("Not a valid date value."),
    N_("Not a valid datetime value."),
    N_("Not a valid integer value."),
    N_("Not a valid decimal value."),
    N_("Not a valid float value."),
    N_("Field must be equal to %(other_name)s."),
    N_("Field must be between %(min)d and %(max)d characters long."),
    N_("Number must be at least %(min)s."),
    N_("Number must be at most %(max)s."),
    N_("Number must be between %(min)s and %(max)s."),
    ngettext("Field must be at least %(min)d character long.", "Field must be at least %(min)d characters long.", 2),
    ngettext("Field cannot be longer than %(max)d character.", "Field cannot be longer than %(max)d characters.", 2),
)
