"""Imports and invitation mailings as background jobs; a stamp per round that is raised
whenever its risk relevance changes, so that the matrix can keep it between views.

Revision ID: a1c4e7f2b9d0
Revises: 9b5e3a7d4c82
Create Date: 2026-12-03 13:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a1c4e7f2b9d0'
down_revision = '9b5e3a7d4c82'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('export', 'report')"
NEW_KINDS = "kind IN ('export', 'report', 'import', 'invitations')"


def _kinds(condition: str) -> None:
    # SQLite cannot change a CHECK in place: batch mode copies the table.
    with op.batch_alter_table('job', schema=None, recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_job_kind'), type_='check')
        batch_op.create_check_constraint(op.f('ck_job_kind'), condition)


def upgrade():
    op.create_table('analysis_stamp',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('stamp', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_analysis_stamp_round_id_round'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_analysis_stamp'))
    )
    _kinds(NEW_KINDS)


def downgrade():
    op.execute("DELETE FROM job WHERE kind IN ('import', 'invitations')")
    _kinds(OLD_KINDS)
    op.drop_table('analysis_stamp')
