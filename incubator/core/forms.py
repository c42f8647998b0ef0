from wtforms import HiddenField, StringField
from wtforms.validators import DataRequired

from incubator.forms import Form


class LanguageForm(Form):
    """The language switcher in the page header. The code is checked in the view, to answer 400 when unknown."""

    locale = StringField(validators=[DataRequired()])
    next = HiddenField()
