"""Tests of the respondent's pages: the questionnaire, entries, feedback, the offline workbook."""
