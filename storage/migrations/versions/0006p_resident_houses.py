"""residents bound to houses (resident_houses), household callback campaigns (campaigns, campaign_contacts)

Revision ID: 0006p
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = "0006p"
down_revision = '0006d'
branch_labels = None
depends_on = None

_LIVE = "state IN ('pending', 'active')"


def upgrade() -> None:
    op.create_table(
        "resident_houses",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("resident_id", sa.Integer(), sa.ForeignKey("residents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("house_id", sa.Integer(), sa.ForeignKey("houses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("estate_id", sa.Integer(), sa.ForeignKey("estates.id", ondelete="CASCADE"), nullable=False),
        sa.Column("role", sa.String(8), nullable=False),
        sa.Column("tenant_until", sa.Date(), nullable=True),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("via", sa.String(12), nullable=False),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("deadline_at", sa.DateTime(), nullable=True),
        sa.Column("overdue", sa.Boolean(), nullable=False),
        sa.Column("request_chat_id", sa.BigInteger(), nullable=True),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(64), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("ended_by", sa.String(64), nullable=True),
        sa.Column("end_reason", sa.String(16), nullable=True),
    )
    op.create_index("uq_resident_houses_live", "resident_houses", ["resident_id", "house_id"], unique=True,
                    postgresql_where=sa.text(_LIVE), sqlite_where=sa.text(_LIVE))
    op.create_index("ix_resident_houses_resident", "resident_houses", ["resident_id", "state"])
    op.create_index("ix_resident_houses_house", "resident_houses", ["house_id", "state"])
    op.create_index("ix_resident_houses_estate_state", "resident_houses", ["estate_id", "state"])
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("estate_id", sa.Integer(), sa.ForeignKey("estates.id", ondelete="CASCADE"), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("period", sa.String(16), nullable=False),
        sa.Column("target", sa.Float(), nullable=False),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("started_by", sa.String(64), nullable=False),
        sa.Column("answer_until", sa.DateTime(), nullable=False),
        sa.UniqueConstraint("estate_id", "kind", "period", name="uq_campaigns_estate_kind_period"),
    )
    op.create_table(
        "campaign_contacts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("campaign_id", sa.Integer(), sa.ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
        sa.Column("house_id", sa.Integer(), sa.ForeignKey("houses.id", ondelete="CASCADE"), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=True),
        sa.Column("opinion", sa.Text(), nullable=True),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("tickets.id"), nullable=True),
        sa.Column("answered_by", sa.String(64), nullable=True),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.UniqueConstraint("campaign_id", "house_id", name="uq_campaign_contacts_house"),
    )
    op.create_index("ix_campaign_contacts_campaign_state", "campaign_contacts", ["campaign_id", "state"])


def downgrade() -> None:
    op.drop_table("campaign_contacts")
    op.drop_table("campaigns")
    op.drop_table("resident_houses")
