"""The mail worker meets a respondent's save of the same invitation: a permanent refusal
marks the invitation bounced while another transaction is changing that invitation. The
worker's bookkeeping runs again instead of stopping with the message still claimed."""

from __future__ import annotations

import threading

from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text

from imvo_survey.extensions import db
from imvo_survey.mail.outbox import send_due
from imvo_survey.models import Invitation, OutboxMessage
from imvo_survey.rounds.mailings import send_reminder

from .. import factories
from ..conftest import RecordingHandler, free_port


class RefusingWhileSaving(RecordingHandler):
    """Refuses the recipient (550) while another connection has just changed the
    invitation in a transaction it commits half a second later."""

    def __init__(self, database_url: str, invitation_id: int):
        super().__init__()
        self.refuse_with = "550 5.1.1 Mailbox unavailable"
        self.engine = create_engine(database_url)
        self.invitation_id = invitation_id
        self.committed = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        connection = self.engine.connect()
        transaction = connection.begin()
        connection.execute(text("UPDATE invitation SET row_version = row_version + 1, status = 'in_progress' "
                                "WHERE id = :id"), {"id": self.invitation_id})

        def commit():
            transaction.commit()
            connection.close()
            self.committed.set()

        threading.Timer(0.5, commit).start()
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def test_a_bounce_recorded_while_the_organisation_saves_is_recorded_after_it(app, database_url):
    round = factories.make_round()
    organisation = factories.make_organisation()
    factories.make_contact(organisation, email="weg@example.org")
    invitation = factories.make_invitation(round, organisation, status="invited")
    send_reminder(invitation)
    db.session.commit()
    handler = RefusingWhileSaving(database_url, invitation.id)
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    try:
        report = send_due()
    finally:
        app.config.update(MAIL_BACKEND="file")
        controller.stop()
        handler.committed.wait(5)
        handler.engine.dispose()
    assert len(report.failed) == 1
    db.session.expire_all()
    message = db.session.get(OutboxMessage, report.failed[0])
    assert (message.status, message.claimed_by) == ("failed", None)
    stored = db.session.get(Invitation, invitation.id)
    # The organisation had started answering: the bounce is kept, the status stays.
    assert stored.status == "in_progress" and "550" in stored.bounce_reason
