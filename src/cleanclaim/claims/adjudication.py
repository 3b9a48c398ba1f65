"""Mark each claim family's initial adjudication when its 835 claims are stored.

The *initial adjudication* of a claim family (its first version and every replacement or
void down the chain, ``claim_fact.family_id``) is the first 835 claim stored for any of its
versions (lowest id) that is not a reversal or a correction. The monthly report counts its
denials as *initial* denials whatever later adjudications did. Both inputs are fixed once
written (a stored 835 claim keeps its match, a claim version keeps its family), so the mark
is written once, by ingest, and :attr:`RemitClaimRow.initial
<cleanclaim.storage.tables_x12.RemitClaimRow.initial>` never has to be recomputed.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from cleanclaim.storage.tables_facts import ClaimFactRow
from cleanclaim.storage.tables_x12 import RemitClaimRow

ORIGINAL = "original"


def _first_of_families(families: Sequence[int]) -> Select[int]:
    """``SELECT min(remit_claim.id)`` per family in ``families``, over original (not
    reversal or correction) 835 claims, through the family index of ``claim_fact``."""
    return (
        select(func.min(RemitClaimRow.id))
        .join(ClaimFactRow, ClaimFactRow.claim_id == RemitClaimRow.claim_id)
        .where(ClaimFactRow.family_id.in_(families), RemitClaimRow.chain_role == ORIGINAL)
        .group_by(ClaimFactRow.family_id)
    )


def mark_initial(session: Session, ids: Sequence[int]) -> int:
    """Mark those of the just-stored 835 claims ``ids`` that are their family's initial
    adjudication; returns how many were marked."""
    if not ids:
        return 0
    families = sorted(
        f
        for f in session.scalars(
            select(ClaimFactRow.family_id)
            .join(RemitClaimRow, RemitClaimRow.claim_id == ClaimFactRow.claim_id)
            .where(RemitClaimRow.id.in_(ids), RemitClaimRow.chain_role == ORIGINAL)
            .distinct()
        )
        if f is not None
    )
    if not families:
        return 0
    new = set(ids)
    first = sorted(i for i in session.scalars(_first_of_families(families)) if i in new)
    if first:
        session.execute(
            update(RemitClaimRow)
            .where(RemitClaimRow.id.in_(first))
            .values(initial=True)
            .execution_options(synchronize_session=False)
        )
    return len(first)
