"""Good practices: activities the secretariat marked for publication, with a public text.

Revision ID: 7d2e9a4c1b58
Revises: 45586528f8d0
Create Date: 2026-12-03 07:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7d2e9a4c1b58'
down_revision = '45586528f8d0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('good_practice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('public_text', sa.Text(), nullable=False),
    sa.Column('marked_by_user_id', sa.Integer(), nullable=True),
    sa.Column('marked_at', sa.DateTime(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('length(public_text) BETWEEN 1 AND 2000', name=op.f('ck_good_practice_public_text_length')),
    sa.ForeignKeyConstraint(['activity_id'], ['activity.id'], name=op.f('fk_good_practice_activity_id_activity'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['marked_by_user_id'], ['user_account.id'], name=op.f('fk_good_practice_marked_by_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_good_practice')),
    sa.UniqueConstraint('activity_id', name=op.f('uq_good_practice_activity_id'))
    )


def downgrade():
    op.drop_table('good_practice')
