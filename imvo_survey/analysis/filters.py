"""The filters every analysis takes, read from plain values (query parameters, CLI
`--filter KEY=VALUE`, API parameters): the same keys everywhere."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

from ..models.organisation import KINDS

AUDIENCES = ("both", "association", "company")
ROWS = ("sector", "branch", "sector_kind")
COLUMNS = ("aspect", "aspect_group")
#: The measures the matrix shows, each with the column of `Matrix.cells` it reads (the
#: change is computed beside the cells, under the same name).
MEASURE_COLUMNS = {"share": "share", "organisations": "organisations", "members": "member_coverage",
                   "activities": "activities", "change": "change"}
MEASURES = tuple(MEASURE_COLUMNS)
#: A cell lags when its share (or member coverage) is below this percentage, by default.
DEFAULT_THRESHOLD = 25.0
#: What the change since the comparison round is the change of (percentage points either way).
CHANGE_OF = ("share", "members")
#: What a cell's lagging is measured by: the share of organisations or the member coverage.
LAGGING_MEASURES = ("share", "members")
SIZES = ("large", "mkb")
#: Evidence levels, lowest first: an activity is stated (answered), documented (its
#: response's respondent uploaded evidence in a verification sample) or verified
#: (confirmed in a sample's check). A filter on a level keeps that level and those above.
EVIDENCE_LEVELS = ("stated", "documented", "verified")


class FilterError(ValueError):
    """A filter value that is not allowed; the message names the key."""


@dataclass(frozen=True)
class Filters:
    """Which responses and activities count. Codes are the reference codes of DOMAIN.md."""

    round: int | str | None = None          #: round id or slug
    audience: str = "both"                  #: association, company or both
    kind: str | None = None                 #: organisation kind
    size: str | None = None                 #: large or mkb
    sector: str | None = None               #: sector code
    branch: str | None = None               #: branch code
    activity_type: str | None = None        #: activity type code
    country: str | None = None              #: ISO code or region code (west_africa, ...)
    product_group: str | None = None        #: product group code
    consented: bool = False                 #: only activities that may be published
    evidence: str | None = None             #: the lowest evidence level counted (EVIDENCE_LEVELS)

    KEYS = ("round", "audience", "kind", "size", "sector", "branch", "activity_type", "country", "product_group",
            "consented", "evidence")

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> Filters:
        """Filters from string parameters; unknown keys and bad values are refused."""
        values: dict[str, object] = {}
        for key, raw in params.items():
            if key not in cls.KEYS:
                raise FilterError(f"Unknown filter {key!r}; use one of: {', '.join(cls.KEYS)}.")
            if raw in (None, ""):
                continue
            text = str(raw).strip()
            if key == "consented":
                values[key] = text.lower() in ("1", "true", "yes", "ja", "on")
            elif key == "round":
                values[key] = int(text) if text.isascii() and text.isdigit() else text  # not "²"
            else:
                values[key] = text
        filters = cls(**values)
        filters.check()
        return filters

    def check(self) -> None:
        if self.audience not in AUDIENCES:
            raise FilterError(f"audience must be one of {', '.join(AUDIENCES)}.")
        if self.kind is not None and self.kind not in KINDS:
            raise FilterError(f"kind must be one of {', '.join(KINDS)}.")
        if self.size is not None and self.size not in SIZES:
            raise FilterError(f"size must be one of {', '.join(SIZES)}.")
        if self.evidence is not None and self.evidence not in EVIDENCE_LEVELS:
            raise FilterError(f"evidence must be one of {', '.join(EVIDENCE_LEVELS)}.")

    def params(self) -> dict[str, str]:
        """The non-default filters as strings (for links and the export's explanation)."""
        result = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value in (None, False) or (item.name == "audience" and value == "both"):
                continue
            result[item.name] = "1" if value is True else str(value)
        return result

    def with_round(self, round_id: int) -> Filters:
        return replace(self, round=round_id)

    @property
    def whole_round(self) -> bool:
        """Whether these filters take the whole round: no organisation or activity left out
        (such an export is a background job; a filtered one is small enough to send at once)."""
        return set(self.params()) <= {"round"}

    @property
    def filters_activities(self) -> bool:
        """Whether activity-level filters apply (they narrow the cells, not the rows)."""
        return bool(self.activity_type or self.country or self.product_group or self.consented
                    or self.evidence in ("documented", "verified"))
