"""The first sheet of the offline workbook: what to do with it, in the respondent's
language (the caller sets the locale)."""

from __future__ import annotations

from flask_babel import gettext as _
from openpyxl.styles import Alignment, Font

from ..models import Response
from .workbook_format import LIST_SHEET, META_SHEET, Options, text_cell


def instruction_lines(options: Options) -> list[str]:
    """The instructions, one paragraph a line."""
    yes, no = options.yes_no()
    return [
        _("Each section of the questionnaire has its own sheet. Type your answers in the coloured column "
          "'Answer'; the column 'Help' says what to type and when a question applies. Questions marked * must "
          "be answered before you can submit."),
        _("Lists such as activities, dilemmas and bottlenecks have a sheet of their own, with one row per "
          "entry. Change an entry in its row, add one in an empty row below the others, and delete a row (or "
          "empty it) to remove that entry. The comment on a column's heading explains it."),
        _("Choices: pick a value from the drop-down list, or type the option's code or its exact name."),
        _("Several answers: where the table has one column per option, type %(yes)s or %(no)s in each; "
          "elsewhere type the codes (or names) separated by ;, for example 'child_labour; wages'.", yes=yes, no=no),
        _("Dates: dd-mm-yyyy, for example 31-12-2010."),
        _("Percentages: a number from 0 to 100 without a percent sign, for example 40 or 12,5. Decimals may "
          "be written with a comma or a point."),
        _("Do not rename, move or delete the sheets, and leave the hidden sheets (%(meta)s, %(lists)s) and the "
          "hidden columns and rows as they are: they tell the website which response and which entries your "
          "answers belong to. You may show the sheet %(lists)s to look up codes.", meta=META_SHEET,
          lists=LIST_SHEET),
        _("When you are done, upload the workbook on the website (page 'Work offline with a workbook'). It is "
          "checked like the web form. Your answers are replaced only when the whole workbook is valid; otherwise you get a list "
          "of the cells to correct, by sheet and cell, and nothing is saved."),
        _("If someone changed the same answers on the website after you downloaded this workbook, the website "
          "shows both values and asks which one to keep."),
        _("Answers to questions that do not apply (see 'Only when' in the column 'Help') are not saved."),
    ]


def write_instructions(sheet, response: Response, language: str, options: Options) -> None:
    """Fill the instructions sheet."""
    sheet.column_dimensions["A"].width = 110
    title = sheet.cell(1, 1, text_cell(_("%(round)s: answers of %(organisation)s", round=response.round.name,
                                         organisation=response.organisation.name)))
    title.font = Font(bold=True, size=14)
    sheet.cell(2, 1, text_cell(response.version.questionnaire.title(language))).font = Font(italic=True)
    sheet.cell(4, 1, _("How to fill in this workbook")).font = Font(bold=True)
    for row, line in enumerate(instruction_lines(options), start=5):
        cell = sheet.cell(row, 1, text_cell(line))
        cell.alignment = Alignment(wrap_text=True, vertical="top")
