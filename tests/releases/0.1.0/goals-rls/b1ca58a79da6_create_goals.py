"""Create goals.

A financial target a user saves, pays down or invests towards.

Revision ID: b1ca58a79da6
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import mysql

revision = "b1ca58a79da6"
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

# PostgreSQL row-level security: a row passes the policy only for the tenant a
# transaction names with set_config('app.current_tenant', <tenant>, true).
TABLE = '"goals"'
RLS_POLICY = '"goals_tenant_isolation"'
TENANT = '"tenant_id"'
OWN_ROWS = f"{TENANT} = current_setting('app.current_tenant', true)"
ROW_FILTER = f"USING ({OWN_ROWS}) WITH CHECK ({OWN_ROWS})"


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
        "goals",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("tenant_id", exact_string(64), nullable=False),
        sa.Column("user_id", exact_string(64), nullable=False),
        sa.Column("name", exact_string(200), nullable=False),
        sa.Column("description", exact_string(1000), nullable=True),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("target_amount", MONEY, nullable=False),
        sa.Column("current_amount", MONEY, nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("auto_contribute", sa.Boolean(), nullable=False),
        sa.Column("completed_at", UTC_DATETIME, nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.Column("deleted_at", UTC_DATETIME, nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_goals"),
        sa.CheckConstraint(
            "target_amount > 0",
            name=op.f("ck_goals_target_amount_positive"),
        ),
        sa.CheckConstraint(
            "current_amount >= 0",
            name=op.f("ck_goals_current_amount_not_negative"),
        ),
    )
    op.create_index(
        "ix_goals_tenant_id_user_id_created_at",
        "goals",
        ["tenant_id", "user_id", "created_at"],
    )
    op.create_index(
        "ix_goals_tenant_id_user_id_status_created_at",
        "goals",
        ["tenant_id", "user_id", "status", "created_at"],
    )
    op.create_index(
        "ix_goals_tenant_id_user_id_deadline",
        "goals",
        ["tenant_id", "user_id", "deadline"],
    )
    if op.get_context().dialect.name == "postgresql":
        # FORCE: the policy binds the table's owner too, not only other roles.
        op.execute(f"ALTER TABLE {TABLE} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {TABLE} FORCE ROW LEVEL SECURITY")
        op.execute(f"CREATE POLICY {RLS_POLICY} ON {TABLE} {ROW_FILTER}")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"DROP POLICY {RLS_POLICY} ON {TABLE}")
    op.drop_index("ix_goals_tenant_id_user_id_deadline", table_name="goals")
    op.drop_index("ix_goals_tenant_id_user_id_status_created_at", table_name="goals")
    op.drop_index("ix_goals_tenant_id_user_id_created_at", table_name="goals")
    op.drop_table("goals")
