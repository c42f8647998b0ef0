from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from incubator.forms import Form, options
from incubator.startup_visa.models import VisaEventKind


class VisaEventForm(Form):
    kind = SelectField(_l("What happened"), choices=options(VisaEventKind.choices()), validators=[DataRequired()])
    occurred_on = DateField(_l("Date"), validators=[InputRequired(_l("Give the date."))],
                            description=_l("A progress meeting may be given a future date to schedule it."))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)],
                       description=_l("The founder sees this note."))
