"""Keeping the translation catalogues complete: extract, update, fill English, compile, check.

Message ids are English; the Dutch catalogue translates them and the English one
repeats them, so both are complete. `imvo i18n check` (and a test) fails when a
message in the code or templates has no translation.
"""

from __future__ import annotations

from io import BytesIO
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_ROOT = PACKAGE_DIR.parent
TRANSLATIONS_DIR = PACKAGE_DIR / "translations"
LANGUAGES = ("nl", "en")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2)}
METHOD_MAP = [
    ("imvo_survey/**.py", "python"),
    ("templates/**.html", "jinja2"),
    ("templates/**.txt", "jinja2"),
]


def po_path(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"


def extract() -> Catalog:
    """Every translatable message in the code and the templates."""
    catalog = Catalog(project="imvo-survey", charset="utf-8")
    options = {"templates/**.html": {"extensions": "jinja2.ext.do"},
               "templates/**.txt": {"extensions": "jinja2.ext.do"}}
    for filename, lineno, message, comments, context in extract_from_dir(
            str(PROJECT_ROOT), METHOD_MAP, options_map=options, keywords=KEYWORDS):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def load(language: str) -> Catalog:
    with po_path(language).open("rb") as handle:
        return read_po(handle, locale=language)


def save(catalog: Catalog, language: str) -> None:
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        # Messages no longer in the sources are dropped, not kept as `#~` entries: they
        # piled up, and GNU msgfmt -c refuses a catalogue with one of them twice (git
        # keeps their translations).
        write_po(handle, catalog, width=100, omit_header=False, sort_output=True, ignore_obsolete=True)


def update() -> dict[str, int]:
    """Bring both catalogues in line with the sources; English repeats its ids.
    Returns the number of Dutch messages still untranslated."""
    template = extract()
    result = {}
    for language in LANGUAGES:
        catalog = load(language) if po_path(language).exists() else Catalog(locale=language)
        catalog.update(template, no_fuzzy_matching=True)
        if language == "en":
            for message in catalog:
                if message.id:
                    message.string = message.id
                    message.flags.discard("fuzzy")
        result[language] = sum(1 for m in catalog if m.id and not _translated(m))
        save(catalog, language)
    return result


def _translated(message) -> bool:
    if "fuzzy" in message.flags:
        return False
    if isinstance(message.string, (list, tuple)):
        return all(message.string)
    return bool(message.string)


def missing(language: str) -> list[str]:
    """Messages of the sources that `language` lacks or has not translated."""
    catalog = load(language)
    problems = []
    for message in extract():
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        if found is None or not _translated(found):
            problems.append(message.id if isinstance(message.id, str) else message.id[0])
    return problems


def placeholder_problems(language: str) -> list[str]:
    """Translations whose placeholders do not fit their message's (Babel's checks: a
    %(name)s missing or of another kind would fail or show wrongly when filled in)."""
    return [f"{message.id!r}: {'; '.join(str(error) for error in errors)}"
            for message, errors in load(language).check()]


def compile_all() -> list[Path]:
    """Write the .mo files next to the .po files."""
    written = []
    for language in LANGUAGES:
        catalog = load(language)
        buffer = BytesIO()
        write_mo(buffer, catalog, use_fuzzy=False)
        target = po_path(language).with_suffix(".mo")
        if not target.exists() or target.read_bytes() != buffer.getvalue():
            target.write_bytes(buffer.getvalue())
            written.append(target)
    return written
