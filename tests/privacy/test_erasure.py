"""`imvo privacy export` and `imvo privacy erase`: everything held about a contact
person, and their erasure everywhere while the answers and the trail's facts stay."""

from __future__ import annotations

import base64
import json
from email import policy
from email.parser import BytesParser

from sqlalchemy import func, select

from imvo_survey.backup.rows import rows, shapes
from imvo_survey.extensions import db
from imvo_survey.models import (
    Activity,
    Answer,
    Contact,
    InvitationToken,
    OutboxMessage,
    PrivacyEvent,
    Registration,
    Response,
    ResponseEvent,
    User,
)
from imvo_survey.privacy.services import CONTACT_ERASED
from imvo_survey.rounds.services import token_from_link

from .conftest import ADDRESS, MENTION, NAME, PHONE


def _readable(kind: str, value) -> str:
    """A stored value as text to search in; a stored message with its parts decoded."""
    if kind != "bytes" or value is None:
        return json.dumps(value, ensure_ascii=False)
    message = BytesParser(policy=policy.default).parsebytes(base64.b64decode(value))
    parts = [str(header) for header in message.values()]
    parts += [part.get_content() for part in message.walk() if not part.is_multipart()]
    return "\n".join(parts)


def occurrences(*needles: str) -> set[tuple[str, tuple]]:
    """(table, primary key) of every row of the database holding one of `needles`."""
    found = set()
    with db.engine.connect() as connection:
        for shape in shapes(connection):
            for values in rows(connection, shape):
                text = " ".join(_readable(column.kind, value) for column, value in zip(shape.columns, values,
                                                                                       strict=True)).lower()
                if any(needle.lower() in text for needle in needles):
                    key = tuple(values[shape.column_names.index(name)] for name in shape.primary_key)
                    found.add((shape.name, key))
    return found


def _namesake_rows(scenario) -> set[tuple[str, tuple]]:
    """The rows of the same address at the other organisation, which stay."""
    namesake = scenario.namesake
    tokens = db.session.scalars(select(InvitationToken.id).where(InvitationToken.contact_id == namesake.id))
    messages = db.session.scalars(select(OutboxMessage.id).where(OutboxMessage.to_address == ADDRESS,
                                                                 OutboxMessage.invitation_id.is_not(None),
                                                                 OutboxMessage.invitation_id
                                                                 != scenario.invitation.id))
    return ({("contact", (namesake.id,))} | {("invitation_token", (token,)) for token in tokens}
            | {("outbox_message", (message,)) for message in messages})


def test_export_holds_everything_about_the_person_and_no_secrets(runner, scenario, tmp_path):
    path = tmp_path / "anna.json"
    result = runner.invoke(args=["privacy", "export", str(scenario.anna.id), "-o", str(path)])
    assert result.exit_code == 0, result.output
    assert path.stat().st_mode & 0o077 == 0
    text = path.read_text()
    document = json.loads(text)
    assert document["organisation"]["name"] == "Vereniging Koffie"
    contact = document["contact"]
    assert (contact["name"], contact["email"], contact["phone"]) == (NAME, ADDRESS, PHONE)
    assert [account["id"] for account in document["respondent_accounts"]] == [scenario.account.id]
    assert len(document["invitation_links"]) == 3  # the invitation's, the test's and the reminder's
    assert sorted(m["kind"] for m in document["outbox_messages"]) == ["invitation", "password_reset", "reminder"]
    events = document["audit_trail_events"]
    assert {(e["kind"], e["through"]) for e in events} >= {("started", "invitation link"),
                                                          ("saved", "account"), ("submitted", "invitation link")}
    assert {e["actor_name"] for e in events} == {NAME}
    assert [r["response_id"] for r in document["submitted_responses"]] == [scenario.response.id]
    assert sorted(r["status"] for r in document["registrations"]) == ["confirmed", "pending"]
    assert "Anna@Example.org" in document["bounce_reports"][0]["bounce_reason"]
    mentions = {(m["record"], m["field"]) for m in document["free_text_mentions"]}
    assert mentions == {("activity", "description"), ("answer", "text_value"), ("response_note", "text"),
                        ("response_event", "changes")}
    assert MENTION in [m["text"] for m in document["free_text_mentions"]]
    assert document["not_included"]["contacts"] == [{"contact_id": scenario.namesake.id,
                                                     "organisation_id": scenario.namesake.organisation_id}]
    # No way into the person's links: no token hashes, no links, no message bodies.
    for token_hash in db.session.scalars(select(InvitationToken.token_hash)):
        assert token_hash not in text
    assert scenario.link not in text and "/i/" not in text and "geheim" not in text
    assert "password_hash" not in text and "Bob Bakker" not in text
    logged = db.session.scalars(select(PrivacyEvent)).one()
    assert (logged.action, logged.channel, logged.contact_id, logged.user_id) == ("export", "cli", scenario.anna.id,
                                                                                   None)
    assert logged.actor.startswith("cli") and logged.summary["tokens"] == 3


def test_erasure_leaves_no_trace_of_the_person_but_keeps_the_facts(runner, scenario, auth):
    anna_id, account_id, response_id = scenario.anna.id, scenario.account.id, scenario.response.id
    before = occurrences(ADDRESS, NAME, PHONE)
    namesake = _namesake_rows(scenario)
    assert {table for table, _key in before - namesake} >= {
        "contact", "user_account", "invitation_token", "outbox_message", "response_event", "registration",
        "invitation"}
    answers = db.session.scalar(select(func.count()).select_from(Answer))
    trail = [(e.id, e.kind, e.created_at) for e in db.session.scalars(select(ResponseEvent).order_by(ResponseEvent.id))]

    result = runner.invoke(args=["privacy", "erase", str(anna_id), "--yes"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert occurrences(ADDRESS, NAME, PHONE) == namesake  # the other organisation's record stays

    # The facts stay: answers, every event of the trail, who submitted (now anonymous).
    assert db.session.scalar(select(func.count()).select_from(Answer)) == answers
    events = list(db.session.scalars(select(ResponseEvent).order_by(ResponseEvent.id)))
    assert [(e.id, e.kind, e.created_at) for e in events] == trail
    assert all(e.actor_erased and e.actor_name is None and e.actor_email is None for e in events)
    response = db.session.get(Response, response_id)
    assert response.status == "submitted" and response.submitted_by_contact_id == anna_id

    anna = db.session.get(Contact, anna_id)
    assert anna.erased_at is not None and not anna.is_active and not anna.is_primary
    assert anna.phone is None and anna.function is None
    assert db.session.get(Contact, scenario.bob.id).is_primary  # the organisation keeps a primary contact
    account = db.session.get(User, account_id)
    assert not account.is_active and account.erased_at is not None and account.password_hash is None
    assert auth.login(ADDRESS).status_code == 200  # refused: the login page again
    assert token_from_link(scenario.link) is None

    waiting = {(m.kind, m.to_address): (m.status, m.last_error) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.invitation_id.is_(None) |
                                    (OutboxMessage.invitation_id == scenario.invitation.id),
                                    OutboxMessage.kind.in_(("reminder", "password_reset"))))}
    placeholder = f"removed-contact-{anna_id}@erased.invalid"
    assert waiting[("reminder", placeholder)] == ("failed", CONTACT_ERASED)
    assert waiting[("password_reset", placeholder)] == ("failed", CONTACT_ERASED)
    assert waiting[("reminder", "bob@example.org")] == ("queued", None)  # Bob still gets his
    statuses = set(db.session.scalars(select(Registration.status)))
    assert statuses == {"confirmed", "rejected"}  # the pending one can no longer add her back

    logged = db.session.scalars(select(PrivacyEvent)).one()
    assert (logged.action, logged.channel, logged.contact_id) == ("erase", "cli", anna_id)
    assert NAME not in json.dumps(logged.summary) and logged.summary["events"] == len(trail)

    # Free text keeps what it said, without her: her name however spaced, her phone
    # number however written, her address; a namesake's first name alone stays.
    titles = {a.title: a.description for a in db.session.scalars(select(Activity))}
    assert titles["Gedragscode koffie"] == "Gecoördineerd door \u2014 (\u2014, \u2014)."
    assert "Project Anna" in titles
    assert db.session.scalar(select(Answer.text_value).where(Answer.code == "frameworks_other")) == "Zie \u2014"
    assert not any("Vries" in json.dumps(e.changes) or "123 4567" in json.dumps(e.changes) for e in events)
    # the description, the answer, the note; the trail's events of the activity's addition,
    # of the answer that named her and was changed, and of the answer that names her
    assert logged.summary["mentions"] == 7


def test_a_contact_is_erased_once(runner, scenario):
    assert runner.invoke(args=["privacy", "erase", str(scenario.anna.id), "--yes"]).exit_code == 0
    again = runner.invoke(args=["privacy", "erase", str(scenario.anna.id), "--yes"])
    assert again.exit_code == 1 and "This contact was erased already." in again.output
    assert db.session.scalar(select(func.count()).select_from(PrivacyEvent)) == 1


def test_erase_asks_first_and_names_unknown_contacts(runner, scenario):
    result = runner.invoke(args=["privacy", "erase", str(scenario.anna.id)], input="n\n")
    assert result.exit_code == 1 and "This cannot be undone" in result.output
    assert db.session.get(Contact, scenario.anna.id).erased_at is None
    unknown = runner.invoke(args=["privacy", "export", "999999", "-o", "unused.json"])
    assert unknown.exit_code == 1 and "There is no contact 999999." in unknown.output
