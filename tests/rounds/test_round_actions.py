"""The round pages' actions, posted as the secretariat would: each one's effect in the
database, and that an analyst (who may read the rounds) is refused every one of them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from imvo_survey.extensions import db
from imvo_survey.models import (
    DeadlineExtension,
    Invitation,
    InvitationToken,
    Job,
    OutboxMessage,
    Reminder,
    Round,
    RoundEvent,
)
from imvo_survey.rounds.mailings import send_invitation
from imvo_survey.rounds.services import close_round, token_from_link, utc_to_local

from .. import factories
from ..jobs.worker import work

SLUG = "imvo-2010"


@pytest.fixture
def round_with_invitations():
    """An open round with one invited organisation (its invitation queued) and one that
    is only targeted; returns (round, invited, targeted) as ids-loaded objects."""
    round = factories.make_round(slug=SLUG, name="Inventarisatie IMVO 2010")
    invited = factories.make_invitation(round)
    send_invitation(invited)
    targeted = factories.make_invitation(round)
    db.session.commit()
    return round, invited, targeted


def _reload(model, id_):
    db.session.expire_all()
    return db.session.get(model, id_)


def _count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def _local(moment) -> str:
    """A UTC time as the form's datetime-local field sends it (Dutch time)."""
    return utc_to_local(moment).strftime("%Y-%m-%dT%H:%M")


def test_resend_makes_new_links_and_voids_the_old(secretariat_client, round_with_invitations):
    _round, invited, _targeted = round_with_invitations
    [old] = invited.tokens
    response = secretariat_client.post(f"/rounds/{SLUG}/invitations/{invited.id}/resend")
    assert response.location == f"/rounds/{SLUG}/invitations/{invited.id}"
    db.session.expire_all()  # the request changed the rows in its own session
    tokens = db.session.scalars(select(InvitationToken).where(InvitationToken.invitation_id == invited.id)
                                .order_by(InvitationToken.id)).all()
    assert [t.revoked_at is not None for t in tokens] == [True, False] and tokens[0].id == old.id
    assert _count(OutboxMessage, OutboxMessage.invitation_id == invited.id, OutboxMessage.kind == "invitation") == 2


def test_revoke_voids_every_link(secretariat_client, round_with_invitations):
    _round, invited, _targeted = round_with_invitations
    secretariat_client.post(f"/rounds/{SLUG}/invitations/{invited.id}/revoke")
    working = _count(InvitationToken, InvitationToken.invitation_id == invited.id, InvitationToken.revoked_at.is_(None))
    assert working == 0
    assert _count(InvitationToken, InvitationToken.invitation_id == invited.id) == 1


def test_marking_an_invitation_bounced_by_hand(secretariat_client, round_with_invitations):
    _round, invited, _targeted = round_with_invitations
    url = f"/rounds/{SLUG}/invitations/{invited.id}/bounce"
    secretariat_client.post(url, data={"note": ""})  # a note is required
    assert _reload(Invitation, invited.id).status == "invited"
    secretariat_client.post(url, data={"note": "Adres bestaat niet meer (telefonisch gehoord)"})
    bounced = _reload(Invitation, invited.id)
    assert (bounced.status, bounced.status_before) == ("bounced", "invited")
    assert bounced.bounce_reason == "Adres bestaat niet meer (telefonisch gehoord)"
    page = secretariat_client.get(f"/rounds/{SLUG}/invitations/{invited.id}").get_data(as_text=True)
    assert "Adres bestaat niet meer" in page
    # sending again after the address is fixed makes it 'invited' once more
    secretariat_client.post(f"/rounds/{SLUG}/invitations/{invited.id}/resend")
    assert _reload(Invitation, invited.id).status == "invited"


def test_extend_gives_one_organisation_a_later_deadline(secretariat_client, round_with_invitations):
    round, invited, _targeted = round_with_invitations
    until = round.closes_at + timedelta(days=10)
    secretariat_client.post(f"/rounds/{SLUG}/invitations/{invited.id}/extend",
                            data={"until": _local(until), "reason": "Jaarverslag later klaar"})
    db.session.expire_all()
    extension = db.session.scalar(select(DeadlineExtension))
    assert extension.organisation_id == invited.organisation_id and extension.reason == "Jaarverslag later klaar"
    assert abs(extension.until - until) < timedelta(minutes=1)
    assert db.session.scalar(select(RoundEvent.kind).order_by(RoundEvent.id.desc())) == "extended"
    # a deadline before the round's close is refused
    secretariat_client.post(f"/rounds/{SLUG}/invitations/{invited.id}/extend",
                            data={"until": _local(round.closes_at - timedelta(days=1)), "reason": "Te vroeg"})
    assert _reload(DeadlineExtension, extension.id).reason == "Jaarverslag later klaar"


def test_untarget_takes_a_targeted_organisation_off_but_not_an_invited_one(secretariat_client,
                                                                           round_with_invitations):
    _round, invited, targeted = round_with_invitations
    assert secretariat_client.post(f"/rounds/{SLUG}/invitations/{targeted.id}/untarget").location == f"/rounds/{SLUG}"
    assert _reload(Invitation, targeted.id) is None
    secretariat_client.post(f"/rounds/{SLUG}/invitations/{invited.id}/untarget")
    assert _reload(Invitation, invited.id) is not None


def test_reopen_needs_a_reason_that_is_logged(secretariat_client, round_with_invitations):
    round, _invited, _targeted = round_with_invitations
    close_round(round)
    db.session.commit()
    secretariat_client.post(f"/rounds/{SLUG}/reopen", data={"reason": ""})
    assert _reload(Round, round.id).status == "closed"
    secretariat_client.post(f"/rounds/{SLUG}/reopen", data={"reason": "Drie productschappen antwoorden laat"})
    assert _reload(Round, round.id).status == "open"
    db.session.expire_all()
    event = db.session.scalar(select(RoundEvent).order_by(RoundEvent.id.desc()))
    assert (event.kind, event.detail) == ("reopened", "Drie productschappen antwoorden laat")
    assert event.user.email == "secretariaat@example.org"


def test_invite_sends_to_the_targeted(app, secretariat_client, round_with_invitations):
    _round, invited, targeted = round_with_invitations
    page = secretariat_client.get(f"/rounds/{SLUG}/invite").get_data(as_text=True)
    assert targeted.organisation.name in page
    job_page = secretariat_client.post(f"/rounds/{SLUG}/invite").location
    assert job_page.startswith("/jobs/")  # sent in the background (tests/rounds/test_sending_job.py)
    work(app)
    sent = secretariat_client.get(job_page)
    assert sent.location == f"/rounds/{SLUG}"
    page = secretariat_client.get(sent.location).get_data(as_text=True)
    assert "1 uitnodiging staat klaar in de verzendwachtrij." in page  # Babel's plural rules, not "1 uitnodigingen"
    assert _reload(Invitation, targeted.id).status == "invited"
    assert _count(OutboxMessage, OutboxMessage.invitation_id == targeted.id, OutboxMessage.kind == "invitation") == 1
    assert _count(OutboxMessage, OutboxMessage.invitation_id == invited.id) == 1  # not invited twice


def test_remind_reminds_the_invited_and_keeps_their_links(app, secretariat_client, round_with_invitations):
    _round, invited, targeted = round_with_invitations
    [first_link] = invited.tokens
    job_page = secretariat_client.post(f"/rounds/{SLUG}/remind").location
    work(app)
    page = secretariat_client.get(job_page, follow_redirects=True).get_data(as_text=True)
    assert "1 herinnering staat klaar in de verzendwachtrij." in page
    db.session.expire_all()
    reminders = db.session.scalars(select(Reminder)).all()
    assert [(r.invitation_id, r.kind) for r in reminders] == [(invited.id, "manual")]
    assert _reload(Invitation, invited.id).reminder_count == 1
    assert _count(OutboxMessage, OutboxMessage.kind == "reminder", OutboxMessage.invitation_id == targeted.id) == 0
    assert _reload(InvitationToken, first_link.id).revoked_at is None


def test_remind_one(secretariat_client, round_with_invitations):
    _round, invited, _targeted = round_with_invitations
    secretariat_client.post(f"/rounds/{SLUG}/invitations/{invited.id}/remind")
    assert _count(Reminder, Reminder.invitation_id == invited.id) == 1
    assert _count(OutboxMessage, OutboxMessage.kind == "reminder") == 1


def _edit_form(round: Round, **changes) -> dict:
    data = {"name": round.name, "slug": round.slug, "year": str(round.year),
            "association_version_id": str(round.association_version_id),
            "company_version_id": str(round.company_version_id),
            "opens_at": _local(round.opens_at), "closes_at": _local(round.closes_at),
            "contact_mode": round.contact_mode, "reminder_days": "7, 2",
            "invitation_subject_nl": round.invitation_subject_nl, "invitation_subject_en": round.invitation_subject_en,
            "invitation_intro_nl": round.invitation_intro_nl, "invitation_intro_en": round.invitation_intro_en}
    data.update(changes)
    return data


def test_editing_the_invitation_subject_and_intro(secretariat_client, round_with_invitations, mail_folder):
    round, _invited, targeted = round_with_invitations
    response = secretariat_client.post(f"/rounds/{SLUG}/edit", data=_edit_form(
        round, invitation_subject_nl="Doe mee: IMVO 2010", invitation_subject_en="Take part: IMVO 2010",
        invitation_intro_nl="Beste lezer, wij vragen uw hulp.", invitation_intro_en="Dear reader, we ask your help."))
    assert response.location == f"/rounds/{SLUG}"
    edited = _reload(Round, round.id)
    assert (edited.invitation_subject_nl, edited.invitation_subject_en) == ("Doe mee: IMVO 2010",
                                                                            "Take part: IMVO 2010")
    assert edited.invitation_intro_en == "Dear reader, we ask your help."
    # the next invitation uses the new texts
    send_invitation(db.session.get(Invitation, targeted.id))
    db.session.commit()
    message = next(m for m in mail_folder() if m["To"] == targeted.organisation.contacts[0].email)
    assert message["Subject"] == "Doe mee: IMVO 2010"
    assert "Beste lezer, wij vragen uw hulp." in message.get_body(preferencelist=("plain",)).get_content()


ACTIONS = [
    ("invitations/{invited}/resend", {}),
    ("invitations/{invited}/revoke", {}),
    ("invitations/{invited}/remind", {}),
    ("invitations/{invited}/bounce", {"note": "Onbestelbaar"}),
    ("invitations/{invited}/extend", {"until": "2099-01-01T12:00", "reason": "Later"}),
    ("invitations/{targeted}/untarget", {}),
    ("reopen", {"reason": "Laat"}),
    ("invite", {}),
    ("remind", {}),
    ("edit", {"invitation_subject_nl": "Gewijzigd", "invitation_intro_nl": "Gewijzigd"}),
]


@pytest.mark.parametrize(("path", "data"), ACTIONS, ids=[path.split("/")[-1] for path, _data in ACTIONS])
def test_an_analyst_may_not_act_on_a_round(analyst_client, round_with_invitations, path, data):
    round, invited, targeted = round_with_invitations
    if path == "reopen":
        close_round(round)
        db.session.commit()
    if path == "edit":
        data = _edit_form(round, **data)
    url = f"/rounds/{SLUG}/" + path.format(invited=invited.id, targeted=targeted.id)
    before = _snapshot(round)
    assert analyst_client.post(url, data=data).status_code == 403
    assert _snapshot(round) == before


def _snapshot(round: Round) -> tuple:
    """Everything the actions above could change."""
    db.session.expire_all()
    round = db.session.get(Round, round.id)
    return (round.status, round.invitation_subject_nl, round.invitation_intro_nl,
            sorted((inv.id, inv.status, inv.reminder_count) for inv in round.invitations),
            _count(OutboxMessage), _count(RoundEvent), _count(DeadlineExtension), _count(Reminder),
            _count(InvitationToken, InvitationToken.revoked_at.is_(None)), _count(Job))


def test_the_invited_link_still_works_after_the_page_actions_that_keep_it(client, secretariat_client,
                                                                         round_with_invitations):
    """Of the page's actions only 'send again' and 'stop the links' void a link."""
    _round, invited, _targeted = round_with_invitations
    from imvo_survey.mail.outbox import parse

    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.invitation_id == invited.id))
    link = parse(message).get_body(preferencelist=("plain",)).get_content().split("/i/")[1].split()[0]
    secretariat_client.post(f"/rounds/{SLUG}/invitations/{invited.id}/remind")
    secretariat_client.post(f"/rounds/{SLUG}/remind")
    work(secretariat_client.application)
    db.session.expire_all()
    assert token_from_link(link) is not None
    secretariat_client.post(f"/rounds/{SLUG}/invitations/{invited.id}/resend")
    db.session.expire_all()
    assert token_from_link(link) is None
