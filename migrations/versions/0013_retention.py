"""retention: when the retention job wiped an application's or a support request's personal data

Revision ID: 0013_retention
Revises: 0012_job_runs
Create Date: 2026-12-07 11:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_retention'
down_revision = '0012_job_runs'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('support_requests', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_column('anonymised_at')

