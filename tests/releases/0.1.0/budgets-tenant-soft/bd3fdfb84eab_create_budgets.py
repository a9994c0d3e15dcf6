"""Create budgets.

How much a user plans to spend per category over a period.

Revision ID: bd3fdfb84eab
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "bd3fdfb84eab"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Released migrations never change; later schema changes ship as new revisions.
UTC_DATETIME = sa.DateTime(timezone=True).with_variant(
    mysql.DATETIME(fsp=6),
    "mysql",
    "mariadb",
)


def exact_string(length: int) -> sa.String:
    """VARCHAR that compares byte for byte (binary NO PAD on MySQL and MariaDB)."""
    dialect = op.get_context().dialect
    if dialect.name not in ("mysql", "mariadb"):
        return sa.String(length=length)
    mariadb = getattr(dialect, "is_mariadb", False)
    collation = "utf8mb4_nopad_bin" if mariadb else "utf8mb4_0900_bin"
    return sa.String(length=length, collation=collation)


def upgrade() -> None:
    op.create_table(
        "budgets",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", exact_string(64), nullable=False),
        sa.Column("user_id", exact_string(64), nullable=False),
        sa.Column("name", exact_string(200), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("period", sa.String(length=32), nullable=False),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("rollover_enabled", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("deleted_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_budgets"),
        sa.UniqueConstraint(
            "tenant_id",
            "user_id",
            "name",
            name="uq_budgets_tenant_id_user_id_name",
        ),
        sa.CheckConstraint(
            "end_date >= start_date",
            name=op.f("ck_budgets_end_date_not_before_start_date"),
        ),
    )
    op.create_index(
        "ix_budgets_tenant_id_user_id_start_date",
        "budgets",
        ["tenant_id", "user_id", "start_date"],
    )
    op.create_index(
        "ix_budgets_tenant_id_user_id_period_start_date",
        "budgets",
        ["tenant_id", "user_id", "period", "start_date"],
    )
    op.create_index(
        "ix_budgets_tenant_id_user_id_type_start_date",
        "budgets",
        ["tenant_id", "user_id", "type", "start_date"],
    )


def downgrade() -> None:
    op.drop_index("ix_budgets_tenant_id_user_id_type_start_date", table_name="budgets")
    op.drop_index(
        "ix_budgets_tenant_id_user_id_period_start_date",
        table_name="budgets",
    )
    op.drop_index("ix_budgets_tenant_id_user_id_start_date", table_name="budgets")
    op.drop_table("budgets")
