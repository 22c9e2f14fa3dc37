"""The outbox keeps a personal link only while its message may still be sent: once
delivered (or refused for good) the token in the stored copy is masked, and
`links_masked_at` says when.

Messages already sent or failed are masked now. A failed message cannot tell here
whether it failed for good or after its attempts ran out, so all are masked: "send
again" then says how to send a new link instead. The masking is written out here with
the secret routes as they are at this revision, so later changes to the app's code do
not change what this migration does.

Revision ID: 28eed598eabc
Revises: 6b62ada9187b
Create Date: 2026-12-02 20:06:25.731357

"""
import re
from datetime import datetime, timezone
from email import policy
from email.parser import BytesParser

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '28eed598eabc'
down_revision = '6b62ada9187b'
branch_labels = None
depends_on = None

MASK = "********"
#: The app's routes with a token at this revision: invitation, password reset,
#: registration confirmation, feedback.
LINK = re.compile(r"(https?://[^\s\"'<>/]+(?:/[^\s\"'<>]*?)?(?:/auth/reset/|/register/confirm/|/feedback/|/i/))"
                  r"[A-Za-z0-9_\-.~%]+")
BATCH = 500


def _masked(raw: bytes) -> bytes | None:
    message = BytesParser(policy=policy.default).parsebytes(raw)
    changed = False
    for part in message.walk():
        if part.get_content_maintype() != "text" or part.is_attachment():
            continue
        content = part.get_content()
        masked = LINK.sub(lambda match: match.group(1) + MASK, content)
        if masked != content:
            part.set_content(masked, subtype=part.get_content_subtype())
            changed = True
    return bytes(message) if changed else None


def upgrade():
    # A plain ADD COLUMN: batch mode would rebuild the table on SQLite for nothing.
    op.add_column('outbox_message', sa.Column('links_masked_at', sa.DateTime(), nullable=True))
    bind = op.get_bind()
    outbox = sa.table('outbox_message', sa.column('id', sa.Integer()), sa.column('status', sa.String()),
                      sa.column('raw', sa.LargeBinary()), sa.column('links_masked_at', sa.DateTime()))
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    last = 0
    while True:
        rows = bind.execute(sa.select(outbox.c.id, outbox.c.raw)
                            .where(outbox.c.status.in_(("sent", "failed")), outbox.c.id > last)
                            .order_by(outbox.c.id).limit(BATCH)).all()
        if not rows:
            break
        for message_id, raw in rows:
            masked = _masked(bytes(raw))
            if masked is not None:
                bind.execute(outbox.update().where(outbox.c.id == message_id)
                             .values(raw=masked, links_masked_at=now))
        last = rows[-1][0]


def downgrade():
    # The masked tokens cannot come back; only the column goes.
    op.execute("ALTER TABLE outbox_message DROP COLUMN links_masked_at")
