"""audit log: the person each row is about, and a guard that refuses to change or delete a row

The app has no route that changes or deletes an audit row; the database refuses it too, on PostgreSQL (a trigger
function, for UPDATE, DELETE and TRUNCATE) and on SQLite (triggers for UPDATE and DELETE). Deleting an account
that audit rows name is refused with them (its foreign keys would set them to NULL). There is no switch: lifting
the guard takes the table owner's DDL (ALTER TABLE ... DISABLE TRIGGER, DROP TRIGGER), as the tests' cleanup does.

Revision ID: 0011_audit_guard
Revises: 0010_sessions
Create Date: 2026-12-07 09:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011_audit_guard'
down_revision = '0010_sessions'
branch_labels = None
depends_on = None

MESSAGE = "audit_log is append-only: its rows cannot be changed or deleted"


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('subject_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_audit_log_subject', ['subject_id', 'id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_log_subject_id_users'), 'users', ['subject_id'], ['id'],
                                    ondelete='SET NULL')
    # After the batch above: on SQLite it rebuilds the table, which would drop triggers made before it.
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute(f"""CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{MESSAGE} (%)', TG_OP USING ERRCODE = 'restrict_violation';
            END $$""")
        op.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                   "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()")
        op.execute("CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
                   "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()")
    elif dialect == "sqlite":
        op.execute(f"""CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")
        op.execute(f"""CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
            BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END""")


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "postgresql":
        op.execute("DROP TRIGGER audit_log_no_truncate ON audit_log")
        op.execute("DROP TRIGGER audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION audit_log_append_only()")
    elif dialect == "sqlite":
        op.execute("DROP TRIGGER audit_log_no_delete")
        op.execute("DROP TRIGGER audit_log_no_update")
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_log_subject_id_users'), type_='foreignkey')
        batch_op.drop_index('ix_audit_log_subject')
        batch_op.drop_column('subject_id')
