from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, TextAreaField
from wtforms.validators import Length, Optional

from incubator.forms import Form, options
from incubator.readiness.models import Criterion, State


class ReadinessForm(Form):
    criterion = SelectField(_l("Requirement"), choices=options(Criterion.choices()))
    state = SelectField(_l("State"), choices=options(State.choices()))
    evidence = TextAreaField(_l("Evidence"), validators=[Optional(), Length(max=2000)],
                             description=_l("What shows it: a document, a date, an amount."))
