"""Evidence files: what kind a file is by its content (never by its name), the size
limit, and where files are kept (under the instance folder, outside the web root, under
a generated name; only the secretariat's download view reads them back).

Kinds: PDF (`%PDF-`), PNG and JPEG (their signatures), and XLSX and DOCX: a zip whose
`[Content_Types].xml` names the workbook or the document as its main part. A zip is
also checked for what it unpacks to (a zip bomb is small to upload).
"""

from __future__ import annotations

import secrets
import zipfile
from io import BytesIO
from pathlib import Path

from flask import current_app

from ..i18n import lazy_gettext as _l
from ..uploads import UploadRefused
from ..uploads.messages import number

#: The first bytes of each kind that is not a zip.
SIGNATURES = (("pdf", b"%PDF-"), ("png", b"\x89PNG\r\n\x1a\n"), ("jpeg", b"\xff\xd8\xff"))
ZIP_SIGNATURE = b"PK\x03\x04"
CONTENT_TYPES = "[Content_Types].xml"
#: The main part's content type of each Office kind.
OFFICE_TYPES = (
    ("xlsx", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
    ("docx", b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
)
#: How many times its own size a zip may unpack to.
UNPACK_FACTOR = 10
MIMETYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpeg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
EXTENSIONS = {"pdf": ".pdf", "png": ".png", "jpeg": ".jpg", "xlsx": ".xlsx", "docx": ".docx"}


def max_bytes() -> int:
    """The largest evidence file allowed (the setting `EVIDENCE_MAX_MB`)."""
    return int(float(current_app.config["EVIDENCE_MAX_MB"]) * 1024 * 1024)


def evidence_kind(data: bytes, limit: int) -> str:
    """pdf, png, jpeg, xlsx or docx, told by the content; raises `UploadRefused`."""
    if not data:
        raise UploadRefused(_l("The file is empty."))
    if len(data) > limit:
        raise UploadRefused(_l("The file is %(found)s MB, more than the limit of %(limit)s MB.",
                               found=number(round(len(data) / 1024 / 1024, 1)),
                               limit=number(round(limit / 1024 / 1024, 1))))
    for kind, signature in SIGNATURES:
        if data.startswith(signature):
            return kind
    if data.startswith(ZIP_SIGNATURE):
        return _office_kind(data, limit)
    raise UploadRefused(_unknown())


def _unknown() -> str:
    return _l("This file is not a PDF, an image (PNG or JPEG), an Excel workbook (XLSX) or a Word document "
              "(DOCX), whatever its name. Save it as one of those and upload it again.")


def _office_kind(data: bytes, limit: int) -> str:
    """xlsx or docx by the zip's content types; anything else in a zip is refused."""
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > UNPACK_FACTOR * limit:
                raise UploadRefused(_l("The file unpacks to far more than its size; it cannot be accepted."))
            info = archive.NameToInfo.get(CONTENT_TYPES)
            if info is None or info.file_size > 1024 * 1024:
                raise UploadRefused(_unknown())
            types = archive.read(info)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError, ValueError):
        raise UploadRefused(_l("The file is damaged: it cannot be opened.")) from None
    for kind, content_type in OFFICE_TYPES:
        if content_type in types:
            return kind
    raise UploadRefused(_unknown())


def evidence_folder() -> Path:
    """Where evidence files are kept: `instance/evidence`."""
    folder = Path(current_app.instance_path) / "evidence"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store(data: bytes) -> str:
    """Write `data` under a new generated name (never one the uploader chose); return it."""
    name = secrets.token_hex(16)
    with (evidence_folder() / name).open("xb") as handle:
        handle.write(data)
    return name


def stored_path(stored_name: str) -> Path:
    """The file of a stored name (a name the app generated: hex digits only)."""
    if not stored_name.isalnum():
        raise ValueError("Not a stored name.")
    return evidence_folder() / stored_name
