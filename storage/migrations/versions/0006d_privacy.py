"""privacy: when personal data was anonymised, the log of purges and forgets, messages by recipient

Revision ID: 0006d
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = "0006d"
down_revision = '0006s'
branch_labels = None
depends_on = None

_TABLES = ("residents", "tickets", "inbound_messages")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("anonymised_at", sa.DateTime(), nullable=True))
    op.create_table(
        "privacy_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("subject", sa.String(64), nullable=True),
        sa.Column("counts", sa.Text(), nullable=False),
        sa.Column("kept", sa.Text(), nullable=False),
    )
    op.create_index("ix_outbox_recipient", "outbox", ["recipient"])


def downgrade() -> None:
    op.drop_index("ix_outbox_recipient", "outbox")
    op.drop_table("privacy_events")
    for table in reversed(_TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("anonymised_at")
