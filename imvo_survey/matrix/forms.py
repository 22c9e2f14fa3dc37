"""The filter form above the matrix: a GET form, so every view has a shareable URL."""

from __future__ import annotations

from decimal import Decimal

from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, DecimalField, SelectField
from wtforms.validators import NumberRange, Optional

from ..analysis.filters import CHANGE_OF, DEFAULT_THRESHOLD, LAGGING_MEASURES, MEASURES
from ..extensions import db
from ..figures import figure_header, figure_name
from ..forms import code_choices, options
from ..i18n import current_language
from ..i18n import lazy_gettext as _l
from ..models import ActivityType, Branch, Country, ProductGroup, Round, Sector


def _reference(model, blank) -> list:
    language = current_language()
    return options([("", blank)] + [(item.code, item.label(language))
                                    for item in db.session.scalars(select(model).order_by(model.position))])


class MatrixForm(FlaskForm):
    """Filters, rows, columns, the measure and the lagging threshold."""

    class Meta:
        csrf = False

    audience = SelectField(_l("Who"), default="both")
    kind = SelectField(_l("Kind"), default="")
    size = SelectField(_l("Size"), default="")
    sector = SelectField(_l("Sector"), default="")
    branch = SelectField(_l("Branch"), default="")
    activity_type = SelectField(_l("Kind of activity"), default="")
    country = SelectField(_l("Country or region"), default="")
    product_group = SelectField(_l("Product group"), default="")
    consented = BooleanField(_l("Only activities that may be published"))
    evidence = SelectField(_l("Evidence at least"), default="")
    rows = SelectField(_l("Rows"), default="sector")
    columns = SelectField(_l("Columns"), default="aspect")
    measure = SelectField(_l("Show"), default="share")
    lagging_measure = SelectField(_l("Lagging by"), default="share")
    threshold = DecimalField(_l("Lagging below (%)"), default=Decimal(f"{DEFAULT_THRESHOLD:g}"), places=None,
                             validators=[Optional(), NumberRange(min=0, max=100)])
    compare = SelectField(_l("Compare with"), default="")
    change_of = SelectField(_l("Change of"), default="share")
    panel = BooleanField(_l("Only organisations that responded in both rounds (panel)"))
    sort = SelectField(_l("Order of the rows"), default="")

    def __init__(self, *args, round: Round, **kwargs):
        super().__init__(*args, **kwargs)
        self.audience.choices = options([("both", _l("Associations, boards and companies")),
                                         ("association", _l("Branch associations and boards")),
                                         ("company", _l("Companies"))])
        self.kind.choices = code_choices("kind", blank=_l("All kinds"))
        self.size.choices = code_choices("size", blank=_l("All sizes"))
        self.evidence.choices = options([("", _l("stated (every answered activity)")),
                                         ("documented", _l("documented (evidence uploaded)")),
                                         ("verified", _l("verified (confirmed in a sample)"))])
        self.sector.choices = _reference(Sector, _l("All sectors"))
        self.branch.choices = _reference(Branch, _l("All branches"))
        self.activity_type.choices = _reference(ActivityType, _l("All kinds of activity"))
        self.country.choices = _reference(Country, _l("All countries"))
        self.product_group.choices = _reference(ProductGroup, _l("All product groups"))
        self.rows.choices = options([("sector", _l("Sector")), ("branch", _l("Branch")),
                                     ("sector_kind", _l("Sector and kind"))])
        self.columns.choices = options([("aspect", _l("IMVO aspect")), ("aspect_group", _l("Group of aspects"))])
        # The measures' names are those of the table, the exports and the API (measures.py).
        self.measure.choices = options([(key, figure_header(key)) for key in MEASURES])
        self.lagging_measure.choices = options([(key, figure_name(key)) for key in LAGGING_MEASURES])
        self.change_of.choices = options([(key, figure_name(key)) for key in CHANGE_OF])
        others = db.session.scalars(select(Round).where(Round.id != round.id).order_by(*Round.oldest_first())).all()
        self.compare.choices = options([("", _l("The baseline"))] + [(r.slug, r.name) for r in others])
        self.sort.choices = options([("", _l("Sector order")), ("gap", _l("Largest gap first"))])
