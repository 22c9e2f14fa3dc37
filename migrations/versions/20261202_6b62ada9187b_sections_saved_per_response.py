"""The sections of a response that have been saved: a section shows as done only once
it has been saved (and nothing required is missing), not merely because nothing in it
is required.

Responses still in progress get a row for every section their audit trail shows a save
on (an answer of one of its questions changed); submitted responses need none, all of
their sections count as saved.

Revision ID: 6b62ada9187b
Revises: 5c9d5c290f17
Create Date: 2026-12-02 19:40:24.823846

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6b62ada9187b'
down_revision = '5c9d5c290f17'
branch_labels = None
depends_on = None

#: The trail's events that store answers, as the app wrote them when this ran.
SAVING_EVENTS = ("saved", "entry_added", "entry_removed", "imported")


def upgrade():
    op.create_table('response_section',
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('section_code', sa.String(length=80), nullable=False),
    sa.Column('saved_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['response_id'], ['response.id'], name=op.f('fk_response_section_response_id_response'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('response_id', 'section_code', name=op.f('pk_response_section'))
    )
    rows = _saved_sections(op.get_bind())
    if rows:
        op.bulk_insert(sa.table('response_section', sa.column('response_id', sa.Integer()),
                                sa.column('section_code', sa.String()), sa.column('saved_at', sa.DateTime())), rows)


def _saved_sections(bind) -> list[dict]:
    """(response, section, first save) for the saves in the trail of unsubmitted responses."""
    event = sa.table('response_event', sa.column('response_id', sa.Integer()), sa.column('kind', sa.String()),
                     sa.column('changes', sa.JSON()), sa.column('created_at', sa.DateTime()))
    response = sa.table('response', sa.column('id', sa.Integer()), sa.column('version_id', sa.Integer()),
                        sa.column('submitted_at', sa.DateTime()))
    question = sa.table('question', sa.column('code', sa.String()), sa.column('section_id', sa.Integer()),
                        sa.column('version_id', sa.Integer()))
    section = sa.table('section', sa.column('id', sa.Integer()), sa.column('code', sa.String()))
    sections_of = {}
    for version_id, code, section_code in bind.execute(
            sa.select(question.c.version_id, question.c.code, section.c.code)
            .join(section, section.c.id == question.c.section_id)):
        sections_of[(version_id, code)] = section_code
    first: dict[tuple[int, str], object] = {}
    for response_id, version_id, changes, created_at in bind.execute(
            sa.select(event.c.response_id, response.c.version_id, event.c.changes, event.c.created_at)
            .join(response, response.c.id == event.c.response_id)
            .where(response.c.submitted_at.is_(None), event.c.kind.in_(SAVING_EVENTS))
            .order_by(event.c.created_at)):
        for change in changes or []:
            section_code = sections_of.get((version_id, (change or {}).get("code")))
            if section_code is not None:
                first.setdefault((response_id, section_code), created_at)
    return [{"response_id": response_id, "section_code": code, "saved_at": saved_at}
            for (response_id, code), saved_at in sorted(first.items(), key=lambda item: item[0])]


def downgrade():
    op.drop_table('response_section')
