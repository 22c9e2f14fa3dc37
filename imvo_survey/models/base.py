"""Shared column types, mixins and constraint helpers for the models."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import CheckConstraint, DateTime, Integer, String, types
from sqlalchemy.orm import Mapped, mapped_column, object_session


def utcnow() -> datetime:
    """The current time in UTC; used as a callable default so it is evaluated per row."""
    return datetime.now(UTC)


def saved_id(obj) -> int:
    """The primary key of `obj`, flushing its session first when it has none yet.

    Build a query from this, never from `obj.id` itself: for an object not yet flushed
    that is None, and `column == None` becomes `column IS NULL`, which matches every row
    without a value (creating an inactive organisation once deactivated every staff
    account that way). An object in no session cannot get an id: that is a bug, refused."""
    if obj.id is None:
        session = object_session(obj)
        if session is None:
            raise ValueError(f"{obj!r} is in no database session, so it has no id to query by.")
        session.flush()
    if obj.id is None:
        raise ValueError(f"{obj!r} got no id from the flush.")
    return obj.id


class UTCDateTime(types.TypeDecorator):
    """A timestamp stored as naive UTC and always read back as an aware UTC datetime.

    SQLite keeps no time zone and PostgreSQL's `timestamp with time zone` converts to the
    session's zone; storing naive UTC gives the same values on both.
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("UTCDateTime needs an aware datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class TimestampMixin:
    """`created_at` and `updated_at`, set by callables at insert and update."""

    #: When the row was created (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, nullable=False)
    #: When the row was last changed (UTC).
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=utcnow, onupdate=utcnow, nullable=False
    )


class TaxonomyMixin:
    """A reference list entry: stable code, Dutch and English labels, and an order."""

    #: Primary key.
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: Stable code used by data, CLI, exports, API and tests; never changes.
    code: Mapped[str] = mapped_column(String(40), unique=True, nullable=False)
    #: Dutch label.
    label_nl: Mapped[str] = mapped_column(String(200), nullable=False)
    #: English label.
    label_en: Mapped[str] = mapped_column(String(200), nullable=False)
    #: Display order.
    position: Mapped[int] = mapped_column(Integer, nullable=False, default=0)

    def label(self, language: str = "nl") -> str:
        """The label in `language` (`nl` or `en`), Dutch when unknown."""
        return self.label_en if language == "en" else self.label_nl

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


def one_of(column: str, values: tuple[str, ...], name: str) -> CheckConstraint:
    """A named CHECK that `column` holds one of `values` (NULL passes: add NOT NULL apart)."""
    quoted = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({quoted})", name=name)


def digits_only(column: str) -> str:
    """SQL that is true when `column` holds only the digits 0-9.

    Written with nested REPLACE because SQLite has no portable regular expressions.
    """
    expression = column
    for digit in "0123456789":
        expression = f"REPLACE({expression}, '{digit}', '')"
    return f"{expression} = ''"
