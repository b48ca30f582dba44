"""incident follow-ups: the 回访 of each household of an outage after it is resolved

Revision ID: 0006j
Revises: 0006i
"""
from alembic import op
import sqlalchemy as sa


revision = "0006j"
down_revision = "0006i"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incident_reports") as batch:
        batch.add_column(sa.Column("followup_status", sa.String(16), nullable=True))
        batch.add_column(sa.Column("followup_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("rating", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("feedback", sa.Text(), nullable=True))
    op.create_index("ix_incident_reports_followup", "incident_reports", ["incident_id", "followup_status"])


def downgrade() -> None:
    op.drop_index("ix_incident_reports_followup", table_name="incident_reports")
    with op.batch_alter_table("incident_reports") as batch:
        for column in ("feedback", "rating", "followup_at", "followup_status"):
            batch.drop_column(column)
