from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from incubator.forms import Form, options


class DeletionRequestForm(Form):
    reason = TextAreaField(_l("Why (optional)"), validators=[Optional(), Length(max=2000)])
    confirm = BooleanField(_l("I understand that my account and my data will be deleted once staff approve, and "
                              "that this cannot be undone."),
                           validators=[DataRequired(_l("Please tick the box to confirm."))])


class DeletionDecisionForm(Form):
    decision = RadioField(_l("Decision"), choices=options([("approve", _l("Approve: delete the account and data")),
                                                           ("refuse", _l("Refuse"))]),
                          validators=[InputRequired(_l("Choose approve or refuse."))])
    note = TextAreaField(_l("Note to the person"), validators=[Optional(), Length(max=2000)],
                         description=_l("Needed when you refuse: the person reads it in the mail."))
