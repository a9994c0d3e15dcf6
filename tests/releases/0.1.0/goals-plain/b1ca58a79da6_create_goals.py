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
    op.create_index("ix_goals_user_id_created_at", "goals", ["user_id", "created_at"])
    op.create_index(
        "ix_goals_user_id_status_created_at",
        "goals",
        ["user_id", "status", "created_at"],
    )
    op.create_index("ix_goals_user_id_deadline", "goals", ["user_id", "deadline"])


def downgrade() -> None:
    op.drop_index("ix_goals_user_id_deadline", table_name="goals")
    op.drop_index("ix_goals_user_id_status_created_at", table_name="goals")
    op.drop_index("ix_goals_user_id_created_at", table_name="goals")
    op.drop_table("goals")
