"""The settings sheet: the questionnaire's code, title, description and audience, its
version and the default language (which the other sheets' bare `label` columns are in)."""

from __future__ import annotations

import re
import unicodedata

from ...i18n import lazy_gettext as _l
from ...models.questionnaire_vocabulary import AUDIENCES
from ...whole_numbers import parse_whole_number
from .common import LANGUAGES, SETTINGS_COLUMNS
from .reader_base import MAX_NAME_LENGTH, NAME_PATTERN, ReaderBase
from .reader_sheets import RawRows, Row, Table, language_code

#: What a code may not hold; each run of it becomes one _.
NOT_IN_CODE = re.compile(r"[^A-Za-z0-9_.-]+")


def code_from_filename(filename: str) -> str:
    """A questionnaire code from a file name, as the XLSForm tools take the form's name
    from it when the settings give none: the name without folder and extension, accents
    dropped, other characters as _, starting with a letter or _, at most 80 characters;
    "" when nothing is left."""
    stem = re.split(r"[\\/]", filename)[-1].rsplit(".", 1)[0]
    plain = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    code = NOT_IN_CODE.sub("_", plain).strip("_.-")
    if code and not (code[0].isalpha() or code[0] == "_"):
        code = f"_{code}"
    return code[:MAX_NAME_LENGTH]


#: The audience of a workbook that does not say (no imvo::audience); reported as a warning.
DEFAULT_AUDIENCE = "association"


#: Settings of the XLSForm tools that the reader follows but an export does not write.
READ_ONLY_SETTINGS = frozenset({"allow_choice_duplicates"})


class SettingsReader(ReaderBase):
    """Reads the settings sheet (the first sheet read)."""

    def read_settings(self, raw: RawRows | None) -> dict:
        """The questionnaire header (code, audience, title, description) from the settings."""
        table = self.table("settings", raw, None) if raw is not None else None
        row = table.rows[0] if table and table.rows else Row("settings", 2, {})
        if table is not None:
            self.report_ignored_settings(table, row)
        self.read_default_language(row)
        self.read_version(row)
        # pyxform's setting: a choice name may stand twice in a list (told apart by a
        # choice_filter column, which the survey leaves out): each is then kept once.
        self.allow_choice_duplicates = (row.value("allow_choice_duplicates") or "").strip().lower() in (
            "yes", "true", "true()")
        code = row.value("form_id")
        if not code and self.filename and code_from_filename(self.filename):
            code = code_from_filename(self.filename)
            self.warn("settings", row.number if raw is not None else None, "form_id", _l(
                "No form_id given; the file name gives the code %(code)s, as in the XLSForm tools. Fill in "
                "form_id on the settings sheet to choose another.", code=code))
        elif not code:
            self.error("settings", row.number if raw is not None else None, "form_id",
                       _l("The form_id is missing. Fill it in on the settings sheet."))
        elif not NAME_PATTERN.fullmatch(code) and code_from_filename(f"{code}.x"):
            cleaned = code_from_filename(f"{code}.x")  # the same cleaning as a file name's
            self.row_warning(row, "form_id", _l(
                "The form_id %(value)r is not a valid code, so %(code)s is used. Start with a letter or _, then use "
                "letters, digits, _, - or . to choose another.", value=code, code=cleaned))
            code = cleaned
        else:
            self.valid_name(row, "form_id", code)
        audience = row.value("imvo::audience")
        if not audience:
            audience = DEFAULT_AUDIENCE
            self.warn("settings", row.number if raw is not None else None, "imvo::audience", _l(
                "No audience given; assumed association. Fill in imvo::audience (association or company) "
                "to choose."))
        elif audience not in AUDIENCES:
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
        """The language of texts without one (a bare `label`) and of the questionnaire:
        the one the user picked, else the settings' default_language, else Dutch. A
        default_language other than Dutch or English is said, not refused: its texts
        are left out (reader_base.column_accepted)."""
        written = row.value("default_language")
        language = language_code(written) if written else None
        if self.picked_language in LANGUAGES:
            self.default_language = self.picked_language
        elif language in LANGUAGES:
            self.default_language = language
        elif written:
            self.row_warning(row, "default_language", _l(
                "The default language %(value)r is not Dutch or English; texts without a language are read as "
                "Dutch. Choose their language when you import.", value=written))

    def read_version(self, row: Row) -> None:
        """The settings' version when it is a whole number of at least 1, else 1 (said so).
        It is informative only: an import becomes the questionnaire's next version."""
        version = row.value("version")
        try:
            self.version = parse_whole_number(version, 1)
        except ValueError:
            if not version:
                return
            self.row_warning(row, "version", _l(
                "The version %(value)r is not a whole number, so it is ignored.", value=version))

    def report_ignored_settings(self, table: Table, row: Row) -> None:
        """Settings we do not use (style, instance_name, submission_url, ...) and any rows
        after the first are reported, not dropped in silence."""
        for key in row.cells:
            if key not in SETTINGS_COLUMNS and key not in READ_ONLY_SETTINGS:
                self.row_warning(row, key, _l("The setting %(column)s is not supported, so it is ignored.",
                                              column=table.headers.get(key, key)))
        for extra in table.rows[1:]:
            self.row_warning(extra, None, _l(
                "Only the first row of the settings sheet is read; this row is ignored."))
