"""Public figures: the secretariat publishes a round's suppressed sector matrix; a row
per published round says when and by whom.

Revision ID: 7c2e5b9a1d04
Revises: 7d2e9a4c1b58
Create Date: 2026-12-03 07:30:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '7c2e5b9a1d04'
down_revision = '7d2e9a4c1b58'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('figures_publication',
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['round_id'], ['round.id'], name=op.f('fk_figures_publication_round_id_round'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['published_by_id'], ['user_account.id'],
                            name=op.f('fk_figures_publication_published_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('round_id', name=op.f('pk_figures_publication'))
    )


def downgrade():
    op.drop_table('figures_publication')
