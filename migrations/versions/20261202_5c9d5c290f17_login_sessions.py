"""Login sessions: one row per login, so that logout, deactivation and a role change
end it on the server (the cookies carry a random token; only its hash is stored).

Existing logins (their cookies held `id:auth_version`) are not carried over: everyone
logs in again once after this migration.

Revision ID: 5c9d5c290f17
Revises: 06bca30ca70b
Create Date: 2026-12-02 19:22:26.574477

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5c9d5c290f17'
down_revision = '06bca30ca70b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_session',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('auth_version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_login_session_user_id_user_account'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_session')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_login_session_token_hash')),
    )
    # A new table: plain CREATE INDEX, no batch rebuild.
    op.create_index(op.f('ix_login_session_last_seen_at'), 'login_session', ['last_seen_at'], unique=False)
    op.create_index(op.f('ix_login_session_user_id'), 'login_session', ['user_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_login_session_user_id'), table_name='login_session')
    op.drop_index(op.f('ix_login_session_last_seen_at'), table_name='login_session')
    op.drop_table('login_session')
