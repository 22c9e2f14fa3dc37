"""The report's sections on the matrix: response, coverage, the benchmark beside the
coverage, the lagging areas, and the change since the baseline. Each takes the build's
`ReportContext` and returns a `Section`; the figures are the matrix's, named and rounded
by `analysis.measures` (through `figures.py`), labelled in the report's language."""

from __future__ import annotations

import pandas as pd
from flask_babel import gettext as _

from ..analysis.matrix import NONE_KEY, TOTAL_KEY, Matrix
from ..analysis.response import RESPONSE_COLUMNS, response_figures, total_response
from ..figures import figure_description, figure_header, figure_name, figure_number, figure_text
from ..i18n import code_label, current_language
from ..matrix.chart import CHAIN_RANGE, PERCENT_RANGE, coverage_by_row
from ..matrix.view import plain, row_label
from . import charts
from .context import ReportContext
from .document import Cell, Chart, Paragraph, Section, Table

#: The most lagging areas listed; the rest are counted, and the matrix export has them all.
LAGGING_LISTED = 40
#: Chains named per lagging area (the largest contributions first).
CHAINS_NAMED = 3
LAGGING_MARK = "\u25bc"


def _figure_cell(code: str, value, key: str | None = None, signed: bool = False, mark: str = "") -> Cell:
    return Cell(figure_text(code, value, signed=signed), numeric=True, key=key, mark=mark)


def _response_cells(figures, key: str) -> list[Cell]:
    return [_figure_cell(code, figures[code], f"{code}|{key}|") for code in RESPONSE_COLUMNS]


def _response_headers() -> list[str]:
    return [figure_header(code) for code in RESPONSE_COLUMNS]


def response_section(context: ReportContext) -> Section:
    """Targeted, responded, declined and the rate, in all, by kind and by sector."""
    matrix = context.by_aspect
    total = matrix.rows.loc[TOTAL_KEY]
    section = Section("response", _("Response"))
    section.blocks.append(Paragraph(_(
        "Of the %(targeted)s organisations the round was for, %(responded)s responded: a response rate of "
        "%(rate)s. %(declined)s declined.", targeted=figure_text("targeted", total["targeted"]),
        responded=figure_text("responded", total["responded"]), rate=figure_text("response_rate",
                                                                                  total["response_rate"]),
        declined=figure_text("declined", total["declined"]))))
    organisations = matrix.organisations.assign(kind=matrix.organisations["kind"].fillna(NONE_KEY))
    by_kind = response_figures(organisations, "kind")
    rows = [[Cell(code_label(kind, "kind") if kind != NONE_KEY else _("None")), *_response_cells(figures,
                                                                                              f"kind:{kind}")]
            for kind, figures in by_kind.iterrows()]
    rows.append([Cell(_("Total")), *_response_cells(total_response(organisations), "kind:_total")])
    section.blocks.append(Table(_("Response by kind of organisation"), [_("Kind"), *_response_headers()], rows,
                                total=True))
    sector_rows = [[Cell(row_label(matrix, key)), *_response_cells(matrix.rows.loc[key], key)]
                   for key in matrix.row_order()]
    table = Table(_("Response by sector"), [_("Sector"), *_response_headers()], sector_rows, total=True)
    keys = [key for key in matrix.row_order() if key != TOTAL_KEY]
    image = charts.bar_chart(
        _("Response rate by sector"), [row_label(matrix, key) for key in keys],
        [(figure_name("response_rate"), [plain(matrix.rows.at[key, "response_rate"]) for key in keys])],
        figure_header("response_rate"), lambda value: figure_text("response_rate", value), (0.0, 100.0))
    section.blocks.append(Chart(_("Response rate by sector"), charts.data_uri(image), _(
        "Per sector the organisations that responded as a percentage of those targeted; a sector without "
        "figure shows no bar."), table))
    return section


def _matrix_table(matrix: Matrix, caption: str, wide: bool) -> Table:
    """Rows by columns of the share of organisations with an activity, lagging cells marked."""
    headers = [_("Sector"), figure_name("responded"),
               *[str(labels["label_en" if current_language() == "en" else "label_nl"])
                 for _code, labels in matrix.column_labels.iterrows()]]
    rows = []
    for key in matrix.row_order():
        figures = matrix.rows.loc[key]
        cells = [Cell(row_label(matrix, key)), _figure_cell("responded", figures["responded"])]
        for column in matrix.column_labels.index:
            cell = matrix.cells.loc[(key, column)]
            lagging = bool(cell["lagging"])
            cells.append(_figure_cell("share", cell["share"], f"share|{key}|{column}",
                                      mark=LAGGING_MARK if lagging else ""))
        rows.append(cells)
    note = _("%(mark)s lagging: a relevant aspect with a share under %(threshold)s %%. \u2013: no responding "
             "organisation in the row.", mark=LAGGING_MARK, threshold=figure_number("share", matrix.threshold))
    return Table(caption, headers, rows, note, wide, total=True)


def matrix_section(context: ReportContext) -> Section:
    """The coverage matrix by aspect group, and by aspect on a page of its own."""
    section = Section("matrix", _("Coverage matrix"))
    section.blocks.append(Paragraph(_(
        "Each cell gives the share of the sector's responding organisations with at least one activity on the "
        "aspect: %(definition)s", definition=figure_description("share"))))
    section.blocks.append(_matrix_table(context.by_group, _("Coverage by sector and aspect group (%)"), False))
    section.blocks.append(_matrix_table(context.by_aspect, _("Coverage by sector and aspect (%)"), True))
    return section


def benchmark_section(context: ReportContext) -> Section:
    """Per sector the benchmark's scores beside its coverage (the mean share over the
    aspects, as the matrix page's chart has it), as a table and a scatter plot."""
    matrix = context.by_aspect
    coverage = coverage_by_row(matrix)
    section = Section("benchmark", _("Transparantiebenchmark beside coverage"))
    rows, points, left_out = [], [], []
    for key in matrix.row_keys:
        figures = matrix.rows.loc[key]
        label = row_label(matrix, key)
        rows.append([Cell(label), *[_figure_cell(code, figures.get(code), f"{code}|{key}|")
                                    for code in ("benchmark_total", "benchmark_chain", "benchmark_companies")],
                     _figure_cell("share", coverage.get(key), f"coverage|{key}|")])
        chain = plain(figures.get("benchmark_chain"))
        if chain is None or coverage.get(key) is None:
            left_out.append(label)
        else:
            points.append((label, chain, coverage[key]))
    year = matrix.rows["benchmark_year"].dropna() if "benchmark_year" in matrix.rows else pd.Series(dtype=float)
    table = Table(_("Benchmark scores and coverage by sector"),
                  [_("Sector"), figure_name("benchmark_total"), figure_name("benchmark_chain"),
                   figure_name("benchmark_companies"), _("Coverage, mean over the aspects (%)")], rows)
    description = _("Per sector the chain score of the Transparantiebenchmark (%(year)s) against the mean share "
                    "of organisations with an activity over the aspects.",
                    year=", ".join(sorted({str(int(value)) for value in year})) or _("no year"))
    if left_out:
        description += " " + _("Left out for want of a figure: %(rows)s.", rows=", ".join(left_out))
    image = charts.scatter_chart(_("Coverage against the benchmark's chain score"), points,
                                 figure_name("benchmark_chain"), _("Coverage, mean over the aspects (%)"),
                                 CHAIN_RANGE, PERCENT_RANGE)
    section.blocks.append(Chart(_("Coverage against the benchmark's chain score"), charts.data_uri(image),
                                description, table))
    return section


def _chains(matrix: Matrix, key: str, aspect: str, names: dict) -> str:
    """The chains behind a relevance, largest contribution first: "Palm oil, Indonesia (high)"."""
    if matrix.relevance is None:
        return ""
    chains = matrix.relevance.chains
    chains = chains[(chains["row"] == key) & (chains["aspect"] == aspect)].sort_values("contribution",
                                                                                    ascending=False)
    return "; ".join(f"{names['product_group'].get(row.product_group, row.product_group)}, "
                     f"{names['country'].get(row.country, row.country)}"
                     + (f" ({code_label(row.level, 'risk_level')})" if isinstance(row.level, str) else "")
                     for row in chains.head(CHAINS_NAMED).itertuples())


def lagging_section(context: ReportContext) -> Section:
    """The lagging areas (relevant aspects with coverage under the threshold), the
    largest gap first, with the chains that make the aspect relevant."""
    matrix = context.by_aspect
    section = Section("lagging", _("Lagging areas"))
    cells = matrix.cells[matrix.cells["lagging"].astype(bool)].drop(TOTAL_KEY, level="row", errors="ignore")
    cells = cells.sort_values("gap", ascending=False, kind="stable")
    if not len(cells):
        section.blocks.append(Paragraph(_("No relevant aspect has a coverage under %(threshold)s %% in any sector.",
                                          threshold=figure_number("share", matrix.threshold))))
        return section
    column = "label_en" if current_language() == "en" else "label_nl"
    rows = [[Cell(row_label(matrix, key)), Cell(str(matrix.column_labels.at[aspect, column])),
             _figure_cell("share", cell["share"], f"share|{key}|{aspect}"),
             _figure_cell("relevance", cell["relevance"], f"relevance|{key}|{aspect}"),
             _figure_cell("gap", cell["gap"], f"gap|{key}|{aspect}"),
             Cell(_chains(matrix, key, aspect, context.chain_names) or _("no chain with a risk entry"))]
            for (key, aspect), cell in cells.head(LAGGING_LISTED).iterrows()]
    note = _("%(listed)s of %(count)s lagging areas listed; the matrix and its exports have them all.",
             listed=min(LAGGING_LISTED, len(cells)), count=len(cells)) if len(cells) > LAGGING_LISTED else ""
    section.blocks.append(Paragraph(_(
        "An aspect lags in a sector when it is relevant there (its relevance, from the risks of the sector's "
        "chains, is above %(relevance)s) and fewer than %(threshold)s %% of the sector's responding "
        "organisations have an activity on it. The gap is the relevance times the coverage still missing.",
        relevance=figure_number("relevance", matrix.relevance_threshold),
        threshold=figure_number("share", matrix.threshold))))
    section.blocks.append(Table(_("Lagging areas, the largest gap first"),
                                [_("Sector"), _("Aspect"), figure_name("share") + " (%)", figure_name("relevance"),
                                 figure_name("gap"), _("Chains behind it")], rows, note))
    return section


def change_section(context: ReportContext) -> Section:
    """The change in coverage since the baseline, on the panel of organisations that
    responded to both rounds."""
    section = Section("change", _("Change since the baseline"))
    comparison = context.comparison
    if comparison is None:
        section.blocks.append(Paragraph(_("This round has no earlier baseline round to compare with.")))
        return section
    new, old = comparison.new, comparison.old
    panel = int(new.rows.at[TOTAL_KEY, "responded"]) if TOTAL_KEY in new.rows.index else 0
    section.blocks.append(Paragraph(_(
        "Compared with %(baseline)s (%(year)s) on the panel of the %(panel)s organisations that responded to "
        "both rounds, each in the sector it gave in this round, so that a change in who responded does not look "
        "like progress.", baseline=old.round.name, year=old.round.year, panel=panel)))
    change = comparison.change("share")
    column = "label_en" if current_language() == "en" else "label_nl"
    labels = [str(labels[column]) for _code, labels in new.column_labels.iterrows()]
    rows = [[Cell(row_label(new, key)),
             *[_figure_cell("change", change.get((key, code)), f"change|{key}|{code}", signed=True)
               for code in new.column_labels.index]]
            for key in new.row_order()]
    table = Table(_("Change in the share of organisations with an activity, in percentage points"),
                  [_("Sector"), *labels], rows, total=True)
    codes = list(new.column_labels.index)
    image = charts.bar_chart(
        _("Panel coverage by aspect group"), labels,
        [(str(old.round.year), [plain(old.cells["share"].get((TOTAL_KEY, code))) for code in codes]),
         (str(new.round.year), [plain(new.cells["share"].get((TOTAL_KEY, code))) for code in codes])],
        figure_name("share") + " (%)", lambda value: figure_text("share", value), PERCENT_RANGE)
    section.blocks.append(Chart(_("Panel coverage by aspect group"), charts.data_uri(image), _(
        "The panel's share of organisations with an activity per aspect group, in the baseline and in this "
        "round; the table gives the change per sector."), table))
    return section
