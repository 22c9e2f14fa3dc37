"""Privacy (AVG/GDPR): the privacy log, and markers of erased people.

`privacy_event` records who exported or erased a contact person's data, naming the
contact by id only (no foreign key: the entry outlives the contact). `contact.erased_at`
and `user_account.erased_at` mark a contact and an account anonymised on request or by
the retention purge; `response_event.actor_erased` marks audit events whose actor was
erased, which the trail shows as "a removed contact".

Columns are added without batch mode: on SQLite batch mode would recreate `contact`,
`user_account` and `response_event`, and dropping the old tables would fire the ON
DELETE actions of the tables referring to them.

Revision ID: 06bca30ca70b
Revises: b41c6a1e9d27
Create Date: 2026-12-02 19:34:36.379022

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '06bca30ca70b'
down_revision = 'b41c6a1e9d27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('privacy_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('channel', sa.String(length=3), nullable=False),
    sa.Column('summary', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("action IN ('export', 'erase', 'purge')", name=op.f('ck_privacy_event_action')),
    sa.CheckConstraint("channel IN ('web', 'cli')", name=op.f('ck_privacy_event_channel')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_privacy_event_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_event'))
    )
    op.create_index(op.f('ix_privacy_event_contact_id'), 'privacy_event', ['contact_id'], unique=False)
    op.create_index(op.f('ix_privacy_event_created_at'), 'privacy_event', ['created_at'], unique=False)
    op.create_index(op.f('ix_privacy_event_organisation_id'), 'privacy_event', ['organisation_id'], unique=False)
    op.add_column('contact', sa.Column('erased_at', sa.DateTime(), nullable=True))
    op.add_column('user_account', sa.Column('erased_at', sa.DateTime(), nullable=True))
    op.add_column('response_event', sa.Column('actor_erased', sa.Boolean(), server_default=sa.false(),
                                              nullable=False))


def downgrade():
    # Not batch mode (see above): SQLite 3.35+ drops a column in place.
    op.execute("ALTER TABLE response_event DROP COLUMN actor_erased")
    op.execute("ALTER TABLE user_account DROP COLUMN erased_at")
    op.execute("ALTER TABLE contact DROP COLUMN erased_at")
    op.drop_index(op.f('ix_privacy_event_organisation_id'), table_name='privacy_event')
    op.drop_index(op.f('ix_privacy_event_created_at'), table_name='privacy_event')
    op.drop_index(op.f('ix_privacy_event_contact_id'), table_name='privacy_event')
    op.drop_table('privacy_event')
