"""Forms of the entrepreneur application: lenient while saving a draft, complete on submission."""

from __future__ import annotations

from flask import request
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (BooleanField, DateField, EmailField, FieldList, FormField, IntegerField, SelectField,
                     StringField, TextAreaField)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, StopValidation

from incubator import uploads
from incubator.applications.models import DECISIONS, DocumentKind, OnboardingStep, Stage
from incubator.auth.models import ResidenceStatus
from incubator.forms import Form, SubForm, int_or_none, options
from incubator.i18n import country_choices
from incubator.spaces.models import SpaceKind
from incubator.validators import Katakana, NotInFuture, NotInPast
from incubator.ventures.models import Sector, VentureStage

MAX_FOUNDERS = 5


def submitting() -> bool:
    """The applicant pressed "Submit", not "Save draft": every required answer must be there."""
    return request.form.get("action") == "submit"


class NeededToSubmit:
    """Required on submission only, so that a half-filled draft can still be saved."""

    def __init__(self, message=None):
        self.message = message or _l("This field is required to submit the application.")

    def __call__(self, form, field) -> None:
        if submitting() and (field.data is None or field.data == "" or field.data is False):
            field.errors[:] = []  # "not a valid date" on an empty field says less than "required"
            raise StopValidation(self.message)


class FounderForm(SubForm):
    name_native = StringField(_l("Name in your own script"), validators=[NeededToSubmit(), Length(max=200)],
                              description=_l("As written in your passport's or your country's script, e.g. 王伟, 김민준."))
    name_latin = StringField(_l("Name in Latin letters"), validators=[NeededToSubmit(), Length(max=200)],
                             description=_l("As in your passport, e.g. WANG Wei."))
    name_kana = StringField(_l("Katakana reading (furigana)"),
                            validators=[NeededToSubmit(), Length(max=200), Katakana()],
                            description=_l("Used on Japanese forms, e.g. ワン ウェイ."))
    nationality = SelectField(_l("Nationality"), validators=[NeededToSubmit()])
    date_of_birth = DateField(_l("Date of birth"), validators=[NeededToSubmit(), Optional(), NotInFuture()])
    email = EmailField(_l("E-mail address"), validators=[NeededToSubmit(), Optional(),
                                                         Email(check_deliverability=False), Length(max=254)])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=40)])
    residence_status = SelectField(_l("Residence status"), validators=[Optional()],
                                   description=_l("Only if you already live in Japan."))
    residence_card_expires_on = DateField(_l("Residence card expiry date"), validators=[Optional(), NotInPast()])
    remove = BooleanField(_l("Remove this founder"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.nationality.choices = options(country_choices(), blank="—")
        self.residence_status.choices = options(ResidenceStatus.choices(), blank=_l("Not in Japan yet / none"))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if submitting() and self.residence_status.data and not self.residence_card_expires_on.data \
                and not self.residence_card_expires_on.errors:
            self.residence_card_expires_on.errors.append(
                _l("Enter the expiry date on the residence card of a person living in Japan."))
            valid = False
        return valid

    def founder_data(self) -> dict:
        return {
            "name_native": (self.name_native.data or "").strip(),
            "name_latin": (self.name_latin.data or "").strip(),
            "name_kana": (self.name_kana.data or "").strip(),
            "nationality": self.nationality.data or None,
            "date_of_birth": self.date_of_birth.data,
            "email": (self.email.data or "").strip(),
            "phone": (self.phone.data or "").strip(),
            "residence_status": ResidenceStatus(self.residence_status.data) if self.residence_status.data else None,
            "residence_card_expires_on": self.residence_card_expires_on.data,
        }


CONSENT_PURPOSE = _l(
    "I agree that the Asia Entrepreneur Village (Kawasaki City and THINK) uses the personal data in this application "
    "to review it, to contact me about it, and, if I am accepted, to manage my tenancy at THINK.")
CONSENT_SHARING = _l(
    "I agree that this application may be shared with the partner organizations that support founders (the SME "
    "Support Center, KSP and the Asia Entrepreneur Village Promotion Organization), for that support only.")
CONSENT_LISTING = _l(
    "Optional: I agree that the venture's name, sector and stage (never personal data) may be listed for the "
    "liaisons of Kawasaki's partner cities.")



class ApplicationForm(Form):
    founders = FieldList(FormField(FounderForm), min_entries=1, max_entries=MAX_FOUNDERS)
    venture_name = StringField(_l("Venture name"), validators=[NeededToSubmit(), Length(max=200)])
    sector = SelectField(_l("Sector"), validators=[NeededToSubmit()])
    venture_stage = SelectField(_l("Stage of the venture"), validators=[NeededToSubmit()])
    pitch = TextAreaField(_l("Short pitch"), validators=[NeededToSubmit(), Length(max=500)],
                          description=_l("What the venture does, for whom, in two or three sentences."))
    plan_summary = TextAreaField(_l("Business plan summary"), validators=[NeededToSubmit(), Length(max=5000)])
    funds_needed_yen = IntegerField(_l("Funds needed (yen)"),
                                    validators=[NeededToSubmit(), Optional(), NumberRange(min=0, max=10**12)])
    funding_plan = TextAreaField(_l("How the funds will be raised"),
                                 validators=[NeededToSubmit(), Length(max=5000)])
    planned_start = DateField(_l("Planned start at THINK"), validators=[NeededToSubmit(), Optional()])
    space_wanted = SelectField(_l("Space wanted at THINK"), validators=[NeededToSubmit()])
    uses_startup_visa = BooleanField(_l("The founder will use the startup visa (Designated Activities)"))
    referring_city_id = SelectField(_l("Referred by a partner city"), coerce=int_or_none, validators=[Optional()])
    consent_purpose = BooleanField(CONSENT_PURPOSE, validators=[
        NeededToSubmit(_l("Please agree to the purpose of use to submit the application."))])
    consent_sharing = BooleanField(CONSENT_SHARING, validators=[
        NeededToSubmit(_l("Please agree to sharing with the partner organizations to submit the application."))])
    consent_listing = BooleanField(CONSENT_LISTING)

    def set_choices(self, cities) -> None:
        self.sector.choices = options(Sector.choices(), blank="—")
        self.venture_stage.choices = options(VentureStage.choices(), blank="—")
        self.space_wanted.choices = options(SpaceKind.choices(), blank="—")
        self.referring_city_id.choices = options(((str(c.id), c.name) for c in cities), blank=_l("None"))

    def venture_data(self) -> dict:
        return {
            "venture_name": (self.venture_name.data or "").strip(),
            "sector": Sector(self.sector.data) if self.sector.data else None,
            "venture_stage": VentureStage(self.venture_stage.data) if self.venture_stage.data else None,
            "pitch": (self.pitch.data or "").strip(),
            "plan_summary": (self.plan_summary.data or "").strip(),
            "funds_needed_yen": self.funds_needed_yen.data,
            "funding_plan": (self.funding_plan.data or "").strip(),
            "planned_start": self.planned_start.data,
            "space_wanted": SpaceKind(self.space_wanted.data) if self.space_wanted.data else None,
            "uses_startup_visa": bool(self.uses_startup_visa.data),
            "referring_city_id": self.referring_city_id.data,
        }

    def consents(self) -> dict[str, bool]:
        return {"purpose": bool(self.consent_purpose.data), "sharing": bool(self.consent_sharing.data),
                "listing": bool(self.consent_listing.data)}


class DocumentForm(Form):
    kind = SelectField(_l("Kind of document"), choices=options(DocumentKind.choices()))
    file = FileField(_l("File"), validators=[FileRequired(_l("Choose a file to upload."))])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.file.description = uploads.accepted()


class StageForm(Form):
    stage = SelectField(_l("Move to"), validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)],
                           description=_l("Required for a decision. The applicant sees it in their e-mail and timeline."))

    def set_choices(self, current: Stage, allowed) -> None:
        self.stage.choices = options((s.value, s.label) for s in allowed)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.stage.data in {s.value for s in DECISIONS} and not (self.reason.data or "").strip():
            self.reason.errors.append(_l("Give the reason for this decision."))
            valid = False
        return valid


class CommentForm(Form):
    body = TextAreaField(_l("Internal comment"), validators=[DataRequired(), Length(max=5000)],
                         description=_l("Only staff see this. The applicant never does."))


class OnboardingItemForm(Form):
    step = SelectField(_l("Step"), choices=options(OnboardingStep.choices()))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])
