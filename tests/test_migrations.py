"""The migrations are the only source of the schema: an empty database upgraded to
head has exactly the schema the models declare, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import Column, Integer, Table, event, insert, inspect, text
from sqlalchemy.orm import Session

from imvo_survey import create_app
from imvo_survey.extensions import db
from imvo_survey.models import ActivityType
from imvo_survey.references import reference_list

from .conftest import fresh_database


def _differences(connection):
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return compare_metadata(context, db.metadata)


def test_upgraded_database_matches_the_models(app):
    """The test database was built by `upgrade()` in conftest: autogenerate finds nothing."""
    with db.engine.connect() as connection:
        assert _differences(connection) == []


def test_db_check_command_agrees(runner):
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_db_check_needs_no_upgraded_database_and_fails_when_the_models_differ(scratch_database, tmp_path):
    """A fresh checkout's empty database is no difference between models and migrations
    (Flask-Migrate's own check failed there); a table the migrations lack is one."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_database, INSTANCE_PATH=str(tmp_path))
    with app.app_context():  # the command uses the active app: this one, not the suite's
        result = app.test_cli_runner().invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output
    assert "The migrations build exactly the schema the models declare." in result.output
    assert "`imvo db upgrade` brings it up to date" in result.output
    probe = Table("check_probe", db.metadata, Column("id", Integer, primary_key=True))
    try:
        result = app.test_cli_runner().invoke(args=["db", "check"])
    finally:
        db.metadata.remove(probe)
    assert result.exit_code == 1
    assert "check_probe" in result.output and "The models and the migrations differ" in result.output
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def scratch_database(tmp_path):
    """Another empty database of the same kind as the test database."""
    with fresh_database(tmp_path, "scratch") as url:
        yield url


def test_upgrade_downgrade_upgrade_on_an_empty_database(scratch_database, tmp_path):
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_database, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        upgrade()
        tables = set(inspect(db.engine).get_table_names())
        assert {"organisation", "contact", "user_account", "sector", "benchmark_score"} <= tables
        with db.engine.connect() as connection:
            assert _differences(connection) == []
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        with db.engine.connect() as connection:
            assert _differences(connection) == []
        db.engine.dispose()


def test_the_factory_creates_no_tables(scratch_database, tmp_path):
    """Convention 1: the schema comes only from migrations."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_database, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        app.test_client().get("/language/en")
        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def _rootpages(connection) -> dict[str, int]:
    """SQLite: where each table's rows live; a table rebuilt by batch mode moves."""
    return dict(connection.execute(text("SELECT name, rootpage FROM sqlite_master WHERE type = 'table'")).all())


def test_later_migrations_rebuild_no_referenced_table(scratch_database, tmp_path):
    """A migration that rebuilt `contact` or `user_account` on SQLite (batch mode) drops
    the old table, and the ON DELETE SET NULL / CASCADE of the tables referring to it
    would clear the audit trail's links and delete API tokens. Upgrading a database with
    such rows keeps them, and on SQLite the tables stay where they were; so does
    downgrading again."""
    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_database, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        upgrade(revision="dbdb55bb2da6")  # the register, responses, audit trail and API tokens exist
        with db.engine.begin() as connection:
            organisation = connection.execute(text(
                "INSERT INTO organisation (name, name_key, kind, is_active, is_listed, is_demo, created_at, updated_at) "
                "VALUES ('Vereniging', 'vereniging', 'branch_association', true, false, false, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id")).scalar_one()
            contact = connection.execute(text(
                "INSERT INTO contact (organisation_id, name, email, language, is_primary, created_at, updated_at) "
                "VALUES (:o, 'Anna', 'anna@example.org', 'nl', true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) "
                "RETURNING id"), {"o": organisation}).scalar_one()
            user = connection.execute(text(
                "INSERT INTO user_account (email, name, role, language, is_active, auth_version, "
                "created_at, updated_at) VALUES ('ana@example.org', 'Ana  Lyst', 'analyst', 'nl', true, 1, "
                "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP) RETURNING id")).scalar_one()
            connection.execute(text(
                "INSERT INTO api_token (user_id, name, token_hash, prefix, created_at) "
                "VALUES (:u, 'script', :h, 'abc', CURRENT_TIMESTAMP)"), {"u": user, "h": "0" * 64})
            before = _rootpages(connection) if connection.dialect.name == "sqlite" else {}
        upgrade()
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM api_token")).scalar_one() == 1
            kept = connection.execute(text("SELECT is_active, is_primary FROM contact WHERE id = :c"),
                                      {"c": contact}).one()
            assert tuple(kept) == (True, True)
            assert connection.execute(text("SELECT name_key FROM user_account WHERE id = :u"),
                                      {"u": user}).scalar_one() == "ana lyst"
            if connection.dialect.name == "sqlite":
                after = _rootpages(connection)
                assert {name: after[name] for name in ("contact", "user_account", "response_event")} == {
                    name: before[name] for name in ("contact", "user_account", "response_event")}
        downgrade(revision="dbdb55bb2da6")  # and back: the downgrades rebuild nothing either
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT COUNT(*) FROM api_token")).scalar_one() == 1
            assert connection.execute(text("SELECT COUNT(*) FROM contact")).scalar_one() == 1
            if connection.dialect.name == "sqlite":
                after = _rootpages(connection)
                assert {name: after[name] for name in ("contact", "user_account")} == {
                    name: before[name] for name in ("contact", "user_account")}
        db.engine.dispose()


KEYED_TABLES = ("activity", "dilemma", "bottleneck", "activity_aspect", "activity_country", "activity_product_group",
                "activity_channel", "activity_partner", "dilemma_aspect", "dilemma_country", "bottleneck_aspect",
                "activity_count", "answer")


def _rows(connection) -> dict[str, list]:
    return {table: [tuple(row) for row in connection.execute(text(f"SELECT * FROM {table} ORDER BY 1, 2"))]
            for table in KEYED_TABLES}


def test_ids_are_made_never_reused_keeping_every_row_and_link(scratch_database, tmp_path):
    """The migration that makes inventory ids never reused (AUTOINCREMENT on SQLite)
    keeps every row, id and link, on SQLite and PostgreSQL, down and up again."""
    from imvo_survey.answers import services
    from imvo_survey.seed import seed_reference

    from . import factories
    from .answering import add_activity

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_database, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        upgrade()
        seed_reference()
        round = factories.make_round()
        organisation = factories.make_organisation()
        contact = factories.make_contact(organisation)
        actor = services.Actor(contact=contact)
        response = services.start(factories.make_invitation(round, organisation, status="invited"), actor)
        first = add_activity(response, actor)
        add_activity(response, actor, activity_title="Tweede", activity_countries=["BR"])
        services.remove_entry(response, "activity", first, actor)  # a gap in the ids
        for repeat, values in (("dilemma", {"dilemma_description": "Kinderarbeid", "dilemma_aspects": ["wages"],
                                            "dilemma_countries": ["CI"]}),
                               ("bottleneck", {"bottleneck_description": "Geen zicht", "bottleneck_aspects": ["water"]})):
            services.save_entry(response, repeat, None, values, None, response.lock_version, actor)
        db.session.commit()
        db.session.remove()

        downgrade(revision="5a7fed1f4768")
        with db.engine.connect() as connection:
            before = _rows(connection)
        assert before["activity"] and before["activity_aspect"] and before["dilemma_country"]
        upgrade()
        with db.engine.connect() as connection:
            assert _rows(connection) == before
            if connection.dialect.name == "sqlite":
                for table in ("activity", "dilemma", "bottleneck"):
                    sql = connection.execute(text("SELECT sql FROM sqlite_master WHERE name = :t"),
                                             {"t": table}).scalar_one()
                    assert "AUTOINCREMENT" in sql
                assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
                assert connection.execute(text("PRAGMA foreign_keys")).scalar_one() == 1
        db.engine.dispose()


def test_the_sections_saved_so_far_are_read_from_the_audit_trail(scratch_database, tmp_path):
    """Responses in progress when `response_section` arrives keep their saved sections:
    each section with a changed answer in the trail. Carried-over answers and a bare
    start count for nothing; submitted responses need no rows."""
    from imvo_survey.models.analysis_stamp import _stamp_changed_rounds

    from . import factories

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_database, INSTANCE_PATH=str(tmp_path))
    # Today's models write to today's tables: the round's analysis stamp is not there yet.
    event.remove(Session, "after_flush", _stamp_changed_rounds)
    try:
        _sections_before_and_after(app, factories)
    finally:
        event.listen(Session, "after_flush", _stamp_changed_rounds)


def _sections_before_and_after(app, factories) -> None:
    from imvo_survey.models import Response, ResponseEvent, utcnow

    with app.app_context():
        upgrade(revision="5c9d5c290f17")
        round = factories.make_round()
        responses = {}
        for name, status in (("draft", "in_progress"), ("sent", "submitted")):
            invitation = factories.make_invitation(round, status=status)
            responses[name] = Response(invitation=invitation, organisation_id=invitation.organisation_id,
                                       round=round, version=round.association_version, status=status,
                                       submitted_at=utcnow() if status == "submitted" else None)
        draft, sent = responses["draft"], responses["sent"]
        db.session.add_all([
            ResponseEvent(response=draft, kind="started"),
            ResponseEvent(response=draft, kind="carried_over", message="IMVO 2009"),
            ResponseEvent(response=draft, kind="saved", changes=[{"code": "member_count", "entry": None}]),
            ResponseEvent(response=draft, kind="entry_added", changes=[{"code": "activity_title", "entry": "a:1"}]),
            ResponseEvent(response=draft, kind="saved", changes=[{"code": "carry_status", "entry": "a:1"}]),
            ResponseEvent(response=sent, kind="saved", changes=[{"code": "member_count", "entry": None}]),
        ])
        db.session.commit()
        draft_id = draft.id
        db.session.remove()  # no transaction left open: the migrations need the tables
        upgrade()
        with db.engine.connect() as connection:
            rows = set(connection.execute(text("SELECT response_id, section_code FROM response_section")).all())
        assert rows == {(draft_id, "profile"), (draft_id, "activities")}
        downgrade(revision="5c9d5c290f17")
        assert "response_section" not in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_links_already_kept_in_the_outbox_are_masked(scratch_database, tmp_path):
    """Messages sent or failed before the outbox masked links lose theirs on upgrade; a
    message still waiting keeps its working link, or it could not be sent."""
    from email.message import EmailMessage

    token = "Zm9vYmFyLWJhei1xdXV4LTEyMzQ1Njc4OTAtX2FiY2Rl"

    def raw(content: str) -> bytes:
        message = EmailMessage()
        message["To"], message["Subject"], message["Message-ID"] = "a@example.org", "Uitnodiging", "<1@imvo.local>"
        message.set_content(content)
        message.add_alternative(f'<a href="{content.split()[-1]}">link</a>', subtype="html")
        return bytes(message)

    app = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_database, INSTANCE_PATH=str(tmp_path))
    with app.app_context():
        upgrade(revision="6b62ada9187b")
        inserted = []
        with db.engine.begin() as connection:
            for status, body in (("sent", f"Klik: http://imvo.example.org/i/{token}"),
                                 ("failed", f"Nieuw wachtwoord: https://ser.nl/auth/reset/{token}"),
                                 ("queued", f"Klik: http://imvo.example.org/i/{token}"),
                                 ("sent", "Bedankt: http://imvo.example.org/respond/3")):
                connection.execute(text(
                    "INSERT INTO outbox_message (kind, to_address, subject, raw, status, attempts, next_attempt_at, "
                    "created_at, sent_at) VALUES ('invitation', 'a@example.org', 'Uitnodiging', :raw, :status, 1, "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"), {"raw": raw(body), "status": status})
                inserted.append(connection.execute(text("SELECT raw FROM outbox_message ORDER BY id DESC")).first()[0])
        upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(text("SELECT status, raw, links_masked_at FROM outbox_message ORDER BY id")).all()
        (sent, failed, queued, plain) = [(status, bytes(body), masked) for status, body, masked in rows]
        for status, body, masked in (sent, failed):
            assert token.encode() not in body and b"********" in body and masked is not None, status
        assert token.encode() in queued[1] and queued[2] is None
        assert plain[1] == bytes(inserted[3]) and plain[2] is None  # no secret link: not touched
        downgrade(revision="6b62ada9187b")
        upgrade()
        db.engine.dispose()


def test_reference_lists_are_kept_per_database(app, scratch_database, tmp_path):
    """The reference lists a process keeps (`references.py`) belong to one database: a
    process that opens another (a scratch database here, a restore check) reads that
    one's rows, not ids of the first (an activity linked to a type id that did not exist
    there failed on PostgreSQL, where both are schemas behind one server)."""
    assert "code_of_conduct" in reference_list("activity_type").codes  # the test database's, kept
    other = create_app("testing", SQLALCHEMY_DATABASE_URI=scratch_database, INSTANCE_PATH=str(tmp_path))
    with other.app_context():
        upgrade()
        # Past the ORM, so that no commit makes the process forget what it keeps.
        db.session.execute(insert(ActivityType).values(code="only_here", label_nl="Alleen hier",
                                                         label_en="Only here", position=1))
        db.session.commit()
        assert reference_list("activity_type").codes == {"only_here"}
        db.session.remove()
        db.engine.dispose()
    assert "only_here" not in reference_list("activity_type").codes
