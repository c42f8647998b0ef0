"""Forms of researcher intake: the researcher's case, and the staff's status move."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from incubator.auth.models import ResidenceStatus
from incubator.dates import today_in_tokyo
from incubator.forms import Form, options
from incubator.i18n import country_choices
from incubator.researchers.models import RESEARCH_RESIDENCE_STATUSES, CaseStatus, ResearchField
from incubator.validators import NotInFuture

MAX_YEARS_IN_PAST = 2

CONSENT_PURPOSE = _l(
    "I agree that the Asia Entrepreneur Village (Kawasaki City and THINK) uses the personal data in this case to "
    "arrange my stay as a researcher: to find and contact my host institution, to prepare the documents for my "
    "residence status, and to help me with housing and daily life.")


class NotLongAgo:
    """A planned start may lie somewhat in the past (a stay already under way), but not years back."""

    message = _l("The planned start cannot be more than %(years)s years in the past.", years=MAX_YEARS_IN_PAST)

    def __call__(self, form, field) -> None:
        if field.data and field.data < _years_before(today_in_tokyo(), MAX_YEARS_IN_PAST):
            raise ValidationError(self.message)


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _text(field) -> str:
    return (field.data or "").strip()


class CaseForm(Form):
    home_institution = StringField(_l("Home institution"), validators=[DataRequired(), Length(max=200)],
                                   description=_l("The university or institute you work at now."))
    home_country = SelectField(_l("Country of the home institution"), validators=[DataRequired()])
    research_field = SelectField(_l("Research field"), validators=[DataRequired()])
    research_topic = TextAreaField(_l("Research topic"), validators=[Optional(), Length(max=1000)],
                                   description=_l("A few sentences on what you plan to research in Kawasaki."))
    host_institution = StringField(_l("Host institution in Kawasaki"), validators=[DataRequired(), Length(max=200)],
                                   description=_l("For example KSP (Kanagawa Science Park) or a laboratory at "
                                                  "King Skyfront. Write “not yet known” if you need help finding "
                                                  "one."))
    host_contact = StringField(_l("Contact at the host institution"), validators=[Optional(), Length(max=200)],
                               description=_l("Optional: the name or e-mail address of your contact there."))
    # InputRequired, not DataRequired: a date that does not parse keeps its own message.
    planned_start = DateField(_l("Planned start of the stay"), validators=[InputRequired(), NotLongAgo()])
    planned_end = DateField(_l("Planned end of the stay"), validators=[InputRequired()])
    residence_status = SelectField(_l("Residence status needed"), validators=[DataRequired()])
    needs_housing = BooleanField(_l("I need help finding housing in Kawasaki"))
    housing_notes = TextAreaField(_l("Housing needs"), validators=[Optional(), Length(max=2000)],
                                  description=_l("For example the area, the budget or the date you need it from."))
    family_members = IntegerField(_l("Family members coming with you"), default=0,
                                  validators=[Optional(), NumberRange(min=0, max=20)])
    family_notes = TextAreaField(_l("Needs of your family"), validators=[Optional(), Length(max=2000)],
                                 description=_l("For example schools, nursery places or work for your partner."))
    consent_purpose = BooleanField(CONSENT_PURPOSE, validators=[
        DataRequired(_l("Please agree to the purpose of use to send your case."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.home_country.choices = options(country_choices(), blank="—")
        self.research_field.choices = options(ResearchField.choices(), blank="—")
        self.residence_status.choices = options(((s.value, s.label) for s in RESEARCH_RESIDENCE_STATUSES),
                                                blank="—")

    def validate_planned_end(self, field) -> None:
        if field.data and self.planned_start.data and field.data < self.planned_start.data:
            raise ValidationError(_l("The end of the stay cannot be before its start."))

    def case_data(self) -> dict:
        return {
            "home_institution": _text(self.home_institution),
            "home_country": self.home_country.data,
            "research_field": ResearchField(self.research_field.data),
            "research_topic": _text(self.research_topic),
            "host_institution": _text(self.host_institution),
            "host_contact": _text(self.host_contact),
            "planned_start": self.planned_start.data,
            "planned_end": self.planned_end.data,
            "residence_status": ResidenceStatus(self.residence_status.data),
            "needs_housing": bool(self.needs_housing.data),
            "housing_notes": _text(self.housing_notes),
            "family_members": self.family_members.data or 0,
            "family_notes": _text(self.family_notes),
        }


class StatusForm(Form):
    status = SelectField(_l("Move to"), validators=[DataRequired()])
    reason = TextAreaField(_l("Message to the researcher"), validators=[Optional(), Length(max=2000)],
                           description=_l("The researcher sees this in their e-mail and timeline."))
    internal_note = TextAreaField(_l("Internal note"), validators=[Optional(), Length(max=2000)],
                                  description=_l("Only staff see this. The researcher never does."))
    coe_applied_on = DateField(_l("Certificate of Eligibility applied for on"),
                               validators=[Optional(), NotInFuture()])
    coe_issued_on = DateField(_l("Certificate of Eligibility issued on"), validators=[Optional(), NotInFuture()])
    arrived_on = DateField(_l("Arrived in Japan on"), validators=[Optional(), NotInFuture()])

    def set_choices(self, allowed) -> None:
        self.status.choices = options((s.value, s.label) for s in allowed)

    def validate_coe_issued_on(self, field) -> None:
        if field.data and self.coe_applied_on.data and field.data < self.coe_applied_on.data:
            raise ValidationError(_l("The certificate cannot be issued before it was applied for."))

    def move_data(self) -> dict:
        return {
            "to": CaseStatus(self.status.data),
            "reason": _text(self.reason),
            "internal_note": _text(self.internal_note),
            "coe_applied_on": self.coe_applied_on.data,
            "coe_issued_on": self.coe_issued_on.data,
            "arrived_on": self.arrived_on.data,
        }
