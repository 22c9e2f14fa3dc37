"""The request class: control characters dropped from every form field and query
parameter as they are parsed.

A NUL pasted into a text (from a PDF or a binary file) made PostgreSQL refuse the whole
save with a server error, and the other C0 control characters are not allowed in the
XML of an XLSX export either. No person types them on purpose and no page shows them,
so they go at the one place every field passes through, whatever form or view reads
it; tabs and line ends stay (line ends are made LF later, `text.py`). Uploaded files
are left as they are (their own checks refuse binary data where text is expected).
The API refuses a NUL in its parameters with a 400 instead (`api.routes`): a program
should hear that it sent one.
"""

from __future__ import annotations

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict

from .text import without_control_characters


def _pairs(mapping):
    if mapping is None:
        return []
    if isinstance(mapping, MultiDict):
        return mapping.items(multi=True)
    if isinstance(mapping, dict):
        return mapping.items()
    return mapping


class CleanMultiDict(ImmutableMultiDict):
    """An ImmutableMultiDict whose keys and text values hold no control characters."""

    def __init__(self, mapping=None):
        super().__init__([(without_control_characters(key), without_control_characters(value))
                          for key, value in _pairs(mapping)])


class CleanRequest(Request):
    """Flask's request, with form fields and query parameters parsed into `CleanMultiDict`."""

    parameter_storage_class = CleanMultiDict
