"""The risk relevance of a round, kept per process between views of its matrix.

Loading what the relevance is computed from (the round's chains at risk and their
totals) and computing it takes about a second for a round of 5,000 organisations, on
every view of the matrix, while it changes only when a responded response or the risk
analysis does. Each such change renews the round's stamp in the same transaction
(`models.analysis_stamp`), so a view reads the stamp (one small query) and uses what
this process computed for that stamp, or loads and computes it again. The stamp is read
before the frames, so frames kept under a stamp are never older than it.

The kept frames and results are shared between requests: they are read, never changed.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy import func, select

from ..models import AnalysisStamp, Round
from .relevance import RelevanceResult, RiskFrames, relevance_for
from .risk_frames import load_risk_frames

#: Rounds kept per process (the newest views win); a round's frames take a few MB.
KEPT_ROUNDS = 8


@dataclass
class _Kept:
    frames: RiskFrames
    results: dict[tuple[str, str], RelevanceResult] = field(default_factory=dict)


_LOCK = threading.Lock()
_KEPT: OrderedDict[tuple, _Kept] = OrderedDict()


def _key(conn, round_id: int) -> tuple | None:
    # The round's creation time tells apart two databases that have a round of the
    # same id and stamp (a test's, the benchmark's).
    found = conn.execute(select(Round.created_at, func.coalesce(AnalysisStamp.stamp, 0))
                         .outerjoin(AnalysisStamp, AnalysisStamp.round_id == Round.id)
                         .where(Round.id == round_id)).first()
    if found is None:
        return None
    return (conn.engine.url.render_as_string(hide_password=True), round_id, *found)


def risk_frames(conn, round_id: int) -> RiskFrames:
    """`load_risk_frames(conn, round_id)`, from this process's copy while the round's
    stamp is unchanged."""
    key = _key(conn, round_id)
    if key is None:
        return load_risk_frames(conn, round_id)
    with _LOCK:
        kept = _KEPT.get(key)
        if kept is not None:
            _KEPT.move_to_end(key)
            return kept.frames
    frames = load_risk_frames(conn, round_id)
    with _LOCK:
        _KEPT[key] = _Kept(frames)
        while len(_KEPT) > KEPT_ROUNDS:
            _KEPT.popitem(last=False)
    return frames


def relevance(frames: RiskFrames, rows_by: str, none_key: str) -> RelevanceResult:
    """`relevance_for(frames, rows_by, none_key)`, computed once for frames kept here."""
    with _LOCK:
        kept = next((item for item in _KEPT.values() if item.frames is frames), None)
        result = kept.results.get((rows_by, none_key)) if kept is not None else None
    if result is not None:
        return result
    result = relevance_for(frames, rows_by, none_key)
    if kept is not None:
        with _LOCK:
            kept.results[(rows_by, none_key)] = result
    return result


def forget() -> None:
    """Drop every kept round (tests that change a database behind the ORM's back)."""
    with _LOCK:
        _KEPT.clear()
