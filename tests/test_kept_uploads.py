"""Uploads kept between their check and its confirmation (`imvo_survey.kept_uploads`):
found by their own session and user only, removed once older than the maximum age
when another is kept, gone once forgotten. (The import pages that use them are tested
with their imports.)"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from flask import session

from imvo_survey.auth.sessions import start_session
from imvo_survey.extensions import db
from imvo_survey.jobs.runner import upkeep
from imvo_survey.kept_uploads import FOLDERS, MAX_AGE, KeptUploads

from . import factories


@pytest.fixture
def kept_uploads(app):
    """The kept uploads of a pretend import, in a folder removed afterwards."""
    kept = KeptUploads("test-kept-uploads", "test_import")
    yield kept
    shutil.rmtree(Path(app.instance_path) / kept.folder, ignore_errors=True)


def _aged(path: Path, seconds: float) -> Path:
    """`path` written, last changed `seconds` ago."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    then = time.time() - seconds
    os.utime(path, (then, then))
    return path


def test_a_kept_upload_is_found_by_its_own_session_and_user_only(app, secretariat, kept_uploads):
    colleague = factories.make_user("secretariat")
    db.session.commit()
    with app.test_request_context("/"):
        start_session(secretariat)
        upload = kept_uploads.keep(b"naam;soort\n", filename="organisaties.csv", year=2008)
        path, remembered = kept_uploads.kept(upload)
        assert path == Path(app.instance_path) / "test-kept-uploads" / f"{upload}.upload"
        assert path.read_bytes() == b"naam;soort\n"
        assert remembered == {"upload": upload, "user": secretariat.id, "filename": "organisaties.csv", "year": 2008}
        assert kept_uploads.kept("a-stale-token") is None
        assert kept_uploads.kept("") is None and kept_uploads.kept(None) is None
        assert KeptUploads("test-kept-uploads", "another_import").kept(upload) is None
        start_session(colleague)  # a new login clears the session; were the entry still in it:
        session["test_import"] = remembered
        assert kept_uploads.kept(upload) is None
    with app.test_request_context("/"):  # the same user, another session
        start_session(secretariat)
        assert kept_uploads.kept(upload) is None
    assert path.exists()  # nobody else's look removed it


def test_a_second_upload_takes_the_place_of_the_first_in_the_session(app, secretariat, kept_uploads):
    with app.test_request_context("/"):
        start_session(secretariat)
        first = kept_uploads.keep(b"first", filename="a.csv")
        second = kept_uploads.keep(b"second", filename="b.csv")
        assert first != second
        assert kept_uploads.kept(first) is None
        path, remembered = kept_uploads.kept(second)
        assert path.read_bytes() == b"second" and remembered["filename"] == "b.csv"


def test_a_kept_upload_whose_file_is_gone_is_not_found(app, secretariat, kept_uploads):
    with app.test_request_context("/"):
        start_session(secretariat)
        upload = kept_uploads.keep(b"data", filename="a.csv")
        path, _ = kept_uploads.kept(upload)
        path.unlink()
        assert kept_uploads.kept(upload) is None


def test_files_older_than_the_max_age_go_when_another_is_kept(app, secretariat, kept_uploads):
    folder = Path(app.instance_path) / kept_uploads.folder
    old = _aged(folder / "old.upload", MAX_AGE + 60)
    recent = _aged(folder / "recent.upload", MAX_AGE - 60)
    not_an_upload = _aged(folder / "notes.txt", MAX_AGE + 60)
    other_import = KeptUploads("test-kept-uploads-other", "other_import")
    elsewhere = _aged(Path(app.instance_path) / other_import.folder / "old.upload", MAX_AGE + 60)
    try:
        with app.test_request_context("/"):
            start_session(secretariat)
            upload = kept_uploads.keep(b"new", filename="a.csv")
        assert not old.exists()
        assert recent.exists() and not_an_upload.exists() and (folder / f"{upload}.upload").exists()
        assert elsewhere.exists()  # another import's folder is its own
    finally:
        shutil.rmtree(elsewhere.parent)


def test_a_forgotten_upload_is_gone(app, secretariat, kept_uploads):
    with app.test_request_context("/"):
        start_session(secretariat)
        upload = kept_uploads.keep(b"data", filename="a.csv")
        path, _ = kept_uploads.kept(upload)
        kept_uploads.forget()
        assert not path.exists()
        assert "test_import" not in session
        assert kept_uploads.kept(upload) is None
        kept_uploads.forget()  # nothing left to forget: no harm


def test_the_jobs_upkeep_removes_every_imports_files_past_the_max_age(app, kept_uploads):
    """Also where nobody uploads again: a file never confirmed does not stay for ever.
    The real imports' folders are among those looked at."""
    assert {"imports", "benchmark-imports", "questionnaire-imports"} <= FOLDERS
    folder = Path(app.instance_path) / kept_uploads.folder
    old = _aged(folder / "old.upload", MAX_AGE + 60)
    recent = _aged(folder / "recent.upload", MAX_AGE - 60)
    assert upkeep(lambda job_id: None)["uploads"] == 1
    assert not old.exists() and recent.exists()
