"""The settings sheet: the questionnaire's code, title, description and audience, its
version and the default language (which the other sheets' bare `label` columns are in)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..types import AUDIENCES
from .common import LANGUAGES
from .reader_base import ReaderBase
from .reader_sheets import RawRows, Row, language_code


class SettingsReader(ReaderBase):
    """Reads the settings sheet (the first sheet read)."""

    def read_settings(self, raw: RawRows | None) -> dict:
        """The questionnaire header (code, audience, title, description) from the settings."""
        table = self.table("settings", raw, None) if raw is not None else None
        row = table.rows[0] if table and table.rows else Row("settings", 2, {})
        self.read_default_language(row)
        version = row.value("version")
        self.version = int(version) if version.isascii() and version.isdigit() and int(version) >= 1 else 1
        code = row.value("form_id")
        if not code:
            self.error("settings", row.number if raw is not None else None, "form_id",
                       _l("The form_id is missing. Fill it in on the settings sheet."))
        else:
            self.valid_name(row, "form_id", code)
        audience = row.value("imvo::audience") or "association"
        if audience not in AUDIENCES:
            self.row_error(row, "imvo::audience", _l(
                "Unknown audience %(value)r. Use association or company.", value=audience))
        nl, en = row.words("form_title"), row.words("imvo::title_en")
        self.form_title = {"nl": nl or en, "en": en or nl} if nl or en else None
        header = {"code": code, "audience": audience, "title": self.form_title or {"nl": code, "en": code}}
        description = {"nl": row.words("imvo::description_nl"), "en": row.words("imvo::description_en")}
        if description["nl"] or description["en"]:
            header["description"] = description
        return header

    def read_default_language(self, row: Row) -> None:
        written = row.value("default_language")
        if not written:
            return
        language = language_code(written)
        if language in LANGUAGES:
            self.default_language = language
        else:
            self.row_error(row, "default_language", _l(
                "Unknown language %(value)r. Use Nederlands (nl) or English (en).", value=written))
