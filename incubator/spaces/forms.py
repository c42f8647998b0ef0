from __future__ import annotations

from flask_babel import lazy_gettext as _l
from decimal import Decimal

from wtforms import BooleanField, DateField, DecimalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from incubator.forms import Form, int_or_none, options
from incubator.spaces.models import MAX_DEPOSIT_YEN, MAX_MONTHLY_RENT_YEN, SpaceKind

YEN = _l("In yen, without separators.")


def _rent_field(label):
    return IntegerField(label, validators=[InputRequired(_l("Give an amount in yen.")),
                                           NumberRange(min=0, max=MAX_MONTHLY_RENT_YEN)], description=YEN)


class EndsAfterStart:
    def __call__(self, form, field) -> None:
        if field.data and form.starts_on.data and field.data < form.starts_on.data:
            raise ValidationError(_l("A lease cannot end before it starts."))


class LeaseForm(Form):
    space_id = SelectField(_l("Space"), coerce=int_or_none,
                           validators=[DataRequired(_l("Choose a space."))])
    starts_on = DateField(_l("First day"), validators=[InputRequired(_l("Give the date."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Give the date.")), EndsAfterStart()])
    monthly_rent_yen = _rent_field(_l("Monthly rent (yen)"))
    deposit_yen = IntegerField(_l("Deposit (yen)"), default=0,
                               validators=[InputRequired(_l("Give an amount in yen.")),
                                           NumberRange(min=0, max=MAX_DEPOSIT_YEN)], description=YEN)

    def set_spaces(self, spaces, label) -> None:
        self.space_id.choices = options(((str(s.id), label(s)) for s in spaces), blank="—")


class EndLeaseForm(Form):
    ends_on = DateField(_l("Last day"), validators=[InputRequired(_l("Give the date."))])
    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class RenewLeaseForm(Form):
    ends_on = DateField(_l("New last day"), validators=[InputRequired(_l("Give the date."))])
    monthly_rent_yen = _rent_field(_l("Monthly rent (yen)"))


class SpaceForm(Form):
    building = StringField(_l("Building"), validators=[DataRequired(), Length(max=60)])
    floor = IntegerField(_l("Floor"), validators=[InputRequired(_l("Give a number.")), NumberRange(min=-5, max=100)])
    room_number = StringField(_l("Room"), validators=[DataRequired(), Length(max=20)])
    kind = SelectField(_l("Type"), choices=options(SpaceKind.choices()))
    area_m2 = DecimalField(_l("Area (m²)"), places=2, validators=[InputRequired(_l("Give a number.")),
                                                                NumberRange(min=Decimal("0.5"), max=Decimal("10000"))])
    monthly_rent_yen = _rent_field(_l("Monthly rent (yen)"))
    is_active = BooleanField(_l("In use"), default=True,
                             description=_l("A space no longer in use keeps its lease history but cannot be leased."))
