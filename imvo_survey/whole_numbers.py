"""Whole numbers that come from outside: ids in the address, page numbers and other
numbers in the query string.

Python's int has no upper bound; SQLite's INTEGER stops at 2**63 - 1 and PostgreSQL's
INTEGER, the type of every id here, at 2**31 - 1. A larger number that reached a query
was a 500 (`OverflowError: Python int too large to convert to SQLite INTEGER`), for
anonymous visitors too. So every such number passes here first:

- `<int:...>` in any route is `BoundedIntegerConverter` (registered app-wide by
  `create_app`): an id above `MAX_INT` matches no route, so the answer is a 404;
- `query_int` and `page_number` read the query string: a number that is no whole
  number in range is a 400 that says which parameter and which range (the API's
  `params.integer` uses the same `parse_whole_number` for its JSON errors);
- `paginate` is `db.paginate` with the page read by `page_number` (Flask-SQLAlchemy
  would read `?page=` itself, unbounded).
"""

from __future__ import annotations

import re

from flask import Flask, request
from werkzeug.exceptions import BadRequest
from werkzeug.routing import IntegerConverter

from .extensions import db
from .i18n import lazy_gettext as _l

#: The largest id a row can have (PostgreSQL INTEGER); also the bound of every number
#: read from the address, which keeps page * per_page far from any overflow.
MAX_INT = 2**31 - 1
#: Numbers stored as floating point (answers, a question's lowest and highest value)
#: stay below this in size: 15 digits are kept exactly, and a larger int could not even
#: be passed to SQLite (more than 2**63) or stored at all (more than about 1e308).
NUMBER_LIMIT = 10**15
WHOLE_NUMBER = re.compile(r"-?[0-9]{1,19}")


def parse_whole_number(text: str, minimum: int = 0, maximum: int = MAX_INT) -> int:
    """`text` as an int from `minimum` to `maximum`; ValueError when it is anything else."""
    text = text.strip()
    if not WHOLE_NUMBER.fullmatch(text):
        raise ValueError(f"not a whole number: {text[:30]!r}")
    value = int(text)
    if not minimum <= value <= maximum:
        raise ValueError(f"{value} is not from {minimum} to {maximum}")
    return value


def fits_an_id(text: str) -> bool:
    """Whether `text` is a number a row's id can be (a longer one names no row)."""
    try:
        parse_whole_number(text, 1)
    except ValueError:
        return False
    return True


def whole_numbers(values, minimum: int = 0, maximum: int = MAX_INT) -> list[int]:
    """The values that are whole numbers from `minimum` to `maximum`, as ints; the
    others are left out (a list of ids posted by check boxes)."""
    numbers = []
    for value in values:
        try:
            numbers.append(parse_whole_number(value, minimum, maximum))
        except ValueError:
            continue
    return numbers


class BoundedIntegerConverter(IntegerConverter):
    """Flask's `int` route converter, bounded by MAX_INT unless a route sets `max`."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_INT,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=MAX_INT if max is None else max,
                         signed=signed)


def register_converter(app: Flask) -> None:
    """Replace `int` in the URL map: must run before the blueprints add their rules."""
    app.url_map.converters["int"] = BoundedIntegerConverter


class BadNumber(BadRequest):
    """A query parameter that should be a whole number in a range and is not."""

    def __init__(self, name: str, minimum: int, maximum: int):
        super().__init__()
        self.message = _l("The parameter %(name)s in the address must be a whole number from %(minimum)s to "
                          "%(maximum)s.", name=name, minimum=minimum, maximum=maximum)


def query_int(name: str, default: int | None = None, minimum: int = 0, maximum: int = MAX_INT) -> int | None:
    """The query parameter `name` as an int (`default` when absent or blank); raises
    BadNumber (a 400) when it is not a whole number from `minimum` to `maximum`."""
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return default
    try:
        return parse_whole_number(raw, minimum, maximum)
    except ValueError:
        raise BadNumber(name, minimum, maximum) from None


def page_number() -> int:
    """`?page=`: 1 when absent; a 400 when it is not a page number."""
    return query_int("page", 1, minimum=1)


def paginate(select, per_page: int):
    """One page of `select` (`db.paginate`), the page number read by `page_number`. A
    page past the last is empty, not an error."""

    return db.paginate(select, page=page_number(), per_page=per_page, error_out=False)
