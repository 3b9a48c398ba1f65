"""Store 835 remittances and match their claims (CLP) to claim versions.

**835 to claims.** CLP01 is matched to CLM01 within the practice and the payer (the 835
payer id, plus the 837 payer ids the payer registry lists for it). When several versions
remain, they are narrowed, in order, by CLP07 (the payer claim number, when the version
has one), by the service dates, by leaving out versions that cannot be adjudicated
(rejected or closed) and by the frequency code (CLP09). A step that would leave nothing is
skipped. One survivor is ``matched``; none is ``unmatched``; several are ``ambiguous`` and
listed in :attr:`~cleanclaim.storage.tables_x12.RemitClaimRow.match_candidates`, never
guessed.

**Chains.** A reversal (CLP02=22) points to the earlier adjudication it takes back (same
payer, CLP01 and CLP07, not yet reversed) and inherits its match; a later adjudication of
the same claim points to the one before it (``correction``). Nothing is overwritten.
Acknowledgments are stored by :mod:`cleanclaim.claims.ack_ingest`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import defer

from cleanclaim.claims.adjudication import mark_initial
from cleanclaim.claims.lifecycle import IngestContext, bulk_insert, runs, table_of, transition
from cleanclaim.claims.remit_balance import check_balance
from cleanclaim.claims.remittance import Adjustment, RemitClaim, RemitLine, Remittance
from cleanclaim.storage.models import Payer
from cleanclaim.storage.tables_x12 import (
    AdjustmentRow,
    BalanceIssueRow,
    ClaimRow,
    ProviderAdjustmentRow,
    RemitClaimRow,
    RemitLineRow,
    RemittanceRow,
)

NOT_DENIALS = frozenset({"42", "45", "253"})
"""CARCs that reduce a payment without denying anything (fee schedule, contract,
sequestration). Together with group PR they never make a claim ``denied``."""


@dataclass
class SetResult:
    """What one transaction set added (or would have added, for duplicates)."""

    claims: int = 0
    lines: int = 0
    adjustments: int = 0
    duplicates: int = 0
    balance_issues: list[dict[str, Any]] = field(default_factory=list)


def _norm(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("0", "-0") else text


def _hash(*parts: object) -> str:
    return hashlib.sha256("|".join("" if p is None else str(p) for p in parts).encode()).hexdigest()


def _dates(rc: RemitClaim) -> tuple[dt.date | None, dt.date | None]:
    if rc.statement_from:
        return rc.statement_from, rc.statement_to or rc.statement_from
    days = [d for ln in rc.lines for d in (ln.date_of_service, ln.service_to) if d]
    return (min(days), max(days)) if days else (None, None)


def remit_outcome(rc: RemitClaim) -> tuple[str | None, str]:
    """(new status or ``None``, event name) for one non-reversal CLP."""
    if rc.status == "4":
        return "denied", "denied"
    if rc.status == "23":
        return None, "forwarded"
    if rc.status == "25":
        return None, "predetermination"

    def denying(adjs: list[Adjustment]) -> bool:
        return any(a.group != "PR" and a.reason not in NOT_DENIALS and a.amount for a in adjs)

    if not rc.paid:
        return ("denied", "denied") if denying(rc.all_adjustments) else ("paid", "paid")
    if any(not ln.paid and denying(ln.adjustments) for ln in rc.lines):
        return "partially_paid", "partially_paid"
    return "paid", "paid"


# -- 835 -------------------------------------------------------------------------------------


def store_remittance(ctx: IngestContext, remit: Remittance) -> SetResult:
    """Store one 835 set with its claims, lines, adjustments, PLB and balance issues."""
    s = ctx.session
    result = SetResult(
        claims=len(remit.claims),
        lines=sum(len(c.lines) for c in remit.claims),
        adjustments=sum(len(c.all_adjustments) for c in remit.claims),
    )
    key = _hash(
        remit.payer.id,
        remit.trace_number,
        _norm(remit.total_paid),
        remit.credit_debit,
        remit.payment_date,
    )
    existing = select(RemittanceRow.id).where(
        RemittanceRow.practice_id == ctx.practice_id, RemittanceRow.business_key == key
    )
    if s.scalar(existing) is not None:
        result.duplicates = len(remit.claims)
        return result
    issues = check_balance(remit)
    row = RemittanceRow(
        practice_id=ctx.practice_id,
        business_key=key,
        file_id=ctx.file_id,
        control_number=remit.control_number,
        interchange_control="",
        payer_id=remit.payer.id,
        payer_name=remit.payer.name,
        payee_name=remit.payee.name,
        payee_npi=remit.payee.npi,
        trace_number=remit.trace_number,
        trace_payer_id=remit.trace_payer_id,
        handling_code=remit.handling_code,
        total_paid=remit.total_paid,
        credit_debit=remit.credit_debit,
        payment_method=remit.payment_method,
        payment_date=remit.payment_date,
        production_date=remit.production_date,
        balanced=not issues,
        position=remit.position,
        created_by=ctx.user,
    )
    s.add(row)
    s.flush()
    for plb in remit.provider_adjustments:
        s.add(
            ProviderAdjustmentRow(
                practice_id=ctx.practice_id,
                remittance_id=row.id,
                provider_id=plb.provider_id,
                fiscal_period_end=plb.fiscal_period_end,
                reason=plb.reason,
                reference=plb.reference,
                amount=plb.amount,
                position=plb.position,
                created_by=ctx.user,
            )
        )
    for issue in issues:
        s.add(
            BalanceIssueRow(
                practice_id=ctx.practice_id,
                file_id=ctx.file_id,
                remittance_id=row.id,
                rule=issue.rule,
                position=issue.position,
                expected=issue.expected,
                actual=issue.actual,
                message=issue.message,
                clp01=issue.claim,
                line_number=issue.line,
                created_by=ctx.user,
            )
        )
        result.balance_issues.append(
            {
                "set": remit.control_number,
                "segment": issue.position,
                "rule": issue.rule,
                "message": issue.message,
            }
        )
    items = list(enumerate(remit.claims, start=1))
    for run in runs(items, lambda item: item[1].patient_control_number):
        result.duplicates += _store_remit_run(ctx, remit, row.id, run)
    row.claims_paid = s.scalar(
        select(func.coalesce(func.sum(RemitClaimRow.paid), 0)).where(
            RemitClaimRow.remittance_id == row.id
        )
    )
    return result


def _store_remit_run(
    ctx: IngestContext,
    remit: Remittance,
    remittance_id: int,
    run: list[tuple[int, RemitClaim]],
) -> int:
    """Store CLPs with distinct CLP01s at once; returns how many were already stored."""
    s = ctx.session
    keyed = []
    for ordinal, rc in run:
        start, end = _dates(rc)
        key = _hash(
            remit.payer.id,
            remit.trace_number,
            rc.patient_control_number,
            rc.status,
            rc.payer_claim_control_number,
            start,
            end,
            ordinal,
        )
        keyed.append((ordinal, rc, key, start, end))
    existing = set(
        s.scalars(
            select(RemitClaimRow.business_key).where(
                RemitClaimRow.practice_id == ctx.practice_id,
                RemitClaimRow.business_key.in_([k[2] for k in keyed]),
            )
        )
    )
    prior: dict[str, list[RemitClaimRow]] = {}
    for p in s.scalars(
        select(RemitClaimRow)
        .join(RemittanceRow, RemittanceRow.id == RemitClaimRow.remittance_id)
        .where(
            RemitClaimRow.practice_id == ctx.practice_id,
            RemitClaimRow.clp01.in_(sorted({rc.patient_control_number for _, rc in run})),
            RemittanceRow.payer_id == remit.payer.id,
        )
        .order_by(RemitClaimRow.id.desc())
    ):
        prior.setdefault(p.clp01, []).append(p)
    cands: dict[str, list[ClaimRow]] = {}
    # Sorted by claim key here, not in SQL: that ORDER BY makes SQLite walk the unique
    # claim-key index over the whole practice instead of searching ix_claim_clm01.
    for c in sorted(
        s.scalars(
            select(ClaimRow)
            .where(
                ClaimRow.practice_id == ctx.practice_id,
                ClaimRow.clm01.in_(sorted({rc.patient_control_number.strip() for _, rc in run})),
                ClaimRow.payer_id.in_(sorted(_payer_ids(ctx, remit.payer.id))),
            )
            .options(defer(ClaimRow.claim_json))
        ),
        key=lambda c: c.claim_key,
    ):
        cands.setdefault(c.clm01, []).append(c)
    new: list[tuple[RemitClaim, dict[str, Any], ClaimRow | None]] = []
    for ordinal, rc, key, start, end in keyed:
        if key in existing:
            continue
        previous, role = _chain(prior.get(rc.patient_control_number, []), rc)
        claim: ClaimRow | None
        if rc.is_reversal and previous is not None and previous.claim_id is not None:
            claim = s.get(ClaimRow, previous.claim_id)
            status, candidates = "matched", [claim.claim_key] if claim else []
        else:
            status, claim, candidates = match_claim(
                cands.get(rc.patient_control_number.strip(), []), rc, start, end
            )
        new.append(
            (
                rc,
                {
                    "practice_id": ctx.practice_id,
                    "business_key": key,
                    "remittance_id": remittance_id,
                    "ordinal": ordinal,
                    "clp01": rc.patient_control_number,
                    "status_code": rc.status,
                    "charge": rc.charge,
                    "paid": rc.paid,
                    "patient_responsibility": rc.patient_responsibility,
                    "filing_indicator": rc.filing_indicator,
                    "payer_claim_number": rc.payer_claim_control_number,
                    "facility_code": rc.facility_code,
                    "frequency": rc.frequency,
                    "drg": rc.drg,
                    "service_from": start,
                    "service_to": end,
                    "received": rc.received,
                    "remark_codes": list(rc.remark_codes),
                    "claim_id": claim.id if claim else None,
                    "match_status": status,
                    "match_candidates": candidates,
                    "chain_role": role,
                    "previous_id": previous.id if previous else None,
                    "position": rc.position,
                    "created_by": ctx.user,
                },
                claim,
            )
        )
    if not new:
        return len(run)
    ids = bulk_insert(s, RemitClaimRow, [values for _, values, _ in new], "business_key")
    mark_initial(s, ids)
    adjustments: list[dict[str, Any]] = []
    lines: list[dict[str, Any]] = []
    owners: list[tuple[int, RemitLine]] = []
    for rid, (rc, _, _) in zip(ids, new, strict=True):
        adjustments += [
            _adjustment(ctx, rid, None, "claim", adj, list(rc.remark_codes))
            for adj in rc.adjustments
        ]
        for line in rc.lines:
            lines.append(_line_values(ctx, rid, line))
            owners.append((rid, line))
    if lines:
        s.execute(insert(table_of(RemitLineRow)), lines)
        line_ids = dict(
            ((r, n), i)
            for r, n, i in s.execute(
                select(
                    RemitLineRow.remit_claim_id, RemitLineRow.line_number, RemitLineRow.id
                ).where(RemitLineRow.remit_claim_id.in_(ids))
            )
        )
        for rid, line in owners:
            lid = line_ids[(rid, line.number)]
            adjustments += [
                _adjustment(ctx, rid, lid, "line", adj, list(line.remark_codes))
                for adj in line.adjustments
            ]
    if adjustments:
        s.execute(insert(table_of(AdjustmentRow)), adjustments)
    for rid, (rc, _, claim) in zip(ids, new, strict=True):
        if claim is not None:
            _apply_remit(ctx, remit, rc, rid, claim)
    return len(run) - len(new)


def _line_values(ctx: IngestContext, remit_claim_id: int, line: RemitLine) -> dict[str, Any]:
    original = line.original_procedure
    return {
        "practice_id": ctx.practice_id,
        "remit_claim_id": remit_claim_id,
        "line_number": line.number,
        "procedure_qualifier": line.procedure.qualifier,
        "procedure_code": line.procedure.code,
        "modifiers": list(line.procedure.modifiers),
        "original_procedure_code": original.code if original else None,
        "original_modifiers": list(original.modifiers) if original else [],
        "revenue_code": line.revenue_code,
        "charge": line.charge,
        "paid": line.paid,
        "units": line.units,
        "original_units": line.original_units,
        "service_from": line.date_of_service,
        "service_to": line.service_to or line.date_of_service,
        "allowed": line.allowed,
        "line_control_number": line.line_control_number,
        "remark_codes": list(line.remark_codes),
        "position": line.position,
        "created_by": ctx.user,
    }


def _adjustment(
    ctx: IngestContext,
    remit_claim_id: int,
    line_id: int | None,
    level: str,
    adj: Adjustment,
    rarcs: list[str],
) -> dict[str, Any]:
    return {
        "practice_id": ctx.practice_id,
        "remit_claim_id": remit_claim_id,
        "remit_line_id": line_id,
        "level": level,
        "group_code": adj.group,
        "carc": adj.reason,
        "amount": adj.amount,
        "quantity": adj.quantity,
        "rarcs": rarcs,
        "position": adj.position,
        "created_by": ctx.user,
    }


def _apply_remit(
    ctx: IngestContext, remit: Remittance, rc: RemitClaim, remit_claim_id: int, claim: ClaimRow
) -> None:
    on = remit.payment_date or remit.production_date
    detail: dict[str, Any] = {
        "clp02": rc.status,
        "paid": str(rc.paid),
        "payer_claim_number": rc.payer_claim_control_number,
        "trace": remit.trace_number,
    }
    if rc.is_reversal:
        transition(
            ctx,
            claim,
            "accepted",
            "payment_reversed",
            source_kind="835",
            occurred_on=on,
            remit_claim_id=remit_claim_id,
            detail=detail,
            force=True,
        )
    else:
        status, event = remit_outcome(rc)
        transition(
            ctx,
            claim,
            status or claim.status,
            event,
            source_kind="835",
            occurred_on=on,
            remit_claim_id=remit_claim_id,
            detail=detail,
        )
    if rc.payer_claim_control_number and not claim.payer_claim_number:
        claim.payer_claim_number = rc.payer_claim_control_number


def _chain(prior: list[RemitClaimRow], rc: RemitClaim) -> tuple[RemitClaimRow | None, str]:
    """The earlier adjudication ``rc`` reverses or corrects (``prior``: newest first)."""
    number = rc.payer_claim_control_number
    if rc.is_reversal:
        reversed_ids = {p.previous_id for p in prior if p.chain_role == "reversal"}
        for p in prior:
            if (
                p.status_code != "22"
                and p.id not in reversed_ids
                and (not number or p.payer_claim_number == number)
            ):
                return p, "reversal"
        return None, "reversal"
    for p in prior:
        if number and p.payer_claim_number == number:
            return p, "correction"
    if prior and prior[0].chain_role == "reversal":
        return prior[0], "correction"
    return None, "original"


def _payer_ids(ctx: IngestContext, payer_id: str) -> frozenset[str]:
    """The 835 payer id and the 837 payer ids the registry lists for the same payer."""
    found = ctx.payer_aliases.get(payer_id)
    if found is None:
        ids = {payer_id}
        for payer in ctx.session.scalars(select(Payer)):
            if payer_id in (payer.remit_payer_ids or []):
                ids.update(payer.claim_payer_ids or [])
        found = ctx.payer_aliases[payer_id] = frozenset(ids)
    return found


def overlaps(row: ClaimRow, start: dt.date | None, end: dt.date | None) -> bool:
    """Whether the claim's service dates overlap ``start``..``end`` (unknown: yes)."""
    if start is None or row.service_from is None:
        return True
    return row.service_from <= (end or start) and start <= (row.service_to or row.service_from)


def match_claim(
    cands: list[ClaimRow],
    rc: RemitClaim,
    start: dt.date | None,
    end: dt.date | None,
) -> tuple[str, ClaimRow | None, list[str]]:
    """(``matched``/``unmatched``/``ambiguous``, the claim version, candidate claim keys).

    ``cands`` are the versions whose CLM01 is CLP01, for the practice and the payer.
    """
    number = rc.payer_claim_control_number
    steps: list[Callable[[ClaimRow], bool]] = [
        lambda c: c.payer_claim_number == number if number else True,
        lambda c: c.payer_claim_number in (None, number),
        lambda c: overlaps(c, start, end),
        lambda c: c.status not in ("rejected", "closed"),
        lambda c: c.frequency_code == rc.frequency if rc.frequency else True,
    ]
    for keep in steps:
        if len(cands) <= 1:
            break
        narrowed = [c for c in cands if keep(c)]
        if narrowed:
            cands = narrowed
    if not cands:
        return "unmatched", None, []
    if len(cands) == 1:
        return "matched", cands[0], [cands[0].claim_key]
    return "ambiguous", None, [c.claim_key for c in cands]
