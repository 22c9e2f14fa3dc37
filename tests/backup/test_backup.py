"""`imvo backup` and `imvo restore` on the test database's kind (SQLite file or
PostgreSQL schema): the restored copy has the backup's row counts and checksums, ids go
on after the restored ones, and a backup taken while respondents save is one snapshot."""

from __future__ import annotations

import json
import sqlite3
import threading
import zipfile

import sqlalchemy as sa
from sqlalchemy import func, select

from imvo_survey.answers import services
from imvo_survey.answers.services import Actor
from imvo_survey.backup import create_backup, read_manifest
from imvo_survey.backup.rows import manifest_tables, shapes
from imvo_survey.extensions import db
from imvo_survey.models import Contact, Organisation, OutboxMessage, Response, ResponseEvent

from .. import factories
from ..answering import add_activity, answer_required


def _started_responses(count: int) -> list[tuple[int, int]]:
    """(response id, contact id) of `count` associations that answered what is required."""
    round = factories.make_round()
    started = []
    for number in range(count):
        organisation = factories.make_organisation(name=f"Vereniging {number}", member_count=100)
        contact = factories.make_contact(organisation, name=f"Anna {number}", email=f"anna{number}@example.org")
        invitation = factories.make_invitation(round, organisation, status="invited")
        actor = Actor(contact=contact)
        response = services.start(invitation, actor)
        answer_required(response, actor)
        started.append((response.id, contact.id))
    return started


def _populate() -> None:
    """Responses with answers and an activity (link tables), an outbox message (binary),
    and both a JSON null and an SQL NULL in one JSON column."""
    (response_id, contact_id), _other = _started_responses(2)
    response = db.session.get(Response, response_id)
    add_activity(response, Actor(contact=db.session.get(Contact, contact_id)))
    db.session.add(OutboxMessage(kind="invitation", to_address="anna0@example.org", subject="Uitnodiging",
                                 raw="Subject: Uitnodiging\r\n\r\nBeste Anna, \u00e9\u00e9n link.\r\n".encode()))
    db.session.flush()
    db.session.execute(sa.insert(ResponseEvent.__table__).values(response_id=response_id, kind="saved",
                                                                 on_behalf=False, changes=sa.null()))
    db.session.execute(sa.insert(ResponseEvent.__table__).values(response_id=response_id, kind="saved",
                                                                 on_behalf=False, changes=sa.JSON.NULL))
    db.session.commit()


def _null_changes(connection) -> tuple[int, int]:
    """Events whose changes are SQL NULL, and those holding a JSON null."""
    count = "SELECT COUNT(*) FROM response_event WHERE "
    return (connection.execute(sa.text(count + "changes IS NULL")).scalar(),
            connection.execute(sa.text(count + "CAST(changes AS TEXT) = 'null'")).scalar())


def _tables_of(application) -> dict[str, dict]:
    with application.app_context(), db.engine.connect() as connection, connection.begin():
        return manifest_tables(connection, shapes(connection))


def test_a_backup_restores_with_the_same_rows_and_checksums(app, runner, restore_into, scratch_app, tmp_path):
    _populate()
    path = tmp_path / "imvo-backup.zip"
    result = runner.invoke(args=["backup", str(path), "--verify"])
    assert result.exit_code == 0, result.output
    assert "Verified: every table in the file matches the manifest." in result.output
    manifest = read_manifest(path)
    assert manifest["tables"] == _tables_of(app)  # nothing changed since: the live database agrees
    assert manifest["tables"]["organisation"]["rows"] == 2 and manifest["tables"]["activity_aspect"]["rows"] == 2
    assert manifest["revision"] and path.stat().st_mode & 0o077 == 0  # for its owner only

    result = restore_into(path)
    assert result.exit_code == 0, result.output
    for name, table in manifest["tables"].items():
        assert f"{table['rows']:>10}  {table['checksum']}" in result.output, name
    assert _tables_of(scratch_app) == manifest["tables"]
    with db.engine.connect() as live:
        expected_nulls = _null_changes(live)
    with scratch_app.app_context(), db.engine.connect() as restored:
        assert _null_changes(restored) == expected_nulls and expected_nulls[1] >= 1 and expected_nulls[0] >= 1
        assert restored.execute(select(OutboxMessage.raw)).scalar() == \
            "Subject: Uitnodiging\r\n\r\nBeste Anna, \u00e9\u00e9n link.\r\n".encode()

    with scratch_app.app_context():  # new rows get new ids (PostgreSQL: the sequences go on)
        highest = db.session.scalar(select(func.max(Organisation.id)))
        added = factories.make_organisation(name="Na het terugzetten")
        event = ResponseEvent(response_id=db.session.scalar(select(func.min(Response.id))), kind="saved")
        db.session.add(event)
        db.session.commit()
        assert added.id > highest and event.id > 0
        db.session.remove()


def test_restore_refuses_a_database_with_data(runner, tmp_path):
    _populate()
    path = tmp_path / "backup.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    before = db.session.scalar(select(func.count()).select_from(Organisation))
    result = runner.invoke(args=["restore", str(path)])
    assert result.exit_code == 1
    assert "The database is not empty: table" in result.output
    assert "restored only into an empty database" in result.output
    assert db.session.scalar(select(func.count()).select_from(Organisation)) == before


def test_backup_does_not_overwrite_a_file(runner, tmp_path):
    path = tmp_path / "backup.zip"
    path.write_text("older backup")
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 1 and "exists already" in result.output
    assert path.read_text() == "older backup"


def _damage(path, manifest) -> None:
    """Change one organisation's name inside the backup file, keeping its manifest."""
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    if manifest["database"] == "sqlite":
        copy = path.with_suffix(".sqlite3")
        copy.write_bytes(members["database.sqlite3"])
        with sqlite3.connect(copy) as connection:
            connection.execute("UPDATE organisation SET name = 'Vervalst', name_key = 'vervalst' WHERE id = "
                               "(SELECT MIN(id) FROM organisation)")
        connection.close()
        members["database.sqlite3"] = copy.read_bytes()
    else:
        lines = members["tables/organisation.jsonl"].decode().splitlines()
        lines[1] = lines[1].replace("Vereniging 0", "Vervalst")
        members["tables/organisation.jsonl"] = ("\n".join(lines) + "\n").encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)


def test_a_damaged_backup_is_not_restored(runner, restore_into, scratch_app, tmp_path):
    _populate()
    path = tmp_path / "backup.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    _damage(path, read_manifest(path))
    result = restore_into(path)
    assert result.exit_code == 1
    assert "The backup file is damaged: organisation: expected 2 rows with checksum" in result.output
    restored = _tables_of(scratch_app)
    assert all(table["rows"] == 0 for name, table in restored.items() if name != "alembic_version")


def test_restore_refuses_a_backup_of_another_database_kind(restore_into, runner, tmp_path):
    path = tmp_path / "backup.zip"
    assert runner.invoke(args=["backup", str(path)]).exit_code == 0
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    manifest = json.loads(members["manifest.json"])
    kind, other = manifest["database"], {"sqlite": "postgresql", "postgresql": "sqlite"}[manifest["database"]]
    members["manifest.json"] = json.dumps({**manifest, "database": other}).encode()
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    result = restore_into(path)
    assert result.exit_code == 1
    assert f"is a backup of a {other} database; this database is {kind}" in result.output


def test_restore_refuses_a_file_that_is_no_backup(restore_into, tmp_path):
    path = tmp_path / "notes.zip"
    path.write_bytes(b"PK\x05\x06" + b"\0" * 18)  # an empty ZIP archive
    result = restore_into(path)
    assert result.exit_code == 1 and "is not a backup made by `imvo backup`" in result.output


class Writer(threading.Thread):
    """A respondent saving answers over and over (through the services, committing each
    save as a request does) until told to stop."""

    def __init__(self, app, targets: list[tuple[int, int]]):
        super().__init__(daemon=True)
        self.app, self.targets = app, targets
        self.saved, self.errors = 0, []
        self.changed = threading.Condition()
        self.stop = threading.Event()

    def run(self):
        try:
            with self.app.app_context():
                number = 0
                while not self.stop.is_set():
                    for response_id, contact_id in self.targets:
                        number += 1
                        response = db.session.get(Response, response_id)
                        result = services.save_section(response, "profile", {"member_count": str(1000 + number)},
                                                       None, response.lock_version,
                                                       Actor(contact=db.session.get(Contact, contact_id)))
                        assert result.saved and not result.errors
                        db.session.commit()
                        with self.changed:
                            self.saved += 1
                            self.changed.notify_all()
                db.session.remove()
        except Exception as error:  # reported by the test
            self.errors.append(error)
            with self.changed:
                self.changed.notify_all()

    def wait_for_more(self, count: int = 1) -> None:
        with self.changed:
            target = self.saved + count
            assert self.changed.wait_for(lambda: self.saved >= target or self.errors, timeout=60)
        assert not self.errors, self.errors


def _saved_events(connection) -> int:
    return connection.execute(select(func.count()).select_from(ResponseEvent)
                              .where(ResponseEvent.kind == "saved")).scalar()


def test_a_backup_taken_while_respondents_save_is_one_snapshot(app, restore_into, scratch_app, tmp_path):
    """Saves are committed between the reading of every two tables of the backup; the
    restored copy still has, for every response, as many save events as its lock version
    says, and the answer of the last one: no save is half in it."""
    targets = _started_responses(3)
    db.session.commit()
    with db.engine.connect() as connection:
        before = _saved_events(connection)
    writer = Writer(app, targets)
    writer.start()
    path = tmp_path / "busy.zip"
    try:
        writer.wait_for_more(3)
        manifest = create_backup(db.engine, path, on_table=lambda name: writer.wait_for_more(1))
    finally:
        writer.stop.set()
        writer.join(timeout=60)
    assert not writer.errors, writer.errors
    with db.engine.connect() as connection:
        after = _saved_events(connection)
    assert after - before == writer.saved >= len(manifest["tables"]) + 3

    result = restore_into(path)
    assert result.exit_code == 0, result.output
    assert _tables_of(scratch_app) == manifest["tables"]
    with scratch_app.app_context():
        with db.engine.connect() as connection:
            in_copy = _saved_events(connection)
        assert before < in_copy < after  # the snapshot was taken in the middle of the saving
        for response in db.session.scalars(select(Response)):
            saves = [event for event in response.events if event.kind == "saved"]
            assert response.lock_version == 1 + len(saves)
            _layout, document = services.document_of(response)
            assert document.answers["member_count"] == saves[-1].changes[-1]["new"]
        db.session.remove()
