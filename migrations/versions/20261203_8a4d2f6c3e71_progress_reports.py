"""Progress reports: each build of a round's report is a dated version, its page kept
in the row and its PDF under the instance folder by a generated name with its hash.

Revision ID: 8a4d2f6c3e71
Revises: 7c2e9a41d5b3
Create Date: 2026-12-03 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '8a4d2f6c3e71'
down_revision = '7c2e9a41d5b3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('progress_report',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('step', sa.Integer(), nullable=False),
    sa.Column('steps', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('built_at', sa.DateTime(), nullable=True),
    sa.Column('built_by_id', sa.Integer(), nullable=True),
    sa.Column('html', sa.Text(), nullable=True),
    sa.Column('pdf_name', sa.String(length=64), nullable=True),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=True),
    sa.Column('pdf_size', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('building', 'ready', 'failed')", name=op.f('ck_progress_report_status')),
    sa.CheckConstraint("language IN ('nl', 'en')", name=op.f('ck_progress_report_language')),
    sa.CheckConstraint("status != 'ready' OR (html IS NOT NULL AND pdf_sha256 IS NOT NULL)",
                       name=op.f('ck_progress_report_ready_complete')),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_progress_report_round_id_round'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['built_by_id'], ['user_account.id'],
                            name=op.f('fk_progress_report_built_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_progress_report'))
    )
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_progress_report_round_id'), ['round_id'], unique=False)


def downgrade():
    with op.batch_alter_table('progress_report', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_progress_report_round_id'))
    op.drop_table('progress_report')
