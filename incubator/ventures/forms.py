from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, EmailField, HiddenField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Email, InputRequired, Length, Optional

from incubator.auth.forms import LOCALE_CHOICES
from incubator.auth.models import ResidenceStatus
from incubator.forms import Form, options
from incubator.i18n import country_choices
from incubator.validators import CorporateNumber, Katakana, NotInFuture, NotInPast
from incubator.ventures.models import (CURRENT_STATUSES, EXIT_STATUSES, ExitDestination, MemberRole, Sector,
                                       VentureStage, VentureStatus)


def card_has_expiry(form) -> bool:
    """Checked on the whole form: a residence status needs the card's expiry date (Optional() ends the date
    field's own checks when it is empty)."""
    if form.residence_status.data and not form.residence_card_expires_on.data \
            and not form.residence_card_expires_on.errors:
        form.residence_card_expires_on.errors.append(_l("Give the expiry date of the residence card."))
        return False
    return True


class VentureForm(Form):
    name_latin = StringField(_l("Name in Latin letters"), validators=[DataRequired(), Length(max=200)])
    name_native = StringField(_l("Name in the founders' own script"), validators=[Optional(), Length(max=200)])
    name_ja = StringField(_l("Name in Japanese"), validators=[Optional(), Length(max=200)])
    country_code = SelectField(_l("Country of origin"), validators=[DataRequired()])
    sector = SelectField(_l("Sector"), choices=options(Sector.choices()))
    stage = SelectField(_l("Stage of the venture"), choices=options(VentureStage.choices()))
    status = SelectField(_l("Status"), choices=options((s.value, s.label) for s in CURRENT_STATUSES),
                         description=_l("Graduation and withdrawal have their own form."))
    corporate_number = StringField(_l("Corporate number"), validators=[Optional(), CorporateNumber()],
                                   description=_l("法人番号: 13 digits, once the company is registered."))
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])
    is_listing_consented = BooleanField(_l("The founders agree to list the venture for partner-city liaisons"))
    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = options(country_choices(), blank="—")

    def venture_data(self) -> dict:
        data = {name: getattr(self, name).data for name in (
            "name_latin", "name_native", "name_ja", "country_code", "website", "is_listing_consented")}
        return dict(data, sector=Sector(self.sector.data), stage=VentureStage(self.stage.data),
                    status=VentureStatus(self.status.data), corporate_number=self.corporate_number.data or None)


class MemberForm(Form):
    role = SelectField(_l("Role"), choices=options(MemberRole.choices()))
    name_native = StringField(_l("Name in their own script"), validators=[Optional(), Length(max=200)])
    name_latin = StringField(_l("Name in Latin letters"), validators=[DataRequired(), Length(max=200)])
    name_kana = StringField(_l("Katakana reading (furigana)"), validators=[Optional(), Length(max=200), Katakana()])
    nationality = SelectField(_l("Nationality"), validators=[Optional()])
    email = EmailField(_l("E-mail address"), validators=[Optional(), Email(check_deliverability=False),
                                                         Length(max=254)],
                       description=_l("An account with this address is linked, so the person sees the venture."))
    locale = SelectField(_l("Language of reminders"), choices=LOCALE_CHOICES)
    residence_status = SelectField(_l("Residence status"), validators=[Optional()])
    residence_card_expires_on = DateField(_l("Residence card expiry date"), validators=[Optional()])
    started_on = DateField(_l("Member since"), validators=[InputRequired(_l("Give the date."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = options(country_choices(), blank="—")
        self.residence_status.choices = options(ResidenceStatus.choices(), blank=_l("None / not in Japan"))

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) & card_has_expiry(self)

    def member_data(self) -> dict:
        data = {name: getattr(self, name).data for name in (
            "role", "name_native", "name_latin", "name_kana", "nationality", "email", "locale", "residence_status",
            "residence_card_expires_on", "started_on")}
        data["email"] = (data["email"] or "").strip().lower()
        data["nationality"] = data["nationality"] or None
        data["residence_status"] = ResidenceStatus(data["residence_status"]) if data["residence_status"] else None
        data["role"] = MemberRole(data["role"])
        return data


class EndMemberForm(Form):
    ended_on = DateField(_l("Last day"), validators=[InputRequired(_l("Give the date."))])


class ExitForm(Form):
    status = SelectField(_l("What happened"), choices=options((s.value, s.label) for s in EXIT_STATUSES))
    ended_on = DateField(_l("Date"), validators=[InputRequired(_l("Give the date.")), NotInFuture()])
    destination = SelectField(_l("Where the venture went"), choices=options(ExitDestination.choices()))
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class ResidenceCardForm(Form):
    """A tenant member keeps their own residence card up to date."""

    residence_status = SelectField(_l("Residence status"), validators=[Optional()])
    residence_card_expires_on = DateField(_l("Residence card expiry date"), validators=[Optional(), NotInPast()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.residence_status.choices = options(ResidenceStatus.choices(), blank=_l("None / not in Japan"))

    def validate(self, extra_validators=None) -> bool:
        return super().validate(extra_validators) & card_has_expiry(self)
