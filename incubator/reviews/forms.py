"""The reviewer's scoring form (one 1-5 choice per criterion) and the admin's rubric form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from incubator.forms import Form, options
from incubator.i18n import LOCALES
from incubator.reviews.models import SCORES, RubricCriterion
from incubator.validators import Code


class ReviewForm(Form):
    comment = TextAreaField(_l("Comment for the other reviewers"), validators=[Optional(), Length(max=5000)],
                            description=_l("Only staff see it, and only after they have scored."))

    def criterion_fields(self, criteria: list[RubricCriterion]):
        """(criterion, field) pairs, in rubric order."""
        return [(criterion, self[score_field(criterion)]) for criterion in criteria]

    def scores(self, criteria: list[RubricCriterion]) -> dict[int, int]:
        return {criterion.id: self[score_field(criterion)].data for criterion in criteria}


def score_field(criterion: RubricCriterion) -> str:
    return f"score_{criterion.id}"


def review_form(criteria: list[RubricCriterion], **kwargs) -> ReviewForm:
    """A scoring form with a required 1-5 choice for each active criterion."""
    fields = {
        score_field(criterion): RadioField(
            criterion.title, choices=options((score, str(score)) for score in SCORES), coerce=int,
            validators=[InputRequired(_l("Give a score from 1 to 5."))])
        for criterion in criteria
    }
    return type("ReviewForm", (ReviewForm,), fields)(**kwargs)


class CriterionForm(Form):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=40), Code()], description=Code.description)
    position = IntegerField(_l("Position in the rubric"), default=0,
                            validators=[InputRequired(), NumberRange(min=0, max=999)])
    is_active = BooleanField(_l("Used for new reviews"), default=True)

    def locale_fields(self):
        """Per locale: its name, the title field and the five descriptor fields."""
        return [(name, self[f"title_{code}"], [self[f"descriptor_{score}_{code}"] for score in SCORES])
                for code, (name, _tag) in LOCALES.items()]

    def titles(self) -> dict[str, str]:
        return {code: self[f"title_{code}"].data.strip() for code in LOCALES}

    def descriptors(self) -> dict[str, dict[str, str]]:
        return {str(score): {code: self[f"descriptor_{score}_{code}"].data.strip() for code in LOCALES}
                for score in SCORES}


def _criterion_form_class() -> type[CriterionForm]:
    """The rubric form with a title and five descriptors in every served locale, all required."""
    fields = {}
    for code, (name, _tag) in LOCALES.items():
        fields[f"title_{code}"] = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
        for score in SCORES:
            fields[f"descriptor_{score}_{code}"] = StringField(
                _l("Score %(score)s means", score=score), validators=[DataRequired(), Length(max=300)])
    return type("CriterionForm", (CriterionForm,), fields)


CriterionLocaleForm = _criterion_form_class()


def criterion_form_data(criterion: RubricCriterion) -> dict:
    data = {"code": criterion.code, "position": criterion.position, "is_active": criterion.is_active}
    for code in LOCALES:
        data[f"title_{code}"] = criterion.titles.get(code, "")
        for score in SCORES:
            data[f"descriptor_{score}_{code}"] = criterion.descriptors.get(str(score), {}).get(code, "")
    return data
