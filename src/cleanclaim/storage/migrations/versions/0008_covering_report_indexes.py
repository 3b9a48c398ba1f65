"""Covering indexes for a window of claims and their ingest scrubs

``ix_claim_submitted`` (practice, submission date) and ``ix_claim_scrub_claim`` (practice,
claim) also carry the columns that the report's counts read, so that a window of claims
and the status of their ingest scrubs are read from the indexes alone: a claim row holds
the claim JSON and a scrub row its coverage entries, and reading those wide rows for
hundreds of thousands of claims was most of the cost.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 21:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CLAIM_WIDE = ["practice_id", "submitted_on", "version_kind", "status", "total_charge", "id"]
SCRUB_WIDE = ["practice_id", "claim_id", "trigger", "status", "id"]


def upgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_submitted")
        batch_op.create_index("ix_claim_submitted", CLAIM_WIDE, unique=False)
    with op.batch_alter_table("claim_scrub", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_scrub_claim")
        batch_op.create_index("ix_claim_scrub_claim", SCRUB_WIDE, unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim_scrub", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_scrub_claim")
        batch_op.create_index("ix_claim_scrub_claim", ["practice_id", "claim_id"], unique=False)
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_submitted")
        batch_op.create_index("ix_claim_submitted", ["practice_id", "submitted_on"], unique=False)
