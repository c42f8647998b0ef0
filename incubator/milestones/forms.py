from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from incubator.dates import today_in_tokyo
from incubator.forms import Form, int_or_none, options
from incubator.milestones.models import MAX_AMOUNT_YEN, MAX_HEADCOUNT, MilestoneKind
from incubator.milestones.services import quarter_of
from incubator.validators import NotInFuture


class MilestoneForm(Form):
    kind = SelectField(_l("Milestone"), choices=options(MilestoneKind.choices()))
    occurred_on = DateField(_l("Date"), validators=[InputRequired(_l("Give the date.")), NotInFuture()])
    amount_yen = IntegerField(_l("Amount raised (yen)"), validators=[Optional(), NumberRange(min=1, max=MAX_AMOUNT_YEN)],
                              description=_l("Funding raised only."))
    headcount = IntegerField(_l("People hired"), validators=[Optional(), NumberRange(min=1, max=MAX_HEADCOUNT)],
                             description=_l("Hires only."))
    member_id = SelectField(_l("Member"), coerce=int_or_none, validators=[Optional()],
                            description=_l("Business Manager status only: who obtained it."))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def set_members(self, members) -> None:
        self.member_id.choices = options(((str(m.id), m.display_name) for m in members), blank="—")

    def milestone_data(self) -> dict:
        return {"kind": MilestoneKind(self.kind.data), "occurred_on": self.occurred_on.data,
                "amount_yen": self.amount_yen.data, "headcount": self.headcount.data,
                "member_id": self.member_id.data, "note": self.note.data or ""}


def _quarter_choices():
    """The current fiscal quarter and the seven before it, newest first."""
    year, quarter = quarter_of(today_in_tokyo())
    choices = []
    for _ in range(8):
        choices.append((f"{year}-{quarter}", _l("FY%(year)s Q%(quarter)s", year=year, quarter=quarter)))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return choices


class QuarterlyForm(Form):
    period = SelectField(_l("Quarter"), description=_l("Fiscal quarters: Q1 is April to June."))
    revenue_yen = IntegerField(_l("Revenue in the quarter (yen)"),
                               validators=[InputRequired(_l("Give an amount in yen.")),
                                           NumberRange(min=0, max=MAX_AMOUNT_YEN)])
    headcount = IntegerField(_l("Headcount at the end of the quarter"),
                             validators=[InputRequired(_l("Give a number.")), NumberRange(min=0, max=MAX_HEADCOUNT)],
                             description=_l("Everyone working for the venture, founders included."))
    funding_to_date_yen = IntegerField(_l("Funding raised to date (yen)"),
                                       validators=[InputRequired(_l("Give an amount in yen.")),
                                                   NumberRange(min=0, max=MAX_AMOUNT_YEN)],
                                       description=_l("All funding since the venture was founded."))
    note = StringField(_l("Note"), validators=[Optional(), Length(max=500)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.period.choices = options(_quarter_choices())

    def update_data(self) -> dict:
        year, quarter = (int(part) for part in self.period.data.split("-"))
        return {"fiscal_year": year, "quarter": quarter, "revenue_yen": self.revenue_yen.data,
                "headcount": self.headcount.data, "funding_to_date_yen": self.funding_to_date_yen.data,
                "note": self.note.data or ""}
