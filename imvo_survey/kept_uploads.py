"""An uploaded file kept between its check and its confirmation, for one user's session.

The import pages (questionnaires, organisations, benchmark scores) check a file and
show what it would do; the confirmation must import exactly that file, not one posted
again. So the checked file is kept in the instance folder under a random name, and
the session remembers that name with who uploaded it (and what the page needs to read
it again: its filename, a year, ...). A file never confirmed is removed when another
one is kept, once it is older than `MAX_AGE`.

Each import has its own folder and session key (`KeptUploads("imports",
"organisation_import")`), so keeping one import's file never forgets another's.

The large imports that run as background jobs keep their files differently, by the
job (`jobs.imports`): those belong to a `Job` row, not to a session.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from flask import current_app, session
from flask_login import current_user

#: Seconds a checked, unconfirmed file is kept.
MAX_AGE = 24 * 60 * 60
#: The folders of every import's kept files (each `KeptUploads` adds its own): the jobs'
#: upkeep removes their files past `MAX_AGE`, also where nobody uploads again.
FOLDERS: set[str] = set()


@dataclass(frozen=True)
class KeptUploads:
    """The files one import keeps: under `instance/<folder>`, named in `session[session_key]`."""

    folder: str
    session_key: str

    def __post_init__(self) -> None:
        FOLDERS.add(self.folder)

    def _directory(self) -> Path:
        directory = Path(current_app.instance_path) / self.folder
        directory.mkdir(parents=True, exist_ok=True)
        return directory

    def keep(self, data: bytes, **details) -> str:
        """Keep a checked file for its confirmation and return its random name; the
        session remembers it with the user and `details`. Files of this folder older
        than `MAX_AGE` go."""
        directory = self._directory()
        remove_stale(self.folder)
        upload = secrets.token_urlsafe(16)
        (directory / f"{upload}.upload").write_bytes(data)
        session[self.session_key] = {"upload": upload, "user": current_user.id, **details}
        return upload

    def kept(self, upload: str | None) -> tuple[Path, dict] | None:
        """The kept file named `upload` and what the session remembers of it (`upload`,
        `user` and the details), if it is this session's upload by this user and the
        file is still there; else None."""
        remembered = session.get(self.session_key)
        if (not upload or not remembered or remembered.get("upload") != upload
                or remembered.get("user") != current_user.id):
            return None
        path = self._directory() / f"{upload}.upload"
        return (path, remembered) if path.exists() else None

    def forget(self) -> None:
        """Remove this session's kept file and what the session remembers of it (once
        it has been imported)."""
        remembered = session.pop(self.session_key, None)
        if remembered and remembered.get("upload"):
            (self._directory() / f"{remembered['upload']}.upload").unlink(missing_ok=True)


def remove_stale(folder: str) -> int:
    """Remove the kept files of `folder` (under the instance folder) older than
    `MAX_AGE`; how many went."""
    directory = Path(current_app.instance_path) / folder
    if not directory.is_dir():
        return 0
    cutoff = time.time() - MAX_AGE
    removed = 0
    for path in directory.glob("*.upload"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def remove_all_stale() -> int:
    """`remove_stale` for the folder of every import; how many files went."""
    return sum(remove_stale(folder) for folder in sorted(FOLDERS))
