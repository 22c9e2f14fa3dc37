"""A search key for account names: the name case-folded with its spacing collapsed, as
organisations have, so that searching accounts finds "Élise" from "élise" on SQLite
(whose lower() folds only ASCII letters) as on PostgreSQL.

Revision ID: 2acffc087fba
Revises: 616e45632a77
Create Date: 2026-11-24 21:12:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '2acffc087fba'
down_revision = '616e45632a77'
branch_labels = None
depends_on = None


def _key(name: str) -> str:
    """As `imvo_survey.models.name_key`, frozen here: a migration must not follow later edits."""
    return " ".join(name.split()).casefold()


def upgrade():
    op.add_column('user_account', sa.Column('name_key', sa.String(length=200), nullable=True))  # not batch mode: see downgrade()
    bind = op.get_bind()
    accounts = sa.table('user_account', sa.column('id', sa.Integer), sa.column('name', sa.String),
                        sa.column('name_key', sa.String))
    for account_id, name in bind.execute(sa.select(accounts.c.id, accounts.c.name)
                                         .where(accounts.c.name.is_not(None))).all():
        bind.execute(accounts.update().where(accounts.c.id == account_id).values(name_key=_key(name) or None))


def downgrade():
    # Not in batch mode: on SQLite that rebuilds `user_account`, and dropping the old
    # table would delete API tokens and clear the audit trail's accounts (ON DELETE).
    op.execute("ALTER TABLE user_account DROP COLUMN name_key")
