"""membership kinds triggers

Only companies are members; only associations and boards have members. A check
constraint cannot look at another row, so triggers hold this rule: one on the
membership link (insert and update) and one on a change of an organisation's kind that
would contradict the links it already has. They raise an integrity error (SQLite: a
constraint failure; PostgreSQL: check_violation), like the other constraints.

Autogenerate does not see triggers, so `imvo db check` is not affected. Beware: on
SQLite a later batch migration that recreates `organisation` or
`organisation_membership` drops their triggers; such a migration must create them again
(call `create_sqlite_triggers()` from here, or copy its SQL).

Revision ID: 6c572fbae977
Revises: dbdb55bb2da6
Create Date: 2026-11-24 20:35:13.291456

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6c572fbae977'
down_revision = 'dbdb55bb2da6'
branch_labels = None
depends_on = None

#: The kinds that have members (frozen here: a migration must not follow later model edits).
ASSOCIATION_KINDS = "('branch_association', 'product_board', 'industry_board')"
MESSAGE_LINK = "ck_organisation_membership_kinds: only companies are members, only associations and boards have members"
MESSAGE_KIND = "ck_organisation_kind_memberships: this kind contradicts the memberships of the organisation"

#: Condition on a membership row (NEW) that breaks the rule.
BAD_LINK = f"""
    NOT EXISTS (SELECT 1 FROM organisation WHERE id = NEW.member_id AND kind = 'company')
    OR NOT EXISTS (SELECT 1 FROM organisation WHERE id = NEW.association_id AND kind IN {ASSOCIATION_KINDS})"""

#: Condition on an organisation row (NEW) whose kind contradicts its memberships.
BAD_KIND = f"""
    (NEW.kind <> 'company' AND EXISTS (SELECT 1 FROM organisation_membership WHERE member_id = NEW.id))
    OR (NEW.kind NOT IN {ASSOCIATION_KINDS}
        AND EXISTS (SELECT 1 FROM organisation_membership WHERE association_id = NEW.id))"""


def upgrade():
    _refuse_existing_violations()
    if op.get_bind().dialect.name == "postgresql":
        _create_postgresql_triggers()
    else:
        create_sqlite_triggers()


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS trg_organisation_kind_memberships ON organisation")
        op.execute("DROP TRIGGER IF EXISTS trg_organisation_membership_kinds ON organisation_membership")
        op.execute("DROP FUNCTION IF EXISTS organisation_kind_memberships()")
        op.execute("DROP FUNCTION IF EXISTS organisation_membership_kinds()")
    else:
        for name in ("trg_organisation_kind_memberships", "trg_organisation_membership_kinds_insert",
                     "trg_organisation_membership_kinds_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _refuse_existing_violations():
    """Stop with a readable message rather than guard a rule the data already breaks."""
    count = op.get_bind().execute(sa.text(f"""
        SELECT COUNT(*) FROM organisation_membership m
        JOIN organisation member ON member.id = m.member_id
        JOIN organisation association ON association.id = m.association_id
        WHERE member.kind <> 'company' OR association.kind NOT IN {ASSOCIATION_KINDS}""")).scalar()
    if count:
        raise RuntimeError(
            f"{count} membership link(s) join organisations of the wrong kind (only companies are "
            "members, only associations and boards have members). Correct them in the register, "
            "then run the upgrade again.")


def create_sqlite_triggers():
    """SQLite triggers: a WHEN clause and RAISE(ABORT), which fails as a constraint."""
    for event in ("INSERT", "UPDATE"):
        op.execute(f"""
            CREATE TRIGGER trg_organisation_membership_kinds_{event.lower()}
            BEFORE {event} ON organisation_membership
            FOR EACH ROW WHEN {BAD_LINK}
            BEGIN
                SELECT RAISE(ABORT, '{MESSAGE_LINK}');
            END""")
    op.execute(f"""
        CREATE TRIGGER trg_organisation_kind_memberships
        BEFORE UPDATE OF kind ON organisation
        FOR EACH ROW WHEN {BAD_KIND}
        BEGIN
            SELECT RAISE(ABORT, '{MESSAGE_KIND}');
        END""")


def _create_postgresql_triggers():
    """PostgreSQL trigger functions raising check_violation (an IntegrityError for the app)."""
    op.execute(f"""
        CREATE FUNCTION organisation_membership_kinds() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {BAD_LINK} THEN
                RAISE EXCEPTION '{MESSAGE_LINK}'
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_organisation_membership_kinds';
            END IF;
            RETURN NEW;
        END $$""")
    op.execute("""
        CREATE TRIGGER trg_organisation_membership_kinds
        BEFORE INSERT OR UPDATE ON organisation_membership
        FOR EACH ROW EXECUTE FUNCTION organisation_membership_kinds()""")
    op.execute(f"""
        CREATE FUNCTION organisation_kind_memberships() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF {BAD_KIND} THEN
                RAISE EXCEPTION '{MESSAGE_KIND}'
                    USING ERRCODE = 'check_violation', CONSTRAINT = 'ck_organisation_kind_memberships';
            END IF;
            RETURN NEW;
        END $$""")
    op.execute("""
        CREATE TRIGGER trg_organisation_kind_memberships
        BEFORE UPDATE OF kind ON organisation
        FOR EACH ROW WHEN (OLD.kind IS DISTINCT FROM NEW.kind)
        EXECUTE FUNCTION organisation_kind_memberships()""")
