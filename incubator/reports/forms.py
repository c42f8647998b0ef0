from __future__ import annotations

import unicodedata
from decimal import Decimal

from babel.numbers import NumberFormatError, parse_decimal
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import ValidationError

from incubator.forms import Form
from incubator.i18n import format_number
from incubator.reports.metrics import METRICS, Metric, Unit


MAX_COUNT = 1_000_000  # a count target above this is a typing mistake


def _example() -> dict[str, str]:
    return {"whole": format_number(12), "decimal": format_number(Decimal("85.5"), "0.0")}


def parse_target(text: str | None, metric: Metric, locale=None) -> Decimal | None:
    """A target as typed, read the way the reader's language writes numbers (85.5 in Japanese, 85,5 in
    Vietnamese); full-width digits from a Japanese keyboard and a trailing % are accepted. Empty means no target.
    Raise ValueError with the message to show."""
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    if metric.unit is Unit.PERCENT:
        cleaned = cleaned.removesuffix("%")
    if not cleaned:
        return None
    try:
        value = parse_decimal(cleaned, locale=locale or get_locale(), strict=False)
    except NumberFormatError:
        raise ValueError(_l("Write the target as a number, such as %(whole)s or %(decimal)s.", **_example())) from None
    if not value.is_finite():
        raise ValueError(_l("Write the target as a number, such as %(whole)s or %(decimal)s.", **_example()))
    if value < 0:
        raise ValueError(_l("A target cannot be negative."))
    if metric.unit is Unit.COUNT and value != value.to_integral_value():
        raise ValueError(_l("This target is a count: give a whole number."))
    if metric.unit is Unit.PERCENT and value > 100:
        raise ValueError(_l("Give a percentage from 0 to 100."))
    if metric.unit is Unit.RATING and not (1 <= value <= 5):
        raise ValueError(_l("Give an average rating from 1 to 5."))
    if metric.unit is Unit.COUNT and value > MAX_COUNT:
        raise ValueError(_l("That is more than a million: please check the figure."))
    if value != round(value, metric.places):
        raise ValueError(_l("Use at most one decimal place."))
    return value.quantize(Decimal(1) if metric.unit is Unit.COUNT else Decimal("0.1"))


class _TargetField(StringField):
    def __init__(self, metric: Metric, **kwargs):
        super().__init__(metric.label, description=metric.definition, **kwargs)
        self.metric = metric
        self.target: Decimal | None = None

    def pre_validate(self, form) -> None:
        try:
            self.target = parse_target(self.data, self.metric)
        except ValueError as error:
            raise ValidationError(str(error.args[0])) from None


# One field per metric, in the order of METRICS: ``target_<code>``.
TargetsForm = type("TargetsForm", (Form,), {f"target_{metric.code}": _TargetField(metric) for metric in METRICS})


def target_fields(form) -> list[_TargetField]:
    return [getattr(form, f"target_{metric.code}") for metric in METRICS]


def submitted_targets(form) -> dict[str, Decimal | None]:
    return {field.metric.code: field.target for field in target_fields(form)}


def format_target(value: Decimal | None) -> str:
    """A stored target as it is shown in its field, in the reader's way of writing numbers: 1,200 or 85.5
    (never 85.50)."""
    return "" if value is None else format_number(value, "#,##0.#")
