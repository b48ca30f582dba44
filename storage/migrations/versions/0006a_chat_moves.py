"""chat moves: staff groups Telegram gave a new id (upgraded to a supergroup)

Revision ID: 0006a
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa


revision = "0006a"
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "chat_moves",
        sa.Column("old_chat_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("new_chat_id", sa.BigInteger(), nullable=False),
        sa.Column("moved_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("chat_moves")
