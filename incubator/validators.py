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
