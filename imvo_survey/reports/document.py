"""The progress report as a document: sections of plain blocks (paragraphs, tables,
charts with their table, lists of statements, definitions), every text already
written in the report's language and every figure already formatted.

`content.py` builds it from the data; one template (`reports/_document.html`) writes
any document out, so every piece of text passes the same escaping and the web page and
the PDF show the same thing. A table cell can carry a key ("figure|row|column"), which
the HTML gives as `data-key`: that is how the tests read the report's numbers back.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Cell:
    """A table cell: its text, whether it is a number (right-aligned), its key."""

    text: str
    numeric: bool = False
    key: str | None = None
    #: A second cue beside the text, e.g. "lagging" (the text says it too).
    mark: str = ""


@dataclass
class Table:
    """A table with a caption; `wide` tables (many columns) are set smaller; `total`:
    the last row is the totals row."""

    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    note: str = ""
    wide: bool = False
    total: bool = False
    kind: str = "table"


@dataclass
class Chart:
    """A chart (an SVG as a data: URI) with what it shows said in words and its numbers
    in a table beside it."""

    title: str
    image: str
    description: str
    table: Table
    kind: str = "chart"


@dataclass
class Paragraph:
    text: str
    kind: str = "paragraph"


@dataclass
class Item:
    """An entry of a list: its text, what it is about, and a second text (what would help)."""

    text: str
    meta: str = ""
    detail: str = ""


@dataclass
class ItemList:
    """Entries under a heading (dilemmas of one aspect, good practices)."""

    heading: str
    items: list[Item]
    kind: str = "items"


@dataclass
class Definitions:
    """Terms with what they mean (the method section)."""

    heading: str
    pairs: list[tuple[str, str]]
    kind: str = "definitions"


@dataclass
class Section:
    """A numbered section of the report."""

    key: str
    title: str
    blocks: list = field(default_factory=list)


@dataclass
class Document:
    """The whole report."""

    title: str
    subtitle: str
    #: "Built on ..." in the report's language.
    dated: str
    language: str
    sections: list[Section] = field(default_factory=list)
