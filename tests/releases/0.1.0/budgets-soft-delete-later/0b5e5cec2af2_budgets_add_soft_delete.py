"""budgets: add soft delete.

Revision ID: 0b5e5cec2af2
Revises: bd3fdfb84eab
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "0b5e5cec2af2"
down_revision: str | None = "bd3fdfb84eab"
branch_labels: str | None = None
depends_on: str | None = None

UTC_DATETIME = sa.DateTime(timezone=True).with_variant(
    mysql.DATETIME(fsp=6),
    "mysql",
    "mariadb",
)


def upgrade() -> None:
    # Batch mode lets SQLite alter the table too; elsewhere it is plain ALTER TABLE.
    with op.batch_alter_table("budgets") as batch:
        batch.add_column(sa.Column("deleted_at", UTC_DATETIME, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("budgets") as batch:
        batch.drop_column("deleted_at")
