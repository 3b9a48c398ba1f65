"""Stored HCC recapture by provider and month

HCC recapture read every claim of a practice's Medicare patients over two years, and judged
each patient again, on each report: at a million claim lines, about a quarter of the
report's time. ``hcc_recapture_month`` keeps its result for each month of the practice's
data, computed when the data or the HCC code sets change (see
``cleanclaim.analytics.monthly.hcc_store``).

No backfill: without stored rows, or when they are not current, the report computes HCC
recapture as before.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28 13:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "hcc_recapture_month",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("provider_npi", sa.String(length=10), nullable=False),
        sa.Column("due", sa.Integer(), nullable=False),
        sa.Column("recaptured", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"],
            ["practice.id"],
            name=op.f("fk_hcc_recapture_month_practice_id_practice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hcc_recapture_month")),
    )
    with op.batch_alter_table("hcc_recapture_month", schema=None) as batch_op:
        batch_op.create_index("ix_hcc_recapture_month", ["practice_id", "month"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("hcc_recapture_month", schema=None) as batch_op:
        batch_op.drop_index("ix_hcc_recapture_month")
    op.drop_table("hcc_recapture_month")
