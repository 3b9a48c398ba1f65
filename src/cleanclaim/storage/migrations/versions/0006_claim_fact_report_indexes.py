"""claim_fact table, and indexes for claim families and current denials

``claim_fact``: short per-claim facts (judged-on date, provider, filing indicator,
diagnoses). Reports over many months read these short rows instead of decoding every
claim's JSON. Claims stored before are filled in from their stored JSON, in batches, with
the function ingest uses (``cleanclaim.claims.facts.claim_facts``).

Indexes for the questions reports ask of many rows:

* ``ix_claim_original``, ``ix_claim_previous``: the later versions of a claim
  (``original_id``, ``previous_id``); ``ix_remit_claim_previous`` the same for 835 claims.
* Partial indexes on the few rows a report looks for: ``ix_claim_rejected`` (rejected
  claims), ``ix_denial_current_denials`` (current denial rows, a few percent of the denial
  table: most adjustments are contractual), ``ix_scrub_finding_suppressed``.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 17:30:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000


def upgrade() -> None:
    fact = op.create_table(
        "claim_fact",
        sa.Column("claim_id", sa.Integer(), nullable=False),
        sa.Column("claim_key", sa.String(length=24), nullable=False),
        sa.Column("claim_type", sa.String(length=16), nullable=False),
        sa.Column("version_kind", sa.String(length=16), nullable=False),
        sa.Column("patient_key", sa.String(length=64), nullable=True),
        sa.Column("record_day", sa.Date(), nullable=True),
        sa.Column("provider_npi", sa.String(length=15), nullable=True),
        sa.Column("provider_taxonomy", sa.String(length=20), nullable=True),
        sa.Column("filing_indicator", sa.String(length=4), nullable=True),
        sa.Column("bill_type", sa.String(length=4), nullable=True),
        sa.Column("dx_codes", sa.Text(), nullable=False),
        sa.Column("procedures", sa.Text(), nullable=False),
        sa.Column("diagnoses", sa.Integer(), nullable=False),
        sa.Column("practice_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["claim_id"], ["claim.id"], name=op.f("fk_claim_fact_claim_id_claim")
        ),
        sa.ForeignKeyConstraint(
            ["practice_id"], ["practice.id"], name=op.f("fk_claim_fact_practice_id_practice")
        ),
        sa.PrimaryKeyConstraint("claim_id", name=op.f("pk_claim_fact")),
    )
    with op.batch_alter_table("claim_fact", schema=None) as batch_op:
        batch_op.create_index("ix_claim_fact_day", ["practice_id", "record_day"], unique=False)
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.create_index("ix_claim_original", ["original_id"], unique=False)
        batch_op.create_index("ix_claim_previous", ["previous_id"], unique=False)
        batch_op.create_index(
            "ix_claim_rejected",
            ["practice_id"],
            unique=False,
            sqlite_where=sa.text("status = 'rejected'"),
            postgresql_where=sa.text("status = 'rejected'"),
        )
    with op.batch_alter_table("remit_claim", schema=None) as batch_op:
        batch_op.create_index("ix_remit_claim_previous", ["previous_id"], unique=False)
    with op.batch_alter_table("denial", schema=None) as batch_op:
        batch_op.create_index(
            "ix_denial_current_denials",
            ["practice_id", "remit_date"],
            unique=False,
            sqlite_where=sa.text("denial IS 1 AND superseded_by IS NULL"),
            postgresql_where=sa.text("denial IS true AND superseded_by IS NULL"),
        )
    with op.batch_alter_table("scrub_finding", schema=None) as batch_op:
        batch_op.create_index(
            "ix_scrub_finding_suppressed",
            ["practice_id", "claim_id"],
            unique=False,
            sqlite_where=sa.text("suppressed IS 1"),
            postgresql_where=sa.text("suppressed IS true"),
        )
    assert fact is not None
    _backfill(fact)


def _backfill(fact: sa.Table) -> None:
    from cleanclaim.claims.facts import claim_facts
    from cleanclaim.edits.stored import claim_from_json
    from cleanclaim.errors import StorageError

    bind = op.get_bind()
    claim = sa.table(
        "claim",
        sa.column("id", sa.Integer),
        sa.column("practice_id", sa.Integer),
        sa.column("claim_key", sa.String),
        sa.column("claim_type", sa.String),
        sa.column("version_kind", sa.String),
        sa.column("patient_key", sa.String),
        sa.column("created_at", sa.DateTime(timezone=True)),
        sa.column("created_by", sa.String),
        sa.column("claim_json", sa.JSON),
    )
    last = 0
    while True:
        rows = bind.execute(
            sa.select(claim).where(claim.c.id > last).order_by(claim.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        values = []
        for row in rows:
            try:
                facts = claim_facts(claim_from_json(row.claim_json or {}, claim_key=row.claim_key))
                facts = {k: v for k, v in facts.items() if k in fact.c}  # columns of this revision
            except StorageError:  # left out: such a claim cannot be read back at all
                continue
            values.append(
                {
                    "claim_id": row.id,
                    "claim_key": row.claim_key,
                    "claim_type": row.claim_type,
                    "version_kind": row.version_kind,
                    "practice_id": row.practice_id,
                    "patient_key": row.patient_key,
                    "created_at": row.created_at,
                    "created_by": row.created_by,
                    **facts,
                }
            )
        if values:
            bind.execute(fact.insert(), values)
        last = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("remit_claim", schema=None) as batch_op:
        batch_op.drop_index("ix_remit_claim_previous")
    with op.batch_alter_table("scrub_finding", schema=None) as batch_op:
        batch_op.drop_index("ix_scrub_finding_suppressed")
    with op.batch_alter_table("denial", schema=None) as batch_op:
        batch_op.drop_index("ix_denial_current_denials")
    with op.batch_alter_table("claim", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_rejected")
        batch_op.drop_index("ix_claim_previous")
        batch_op.drop_index("ix_claim_original")
    with op.batch_alter_table("claim_fact", schema=None) as batch_op:
        batch_op.drop_index("ix_claim_fact_day")
    op.drop_table("claim_fact")
