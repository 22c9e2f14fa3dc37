"""Ids and entry numbers are never reused, so that a stale page's key of a removed
entry never meets a new entry under the same key.

- On SQLite, `activity`, `dilemma` and `bottleneck` are made anew with AUTOINCREMENT
  (a plain rowid table hands out a deleted highest id again). Every row keeps its id
  and every link keeps pointing at it: `env.py` runs migrations with foreign-key
  enforcement off, so dropping the old table fires no ON DELETE action, and checks the
  keys afterwards. PostgreSQL's sequences never reuse ids: nothing to do there.
- `response.last_entry_number` remembers the highest number given to an entry of a
  repeating group that is not bound to the inventory (both databases).

Revision ID: b41c6a1e9d27
Revises: 5a7fed1f4768
Create Date: 2026-12-02 20:10:00.000000

"""
import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b41c6a1e9d27'
down_revision = '5a7fed1f4768'
branch_labels = None
depends_on = None

TABLES = ('activity', 'dilemma', 'bottleneck')


def _remake(bind, table: str, autoincrement: bool) -> None:
    """SQLite: make `table` anew with (or without) AUTOINCREMENT, keeping its rows, ids,
    indexes and triggers (the 12 steps of SQLite's "ALTER TABLE" documentation)."""
    create = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar_one()
    if ('AUTOINCREMENT' in create.upper()) == autoincrement:
        return
    extras = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
        (table,)).scalars().all()
    columns = ", ".join(row[1] for row in bind.exec_driver_sql(f'PRAGMA table_info("{table}")'))
    if autoincrement:
        made = re.sub(r'\bid INTEGER NOT NULL,',
                      f'id INTEGER NOT NULL CONSTRAINT pk_{table} PRIMARY KEY AUTOINCREMENT,', create, count=1)
        made = re.sub(rf',\s*CONSTRAINT pk_{table} PRIMARY KEY \(id\)', '', made, count=1)
    else:
        made = re.sub(rf'\bid INTEGER NOT NULL CONSTRAINT pk_{table} PRIMARY KEY AUTOINCREMENT,',
                      'id INTEGER NOT NULL,', create, count=1)
        made = re.sub(r'\n\)\s*$', f', \n\tCONSTRAINT pk_{table} PRIMARY KEY (id)\n)', made, count=1)
    if made == create:
        raise RuntimeError(f"unexpected schema of {table}: {create}")
    made = re.sub(rf'^CREATE TABLE "?{table}"? \(', f'CREATE TABLE {table}__new (', made, count=1)
    bind.exec_driver_sql(made)
    bind.exec_driver_sql(f'INSERT INTO {table}__new ({columns}) SELECT {columns} FROM "{table}"')
    bind.exec_driver_sql(f'DROP TABLE "{table}"')
    bind.exec_driver_sql(f'ALTER TABLE {table}__new RENAME TO "{table}"')
    for sql in extras:
        bind.exec_driver_sql(sql)


def upgrade():
    bind = op.get_bind()
    op.add_column('response', sa.Column('last_entry_number', sa.Integer(), server_default='0', nullable=False))
    op.execute("UPDATE response SET last_entry_number = COALESCE("
               "(SELECT MAX(answer.entry) FROM answer WHERE answer.response_id = response.id), 0)")
    if bind.dialect.name == 'sqlite':
        for table in TABLES:
            _remake(bind, table, autoincrement=True)


def downgrade():
    bind = op.get_bind()
    if bind.dialect.name == 'sqlite':
        for table in TABLES:
            _remake(bind, table, autoincrement=False)
    op.execute("ALTER TABLE response DROP COLUMN last_entry_number")
