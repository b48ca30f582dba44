"""estates at the desk: the estate of every ticket and resident, the house or public area of a ticket,
the estates of each member of staff

Today's single-estate data is attached to the default estate (id 1, created by 0004): every ticket
gets estate 1 (the column's default, so the ALTER is one statement and no row is rewritten by hand),
residents with an address get estate 1, staff keep estate_ids NULL (every estate), as before.

Revision ID: 0006s
Revises: 0006a
"""
from alembic import op
import sqlalchemy as sa

import storage.models


revision = '0006s'
down_revision = '0006a'  # relinked after merging main (0006a: chat moves)
branch_labels = None
depends_on = None

DEFAULT_ESTATE_ID = 1


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    # On PostgreSQL ADD COLUMN … NOT NULL DEFAULT 1 fills every row at once without a rewrite (11+);
    # SQLite takes the same column in place (a REFERENCES clause with a default is fine there while
    # foreign keys are not enforced, which is SQLite's default), so no table is rebuilt.
    op.add_column("tickets", sa.Column("estate_id", sa.Integer(), nullable=False,
                                       server_default=sa.text(str(DEFAULT_ESTATE_ID))))
    op.add_column("tickets", sa.Column("house_id", sa.Integer(), nullable=True))
    op.add_column("tickets", sa.Column("public_area", sa.String(32), nullable=True))
    op.add_column("residents", sa.Column("estate_id", sa.Integer(), nullable=True))
    op.add_column("staff", sa.Column("estate_ids", storage.models.JSONText(), nullable=True))
    if postgres:  # SQLite cannot add constraints to an existing table without rebuilding it
        op.create_foreign_key("tickets_estate_id_fkey", "tickets", "estates", ["estate_id"], ["id"])
        op.create_foreign_key("tickets_house_id_fkey", "tickets", "houses", ["house_id"], ["id"], ondelete="SET NULL")
        op.create_foreign_key("residents_estate_id_fkey", "residents", "estates", ["estate_id"], ["id"],
                              ondelete="SET NULL")
    op.create_index("ix_tickets_estate_status", "tickets", ["estate_id", "status"])
    # Residents who gave an address gave it in the one estate there was.
    op.execute(sa.text("UPDATE residents SET estate_id = :estate WHERE building IS NOT NULL")
               .bindparams(estate=DEFAULT_ESTATE_ID))


def downgrade() -> None:
    op.drop_index("ix_tickets_estate_status", table_name="tickets")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("estate_ids")
    if op.get_bind().dialect.name == "postgresql":
        op.drop_constraint("residents_estate_id_fkey", "residents", type_="foreignkey")
        op.drop_constraint("tickets_house_id_fkey", "tickets", type_="foreignkey")
        op.drop_constraint("tickets_estate_id_fkey", "tickets", type_="foreignkey")
    with op.batch_alter_table("residents") as batch:
        batch.drop_column("estate_id")
    for column in ("public_area", "house_id", "estate_id"):
        op.drop_column("tickets", column)
