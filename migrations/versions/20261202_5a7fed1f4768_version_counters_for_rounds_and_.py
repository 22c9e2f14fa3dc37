"""Version counters for rounds and invitations: every UPDATE names the version it read,
so that of two requests changing the same row at once the second fails and runs again
instead of overwriting the first (sending an invitation twice, opening a round twice).

Revision ID: 5a7fed1f4768
Revises: 5295e652e0e7
Create Date: 2026-12-02 19:16:26.361307

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5a7fed1f4768'
down_revision = '5295e652e0e7'
branch_labels = None
depends_on = None

TABLES = ('invitation', 'round')


def upgrade():
    # Not in batch mode: on SQLite that would rebuild the tables, and dropping the old
    # ones would fire ON DELETE actions on responses, tokens and reminders.
    for table in TABLES:
        op.add_column(table, sa.Column('row_version', sa.Integer(), server_default='1', nullable=False))


def downgrade():
    for table in TABLES:
        op.execute(f'ALTER TABLE "{table}" DROP COLUMN row_version')
