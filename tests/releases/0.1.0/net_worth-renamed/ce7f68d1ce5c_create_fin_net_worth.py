"""Create fin_net_worth.

A user's assets, liabilities and net worth on one day.

Revision ID: ce7f68d1ce5c
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "ce7f68d1ce5c"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

# Released migrations never change; later schema changes ship as new revisions.
UTC_DATETIME = sa.DateTime(timezone=True).with_variant(
    mysql.DATETIME(fsp=6),
    "mysql",
    "mariadb",
)
MONEY = sa.Numeric(precision=19, scale=4).with_variant(
    sa.String(length=24),
    "sqlite",
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
        "fin_net_worth",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("org_id", exact_string(64), nullable=False),
        sa.Column("user_id", exact_string(64), nullable=False),
        sa.Column("snapshot_date", sa.Date(), nullable=False),
        sa.Column("total_assets", MONEY, nullable=False),
        sa.Column("total_liabilities", MONEY, nullable=False),
        sa.Column("total_net_worth", MONEY, nullable=False),
        sa.Column("asset_breakdown", sa.JSON(), nullable=False),
        sa.Column("liability_breakdown", sa.JSON(), nullable=False),
        sa.Column("base_currency", sa.String(length=3), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_fin_net_worth"),
        sa.UniqueConstraint(
            "org_id",
            "user_id",
            "snapshot_date",
            name="uq_fin_net_worth_org_id_user_id_snapshot_date",
        ),
        sa.CheckConstraint(
            "total_assets >= 0",
            name=op.f("ck_fin_net_worth_total_assets_not_negative"),
        ),
        sa.CheckConstraint(
            "total_liabilities >= 0",
            name=op.f("ck_fin_net_worth_total_liabilities_not_negative"),
        ),
    )


def downgrade() -> None:
    op.drop_table("fin_net_worth")
