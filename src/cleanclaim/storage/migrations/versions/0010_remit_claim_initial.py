"""remit_claim.initial: each claim family's initial adjudication, marked when stored

The monthly report's initial denial rate counts the denials of each claim family's first
835 claim that is not a reversal or a correction. It found those with a query over every
denied family in its fifteen-month window (families, their claim versions, their 835
claims, the lowest id of each): about a second of server time at a million claim lines on
PostgreSQL. Which 835 claim is first never changes once stored (an 835 claim keeps its
match, a claim version keeps its family), so ingest now marks it
(``claims.adjudication.mark_initial``) and this migration marks the 835 claims stored
before, with the same rule in one statement.

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28 01:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "remit_claim",
        sa.Column("initial", sa.Boolean(), server_default=sa.false(), nullable=False),
    )
    remit = sa.table(
        "remit_claim",
        sa.column("id", sa.Integer),
        sa.column("claim_id", sa.Integer),
        sa.column("chain_role", sa.String),
        sa.column("initial", sa.Boolean),
    )
    fact = sa.table("claim_fact", sa.column("claim_id", sa.Integer), sa.column("family_id"))
    first = (
        sa.select(sa.func.min(remit.c.id))
        .select_from(remit.join(fact, fact.c.claim_id == remit.c.claim_id))
        .where(remit.c.chain_role == "original", fact.c.family_id.is_not(None))
        .group_by(fact.c.family_id)
    )
    op.get_bind().execute(remit.update().where(remit.c.id.in_(first)).values(initial=True))


def downgrade() -> None:
    # A plain ALTER on both backends: batch mode would rebuild remit_claim on SQLite, which
    # the foreign keys of its lines, adjustments and denials do not allow.
    op.execute("ALTER TABLE remit_claim DROP COLUMN initial")
