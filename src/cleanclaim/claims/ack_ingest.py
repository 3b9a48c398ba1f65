"""Store 999 and 277CA acknowledgments and apply them to the claims they acknowledge.

A 999 verdict applies to every claim of the acknowledged 837 set (AK102 = GS06,
AK202 = ST02; the latest file wins when control numbers were reused). A 277CA verdict
applies to the latest version of the claim named by TRN02 (and the billing provider NPI),
preferring versions whose charge is the acknowledged amount; when several billing
providers remain the match is ``ambiguous`` and listed, never guessed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import defer

from cleanclaim.claims.acks import (
    TRANSACTION_STATUS,
    ClaimAck,
    ClaimAcknowledgment,
    ImplementationAck,
)
from cleanclaim.claims.lifecycle import RUN, IngestContext, insert_returning_ids, transition
from cleanclaim.claims.matching import SetResult, overlaps
from cleanclaim.storage.tables_x12 import AckRow, ClaimRow


def _latest_file(rows: list[ClaimRow]) -> list[ClaimRow]:
    if not rows:
        return rows
    newest = max(r.source_file_id for r in rows)
    return [r for r in rows if r.source_file_id == newest]


def store_999(ctx: IngestContext, ack: ImplementationAck) -> SetResult:
    """Store the verdicts of one 999 and move the acknowledged claims to accepted/rejected."""
    s = ctx.session
    entries: list[tuple[str | None, str, list[str], list[str], int]] = []
    for t in ack.transactions:
        reasons = [f"IK5 {t.status}: {TRANSACTION_STATUS.get(t.status, 'unknown status')}"]
        reasons += [f"IK5 error {code}" for code in t.error_codes]
        for e in t.segment_errors:
            where = f"IK3 {e.segment_id} at set segment {e.segment_position}"
            where += f" loop {e.loop}" if e.loop else ""
            reasons.append(
                f"{where}: error {e.code}" + (f" (CLM01 {e.claim_id})" if e.claim_id else "")
            )
            reasons += [
                f"IK4 {e.segment_id}{el.element_position:02d}: error {el.code}"
                for el in e.element_errors
            ]
        status = "accepted" if t.accepted else "rejected"
        entries.append((t.control_number, status, [t.status, *t.error_codes], reasons, t.position))
    if not ack.transactions:
        status = "accepted" if ack.accepted else "rejected"
        entries.append(
            (
                None,
                status,
                [ack.group_status, *ack.group_error_codes],
                [f"AK9 {ack.group_status}"],
                ack.position,
            )
        )
    verdicts: list[tuple[str, list[str], list[ClaimRow]]] = []
    values: list[dict[str, Any]] = []
    for set_control, status, codes, reasons, position in entries:
        claims: list[ClaimRow] = []
        if ack.functional_id == "HC":
            query = (
                select(ClaimRow)
                .where(
                    ClaimRow.practice_id == ctx.practice_id,
                    ClaimRow.source_group_control == ack.group_control_number,
                )
                .options(defer(ClaimRow.claim_json))
            )
            if set_control is not None:
                query = query.where(ClaimRow.source_set_control == set_control)
            claims = _latest_file(list(s.scalars(query)))
        verdicts.append((status, reasons, claims))
        values.append(
            {
                "practice_id": ctx.practice_id,
                "file_id": ctx.file_id,
                "kind": "999",
                "set_control": ack.control_number,
                "acked_group_control": ack.group_control_number,
                "acked_set_control": set_control,
                "status": status,
                "status_codes": codes,
                "reasons": reasons,
                "claims_matched": len(claims),
                "match_status": "matched" if claims else "unmatched",
                "match_candidates": [c.claim_key for c in claims],
                "position": position,
                "created_by": ctx.user,
            }
        )
    ack_ids = insert_returning_ids(s, AckRow, values)
    for ack_id, (status, reasons, claims) in zip(ack_ids, verdicts, strict=True):
        for claim in claims:
            transition(
                ctx,
                claim,
                status,
                f"999_{status}",
                source_kind="999",
                occurred_on=None,
                ack_id=ack_id,
                detail={"reasons": reasons},
            )
    return SetResult()


def store_277ca(ctx: IngestContext, ack: ClaimAcknowledgment) -> SetResult:
    """Store one 277CA's claim verdicts and move the claims to accepted/rejected.

    The claims named by the set are read in a few queries (by CLM01), the verdicts are
    inserted together, then applied to the claims in the set's order.
    """
    s = ctx.session
    families = _claims_by_clm01(ctx, {ca.patient_control_number.strip() for ca in ack.claims})
    verdicts: list[tuple[ClaimAck, str, list[str], dt.date | None, ClaimRow | None]] = []
    values: list[dict[str, Any]] = []
    for ca in ack.claims:
        status = "rejected" if ca.rejected else "accepted" if ca.accepted else "pending"
        codes = [str(code) for st in ca.statuses for code in st.codes]
        reasons = codes + [
            f"line {n}: {code}"
            for n, line in enumerate(ca.lines, start=1)
            for st in line.statuses
            for code in st.codes
        ]
        on = next((st.date for st in ca.statuses if st.date), ack.created)
        match, claim, candidates = match_ack(
            families.get(ca.patient_control_number.strip(), []), ca
        )
        verdicts.append((ca, status, reasons, on, claim))
        values.append(
            {
                "practice_id": ctx.practice_id,
                "file_id": ctx.file_id,
                "kind": "277CA",
                "set_control": ack.control_number,
                "clm01": ca.patient_control_number,
                "billing_npi": ca.billing_provider_id or None,
                "payer_claim_number": ca.payer_claim_control_number or None,
                "status": status,
                "status_codes": codes,
                "reasons": reasons,
                "occurred_on": on,
                "claims_matched": 1 if claim else 0,
                "match_status": match,
                "match_candidates": candidates,
                "position": ca.position,
                "created_by": ctx.user,
            }
        )
    ack_ids = insert_returning_ids(s, AckRow, values)
    for ack_id, (ca, status, reasons, on, claim) in zip(ack_ids, verdicts, strict=True):
        if claim is None:
            continue
        target = claim.status if status == "pending" else status
        transition(
            ctx,
            claim,
            target,
            f"277ca_{status}",
            source_kind="277CA",
            occurred_on=on,
            ack_id=ack_id,
            detail={"codes": reasons},
        )
        if status == "accepted" and ca.payer_claim_control_number:
            claim.payer_claim_number = ca.payer_claim_control_number
    return SetResult(claims=len(ack.claims), lines=sum(len(c.lines) for c in ack.claims))


def _claims_by_clm01(ctx: IngestContext, clm01s: set[str]) -> dict[str, list[ClaimRow]]:
    """The stored versions of each CLM01, by billing NPI then version (claim JSON deferred).

    Sorted here, not in SQL: an ORDER BY on the columns of the unique version key leads
    SQLite to walk that index over the whole practice instead of searching ``ix_claim_clm01``.
    """
    found: dict[str, list[ClaimRow]] = {}
    ordered = sorted(clm01s)
    for start in range(0, len(ordered), RUN):
        query = (
            select(ClaimRow)
            .where(
                ClaimRow.practice_id == ctx.practice_id,
                ClaimRow.clm01.in_(ordered[start : start + RUN]),
            )
            .options(defer(ClaimRow.claim_json))
        )
        for row in ctx.session.scalars(query):
            found.setdefault(row.clm01, []).append(row)
    for rows in found.values():
        rows.sort(key=lambda r: (r.billing_npi, r.version))
    return found


def match_ack(rows: list[ClaimRow], ca: ClaimAck) -> tuple[str, ClaimRow | None, list[str]]:
    """(``matched``/``unmatched``/``ambiguous``, the claim version, candidate claim keys).

    ``rows`` are the practice's versions whose CLM01 is the TRN02, ordered by billing NPI
    and version.
    """
    if ca.billing_provider_id:
        rows = [r for r in rows if r.billing_npi == ca.billing_provider_id] or rows
    families: dict[str, list[ClaimRow]] = {}
    for r in rows:
        families.setdefault(r.billing_npi, []).append(r)
    if len(families) > 1 and ca.service_from:
        dated = {
            k: v
            for k, v in families.items()
            if any(overlaps(r, ca.service_from, ca.service_to) for r in v)
        }
        families = dated or families
    if not families:
        return "unmatched", None, []
    if len(families) > 1:
        return "ambiguous", None, sorted(v[-1].claim_key for v in families.values())
    versions = next(iter(families.values()))
    amounts = {st.amount for st in ca.statuses if st.amount is not None}
    charged = [v for v in versions if v.total_charge in amounts]
    claim = (charged or versions)[-1]
    return "matched", claim, [claim.claim_key]
