"""Responses as data: typed values, the response document (answers and inventory
entries), validation against the questionnaire definition, saving with optimistic
locking, submission, carry-over, return and acceptance, and the audit trail.

No routes here: the respondent's pages are in `imvo_survey.respondent`, the secretariat's
in `imvo_survey.review`.
"""
