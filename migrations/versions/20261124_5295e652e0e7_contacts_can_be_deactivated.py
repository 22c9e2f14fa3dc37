"""Contacts can be deactivated: kept for the history (saves, links, feedback), sent
nothing, and never the primary contact.

The rule "a primary contact is active" is a CHECK constraint on PostgreSQL; on SQLite
adding one would mean recreating `contact`, whose drop would fire the ON DELETE SET
NULL of the tables referring to it, so triggers hold it there instead.

Revision ID: 5295e652e0e7
Revises: 2acffc087fba
Create Date: 2026-11-24 21:31:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5295e652e0e7'
down_revision = '2acffc087fba'
branch_labels = None
depends_on = None

CONSTRAINT = "ck_contact_primary_is_active"
MESSAGE = f"{CONSTRAINT}: a deactivated contact cannot be the primary contact"


def upgrade():
    # Not in batch mode: on SQLite batch mode recreates `contact` for a NOT NULL column,
    # and dropping the old table would clear the contact of every link and audit event
    # (ON DELETE SET NULL). A plain ADD COLUMN with a default keeps the table.
    op.add_column('contact', sa.Column('is_active', sa.Boolean(), nullable=False, server_default=sa.true()))
    if op.get_bind().dialect.name == "postgresql":
        # op.f: the name is final (the naming convention would prefix it a second time).
        op.create_check_constraint(op.f(CONSTRAINT), "contact", "is_active OR NOT is_primary")
        return
    for event in ("INSERT", "UPDATE"):
        op.execute(f"""
            CREATE TRIGGER trg_contact_primary_is_active_{event.lower()}
            BEFORE {event} ON contact
            FOR EACH ROW WHEN NEW.is_primary AND NOT NEW.is_active
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint(op.f(CONSTRAINT), "contact", type_="check")
    else:
        for event in ("insert", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS trg_contact_primary_is_active_{event}")
    op.execute("ALTER TABLE contact DROP COLUMN is_active")  # not batch mode: see upgrade()
