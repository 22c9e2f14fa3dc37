"""Reading the API's query parameters: only documented ones, each checked, so that a
typing error gives a 400 that says what is wrong instead of a silently different answer."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from sqlalchemy import select

from ..analysis import Filters
from ..analysis.filters import FilterError
from ..extensions import db
from ..models import ActivityType, Aspect, Branch, Country, ProductGroup, Round, Sector
from ..whole_numbers import MAX_INT, parse_whole_number
from .auth import ApiError

#: The filters of the analysis module (besides the round, which is in the path).
FILTER_KEYS = tuple(key for key in Filters.KEYS if key != "round")
#: The filters that select organisations (dilemmas and bottlenecks have no activity filters).
ORGANISATION_FILTER_KEYS = ("audience", "kind", "size", "sector", "branch")
#: The reference list each coded parameter is checked against.
CODE_LISTS = {"sector": Sector, "branch": Branch, "activity_type": ActivityType, "country": Country,
              "product_group": ProductGroup, "aspect": Aspect}
TRUE_WORDS = ("true", "1", "yes")
FALSE_WORDS = ("false", "0", "no")


def check_known(args: Mapping[str, str], allowed: Iterable[str]) -> None:
    """Refuse parameters the operation does not document."""
    unknown = sorted(set(args) - set(allowed))
    if unknown:
        raise ApiError(400, f"Unknown parameter {unknown[0]!r}; this operation takes: {', '.join(sorted(allowed))}.")


def codes(model) -> list[str]:
    """The codes of a reference list, in display order."""
    return list(db.session.scalars(select(model.code).order_by(model.position, model.code)))


def check_code(key: str, value: str | None) -> None:
    """A code must exist in its reference list (an unknown sector is a mistake, not an empty answer)."""
    if value is None or key not in CODE_LISTS:
        return
    model = CODE_LISTS[key]
    if db.session.scalar(select(model.id).where(model.code == value)) is None:
        raise ApiError(400, f"Unknown {key} {value!r}.")


def boolean(args: Mapping[str, str], key: str, default: bool = False) -> bool:
    raw = args.get(key)
    if raw is None or raw == "":
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ApiError(400, f"{key} must be true or false.")


def integer(args: Mapping[str, str], key: str, default: int | None = None, minimum: int = 0,
            maximum: int = MAX_INT) -> int | None:
    """A whole-number parameter from `minimum` to `maximum` (at most what a database
    integer holds: a page number times the page size must still fit)."""
    raw = args.get(key)
    if raw is None or raw == "":
        return default
    try:
        return parse_whole_number(raw, minimum, maximum)
    except ValueError:
        raise ApiError(400, f"{key} must be a whole number from {minimum} to {maximum}.") from None


def number(args: Mapping[str, str], key: str, default: float, minimum: float, maximum: float) -> float:
    raw = args.get(key)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw.strip())
    except ValueError:
        raise ApiError(400, f"{key} must be a number.") from None
    if math.isnan(value) or not minimum <= value <= maximum:
        raise ApiError(400, f"{key} must be between {minimum:g} and {maximum:g}.")
    return value


def choice(args: Mapping[str, str], key: str, options: Iterable[str], default: str) -> str:
    value = args.get(key) or default
    options = tuple(options)
    if value not in options:
        raise ApiError(400, f"{key} must be one of: {', '.join(options)}.")
    return value


def read_filters(args: Mapping[str, str], round: Round, keys: Iterable[str] = FILTER_KEYS) -> Filters:
    """The analysis filters of the round from the query string, each value checked."""
    params = {key: args[key] for key in keys if args.get(key) not in (None, "")}
    for key, value in params.items():
        check_code(key, value)
    if "consented" in params:
        params["consented"] = "1" if boolean(args, "consented") else ""
    params["round"] = str(round.id)
    try:
        return Filters.from_params(params)
    except FilterError as error:
        raise ApiError(400, str(error)) from None


def round_by_reference(reference: str) -> Round | None:
    """A round by id (digits) or slug."""
    if reference.isascii() and reference.isdigit():
        try:
            return db.session.get(Round, parse_whole_number(reference))
        except ValueError:  # more than an id can be: no round has it
            return None
    return db.session.scalar(select(Round).where(Round.slug == reference))


def find_round(reference: str) -> Round:
    """The round of the path; 404 when there is none."""
    round = round_by_reference(reference)
    if round is None:
        raise ApiError(404, f"No round {reference!r}.")
    return round
