"""Write-once totals for the report's counts: claim lines, ingest scrub, claims paid

The monthly report's trend counts joined, for fifteen months of claims, every claim to its
lines and to its ingest scrub, and summed the 835 claims of every remittance: at a million
claim lines on PostgreSQL, about three seconds of server time on every report. Each of
these values is fixed once written, so it is now stored with what it sums:

* ``claim.line_count`` and ``claim.line_charge``: the version's service lines, stored with
  it (lines are never added to a stored version);
* ``claim.ingest_status``: the status of the version's ingest scrub, written with the scrub;
* ``remittance.claims_paid``: the sum of CLP04 over the 835 claims stored with the set,
  written once they are.

``ix_claim_submitted`` carries the claim columns, so the counts of submitted claims, their
lines and their first scrubs are one index-only range scan. This migration fills the
columns in for what was stored before, with the same definitions.

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-28 02:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(18, 2)
BEFORE = ["practice_id", "submitted_on", "version_kind", "status", "total_charge", "id"]
AFTER = [*BEFORE, "ingest_status", "line_count", "line_charge"]


def upgrade() -> None:
    op.add_column("claim", sa.Column("line_count", sa.Integer(), nullable=True))
    op.add_column("claim", sa.Column("line_charge", MONEY, nullable=True))
    op.add_column("claim", sa.Column("ingest_status", sa.String(length=16), nullable=True))
    op.add_column("remittance", sa.Column("claims_paid", MONEY, nullable=True))
    claim = sa.table(
        "claim",
        sa.column("id", sa.Integer),
        sa.column("line_count", sa.Integer),
        sa.column("line_charge", MONEY),
        sa.column("ingest_status", sa.String),
    )
    line = sa.table("claim_line", sa.column("claim_id", sa.Integer), sa.column("charge", MONEY))
    scrub = sa.table(
        "claim_scrub",
        sa.column("id", sa.Integer),
        sa.column("claim_id", sa.Integer),
        sa.column("trigger", sa.String),
        sa.column("status", sa.String),
    )
    remittance = sa.table(
        "remittance", sa.column("id", sa.Integer), sa.column("claims_paid", MONEY)
    )
    remit = sa.table(
        "remit_claim", sa.column("remittance_id", sa.Integer), sa.column("paid", MONEY)
    )
    bind = op.get_bind()
    # Set-based (UPDATE ... FROM a grouped subquery): a correlated subquery per claim, with
    # its ORDER BY id LIMIT 1, made PostgreSQL walk the scrubs' primary key for each claim.
    lines = (
        sa.select(
            line.c.claim_id,
            sa.func.count().label("n"),
            sa.func.sum(line.c.charge).label("total"),
        )
        .group_by(line.c.claim_id)
        .subquery()
    )
    last = (
        sa.select(sa.func.max(scrub.c.id).label("id"))
        .where(scrub.c.trigger == "ingest")
        .group_by(scrub.c.claim_id)
        .subquery()
    )
    status = (
        sa.select(scrub.c.claim_id, scrub.c.status).join(last, last.c.id == scrub.c.id).subquery()
    )
    # One pass over the claims (each UPDATE rewrites every claim row and its indexes).
    both = (
        sa.select(claim.c.id, lines.c.n, lines.c.total, status.c.status)
        .select_from(
            claim.outerjoin(lines, lines.c.claim_id == claim.c.id).outerjoin(
                status, status.c.claim_id == claim.c.id
            )
        )
        .subquery()
    )
    bind.execute(
        claim.update()
        .where(claim.c.id == both.c.id)
        .values(
            # a claim without lines gets 0, as ingest writes it
            line_count=sa.func.coalesce(both.c.n, 0),
            line_charge=sa.func.coalesce(both.c.total, 0),
            ingest_status=both.c.status,
        )
    )
    paid = (
        sa.select(remit.c.remittance_id, sa.func.sum(remit.c.paid).label("paid"))
        .group_by(remit.c.remittance_id)
        .subquery()
    )
    bind.execute(remittance.update().values(claims_paid=0))
    bind.execute(
        remittance.update()
        .where(remittance.c.id == paid.c.remittance_id)
        .values(claims_paid=paid.c.paid)
    )
    _index(AFTER)


def _index(columns: list[str]) -> None:
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_submitted")
        batch_op.create_index("ix_claim_submitted", columns, unique=False)


def downgrade() -> None:
    _index(BEFORE)
    # Plain ALTERs on both backends: batch mode would rebuild the tables on SQLite, which the
    # foreign keys pointing at them do not allow.
    for table, column in (
        ("remittance", "claims_paid"),
        ("claim", "ingest_status"),
        ("claim", "line_charge"),
        ("claim", "line_count"),
    ):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
