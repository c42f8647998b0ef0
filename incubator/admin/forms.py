from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField, URLField
from wtforms.validators import URL, DataRequired, Email, Length, NumberRange, Optional

from incubator.auth.forms import LOCALE_CHOICES, email_field, password_field
from incubator.auth.models import Role
from incubator.cities.models import CityRelationship, CityStatus
from incubator.forms import Form, int_or_none, options
from incubator.i18n import LOCALES, country_choices
from incubator.validators import Code


class AccountForm(Form):
    role = SelectField(_l("Role"), choices=options(Role.choices()))
    organization_id = SelectField(_l("Organization (agents)"), coerce=int_or_none,
                                  validators=[Optional()])
    partner_city_id = SelectField(_l("Partner city (liaisons)"), coerce=int_or_none,
                                  validators=[Optional()])
    is_active = BooleanField(_l("Active"), default=True)

    def set_choices(self, organizations, cities) -> None:
        self.organization_id.choices = options(((str(o.id), o.name) for o in organizations), blank="—")
        self.partner_city_id.choices = options(((str(c.id), c.name) for c in cities), blank="—")

    def validate(self, extra_validators=None) -> bool:
        # Checked on the whole form: the per-field chain stops at Optional() when the choice is empty.
        valid = super().validate(extra_validators)
        if self.role.data == Role.AGENT.value and not self.organization_id.data:
            self.organization_id.errors.append(_l("Choose the organization this agent belongs to."))
            valid = False
        if self.role.data == Role.LIAISON.value and not self.partner_city_id.data:
            self.partner_city_id.errors.append(_l("Choose the partner city this liaison belongs to."))
            valid = False
        return valid


class NewUserForm(AccountForm):
    email = email_field()
    name_latin = StringField(_l("Name in Latin letters"), validators=[DataRequired(), Length(max=200)])
    locale = SelectField(_l("Preferred language"), choices=LOCALE_CHOICES)
    password = password_field(_l("Initial password"))


class OrganizationForm(Form):
    contact_email = StringField(_l("Contact e-mail"), validators=[Optional(), Email(check_deliverability=False),
                                                                   Length(max=254)])
    website = URLField(_l("Website"), validators=[Optional(), URL(), Length(max=300)])


class CityForm(Form):
    name_local = StringField(_l("Name in the city's own script"), validators=[Optional(), Length(max=100)])
    country_code = SelectField(_l("Country"), validators=[DataRequired()])
    relationship_kind = SelectField(_l("Relationship"), choices=options(CityRelationship.choices()))
    since_year = IntegerField(_l("Since (year)"), validators=[Optional(), NumberRange(min=1900, max=2100)])
    status = SelectField(_l("Status"), choices=options(CityStatus.choices()))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = options(country_choices(), blank="—")


class NewCityForm(CityForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=20), Code()], description=Code.description)


def with_locale_names(base: type[Form]) -> type[Form]:
    """The form with a required name field for each served locale, named ``name_<code>``."""
    fields = {
        f"name_{code}": StringField(label, validators=[DataRequired(), Length(max=200)])
        for code, (label, _tag) in LOCALES.items()
    }
    return type(base.__name__, (base,), fields)


def locale_names(form) -> dict[str, str]:
    return {code: getattr(form, f"name_{code}").data.strip() for code in LOCALES}
