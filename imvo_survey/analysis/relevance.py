"""Relevance per sector (or branch) and IMVO aspect: how much of what a row imports
comes from chains where the aspect is at risk. Pandas only, frames in and frames out;
`risk_frames.load_risk_frames` reads the frames.

The rule, in words (README, "Risk analysis"):

1. The **import profile** of a row is a set of chains (product group x country) with a
   weight. From imported trade statistics (import shares) where a row has any; else from
   the round: each responding organisation counts each chain its activities name once.
   The weights are scaled to shares that sum to 1 per row.
2. **Risk entries** say which aspects are at risk in a chain, with a level: low 1,
   medium 2, high 3. An entry for a region holds for each of its countries; an entry for
   the country itself wins over its region's.
3. **Relevance** of (row, aspect) = the sum over the row's chains of share x level / 3,
   so 0 to 1: 1 when every chain is at high risk on the aspect. The chains that add to
   it are listed with their share and level.
4. A **relevance set by hand** wins over the computed one and is marked as such.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pandas as pd

from . import measures

#: The weight of each risk level; relevance divides by the highest.
LEVEL_WEIGHTS = {"low": 1, "medium": 2, "high": 3}
MAX_LEVEL = max(LEVEL_WEIGHTS.values())
#: A cell's aspect is relevant when its relevance is above this, unless set otherwise
#: (`config.RISK_RELEVANCE_THRESHOLD`): a tenth of a row's imports at high risk, or
#: three tenths at low risk, is not yet relevant; a little more is.
DEFAULT_RELEVANCE_THRESHOLD = 0.1
#: Where a row's import profile came from.
ORIGINS = ("imported", "round")


def is_relevant(relevance: float, threshold: float) -> bool:
    """Whether an aspect is relevant: its relevance as shown (two decimals, the
    measure's rounding) above `threshold`, so that a flag never contradicts the figure
    beside it (0,10 is not above 0,10)."""
    shown = measures.rounded("relevance", relevance)
    return shown is not None and shown > threshold


PROFILE_COLUMNS = ["row", "product_group", "country", "share", "origin"]
CHAIN_COLUMNS = ["row", "aspect", "product_group", "country", "share", "level", "contribution"]
RELEVANCE_COLUMNS = ["relevance", "computed", "manual", "reason", "set_by", "set_at"]


@dataclass
class RelevanceResult:
    """The relevance of one way of grouping rows (by sector or by branch)."""

    #: Index (row, aspect): relevance (what counts), computed (from the chains, 0 when
    #: none), manual (True when set by hand), reason, set_by, set_at (of a value set by hand).
    relevance: pd.DataFrame
    #: The chains behind each computed relevance: row, aspect, product_group, country,
    #: share (of the row's imports, 0-1), level, contribution (to the relevance).
    chains: pd.DataFrame
    #: The import profile: row, product_group, country, share (0-1), origin.
    profile: pd.DataFrame

    def value(self, row: str, aspect: str) -> float:
        """The relevance of (row, aspect); 0 when nothing makes it relevant."""
        try:
            return float(self.relevance.at[(row, aspect), "relevance"])
        except KeyError:
            return 0.0


#: The pseudo chain that stands for a row's chains without any risk entry (their weight
#: counts in the row's total, their aspects in nothing).
OTHER = "_other"


def profile_from_round(chains: pd.DataFrame, totals: pd.Series | None = None) -> pd.DataFrame:
    """Weights from the chains the round's responses name: one per organisation and
    chain, however many activities name it. `chains`: organisation_id, row,
    product_group, country. `totals` (per row: all its chains so counted) is given when
    `chains` holds only the chains that have a risk entry; the rest of a row's weight
    is then one pseudo chain `OTHER`."""
    distinct = chains.drop_duplicates(["organisation_id", "row", "product_group", "country"])
    weights = distinct.groupby(["row", "product_group", "country"]).size().rename("weight").reset_index()
    weights = weights.astype({"weight": "float64"})
    if totals is None:
        return weights
    rest = (totals - weights.groupby("row")["weight"].sum().reindex(totals.index).fillna(0.0)).clip(lower=0.0)
    rest = rest[rest > 0]
    other = pd.DataFrame({"row": rest.index.astype(object), "product_group": OTHER, "country": OTHER,
                          "weight": rest.to_numpy(dtype="float64")})
    return pd.concat([frame for frame in (weights, other) if not frame.empty] or [weights], ignore_index=True)


def profile_from_shares(shares: pd.DataFrame) -> pd.DataFrame:
    """Weights from imported shares: row, product_group, country, share (percent)."""
    return shares.rename(columns={"share": "weight"})[["row", "product_group", "country", "weight"]]


def combine_profiles(imported: pd.DataFrame, from_round: pd.DataFrame) -> pd.DataFrame:
    """A row's imported shares where it has any, else the round's chains; each row's
    weights scaled to shares that sum to 1."""
    imported = imported.assign(origin="imported")
    rest = from_round[~from_round["row"].isin(set(imported["row"]))].assign(origin="round")
    profile = pd.concat([frame for frame in (imported, rest) if not frame.empty]
                        or [pd.DataFrame(columns=["row", "product_group", "country", "weight", "origin"])],
                        ignore_index=True)
    profile = profile[profile["weight"] > 0]
    totals = profile.groupby("row")["weight"].transform("sum")
    profile = profile.assign(share=(profile["weight"] / totals).astype("float64"))
    return profile[PROFILE_COLUMNS].reset_index(drop=True)


def expand_regions(risks: pd.DataFrame, regions: pd.DataFrame | None) -> pd.DataFrame:
    """Risk entries per country: a region's entry for each of its countries (and for the
    region itself); a country's own entry wins over its region's for the same product
    group and aspect. `regions`: region, country."""
    own = risks.assign(specific=True)
    if regions is None or regions.empty:
        return own.drop(columns="specific")
    members = risks.merge(regions, left_on="country", right_on="region", suffixes=("_region", ""))
    members = members.drop(columns=["country_region", "region"]).assign(specific=False)
    both = pd.concat([own, members], ignore_index=True).sort_values("specific", ascending=False, kind="stable")
    return both.drop_duplicates(["country", "product_group", "aspect"]).drop(columns="specific")


def compute_relevance(profile: pd.DataFrame, risks: pd.DataFrame, regions: pd.DataFrame | None = None,
                      manual: pd.DataFrame | None = None) -> RelevanceResult:
    """Relevance per (row, aspect) from an import profile (`combine_profiles`) and risk
    entries (country, product_group, aspect, level); `manual` (row, aspect, value,
    reason, set_by, set_at) wins where given."""
    entries = expand_regions(risks, regions)
    entries = entries.assign(weight=entries["level"].map(LEVEL_WEIGHTS).astype("float64"))
    chains = profile.merge(entries, on=["product_group", "country"], how="inner")
    chains = chains.assign(contribution=chains["share"] * chains["weight"] / MAX_LEVEL)
    chains = chains.sort_values(["row", "aspect", "contribution", "product_group", "country"],
                                ascending=[True, True, False, True, True], kind="stable")
    chains = chains[CHAIN_COLUMNS].reset_index(drop=True)
    computed = chains.groupby(["row", "aspect"])["contribution"].sum().clip(upper=1.0)
    table = pd.DataFrame({"computed": computed.astype("float64")})
    manual = manual if manual is not None else pd.DataFrame(columns=["row", "aspect", "value", "reason"])
    by_hand = manual.set_index(["row", "aspect"])
    table = table.reindex(table.index.union(by_hand.index))
    table.index.names = ["row", "aspect"]
    table["computed"] = table["computed"].fillna(0.0)
    table["manual"] = table.index.isin(by_hand.index)
    for column in ("reason", "set_by", "set_at"):
        table[column] = by_hand[column].reindex(table.index) if column in by_hand else None
    hand_values = by_hand["value"].reindex(table.index).astype("float64")
    table["relevance"] = hand_values.where(table["manual"], table["computed"])
    return RelevanceResult(table[RELEVANCE_COLUMNS], chains, profile)


def relevance_lookup(result: RelevanceResult, columns_by: str, aspect_groups: Mapping[str, str],
                     total_key: str) -> Callable[[str, str], float]:
    """relevance(row key, column key) for `compute_matrix`: rows by sector and kind take
    their sector's; the totals row the highest of any row; a group of aspects the
    highest of its aspects."""
    values = result.relevance["relevance"]
    per_row: dict[str, dict[str, float]] = {}
    for (row, aspect), value in values.items():
        column = aspect if columns_by == "aspect" else aspect_groups.get(aspect)
        if column is None:
            continue
        cells = per_row.setdefault(row, {})
        cells[column] = max(cells.get(column, 0.0), float(value))
    highest: dict[str, float] = {}
    for cells in per_row.values():
        for column, value in cells.items():
            highest[column] = max(highest.get(column, 0.0), value)

    def relevance(row: str, column: str) -> float:
        if row == total_key:
            return highest.get(column, 0.0)
        return per_row.get(row.partition("|")[0], {}).get(column, 0.0)

    return relevance


@dataclass(frozen=True)
class RiskFrames:
    """What the relevance is computed from (`risk_frames.load_risk_frames` reads them)."""

    #: country, product_group, aspect, level: the risk entries as kept.
    risks: pd.DataFrame
    #: region, country: the regions' countries.
    regions: pd.DataFrame
    #: organisation_id, sector, branch, product_group, country: the chains the round's
    #: responding organisations name in their counted activities.
    round_chains: pd.DataFrame
    #: subject (sector or branch), code, product_group, country, share (percent).
    shares: pd.DataFrame
    #: subject, code, aspect, value, reason, set_by, set_at: relevance set by hand.
    manual: pd.DataFrame
    #: aspect code -> aspect group code.
    aspect_groups: Mapping[str, str]
    #: sector, branch, chains: per sector and branch, every chain of the round counted as
    #: in `round_chains`; given when `round_chains` holds only the chains with a risk entry.
    round_totals: pd.DataFrame | None = None

    @property
    def assessed(self) -> bool:
        """Whether there is a risk analysis at all; without one every aspect counts as
        relevant, as before the risk analysis existed."""
        return not (self.risks.empty and self.manual.empty)


def subject_of(rows_by: str) -> str:
    """What a relevance row is for these matrix rows: rows by sector and kind take the sector's."""
    return "branch" if rows_by == "branch" else "sector"


def relevance_for(frames: RiskFrames, rows_by: str, none_key: str) -> RelevanceResult:
    """The relevance for matrix rows by `rows_by`, from the loaded frames; organisations
    without a sector (or branch) form the row `none_key`."""
    subject = subject_of(rows_by)
    chains = frames.round_chains.assign(row=frames.round_chains[subject].fillna(none_key))
    totals = None
    if frames.round_totals is not None:
        per_row = frames.round_totals.assign(row=frames.round_totals[subject].fillna(none_key))
        totals = per_row.groupby("row")["chains"].sum().astype("float64")
    shares = frames.shares[frames.shares["subject"] == subject].rename(columns={"code": "row"})
    profile = combine_profiles(profile_from_shares(shares), profile_from_round(chains, totals))
    manual = frames.manual[frames.manual["subject"] == subject].rename(columns={"code": "row"})
    return compute_relevance(profile, frames.risks, frames.regions, manual)
