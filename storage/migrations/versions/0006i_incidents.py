"""incidents: outages many households report, planned notices, their reports and events

Revision ID: 0006i
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = "0006i"
down_revision = '0006f'
branch_labels = None
depends_on = None

_OPEN_OUTAGE = "status = 'open' AND kind = 'outage'"


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(24), nullable=False, unique=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("estate_id", sa.Integer(), sa.ForeignKey("estates.id", ondelete="SET NULL"), nullable=True),
        sa.Column("category", sa.String(24), nullable=False),
        sa.Column("place", sa.String(16), nullable=False),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("notice", sa.Text(), nullable=True),
        sa.Column("expected_at", sa.DateTime(), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("ends_at", sa.DateTime(), nullable=True),
        sa.Column("latest_words", sa.Text(), nullable=True),
        sa.Column("households", sa.Integer(), nullable=False),
        sa.Column("staff_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("card_message_id", sa.BigInteger(), nullable=True),
        sa.Column("card_row_id", sa.Integer(), nullable=True),
        sa.Column("card_version", sa.Integer(), nullable=False),
        sa.Column("card_shown_version", sa.Integer(), nullable=False),
        sa.Column("card_sent_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by", sa.String(64), nullable=True),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("merged_into_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
    )
    op.create_index("uq_incidents_open_scope", "incidents", ["scope"], unique=True,
                    postgresql_where=sa.text(_OPEN_OUTAGE), sqlite_where=sa.text(_OPEN_OUTAGE))
    op.create_index("ix_incidents_status_kind", "incidents", ["status", "kind"])
    op.create_index("ix_incidents_opened_at", "incidents", ["opened_at"])
    op.create_table(
        "incident_reports",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=True),
        sa.Column("scope", sa.String(64), nullable=False),
        sa.Column("resident_id", sa.Integer(), sa.ForeignKey("residents.id"), nullable=False),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=True),
        sa.Column("building", sa.String(8), nullable=True),
        sa.Column("unit", sa.String(8), nullable=True),
        sa.Column("room", sa.String(8), nullable=True),
        sa.Column("words", sa.Text(), nullable=False),
        sa.Column("reported_at", sa.DateTime(), nullable=False),
        sa.Column("detached_at", sa.DateTime(), nullable=True),
        sa.Column("restore_outbox_id", sa.Integer(), nullable=True),
        sa.Column("restore_status", sa.String(16), nullable=True),
        sa.UniqueConstraint("incident_id", "resident_id", name="uq_incident_reports_household"),
    )
    op.create_index("ix_incident_reports_incident_id", "incident_reports", ["incident_id"])
    op.create_index("ix_incident_reports_ticket_id", "incident_reports", ["ticket_id"])
    op.create_index("ix_incident_reports_signal", "incident_reports", ["scope", "reported_at"])
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("incident_id", sa.Integer(), sa.ForeignKey("incidents.id"), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
    )
    op.create_index("ix_incident_events_incident_id", "incident_events", ["incident_id"])


def downgrade() -> None:
    op.drop_table("incident_events")
    op.drop_table("incident_reports")
    op.drop_table("incidents")
