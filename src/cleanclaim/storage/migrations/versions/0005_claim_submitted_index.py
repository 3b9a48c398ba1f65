"""claim: index on (practice_id, submitted_on) for the monthly report

The report reads the latest submission date of a practice and the claims submitted in its
window; without this index both scan the whole claim table (claim JSON included).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 15:35:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index("ix_claim_submitted", ["practice_id", "submitted_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_submitted")
