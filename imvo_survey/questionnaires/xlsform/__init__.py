"""XLSForm workbooks for questionnaire definitions, both ways.

`write_workbook` turns a definition (the JSON format of docs/questionnaire-format.md)
into an XLSForm workbook (sheets survey, choices and settings, plus `imvo::` columns
that KoBoToolbox and ODK ignore), so a questionnaire can be edited in a spreadsheet.
`read_workbook` reads such a workbook back, and also workbooks made in KoBoToolbox or
other ODK tools; it reports every problem with its sheet, row and column, and returns
no definition when there is any. No Flask app or database is needed: messages are
lazy translations, which work without an app.

What the reader emits, so that write -> read gives back the very dict written:

- Texts are {"nl", "en"} pairs. A label (and a title) empty in one language takes the
  other; when the workbook has only one language, it is used for both. Optional texts
  (hint, section intro, description, constraint message) are left out when empty in
  both languages, and otherwise have both keys ("" for the empty one).
- `required` is always present (a bool) on questions and never on repeats.
- `hint`, `show_if`, `validation`, `inventory_field`, `inventory`, `min_repeat` and
  `max_repeat` appear only when given; `list_name` only when it differs from the
  question code, and never on yes/no questions or reference pickers.
- Numbers in constraints are ints when written without a decimal point (the writer
  writes integral floats so), floats otherwise.
- Yes/no questions have no choices; reference pickers have `reference` and no choices
  (the list is bound by name, not copied).
- `version` is the settings' version when it is a whole number of at least 1, else 1;
  `default_language` comes from the settings, else "nl"; the title is form_title and
  imvo::title_en (each standing in for the other, the form_id when both are empty).
- Texts (labels, hints, messages) keep their spacing; names, types and other cells are
  stripped.

Not kept by a round trip: questions sharing a `list_name` all get the choices (or scale
labels) of the first, and a `list_name` equal to a reference list's name makes a
reference picker; a missing `required` comes back as False; a `required` on a repeat
is dropped; an `any` of equals on one question inside an `all` comes back as `any_of`
(conditions.parse reads the parenthesised form so).

Other workbooks: what is read past is never dropped in silence but reported as a
warning (`read_workbook_with_warnings`; the import goes ahead): metadata rows (start,
end, today, deviceid, ...), as the survey records those itself; appearances other than
`multiline` on a text question (they only style KoBoToolbox forms); settings other
than ours (style, instance_name, submission_url, ...) and settings rows after the
first; a version that is not a whole number; sheets other than survey, choices and
settings; columns without a header; and a missing `imvo::audience`, which is taken as
`association`. Columns whose header starts with `$` (KoBoToolbox's own) are skipped
without a word. Questions outside any group go into sections `section_1`,
`section_2`, ... titled like the questionnaire.

What the survey cannot use as written (types it does not collect, calculations,
notes, choice filters, a repeat inside a repeat, other languages; `reader_unusable`)
is left out or kept in another form, each named as a `LeftOut` warning with its sheet,
row and name; callers show those before the import and let the user confirm. Only a
form with no usable question or with a real error (an unknown name in a condition, a
name twice, a missing list) is refused.

Workbooks may be XLSX, XLSM or Excel 97-2003 XLS (read with pyxform's xlrd backend),
and may use the older spellings that pyxform, the XLSForm reference implementation,
accepts (`list name`, `label:English`, `bind:relevant`, `select one from LIST`,
`begin group`, `int`): `reader_aliases` turns them into the current ones with
pyxform's own tables before any check is made.

The package: `common` (languages and sheet columns, shared by both directions),
`writer`, and the reader: `reader` (opening the file, reading the sheets in order),
`reader_aliases` (pyxform's spellings), `reader_unusable` (what is left out),
`reader_sheets` (cells, rows, columns, the error type), `reader_base` (the reader's
state, errors, tables, texts and names), then one part per sheet: `reader_settings`,
`reader_choices`, `reader_questions` and `reader_survey` (groups, repeats, row kinds).
"""

from __future__ import annotations

from .common import CHOICES_COLUMNS, SETTINGS_COLUMNS, SURVEY_COLUMNS
from .reader import WorkbookReading, read_workbook, read_workbook_with_warnings
from .reader_sheets import LeftOut, WorkbookError, WorkbookWarning
from .writer import write_workbook

__all__ = ["LeftOut", "WorkbookError", "WorkbookReading", "WorkbookWarning", "read_workbook", "read_workbook_with_warnings",
           "write_workbook", "SURVEY_COLUMNS", "CHOICES_COLUMNS", "SETTINGS_COLUMNS"]
