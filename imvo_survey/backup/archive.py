"""`imvo backup`: a consistent copy of a live database in one file, and reading it back.

The file is a ZIP archive holding `manifest.json` (format, database kind, Alembic
revision, when, and per table its row count and checksum; see `rows.py`) and the data:

- SQLite: `database.sqlite3`, made by SQLite's online backup API inside the read
  transaction the manifest was read in, so copy and manifest are one snapshot while
  respondents go on saving (WAL lets writers continue beside a reader).
- PostgreSQL: `tables/<table>.jsonl`, every table read in one REPEATABLE READ, READ ONLY
  transaction (one snapshot): a first line naming the columns and how their values are
  encoded, then one line per row: exactly the lines the checksum is computed over.

The file is written under a temporary name beside FILE, readable by its owner only (it
holds personal data and password hashes), and renamed once it is complete.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from ..models import utcnow
from .rows import Tally, line, manifest_tables, rows, shapes

FORMAT = "imvo-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
TABLES_DIR = "tables/"
KINDS = ("sqlite", "postgresql")


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and what to do."""


def create_backup(engine: Engine, path: Path, on_table: Callable[[str], None] | None = None) -> dict:
    """Write a backup of the database behind `engine` to `path`; returns its manifest.
    `on_table` is called with each table's name as it is read (for progress)."""
    kind = engine.dialect.name
    if kind not in KINDS:
        raise BackupError(f"Backups are made of SQLite and PostgreSQL databases, not {kind}.")
    if path.exists():
        raise BackupError(f"{path} exists already: choose another name, or remove it first.")
    with _partial_file(path) as partial, zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED,
                                                         allowZip64=True) as archive:
        if kind == "sqlite":
            revision, tables = _copy_sqlite(engine, archive, partial, on_table)
        else:
            revision, tables = _dump_postgresql(engine, archive, on_table)
        manifest = {"format": FORMAT, "version": FORMAT_VERSION, "database": kind, "revision": revision,
                    "created_at": utcnow().isoformat(), "tables": tables}
        archive.writestr(MANIFEST, json.dumps(manifest, indent=1, sort_keys=True))
    return manifest


@contextlib.contextmanager
def _partial_file(path: Path) -> Iterator[Path]:
    """A new file beside `path` (mode 0600), renamed to `path` when the block succeeds
    and removed when it fails: a half-written backup never carries the final name."""
    handle, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    os.close(handle)
    partial = Path(name)
    try:
        yield partial
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)


def revision_of(connection: Connection) -> str | None:
    """The database's Alembic revision (None before the first migration)."""
    if not sa.inspect(connection).has_table("alembic_version"):
        return None
    return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()


def sqlite_engine(url: sa.URL | str) -> Engine:
    """An engine on a SQLite file whose `begin()` really begins a transaction.

    Python's sqlite3 begins one only before a write, so every SELECT would see the latest
    commit; a snapshot needs an explicit BEGIN, after which the first read fixes what the
    connection sees until the end."""
    engine = sa.create_engine(url, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _no_implicit_transactions(dbapi_connection, record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")

    return engine


def _copy_sqlite(engine: Engine, archive: zipfile.ZipFile, partial: Path, on_table) -> tuple[str | None, dict]:
    if engine.url.database in (None, "", ":memory:"):
        raise BackupError("Only a SQLite database in a file can be backed up.")
    copy = partial.with_suffix(".sqlite3")
    source = sqlite_engine(engine.url)
    try:
        with source.connect() as connection, connection.begin():
            revision = revision_of(connection)  # the first read: the snapshot starts here
            tables = manifest_tables(connection, shapes(connection), on_table)
            target = sqlite3.connect(copy)
            try:
                # Inside the same read transaction: the copy is the snapshot just counted.
                connection.connection.driver_connection.backup(target)
            finally:
                target.close()
        archive.write(copy, SQLITE_MEMBER)
    finally:
        source.dispose()
        copy.unlink(missing_ok=True)
    return revision, tables


def _dump_postgresql(engine: Engine, archive: zipfile.ZipFile, on_table) -> tuple[str | None, dict]:
    with engine.connect() as connection:
        connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            connection.exec_driver_sql("SET TRANSACTION READ ONLY")
            revision = revision_of(connection)
            tables = {}
            for shape in shapes(connection):
                if on_table is not None:
                    on_table(shape.name)
                tally = Tally()
                with archive.open(f"{TABLES_DIR}{shape.name}.jsonl", "w", force_zip64=True) as member:
                    header = {"table": shape.name, "columns": [[c.name, c.kind] for c in shape.columns]}
                    member.write(json.dumps(header).encode("utf-8") + b"\n")
                    for values in rows(connection, shape):
                        row_line = line(values)
                        tally.add(row_line)
                        member.write(row_line + b"\n")
                tables[shape.name] = tally.result()
    return revision, tables


# --- reading a backup ------------------------------------------------------------------

def read_manifest(path: Path) -> dict:
    """The manifest of a backup file; a BackupError when it is not one."""
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
    except FileNotFoundError:
        raise BackupError(f"{path} does not exist.") from None
    except (zipfile.BadZipFile, KeyError, ValueError):
        raise BackupError(f"{path} is not a backup made by `imvo backup` (no readable manifest).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT or manifest.get("database") not in KINDS:
        raise BackupError(f"{path} is not a backup made by `imvo backup`.")
    if manifest.get("version") != FORMAT_VERSION:
        raise BackupError(f"{path} has backup format version {manifest.get('version')}; this version of the "
                          f"application reads version {FORMAT_VERSION}.")
    return manifest


@contextlib.contextmanager
def extracted_sqlite(path: Path) -> Iterator[Path]:
    """The SQLite database of a backup, unpacked to a temporary file."""
    with tempfile.TemporaryDirectory(prefix="imvo-restore-") as folder, zipfile.ZipFile(path) as archive:
        yield Path(archive.extract(SQLITE_MEMBER, folder))


def archive_tables(path: Path, manifest: dict) -> dict[str, dict]:
    """Row count and checksum of every table as the backup file's data give them."""
    if manifest["database"] == "sqlite":
        with extracted_sqlite(path) as copy:
            engine = sqlite_engine(f"sqlite:///{copy}")
            try:
                with engine.connect() as connection, connection.begin():
                    return manifest_tables(connection, shapes(connection))
            finally:
                engine.dispose()
    tables = {}
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith(TABLES_DIR) and name.endswith(".jsonl"):
                tally = Tally()
                with archive.open(name) as member:
                    member.readline()  # the columns
                    for row_line in member:
                        tally.add(row_line.rstrip(b"\n"))
                tables[name[len(TABLES_DIR):-len(".jsonl")]] = tally.result()
    return tables


def table_lines(archive: zipfile.ZipFile, table: str) -> tuple[list[list[str]], Iterator[bytes]]:
    """The columns ([name, kind], ...) of a table in a PostgreSQL dump, and its row lines."""
    member = archive.open(f"{TABLES_DIR}{table}.jsonl")
    header = json.loads(member.readline())

    def lines() -> Iterator[bytes]:
        with member:
            for row_line in member:
                yield row_line.rstrip(b"\n")

    return header["columns"], lines()
