"""Which sections of a response have been saved: the record behind "done" in the
progress over the sections. A section is done when it has been saved and nothing
required is missing there; an optional section nobody has saved is "not yet looked
at", never done.

One small table (`response_section`) rather than the audit trail: the trail logs only
saves that changed something (saving an optional section empty is a visit that counts),
does not say which section a save was on, and grows with every save, whereas the
progress is read on every questionnaire page with one primary-key lookup. Functions
flush, never commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import Response, ResponseSection, utcnow


def mark_saved(response: Response, section_codes: Iterable[str]) -> None:
    """Record that these sections have been saved (once; safe when two saves race)."""
    codes = sorted(set(section_codes))
    if not codes:
        return
    insert = postgresql_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
    now = utcnow()
    db.session.execute(
        insert(ResponseSection)
        .values([{"response_id": response.id, "section_code": code, "saved_at": now} for code in codes])
        .on_conflict_do_nothing(index_elements=["response_id", "section_code"]))
    db.session.flush()


def saved_sections(response: Response) -> set[str] | None:
    """The codes of the saved sections; None when every section counts as saved (the
    response has been submitted once: the submission checked all of them)."""
    if response.submitted_at is not None:
        return None
    return set(db.session.scalars(select(ResponseSection.section_code)
                                  .where(ResponseSection.response_id == response.id)))
