"""the database drives every job: attempt times, leases and job ids of outbox rows and timers

Revision ID: 0006f
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = "0006f"
down_revision = '0006p'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as table:
        table.add_column(sa.Column("next_attempt_at", sa.DateTime(), nullable=True))
        table.add_column(sa.Column("lease_until", sa.DateTime(), nullable=True))
        table.add_column(sa.Column("lease_owner", sa.String(64), nullable=True))
        table.add_column(sa.Column("job_id", sa.String(64), nullable=True))
        table.add_column(sa.Column("doubtful", sa.Integer(), nullable=False, server_default="0"))
    op.create_index("ix_outbox_status_next_attempt", "outbox", ["status", "next_attempt_at"])
    with op.batch_alter_table("timers") as table:
        table.add_column(sa.Column("job_id", sa.String(64), nullable=True))
        table.add_column(sa.Column("requeued", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("timers") as table:
        table.drop_column("requeued")
        table.drop_column("job_id")
    op.drop_index("ix_outbox_status_next_attempt", table_name="outbox")
    with op.batch_alter_table("outbox") as table:
        for column in ("doubtful", "job_id", "lease_owner", "lease_until", "next_attempt_at"):
            table.drop_column(column)
