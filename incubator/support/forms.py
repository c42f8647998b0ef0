from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (BooleanField, EmailField, HiddenField, RadioField, SelectField, SelectMultipleField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Email, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from incubator.forms import Form, int_or_none, options
from incubator.i18n import LOCALES

# Requests may be written in more languages than the site is translated into; replies come in a served one.
WRITTEN_LANGUAGES = {**{code: name for code, (name, _tag) in LOCALES.items()},
                     "th": "ภาษาไทย", "id": "Bahasa Indonesia", "tl": "Tagalog / Filipino", "ne": "नेपाली",
                     "pt": "Português", "es": "Español", "mn": "Монгол"}


def files_field():
    return MultipleFileField(_l("Attachments"), validators=[Optional()])


class RequestForm(Form):
    category_id = SelectField(_l("What do you need help with?"), coerce=int_or_none,
                              validators=[DataRequired(_l("Choose what the request is about."))])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)],
                        description=_l("A few words, e.g. “Opening a bank account”."))
    description = TextAreaField(_l("Description"),
                                validators=[DataRequired(_l("Describe what you need help with.")),
                                            Length(max=10000)],
                                description=_l("What you need, what you have tried, and any dates that matter."))
    written_locale = SelectField(_l("Language you are writing in"),
                                 choices=options(WRITTEN_LANGUAGES.items()))
    reply_locale = SelectField(_l("Language for our replies"),
                               choices=options((code, name) for code, (name, _tag) in LOCALES.items()))
    files = files_field()
    consent_sharing = BooleanField(
        _l("I agree that this request, with what I attach, is shared with the organization that handles it "
           "(the SME Support Center, KSP, the Asia Entrepreneur Village Promotion Organization or THINK)."),
        validators=[DataRequired(_l("Please agree to share the request with the organization that handles it."))])

    def set_categories(self, groups) -> None:
        """``groups``: [(category, [subcategories])], as option groups."""
        self.category_id.choices = {"": options([], blank="—")} | {
            group.name: options((str(sub.id), sub.name) for sub in subs) for group, subs in groups}


class OnBehalfForm(RequestForm):
    """Staff file for someone who came in or phoned: an account's e-mail address, or a name to reach them by."""

    requester_email = EmailField(_l("Their account's e-mail address"),
                                 validators=[Optional(), Email(check_deliverability=False), Length(max=254)],
                                 description=_l("If they have an account, the request appears in it."))
    contact_name = StringField(_l("Name"), validators=[Optional(), Length(max=200)],
                               description=_l("If they have no account: their name."))
    contact_email = EmailField(_l("E-mail address for replies"),
                               validators=[Optional(), Email(check_deliverability=False), Length(max=254)])

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not (self.requester_email.data or self.contact_name.data):
            self.contact_name.errors.append(_l("Give the person's account e-mail address, or at least their name."))
            valid = False
        return valid


class RequestActionForm(Form):
    """A change of a request, made from its page: it carries the version of the request the page showed (a
    change made meanwhile by someone else is refused, not overwritten) and what the page showed of its history
    (so the refusal can say what happened)."""

    version = HiddenField()
    seen = HiddenField()


class TakeForm(RequestActionForm):
    pass


class ReopenForm(RequestActionForm):
    pass


class ReplyForm(RequestActionForm):
    body = TextAreaField(_l("Message"), validators=[DataRequired(_l("Write a message first.")), Length(max=10000)])
    internal = BooleanField(_l("Internal note (the requester never sees it)"))
    files = files_field()


class StatusForm(RequestActionForm):
    status = SelectField(_l("New status"), validators=[DataRequired()])
    reason = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def set_choices(self, allowed) -> None:
        self.status.choices = options((s.value, s.label) for s in allowed)


class AssignForm(RequestActionForm):
    assignee_id = SelectField(_l("Assign to"), coerce=int_or_none,
                              validators=[DataRequired(_l("Choose a person."))])

    def set_people(self, people) -> None:
        self.assignee_id.choices = options(((str(p.id), p.profile.display_name or p.email) for p in people),
                                           blank="—")


class TransferForm(RequestActionForm):
    organization_id = SelectField(_l("Transfer to"), coerce=int_or_none,
                                  validators=[DataRequired(_l("Choose an organization."))])
    reason = StringField(_l("Reason"), validators=[DataRequired(_l("Give the reason for the transfer.")),
                                                   Length(max=500)])


class SplitForm(RequestActionForm):
    organization_ids = SelectMultipleField(_l("Refer to"), coerce=int, widget=ListWidget(prefix_label=False),
                                           option_widget=CheckboxInput())
    note = StringField(_l("Note for every part"), validators=[Optional(), Length(max=500)])


class RatingForm(RequestActionForm):
    rating = RadioField(_l("How satisfied are you?"), coerce=int,
                        choices=options((n, str(n)) for n in range(1, 6)),
                        validators=[InputRequired(_l("Choose from 1 (not at all) to 5 (very)."))])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=2000)])


def version_of(form) -> int | None:
    value = form.version.data or ""
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None

