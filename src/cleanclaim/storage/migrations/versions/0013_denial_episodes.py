"""Stored denial episodes and the state of derived tables

The monthly report resolved every denial episode of two years again each time it ran: at a
million claim lines, about a quarter of its time. ``denial_episode`` keeps the resolved
episodes, as versions by the day through which data runs; ``derived_state`` records what a
practice's derived rows were computed from, so that a reader can tell whether they are
current (see ``cleanclaim.storage.tables_derived``).

No backfill: a practice without a ``derived_state`` row has no current episodes, so the
report computes them as before until the next classification stores them.

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-28 13:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

REPORT_COLUMNS = ["practice_id", "resolved_on", "valid_from", "valid_to", "how", "amount", "days"]


def upgrade() -> None:
    op.create_table(
        "denial_episode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("family_id", sa.Integer(), nullable=False),
        sa.Column("payer", sa.String(length=80), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("denied_on", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column("how", sa.String(length=12), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_denial_episode_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_denial_episode")),
    )
    with op.batch_alter_table("denial_episode", schema=None) as batch_op:
        batch_op.create_index("ix_denial_episode_report", REPORT_COLUMNS, unique=False)
        batch_op.create_index(
            "ix_denial_episode_family", ["practice_id", "family_id"], unique=False
        )
    op.create_table(
        "derived_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("basis", sa.String(length=64), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_derived_state_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_derived_state")),
        sa.UniqueConstraint("practice_id", "name", name="uq_derived_state_name"),
    )


def downgrade() -> None:
    op.drop_table("derived_state")
    with op.batch_alter_table("denial_episode", schema=None) as batch_op:
        batch_op.drop_index("ix_denial_episode_family")
        batch_op.drop_index("ix_denial_episode_report")
    op.drop_table("denial_episode")
