from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from incubator.auth.models import ResidenceStatus
from incubator.forms import Form, options
from incubator.i18n import LOCALES, country_choices
from incubator.validators import PASSWORD_HELP, Katakana, NotInFuture, NotInPast

LOCALE_CHOICES = options((code, name) for code, (name, _tag) in LOCALES.items())


def password_field(label):
    # OWASP: at least 8 characters, long passphrases welcome, no composition rules.
    too_short = Length(min=8, message=_l("The password needs at least 8 characters."))
    return PasswordField(label, validators=[DataRequired(), too_short, Length(max=256)], description=PASSWORD_HELP)


def email_field():
    return EmailField(_l("E-mail address"), validators=[DataRequired(), Email(check_deliverability=False),
                                                        Length(max=254)])


class LoginForm(Form):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(_l("Keep me signed in on this device"))


class NameFieldsMixin:
    name_native = StringField(_l("Name in your own script"), validators=[Optional(), Length(max=200)],
                              description=_l("As written in your passport's or your country's script, e.g. 王伟, 김민준."))
    name_latin = StringField(_l("Name in Latin letters"), validators=[DataRequired(), Length(max=200)],
                             description=_l("As in your passport, e.g. WANG Wei."))
    name_kana = StringField(_l("Katakana reading (furigana)"), validators=[Optional(), Length(max=200), Katakana()],
                            description=_l("Used on Japanese forms, e.g. ワン ウェイ."))


class RegisterForm(NameFieldsMixin, Form):
    email = email_field()
    password = password_field(_l("Password"))
    confirm = PasswordField(_l("Repeat the password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])
    locale = SelectField(_l("Preferred language"), choices=LOCALE_CHOICES)
    nationality = SelectField(_l("Nationality"), validators=[DataRequired()])
    consent = BooleanField(
        _l("I agree that the Asia Entrepreneur Village uses these details to manage my account and my applications "
           "and requests. They are not shared with partner organizations without my separate consent."),
        validators=[DataRequired(message=_l("Please agree to the purpose of use to create an account."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = options(country_choices(), blank="—")


class EmailOnlyForm(Form):
    email = email_field()


class ConfirmForm(Form):
    """A button only: e-mail links land on a page and the change happens on POST, never on GET."""


class NewPasswordForm(Form):
    password = password_field(_l("New password"))
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])


class ProfileForm(NameFieldsMixin, Form):
    locale = SelectField(_l("Preferred language"), choices=LOCALE_CHOICES)
    nationality = SelectField(_l("Nationality"), validators=[Optional()])
    date_of_birth = DateField(_l("Date of birth"), validators=[Optional(), NotInFuture()])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    residence_status = SelectField(_l("Residence status"), validators=[Optional()])
    residence_card_expires_on = DateField(_l("Residence card expiry date"), validators=[Optional(), NotInPast()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = options(country_choices(), blank="—")
        self.residence_status.choices = options(ResidenceStatus.choices(), blank=_l("Not in Japan yet / none"))

    def profile_data(self) -> dict:
        return {
            "name_native": self.name_native.data or "",
            "name_latin": self.name_latin.data,
            "name_kana": self.name_kana.data or "",
            "nationality": self.nationality.data or None,
            "date_of_birth": self.date_of_birth.data,
            "phone": self.phone.data or "",
            "residence_status": ResidenceStatus(self.residence_status.data) if self.residence_status.data else None,
            "residence_card_expires_on": self.residence_card_expires_on.data,
        }
