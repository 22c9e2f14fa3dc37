"""The reference lists (aspects, countries, product groups, activity types, ...) as the
answers use them, read once per process.

Every questionnaire page offers them as choices and every save checks codes against
them; they change only through the seed and reference commands. So each list is read
once and kept (as plain, frozen values, never as rows of one request's session), and
dropped again:

- at once when this process commits a change to a reference row through the ORM (the
  seed commands and the tests that reseed do so: `_note_changes`);
- otherwise after `REFERENCE_CACHE_SECONDS` (default 300), so that web workers pick up
  a change made by a command run in another process without a restart.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from itertools import chain
from threading import Lock

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, make_transient_to_detached

from .extensions import db
from .models import TAXONOMIES
from .models.base import TaxonomyMixin

#: How long a worker keeps a list when nothing in this process changed it.
DEFAULT_SECONDS = 300

_LOCK = Lock()
_LISTS: dict[tuple, tuple[float, ReferenceList]] = {}
_CHANGED = "imvo_reference_changed"


@dataclass(frozen=True)
class Item:
    """One entry of a reference list."""

    id: int
    code: str
    label_nl: str
    label_en: str
    position: int

    def label(self, language: str = "nl") -> str:
        """The label in `language` (`nl` or `en`), Dutch when unknown."""
        return self.label_en if language == "en" else self.label_nl


@dataclass(frozen=True)
class ReferenceList:
    """A reference list in its display order, with lookups by code."""

    name: str
    items: tuple[Item, ...]
    by_code: dict[str, Item] = field(default_factory=dict)

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(self.by_code)

    def options(self, language: str) -> list[tuple[str, str]]:
        """(code, label) in display order, for pickers."""
        return [(item.code, item.label(language)) for item in self.items]

    def in_order(self, codes) -> list[str]:
        """`codes` in the list's display order (unknown codes last)."""
        last = len(self.items)
        return sorted(codes, key=lambda code: self.by_code[code].position if code in self.by_code else last)

    def row(self, code: str):
        """The ORM row of `code` in the current session, without a query (for linking it
        to an activity, say); None for an unknown code."""
        item = self.by_code.get(code)
        if item is None:
            return None
        model = TAXONOMIES[self.name]
        existing = db.session.identity_map.get(db.session.identity_key(model, item.id))
        if existing is not None:
            return existing
        row = model(id=item.id, code=item.code, label_nl=item.label_nl, label_en=item.label_en,
                    position=item.position)
        make_transient_to_detached(row)
        return db.session.merge(row, load=False)


def _seconds() -> float:
    if has_app_context():
        return current_app.config.get("REFERENCE_CACHE_SECONDS", DEFAULT_SECONDS)
    return DEFAULT_SECONDS


def reference_list(name: str) -> ReferenceList:
    """The reference list `name` (a key of `TAXONOMIES`), read at most once per process
    while it does not change."""
    now = time.monotonic()
    # Kept per database too: a process that opens another (a test's scratch database, a
    # restore check) must not link rows by another database's ids.
    key = (db.engine.url, name)
    with _LOCK:
        kept = _LISTS.get(key)
    if kept is not None and now - kept[0] < _seconds():
        return kept[1]
    model = TAXONOMIES[name]
    items = tuple(Item(row.id, row.code, row.label_nl, row.label_en, row.position)
                  for row in db.session.execute(select(model.id, model.code, model.label_nl, model.label_en,
                                                       model.position).order_by(model.position, model.id)))
    loaded = ReferenceList(name, items, {item.code: item for item in items})
    with _LOCK:
        _LISTS[key] = (now, loaded)
    return loaded


def forget_reference_data() -> None:
    """Read every list again at its next use."""
    with _LOCK:
        _LISTS.clear()


@event.listens_for(Session, "after_flush")
def _note_changes(session, flush_context) -> None:
    """Remember that this transaction changed reference rows (forgotten at commit)."""
    if any(isinstance(obj, TaxonomyMixin) for obj in chain(session.new, session.dirty, session.deleted)):
        session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _forget_on_commit(session) -> None:
    # After the commit, not the flush: another request reading meanwhile would keep the old rows.
    if session.info.pop(_CHANGED, False):
        forget_reference_data()


@event.listens_for(Session, "after_soft_rollback")
def _drop_note(session, previous_transaction) -> None:
    session.info.pop(_CHANGED, None)
