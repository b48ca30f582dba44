"""managers' console: sign-in links, passwords, daily rollups

Revision ID: 0005
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = "0005"
down_revision = '0004'
branch_labels = None
depends_on = None

_COUNTS = ("created", "urgent", "breached", "on_time", "open", "done", "closed", "followup_due", "followed_up",
           "rated", "satisfied", "dissatisfied", "reopened", "reopened_fixed", "escalated", "repeat", "rating_sum")


def upgrade() -> None:
    op.create_table(
        "console_signin_links",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
    )
    op.create_index("ix_console_signin_links_staff_id", "console_signin_links", ["staff_id"])
    op.create_table(
        "console_passwords",
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), primary_key=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("set_at", sa.DateTime(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
    )
    op.create_table(
        "console_rollups",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("estate_id", sa.Integer(), nullable=True),
        sa.Column("grain", sa.String(16), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        *[sa.Column(name, sa.Integer(), nullable=False) for name in _COUNTS],
    )
    op.create_index("ix_console_rollups_grain_day", "console_rollups", ["grain", "day"])
    op.create_table(
        "console_rollup_days",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.Column("tickets", sa.Integer(), nullable=False),
    )
    op.create_table(
        "console_marks",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("at", sa.DateTime(), nullable=False),
    )
    op.create_index("ix_tickets_updated_at", "tickets", ["updated_at"])
    op.create_index("ix_etiquette_violations_at", "etiquette_violations", ["at"])
    op.create_index("ix_tickets_breached_created", "tickets", ["created_at"], postgresql_where=sa.text("breached"),
                    sqlite_where=sa.text("breached"))
    op.create_index("ix_tickets_created_place", "tickets", ["created_at", "building", "unit", "room"])
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_tickets_phone_tail", "tickets", [sa.text("right(contact_phone, 4)")])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_tickets_phone_tail", table_name="tickets")
    op.drop_index("ix_tickets_created_place", table_name="tickets")
    op.drop_index("ix_tickets_breached_created", table_name="tickets")
    op.drop_index("ix_etiquette_violations_at", table_name="etiquette_violations")
    op.drop_index("ix_tickets_updated_at", table_name="tickets")
    for table in ("console_marks", "console_rollup_days", "console_rollups", "console_passwords",
                  "console_signin_links"):
        op.drop_table(table)
