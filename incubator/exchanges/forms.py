from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, IntegerField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from incubator.exchanges.models import MAX_PARTICIPANTS, ExchangeKind, OutcomeKind, OutcomeStatus, Visibility
from incubator.forms import Form, int_or_none, options

LINES = _l("One per line.")


def _lines(text: str | None) -> list[str]:
    return [line.strip()[:200] for line in (text or "").splitlines() if line.strip()]


def _participants(label):
    return IntegerField(label, default=0, validators=[InputRequired(_l("Give a number.")),
                                                      NumberRange(min=0, max=MAX_PARTICIPANTS)])


class DatesForm(Form):
    """The period of an exchange: a form-level check that it does not end before it starts."""

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.starts_on.data and self.ends_on.data and self.ends_on.data < self.starts_on.data:
            self.ends_on.errors.append(_l("An exchange cannot end before it starts."))
            valid = False
        return valid


class ExchangeForm(DatesForm):
    kind = SelectField(_l("Kind of exchange"), choices=options(ExchangeKind.choices()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    city_ids = SelectMultipleField(_l("Partner cities"), coerce=int, widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(),
                                   validators=[DataRequired(_l("Choose at least one partner city."))])
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Give the date."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Give the date."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
    kawasaki_participants = _participants(_l("Participants from Kawasaki"))
    partner_participants = _participants(_l("Participants from the partner cities"))
    kawasaki_organizations = TextAreaField(_l("Organizations on the Kawasaki side"), description=LINES,
                                           validators=[Optional(), Length(max=5000)])
    partner_organizations = TextAreaField(_l("Organizations on the partner-city side"), description=LINES,
                                          validators=[Optional(), Length(max=5000)])
    venture_ids = SelectMultipleField(_l("Ventures involved"), coerce=int, validators=[Optional()])
    visibility = SelectField(_l("Who may see it"), choices=options(Visibility.choices()))

    def set_choices(self, cities, ventures) -> None:
        self.city_ids.choices = [(c.id, c.name) for c in cities]
        self.venture_ids.choices = [(v.id, v.display_name) for v in ventures]

    def exchange_data(self) -> dict:
        return {"kind": ExchangeKind(self.kind.data), "title": self.title.data.strip(),
                "description": (self.description.data or "").strip(), "starts_on": self.starts_on.data,
                "ends_on": self.ends_on.data, "place": (self.place.data or "").strip(),
                "kawasaki_participants": self.kawasaki_participants.data,
                "partner_participants": self.partner_participants.data,
                "visibility": Visibility(self.visibility.data), "city_ids": self.city_ids.data or [],
                "venture_ids": self.venture_ids.data or [],
                "kawasaki_organizations": _lines(self.kawasaki_organizations.data),
                "partner_organizations": _lines(self.partner_organizations.data)}


class ProposalForm(DatesForm):
    """A liaison proposes an exchange with their city."""

    kind = SelectField(_l("Kind of exchange"), choices=options(ExchangeKind.choices()))
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Give the date."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Give the date."))])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=200)])
    description = TextAreaField(_l("What you propose"), validators=[DataRequired(_l("Describe what you propose.")),
                                                                   Length(max=10000)])
    partner_participants = _participants(_l("Participants from your city"))
    partner_organizations = TextAreaField(_l("Organizations from your city"), description=LINES,
                                          validators=[Optional(), Length(max=5000)])

    def proposal_data(self) -> dict:
        return {"kind": ExchangeKind(self.kind.data), "title": self.title.data.strip(),
                "description": self.description.data.strip(), "starts_on": self.starts_on.data,
                "ends_on": self.ends_on.data, "place": (self.place.data or "").strip(),
                "partner_participants": self.partner_participants.data, "kawasaki_organizations": [],
                "partner_organizations": _lines(self.partner_organizations.data)}


class DecisionForm(Form):
    note = TextAreaField(_l("Note for the liaison"), validators=[Optional(), Length(max=2000)],
                         description=_l("Needed when you decline."))


class OutcomeForm(Form):
    kind = SelectField(_l("Outcome"), choices=options(OutcomeKind.choices()))
    description = StringField(_l("What"), validators=[DataRequired(), Length(max=500)])
    status = SelectField(_l("Status"), choices=options(OutcomeStatus.choices()))
    venture_id = SelectField(_l("Venture"), coerce=int_or_none, validators=[Optional()])

    def set_ventures(self, ventures) -> None:
        self.venture_id.choices = options(((str(v.id), v.display_name) for v in ventures), blank="—")


class OutcomeStatusForm(Form):
    status = SelectField(_l("Status"), choices=options(OutcomeStatus.choices()))


class DocumentForm(Form):
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])


class ContactForm(Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    role = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    organization = StringField(_l("Organization"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("E-mail address"), validators=[Optional(), Email(check_deliverability=False),
                                                         Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])

    def contact_data(self) -> dict:
        return {name: getattr(self, name).data or "" for name in ("name", "role", "organization", "email", "phone")}


class InvitationForm(Form):
    note = StringField(_l("For whom"), validators=[Optional(), Length(max=200)],
                       description=_l("Only you see it, e.g. the founder's name or the event where you met."))


