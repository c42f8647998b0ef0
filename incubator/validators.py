"""Field validators shared by the forms of every feature."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from incubator.dates import today_in_tokyo

# Full-width katakana, the long-vowel mark, the middle dot and spaces between family and given name.
_KATAKANA = re.compile(r"^[\u30A1-\u30FA\u30FC\u30FB\u30FD\u30FE\u3000 ]*$")


class Katakana:
    message = _l("Write the reading in full-width katakana only, for example ヤマダ タロウ.")

    def __call__(self, form, field) -> None:
        if field.data and not _KATAKANA.match(field.data):
            raise ValidationError(self.message)


class Code:
    """A reference-data code: lower-case letters, digits and underscores, starting with a letter. It never changes,
    so the description says so."""

    message = _l("Use lower-case letters, digits and underscores, starting with a letter.")
    description = _l("Lower-case letters, digits and underscores; it never changes.")
    _pattern = re.compile(r"^[a-z][a-z0-9_]*$")

    def __call__(self, form, field) -> None:
        if field.data and not self._pattern.match(field.data):
            raise ValidationError(self.message)


class NotInFuture:
    message = _l("This date cannot be in the future.")

    def __call__(self, form, field) -> None:
        if field.data and field.data > today_in_tokyo():
            raise ValidationError(self.message)


class NotInPast:
    message = _l("This date has already passed.")

    def __call__(self, form, field) -> None:
        if field.data and field.data < today_in_tokyo():
            raise ValidationError(self.message)


PASSWORD_HELP = _l("At least 8 characters. A long passphrase of several words is best; no special characters required.")


def corporate_number_check_digit(base: str) -> int:
    """The check digit of a 12-digit corporate number base (National Tax Agency rule): 9 - (Σ Pn×Qn mod 9),
    Pn the n-th digit counted from the right, Qn 1 for odd n and 2 for even n."""
    total = sum(int(digit) * (1 if n % 2 else 2) for n, digit in enumerate(reversed(base), start=1))
    return 9 - total % 9


class CorporateNumber:
    """法人番号: 13 digits, the first being the check digit of the other twelve."""

    def __call__(self, form, field) -> None:
        value = (field.data or "").strip().replace("-", "").replace(" ", "")
        if not value:
            return
        if len(value) != 13 or not value.isdigit():
            raise ValidationError(_l("A corporate number has 13 digits."))
        if int(value[0]) != corporate_number_check_digit(value[1:]):
            raise ValidationError(_l("This corporate number is not valid: its check digit does not match. "
                                     "Please copy it again from the registration."))
        field.data = value
