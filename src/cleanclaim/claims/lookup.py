"""Look stored claims up: by claim key or CLM01, with their versions and lifecycle events."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from cleanclaim.errors import AmbiguousError, NotFoundError
from cleanclaim.storage.tables_x12 import ClaimEvent, ClaimRow


def find_claim(session: Session, practice_id: int, ref: str) -> ClaimRow:
    """The claim named by a claim key, or by a CLM01 unique in the practice (latest version).

    Raises:
        NotFoundError: nothing matches.
        AmbiguousError: the CLM01 belongs to claims of several billing providers.
    """
    ref = ref.strip()
    row = session.scalar(
        select(ClaimRow).where(ClaimRow.practice_id == practice_id, ClaimRow.claim_key == ref)
    )
    if row is not None:
        return row
    rows = list(
        session.scalars(
            select(ClaimRow)
            .where(ClaimRow.practice_id == practice_id, ClaimRow.clm01 == ref)
            .order_by(ClaimRow.billing_npi, ClaimRow.version)
        )
    )
    if not rows:
        raise NotFoundError(f"no claim {ref!r} (give a claim key or a CLM01)")
    latest: dict[str, ClaimRow] = {}
    for r in rows:
        latest[r.billing_npi] = r
    if len(latest) > 1:
        keys = ", ".join(f"{r.claim_key} (billing NPI {r.billing_npi})" for r in latest.values())
        raise AmbiguousError(f"CLM01 {ref!r} matches several claims: {keys}; give a claim key")
    return rows[-1]


def claim_family(session: Session, row: ClaimRow) -> list[ClaimRow]:
    """Every version of ``row``'s claim, plus versions linked to them as original."""
    rows = {
        r.id: r
        for r in session.scalars(
            select(ClaimRow).where(
                ClaimRow.practice_id == row.practice_id,
                ClaimRow.billing_npi == row.billing_npi,
                ClaimRow.clm01 == row.clm01,
            )
        )
    }
    linked_ids = {r.original_id for r in rows.values() if r.original_id} - set(rows)
    if rows:
        linked = select(ClaimRow).where(
            ClaimRow.practice_id == row.practice_id, ClaimRow.original_id.in_(list(rows))
        )
        for r in session.scalars(linked):
            rows.setdefault(r.id, r)
    for oid in linked_ids:
        other = session.get(ClaimRow, oid)
        if other is not None:
            rows.setdefault(other.id, other)
    return sorted(rows.values(), key=lambda r: r.id)


def claim_events(session: Session, claim_ids: list[int]) -> list[ClaimEvent]:
    """The lifecycle events of the given claim versions, oldest first."""
    if not claim_ids:
        return []
    query = select(ClaimEvent).where(ClaimEvent.claim_id.in_(claim_ids)).order_by(ClaimEvent.id)
    return list(session.scalars(query))
