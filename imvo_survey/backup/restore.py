"""`imvo restore`: a backup into an empty database, checked table by table against the
backup's manifest before it counts as restored.

Only into an empty database, so that nothing is ever overwritten: one without tables,
or one whose schema is at the backup's revision and holds no rows (`alembic_version`
aside). A SQLite backup is copied in with SQLite's backup API, whole. A PostgreSQL dump
needs the schema first: into a database without tables the migrations are run up to
the backup's revision (not further: the data fit that schema); then every table is
filled in one transaction, the sequences are set to go on after the restored ids, and
the counts and checksums are compared with the manifest before the commit. Bringing the
schema to the application's version afterwards is `imvo db upgrade`, as after any update.
"""

from __future__ import annotations

import json
import sqlite3
import zipfile
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from .archive import (
    TABLES_DIR,
    BackupError,
    extracted_sqlite,
    read_manifest,
    revision_of,
    sqlite_engine,
    table_lines,
)
from .rows import BATCH, Shape, Tally, decode, differences, manifest_tables, shapes


def restore(engine: Engine, path: Path, upgrade: Callable[[str], None]) -> tuple[dict, dict[str, dict]]:
    """Restore the backup at `path` into the empty database behind `engine`; returns the
    manifest and the row counts and checksums the restored database gives (equal to the
    manifest's, or a BackupError is raised). `upgrade(revision)` runs the migrations."""
    manifest = read_manifest(path)
    kind = engine.dialect.name
    if manifest["database"] != kind:
        raise BackupError(f"{path} is a backup of a {manifest['database']} database; this database is {kind}. "
                          "Restore it into a database of the same kind.")
    if not manifest.get("revision"):
        raise BackupError(f"{path} has no schema revision: its database was never migrated.")
    _refuse_data(engine)
    if kind == "sqlite":
        return manifest, _restore_sqlite(engine, path, manifest)
    _prepare_schema(engine, manifest["revision"], upgrade)
    return manifest, _restore_postgresql(engine, path, manifest)


def _refuse_data(engine: Engine) -> None:
    with engine.connect() as connection:
        for name in sa.inspect(connection).get_table_names():
            if name == "alembic_version":
                continue
            count = connection.execute(sa.select(sa.func.count()).select_from(sa.table(name))).scalar()
            if count:
                raise BackupError(
                    f"The database is not empty: table {name} has {count} rows. A backup is restored only into "
                    "an empty database, so that nothing is overwritten: create a new database (or schema), "
                    "point DATABASE_URL at it and run `imvo restore` again.")


def _prepare_schema(engine: Engine, revision: str, upgrade: Callable[[str], None]) -> None:
    with engine.connect() as connection:
        tables = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
        current = revision_of(connection)
    if not tables:
        upgrade(revision)
    elif current != revision:
        raise BackupError(
            f"The database's schema is at revision {current}, the backup's at {revision}. Restore into a "
            f"database without tables (the migrations then make the schema of revision {revision}), or "
            f"bring this one to that revision first (`imvo db upgrade {revision}` or `imvo db downgrade "
            f"{revision}`).")


# --- SQLite ------------------------------------------------------------------------------

def _restore_sqlite(engine: Engine, path: Path, manifest: dict) -> dict[str, dict]:
    if engine.url.database in (None, "", ":memory:"):
        raise BackupError("A backup is restored into a SQLite database in a file.")
    with extracted_sqlite(path) as copy:
        # The copy is checked before it is used: once copied in, the old contents are gone.
        _check(manifest, _tables_of(f"sqlite:///{copy}"), "The backup file is damaged")
        source = sqlite3.connect(copy)
        try:
            target = engine.raw_connection()
            try:
                source.backup(target.driver_connection)
            finally:
                target.close()
        finally:
            source.close()
    found = _tables_of(engine.url)
    _check(manifest, found, "The restored database does not match the backup")
    return found


def _tables_of(url) -> dict[str, dict]:
    engine = sqlite_engine(url)
    try:
        with engine.connect() as connection, connection.begin():
            return manifest_tables(connection, shapes(connection))
    finally:
        engine.dispose()


def _check(manifest: dict, found: dict[str, dict], problem: str) -> None:
    problems = differences(manifest["tables"], found)
    if problems:
        raise BackupError(f"{problem}: " + "; ".join(problems))


# --- PostgreSQL --------------------------------------------------------------------------

def _restore_postgresql(engine: Engine, path: Path, manifest: dict) -> dict[str, dict]:
    with engine.begin() as connection, zipfile.ZipFile(path) as archive:
        found = shapes(connection)
        dumped = {name[len(TABLES_DIR):-len(".jsonl")] for name in archive.namelist()
                  if name.startswith(TABLES_DIR) and name.endswith(".jsonl")}
        if dumped != {shape.name for shape in found}:
            raise BackupError("The backup's tables differ from the schema's: "
                              f"{sorted(dumped ^ {shape.name for shape in found})}.")
        read = {}
        for shape in found:
            columns, lines = table_lines(archive, shape.name)
            if sorted(name for name, _kind in columns) != sorted(shape.column_names):
                raise BackupError(f"The columns of {shape.name} in the backup differ from the schema's.")
            try:
                # alembic_version was filled by the migrations; its row is checked, not inserted.
                read[shape.name] = _count(lines) if shape.name == "alembic_version" else \
                    _insert(connection, shape, columns, lines)
            except (ValueError, TypeError, IndexError):  # a line that is no row of this table
                raise BackupError(f"The backup file is damaged: a row of {shape.name} cannot be read.") from None
            except sa.exc.IntegrityError as error:
                raise BackupError(f"The backup file is damaged: rows of {shape.name} break a rule of the "
                                  f"schema ({error.orig}).") from None
        _check(manifest, read, "The backup file is damaged")
        _continue_sequences(connection, found)
        restored = manifest_tables(connection, found)
        _check(manifest, restored, "The restored database does not match the backup")  # rolls back
    return restored


def _count(lines) -> dict:
    tally = Tally()
    for row_line in lines:
        tally.add(row_line)
    return tally.result()


def _insert(connection: Connection, shape: Shape, columns: list[list[str]], lines) -> dict:
    """Insert a table's rows in batches; returns the count and checksum of what was read.

    A row that refers to another row of its table (a round copied from a round) waits
    until that row is in: a foreign key is checked at once."""
    names = [name for name, _kind in columns]
    types = {c.name: sa.JSON(none_as_null=True) if c.kind == "json" else c.type for c in shape.columns}
    statement = sa.insert(sa.table(shape.name, *(sa.column(name, types[name]) for name in names)))
    key = shape.primary_key[0]
    tally, batch, waiting = Tally(), [], []
    pending, inserted = set(), set()

    def flush():
        if batch:
            connection.execute(statement, batch)
            inserted.update(pending)
            batch.clear()
            pending.clear()

    def parents(values: dict) -> set:
        return {values[name] for name in shape.self_references} - {None, values[key]}

    for row_line in lines:
        tally.add(row_line)
        values = {name: decode(kind, value) for (name, kind), value in zip(columns, json.loads(row_line), strict=True)}
        if shape.self_references:
            if parents(values) & pending:
                flush()
            if not parents(values) <= inserted:
                waiting.append(values)
                continue
            pending.add(values[key])
        batch.append(values)
        if len(batch) >= BATCH:
            flush()
    flush()
    while waiting:
        ready = [values for values in waiting if parents(values) <= inserted]
        if not ready:
            raise BackupError(f"Rows of {shape.name} refer to rows that are not in the backup.")
        waiting = [values for values in waiting if not parents(values) <= inserted]
        for values in ready:
            batch.append(values)
            pending.add(values[key])
        flush()
    return tally.result()


def _continue_sequences(connection: Connection, found: list[Shape]) -> None:
    """Set every id sequence to the highest restored id, so new rows get new ids."""
    quote = connection.dialect.identifier_preparer.quote
    for shape in found:
        if len(shape.primary_key) != 1:
            continue
        key = shape.primary_key[0]
        sequence = connection.execute(sa.select(sa.func.pg_get_serial_sequence(quote(shape.name), key))).scalar()
        if sequence is None:
            continue
        highest = sa.select(sa.func.max(sa.column(key))).select_from(sa.table(shape.name)).scalar_subquery()
        connection.execute(sa.select(sa.func.setval(sequence, sa.func.coalesce(highest, 1), highest.is_not(None))))
