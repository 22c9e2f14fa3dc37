"""Who acted on a response event, kept as text: the audit trail stays readable after
the contact or account is removed (their foreign keys are set to NULL then).

Revision ID: 616e45632a77
Revises: 6c572fbae977
Create Date: 2026-11-24 20:46:05.543547

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '616e45632a77'
down_revision = '6c572fbae977'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('response_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('actor_email', sa.String(length=254), nullable=True))
    # The events so far: the account when there is one (as the trail shows it), else the contact.
    op.execute("""
        UPDATE response_event SET
          actor_name = (SELECT COALESCE(NULLIF(u.name, ''), u.email) FROM user_account u
                        WHERE u.id = response_event.user_id),
          actor_email = (SELECT u.email FROM user_account u WHERE u.id = response_event.user_id)
        WHERE user_id IS NOT NULL""")
    op.execute("""
        UPDATE response_event SET
          actor_name = (SELECT c.name FROM contact c WHERE c.id = response_event.contact_id),
          actor_email = (SELECT c.email FROM contact c WHERE c.id = response_event.contact_id)
        WHERE user_id IS NULL AND contact_id IS NOT NULL""")


def downgrade():
    with op.batch_alter_table('response_event', schema=None) as batch_op:
        batch_op.drop_column('actor_email')
        batch_op.drop_column('actor_name')
