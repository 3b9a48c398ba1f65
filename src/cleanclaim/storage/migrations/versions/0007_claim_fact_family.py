"""claim_fact.family_id: the first version of each claim's family, through any chain

A replacement or void names the version it replaces (``claim.original_id``), which may be a
replacement itself; ``family_id`` follows that chain to its first version, so that reports
keep a family whole. Filled for stored claims in id order (a replaced version is always
stored before the version that replaces it).

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-27 19:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5000


def upgrade() -> None:
    with op.batch_alter_table("claim_fact", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family_id", sa.Integer(), nullable=True))
    bind = op.get_bind()
    claim = sa.table("claim", sa.column("id", sa.Integer), sa.column("original_id", sa.Integer))
    fact = sa.table("claim_fact", sa.column("claim_id", sa.Integer), sa.column("family_id"))
    roots: dict[int, int] = {}
    for cid, original in bind.execute(
        sa.select(claim.c.id, claim.c.original_id).order_by(claim.c.id)
    ):
        roots[cid] = roots.get(original, original) if original else cid
    update = (
        fact.update()
        .where(fact.c.claim_id == sa.bindparam("_id"))
        .values(family_id=sa.bindparam("_root"))
    )
    values = [{"_id": cid, "_root": root} for cid, root in roots.items()]
    for start in range(0, len(values), BATCH):
        bind.execute(update, values[start : start + BATCH])
    with op.batch_alter_table("claim_fact", schema=None) as batch_op:
        batch_op.create_index("ix_claim_fact_family", ["family_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_fact", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_fact_family")
        batch_op.drop_column("family_id")
