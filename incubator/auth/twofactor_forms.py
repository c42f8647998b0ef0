from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from incubator.forms import Form


def code_field(description):
    return StringField(_l("Code"), validators=[DataRequired(), Length(max=32)], description=description,
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"})


class ChallengeForm(Form):
    code = code_field(_l("The 6-digit code your authenticator app shows now, or one of your recovery codes."))


class SetupForm(Form):
    code = code_field(_l("The 6-digit code your authenticator app shows now."))


class ReauthForm(Form):
    """Turning two-factor sign-in off, or making new recovery codes, asks for both factors again."""

    password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    code = code_field(_l("The 6-digit code your authenticator app shows now, or one of your recovery codes."))
