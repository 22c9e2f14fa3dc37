"""What every section of a report reads: the round, its language, and the round's
matrices, each computed once per build (by sector and aspect, by sector and aspect
group, and the panel comparison with the baseline by aspect group). The matrices are
the matrix page's own (`build_matrix` with the relevance settings of the page), so the
report cannot say other numbers than the matrix of the same round and settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from sqlalchemy import select

from ..analysis import Filters, build_matrix, year_over_year
from ..analysis.matrix import Comparison, Matrix
from ..extensions import db
from ..models import Country, ProductGroup, Round
from ..risk.services import relevance_options


@dataclass
class ReportContext:
    """One build's data; the matrices are computed when a section first asks for them."""

    round: Round
    language: str
    conn: object
    #: The relevance settings the matrix page uses (threshold, order).
    settings: dict = field(default_factory=relevance_options)

    @property
    def filters(self) -> Filters:
        """The whole round: every response and activity, at the lowest evidence level."""
        return Filters(round=self.round.id)

    @cached_property
    def by_aspect(self) -> Matrix:
        return build_matrix(self.conn, self.filters, rows="sector", columns="aspect", **self.settings)

    @cached_property
    def by_group(self) -> Matrix:
        return build_matrix(self.conn, self.filters, rows="sector", columns="aspect_group", **self.settings)

    @cached_property
    def comparison(self) -> Comparison | None:
        """This round beside its baseline, on the panel of organisations that responded
        to both; None when the round is the baseline or has none."""
        return year_over_year(self.conn, self.filters, panel=True, rows="sector", columns="aspect_group",
                              **self.settings)

    @cached_property
    def chain_names(self) -> dict[str, dict[str, str]]:
        """Product groups' and countries' labels by code, for the chains behind a relevance."""
        return {"product_group": {item.code: self.label(item) for item in db.session.scalars(select(ProductGroup))},
                "country": {item.code: self.label(item) for item in db.session.scalars(select(Country))}}

    def label(self, item) -> str:
        """A reference entry's label in the report's language."""
        return item.label(self.language)
