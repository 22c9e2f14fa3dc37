"""Benchmark imports: a record of each imported file (undoable as a whole, its
scores point at it), and the names mapped by hand while importing, remembered as aliases.

Revision ID: 3f1a8c2d9b47
Revises: 28eed598eabc
Create Date: 2026-12-03 06:00:38.266968

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3f1a8c2d9b47'
down_revision = '28eed598eabc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('benchmark_alias',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('sector_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("(level = 'sector' AND sector_id IS NOT NULL AND organisation_id IS NULL) OR (level = 'organisation' AND organisation_id IS NOT NULL AND sector_id IS NULL)", name=op.f('ck_benchmark_alias_level_subject')),
    sa.CheckConstraint("level IN ('sector', 'organisation')", name=op.f('ck_benchmark_alias_level')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_benchmark_alias_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_benchmark_alias_organisation_id_organisation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['sector_id'], ['sector.id'], name=op.f('fk_benchmark_alias_sector_id_sector'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_alias')),
    sa.UniqueConstraint('level', 'name_key', name=op.f('uq_benchmark_alias_level_name_key'))
    )
    with op.batch_alter_table('benchmark_alias', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_benchmark_alias_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_benchmark_alias_sector_id'), ['sector_id'], unique=False)

    op.create_table('benchmark_import',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('source', sa.String(length=100), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('level', sa.String(length=12), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('warnings', sa.JSON(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('undone_at', sa.DateTime(), nullable=True),
    sa.Column('undone_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("level IN ('sector', 'organisation')", name=op.f('ck_benchmark_import_level')),
    sa.CheckConstraint('row_count >= 0', name=op.f('ck_benchmark_import_row_count_positive')),
    sa.CheckConstraint('year BETWEEN 1990 AND 2100', name=op.f('ck_benchmark_import_year_range')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_benchmark_import_created_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['undone_by_id'], ['user_account.id'], name=op.f('fk_benchmark_import_undone_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_benchmark_import'))
    )
    with op.batch_alter_table('benchmark_score', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_benchmark_score_import_id'), ['import_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_benchmark_score_import_id_benchmark_import'), 'benchmark_import', ['import_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('benchmark_score', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_benchmark_score_import_id_benchmark_import'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_benchmark_score_import_id'))
        batch_op.drop_column('import_id')

    op.drop_table('benchmark_import')
    with op.batch_alter_table('benchmark_alias', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_benchmark_alias_sector_id'))
        batch_op.drop_index(batch_op.f('ix_benchmark_alias_organisation_id'))

    op.drop_table('benchmark_alias')
