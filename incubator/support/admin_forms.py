"""Forms for the support catalog, the routing rules and the canned replies: every text in every locale."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from incubator.forms import Form, int_or_none, options
from incubator.i18n import LOCALES
from incubator.organizations.models import SupportArea
from incubator.validators import Code


class CategoryForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), Code()], description=Code.description)
    parent_id = SelectField(_l("Belongs to"), coerce=int_or_none, validators=[Optional()],
                            description=_l("Empty for a top-level category."))
    area = SelectField(_l("Support area"), choices=options(SupportArea.choices()))
    position = IntegerField(_l("Position"), default=0, validators=[InputRequired(), NumberRange(min=0, max=999)])
    is_active = BooleanField(_l("Offered to requesters"), default=True)
    first_response_days = IntegerField(_l("First response within (business days)"),
                                       validators=[Optional(), NumberRange(min=1, max=60)],
                                       description=_l("Empty: as its category, else 2 business days."))
    resolution_days = IntegerField(_l("Resolution within (business days)"),
                                   validators=[Optional(), NumberRange(min=1, max=365)],
                                   description=_l("Empty: as its category, else 10 business days."))

    def names(self) -> dict[str, str]:
        return {code: self[f"name_{code}"].data.strip() for code in LOCALES}

    def category_data(self) -> dict:
        return {"code": self.code.data, "parent_id": self.parent_id.data, "area": SupportArea(self.area.data),
                "position": self.position.data, "is_active": self.is_active.data,
                "first_response_days": self.first_response_days.data, "resolution_days": self.resolution_days.data,
                "names": self.names()}


class CannedReplyForm(Form):
    organization_id = SelectField(_l("Organization"), coerce=int_or_none,
                                  validators=[DataRequired(_l("Choose an organization."))])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=120)],
                        description=_l("For the agents, to find the reply."))

    def bodies(self) -> dict[str, str]:
        return {code: self[f"body_{code}"].data.strip() for code in LOCALES}


def _with_locales(base, prefix: str, field_type):
    """The form with a required field per served locale, labelled with the language's own name."""
    fields = {f"{prefix}_{code}": field_type(name, validators=[DataRequired(), Length(max=5000)])
              for code, (name, _tag) in LOCALES.items()}
    return type(base.__name__, (base,), fields)


CategoryNamesForm = _with_locales(CategoryForm, "name", StringField)
CannedReplyBodiesForm = _with_locales(CannedReplyForm, "body", TextAreaField)


class RuleForm(Form):
    category_id = SelectField(_l("Category or subcategory"), coerce=int_or_none,
                              validators=[DataRequired(_l("Choose a category."))])
    organization_id = SelectField(_l("Goes to"), coerce=int_or_none,
                                  validators=[DataRequired(_l("Choose an organization."))])
    is_active = BooleanField(_l("In use"), default=True)
