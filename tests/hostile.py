"""Hostile input, built here rather than shipped: the XSS corpus (strings that every
page, feed and export must show as text), and hostile files: a zip bomb, workbooks that
reach row 1,048,576 or column 10,000, renamed binaries, UTF-16 text, empty files, deep JSON."""

from __future__ import annotations

import io
import zipfile
from functools import cache

from openpyxl import load_workbook

#: Strings that break out of HTML, attributes, JSON, XML or a spreadsheet when not escaped.
#: tests/test_public_pages_xss.py puts every one into every stored text a public page
#: shows; tests/practices/test_public.py into the good practices' texts and names.
XSS = (
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "</title><script>alert(2)</script>",
    "]]><evil/><![CDATA[",
    "&amp; &lt;b&gt; & <b>vet</b>",
    "{{ 7*7 }} {% raw %}",
    "javascript:alert(3)",
    "\u2028\u2029</script>",
    '=HYPERLINK("http://x.example","<b>klik</b>")',
)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006/relationships"
WORKSHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

#: A PNG's signature and some of its bytes: what a renamed picture looks like.
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
EMPTY = b""
#: Excel's "Unicode text": UTF-16 with a byte order mark.
UTF16_CSV = "naam;soort\nVereniging Koffie;branchevereniging\n".encode("utf-16")
UTF16_JSON = '{"format": "imvo-questionnaire"}'.encode("utf-16")


def upload(client, url: str, field: str, data: bytes, filename: str):
    """POST `data` as the file `field`. The body is built here: werkzeug's test client
    spools a file over 500 KB (the zip bomb) to a temporary file it leaves unclosed."""
    boundary = "grens-tussen-delen"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def workbook(sheets: dict[str, bytes]) -> bytes:
    """An XLSX made by hand: `sheets` maps each sheet's name to its sheetData XML."""
    buffer = io.BytesIO()
    names = list(sheets)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types(len(names)))
        archive.writestr("_rels/.rels", f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" Type="{RELATIONS}'
                                        '/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}"><sheets>' + "".join(
            f'<sheet name="{name}" sheetId="{n}" r:id="rId{n}"/>' for n, name in enumerate(names, 1))
            + "</sheets></workbook>")
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PACKAGE}">' + "".join(
            f'<Relationship Id="rId{n}" Type="{RELATIONS}/worksheet" Target="worksheets/sheet{n}.xml"/>'
            for n in range(1, len(names) + 1)) + "</Relationships>")
        for n, name in enumerate(names, 1):
            with archive.open(f"xl/worksheets/sheet{n}.xml", "w") as part:
                part.write(f'<worksheet xmlns="{MAIN}">'.encode())
                part.write(sheets[name])
                part.write(b"</worksheet>")
    return buffer.getvalue()


def _content_types(count: int) -> str:
    return ('<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="{WORKSHEET_TYPE}"/>'
                      for n in range(1, count + 1)) + "</Types>")


def row(number: int | None, *values: str) -> bytes:
    """A row of inline strings (numbered, or numbered by its place when `number` is None)."""
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)
    return (f'<row r="{number}">' if number else "<row>").encode() + cells.encode() + b"</row>"


@cache
def zip_bomb(sheet: str = "Blad1", unpacked_mb: int = 90) -> bytes:
    """Half a megabyte that unpacks to `unpacked_mb` MB: a header and the same row
    repeated a million times, as the report that found the problem. Poisoned half-way,
    so a test sees that it was refused by its directory alone, without a stopwatch."""
    header = b"<sheetData>" + row(1, "naam", "soort")
    block = row(None, "Vereniging Koffie en Thee", "branchevereniging") * 10_000
    repeats = unpacked_mb * 1024 * 1024 // len(block) + 1
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _content_types(1))
        archive.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="{RELATIONS}"><sheets><sheet '
                                            f'name="{sheet}" sheetId="1" r:id="rId1"/></sheets></workbook>')
        archive.writestr("xl/_rels/workbook.xml.rels", f'<Relationships xmlns="{PACKAGE}"><Relationship Id="rId1" '
                                                       f'Type="{RELATIONS}/worksheet" Target="worksheets/sheet1.xml"/>'
                                                       "</Relationships>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(f'<worksheet xmlns="{MAIN}">'.encode() + header)
            for _ in range(repeats):
                part.write(block)
            part.write(b"</sheetData></worksheet>")
    return _poisoned(buffer.getvalue(), "xl/worksheets/sheet1.xml")


def _poisoned(data: bytes, name: str) -> bytes:
    """`data` with the second half of `name`'s packed bytes overwritten: its directory
    entry and its first rows stay sound, so only a check that unpacks it to the end
    meets the damage (and says something else than the bomb's message)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    middle = start + info.compress_size // 2
    damage = b"\xff" * 4096
    return data[:middle] + damage + data[middle + len(damage):]


def wide(sheet: str = "Blad1", columns: int = 10_000) -> bytes:
    """A workbook whose first row has `columns` cells."""
    return workbook({sheet: b"<sheetData>" + row(1, *(f"k{n}" for n in range(columns))) + b"</sheetData>"})


def dimension_to_last_row(sheet: str = "Blad1") -> bytes:
    """A tiny workbook whose recorded size reaches Excel's last row, 1,048,576."""
    return workbook({sheet: b'<dimension ref="A1:B1048576"/><sheetData>' + row(1, "naam", "soort")
                     + row(1_048_576, " ") + b"</sheetData>"})


def rows_past_their_dimension(sheet: str = "Blad1") -> bytes:
    """A sheet that says it is two rows high and has a row 1,048,576 all the same."""
    return workbook({sheet: b'<dimension ref="A1:B2"/><sheetData>' + row(1, "naam", "soort")
                     + row(1_048_576, "x") + b"</sheetData>"})


def formatted_to_the_last_row(sheet: str = "Blad1") -> bytes:
    """Two rows of values, then cells that are only formatted down to row 1,048,576 and
    across to column AMJ (1,024), as LibreOffice writes a sheet whose columns are styled."""
    styled = b"".join(f'<row r="{number}"><c r="A{number}" s="1"/><c r="AMJ{number}" s="1"/></row>'.encode()
                      for number in range(1_048_567, 1_048_577))
    return workbook({sheet: b'<dimension ref="A1:AMJ1048576"/><sheetData>' + row(1, "naam", "soort")
                     + row(2, "Voedsel", "branche") + styled + b"</sheetData>"})


def with_far_cell(data: bytes, sheet: str, column: int = 1, number: int = 1_048_576) -> bytes:
    """A real workbook (as the app writes it) with one more cell far away on `sheet`."""
    book = load_workbook(io.BytesIO(data))
    book[sheet].cell(row=number, column=column, value=" ")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewritten(data: bytes, part: str, old: bytes, new: bytes) -> bytes:
    """The workbook `data` with `old` replaced by `new` in one of its parts."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, content.replace(old, new) if info.filename == part else content)
    return buffer.getvalue()


def deep_json(levels: int = 100_000) -> bytes:
    return b'{"format": "imvo-questionnaire", "sections": ' + b"[" * levels + b"]" * levels + b"}"


def wide_csv(columns: int = 10_000) -> bytes:
    return ";".join(f"kolom{n}" for n in range(columns)).encode() + b"\r\n"


def lines_just_under(length: int = 99_999, count: int = 4, newline: bytes = b"\r\n") -> bytes:
    """A CSV whose lines are each one character short of the line length limit: the old
    check (a regular expression) ran to the end of a line again from each of its
    characters, minutes for this file."""
    return b"naam;soort" + newline + (b"x" * length + newline) * count


def unterminated_json_string(escapes: int = 50_000) -> bytes:
    """A JSON string of escaped quotes that never ends: the old string pattern started
    again at every escaped quote and ran to the end each time, about two minutes."""
    return b'["' + b'\\"' * escapes
