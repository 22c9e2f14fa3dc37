"""The progress report's summaries on frames built in the test: complaint mechanisms,
reporting (a channel named twice by one organisation counts once), and statements by
aspect, anonymised unless the organisation consented. No app, no database."""

from __future__ import annotations

import pandas as pd

from imvo_survey.analysis.report import (
    ANSWER_COLUMNS,
    NO_ASPECT,
    STATEMENT_COLUMNS,
    complaint_summary,
    reporting_summary,
    statements_by_aspect,
)


def answers(*rows) -> pd.DataFrame:
    """(response_id, code, text, number, json) rows as `load_answers` gives them."""
    return pd.DataFrame.from_records([(response, response, "company", "voedsel_drank", code, text, number, json)
                                      for response, code, text, number, json in rows], columns=ANSWER_COLUMNS)


def test_complaints_count_organisations_and_sum_only_given_figures():
    frame = answers((1, "complaint_mechanism_exists", "yes", None, None),
                    (1, "complaint_mechanism_type", "sector_wide", None, None),
                    (1, "complaints_received", None, 12.0, None), (1, "complaints_handled", None, 9.0, None),
                    (2, "complaint_mechanism_exists", "yes", None, None),
                    (2, "complaint_mechanism_type", "per_company", None, None),
                    (2, "complaints_received", None, 3.0, None),
                    (3, "complaint_mechanism_exists", "no", None, None),
                    # a type left from before the answer became "no" does not count
                    (3, "complaint_mechanism_type", "external_body", None, None))
    summary = complaint_summary(frame, responding=5)
    assert (summary.responding, summary.answered, summary.with_mechanism) == (5, 3, 2)
    assert summary.by_type == {"per_company": 1, "sector_wide": 1}
    assert (summary.received, summary.handled, summary.reporting_figures) == (15.0, 9.0, 2)


def test_no_complaint_figures_are_none_not_zero():
    summary = complaint_summary(answers((1, "complaint_mechanism_exists", "no", None, None)), responding=1)
    assert summary.received is None and summary.handled is None and summary.reporting_figures == 0


def test_reporting_counts_each_organisation_once_per_channel():
    frame = answers((1, "rj400_used", "yes", None, None), (2, "rj400_used", "no", None, None),
                    (3, "sector_report_published", "yes", None, None),
                    (1, "reporting_channels", None, None, ["website", "annual_report"]))
    channels = pd.DataFrame({"response_id": [1, 1, 3], "channel": ["website", "website", "sector_report"]})
    summary = reporting_summary(frame, channels, responding=4)
    assert summary.yes_no == {"sector_report_published": (1, 1), "rj400_recommended": (0, 0), "rj400_used": (1, 2)}
    assert summary.channels == {"annual_report": 1, "sector_report": 1, "website": 1}


def test_statements_by_aspect_in_order_named_only_with_consent():
    rows = [("bottleneck", 5, 2, "Stil BV", False, "energie", "Lonen onbekend", "Loonstudie", "wages"),
            ("dilemma", 4, 1, "Open Vereniging", True, "voedsel_drank", "Kinderen helpen", None, "child_labour"),
            ("dilemma", 4, 1, "Open Vereniging", True, "voedsel_drank", "Kinderen helpen", None, "wages"),
            ("dilemma", 6, 2, "Stil BV", False, None, "Zonder aspect", None, NO_ASPECT)]
    grouped = statements_by_aspect(pd.DataFrame.from_records(rows, columns=STATEMENT_COLUMNS),
                                   ["child_labour", "wages", "water"])
    assert list(grouped) == ["child_labour", "wages", NO_ASPECT]
    assert [(item.kind, item.organisation) for item in grouped["wages"]] == [("dilemma", "Open Vereniging"),
                                                                            ("bottleneck", None)]
    assert grouped["wages"][1].help == "Loonstudie" and grouped["wages"][1].sector == "energie"
    assert grouped[NO_ASPECT][0].sector is None and grouped[NO_ASPECT][0].organisation is None
