"""Helpers shared by the features' forms."""

from __future__ import annotations

from typing import Iterable

from flask_babel import get_translations
from flask_wtf import FlaskForm
from wtforms import Form as WTForm
from wtforms.fields.choices import SelectChoice


def options(pairs: Iterable[tuple[str, object]], blank=None) -> list[SelectChoice]:
    """Select options from ``(value, label)`` pairs, with an optional empty first choice labelled ``blank``."""
    choices = [SelectChoice("", blank)] if blank is not None else []
    return choices + [SelectChoice(value, label) for value, label in pairs]


def int_or_none(value) -> int | None:
    """A select's coerce for an optional id: the empty choice is None."""
    return int(value) if value not in (None, "") else None


class BabelTranslations:
    """WTForms' own messages ("This field is required.") from our catalogs, so every locale has them."""

    def gettext(self, string: str) -> str:
        return get_translations().ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return get_translations().ungettext(singular, plural, n)


class Form(FlaskForm):
    """The base of every form in the app."""

    class Meta:
        def get_translations(self, form):
            return BabelTranslations()


class SubForm(WTForm):
    """A form nested in another (``FormField``): no CSRF token of its own, same translated messages."""

    class Meta:
        def get_translations(self, form):
            return BabelTranslations()


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
