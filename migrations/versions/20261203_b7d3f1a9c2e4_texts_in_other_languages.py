"""Texts of imported forms in languages other than Dutch and English, kept with the
questions and choices (by XLSForm column as written) and written back on export.

Revision ID: b7d3f1a9c2e4
Revises: a1c4e7f2b9d0
Create Date: 2026-12-03 14:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d3f1a9c2e4'
down_revision = 'a1c4e7f2b9d0'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('question', 'choice'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('other_texts', sa.JSON(), nullable=True))


def downgrade():
    for table in ('choice', 'question'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('other_texts')
