"""Payer errors: comparing a replacement with its original, the verdict, reclassification,
overturns on resubmission, and the payer-error rate per payer per month.

A denial is **payer-error** when it was overturned on the first appeal or on resubmission
(the first frequency-7 replacement of the denied version is processed without denying
it) with no change (:func:`claim_changes`) to codes, modifiers, units or diagnoses; payer,
subscriber or COB data; authorization; attachments or documentation; providers or place of
service, and its original root cause was not
documentation, eligibility or authorization (nor unclassified: an unknown cause may have
been one of those). Only a replacement (frequency 7) is compared with its original; a
frequency-1 resubmission is a new claim and proves nothing about the payer.

:func:`reclassify` keeps the classification it replaces as a history row
(:func:`~cleanclaim.storage.tables_denials.keep_history`) and in ``original_root_cause``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cleanclaim.storage.tables_denials import DenialRow, keep_history
from cleanclaim.storage.tables_x12 import ClaimRow, RemitClaimRow, RemitLineRow

ASPECTS = (
    "codes",
    "modifiers",
    "units",
    "diagnoses",
    "payer",
    "subscriber",
    "cob",
    "authorization",
    "documentation",
    "providers",
    "place-of-service",
)
"""What a replacement may change; any change means the payer was not simply wrong."""
NEVER_PAYER_ERROR = frozenset({"documentation", "eligibility", "authorization"})
PAID_STATUSES = frozenset({"1", "2", "3", "19", "20", "21"})
"""CLP02 values of a processed (not denied, not reversed) claim."""

_NUMERIC = frozenset(
    {"units", "ndc_quantity", "paid_amount", "amount", "quantity", "paid_units",
     "remaining_patient_liability"}
)  # fmt: skip
_DOCUMENTATION_KEYS = ("attachments", "notes")
"""Claim and line keys holding attachments (PWK) and notes (NTE), when the reader keeps
them; today's 837 reader does not, so such changes cannot be seen (see the docs)."""


def _norm(value: Any, key: str = "") -> Any:
    """A comparable form: case and spacing of text ignored, numbers by value."""
    if isinstance(value, Mapping):
        return tuple(sorted((k, _norm(v, k)) for k, v in value.items() if k != "source_segment"))
    if isinstance(value, list | tuple):
        return tuple(_norm(v, key) for v in value)
    if key in _NUMERIC and value is not None:
        try:
            return format(Decimal(str(value)).normalize(), "f")
        except InvalidOperation:
            return str(value)
    if isinstance(value, str):
        return " ".join(value.upper().split()) or None
    return value


def _lines(claim: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    lines = claim.get("lines") or []
    return sorted(lines, key=lambda ln: int(ln.get("number") or 0))


def _pick(data: Mapping[str, Any] | None, *keys: str) -> tuple[Any, ...]:
    data = data or {}
    return tuple(_norm(data.get(k), k) for k in keys)


def _person(data: Mapping[str, Any] | None) -> tuple[Any, ...]:
    return _pick(data, "member_id", "last_name", "first_name", "middle_name", "birth_date",
                 "sex", "relationship")  # fmt: skip


_PROVIDER_KEYS = (
    "billing_provider", "pay_to_provider", "rendering_provider", "referring_provider",
    "attending_provider", "operating_provider", "other_operating_provider",
    "supervising_provider", "service_facility",
)  # fmt: skip


def _provider(data: Mapping[str, Any] | None) -> tuple[Any, ...]:
    """A provider by its identifiers (NPI, tax id, taxonomy); names are not compared."""
    return _pick(data, "npi", "tin", "taxonomy")


def _aspect(claim: Mapping[str, Any], aspect: str) -> Any:
    lines = _lines(claim)
    if aspect == "codes":
        icodes = [_pick(c, "qualifier", "code") for c in claim.get("institutional_codes") or []]
        per_line = [_pick(ln, "procedure_qualifier", "procedure_code", "revenue_code", "ndc")
                    for ln in lines]  # fmt: skip
        return per_line, icodes, _norm(claim.get("drg"))
    if aspect == "modifiers":
        return [tuple(sorted(m for m in _norm(ln.get("modifiers") or []) if m)) for ln in lines]
    if aspect == "units":
        return [_pick(ln, "units", "unit_basis", "ndc_quantity", "ndc_unit") for ln in lines]
    if aspect == "diagnoses":
        dx = [_pick(d, "qualifier", "code", "poa") for d in claim.get("diagnoses") or []]
        return dx, [_norm(ln.get("diagnosis_pointers") or []) for ln in lines]
    if aspect == "payer":
        return _pick(claim.get("payer"), "payer_id", "responsibility", "filing_indicator",
                     "group_number", "insurance_type")  # fmt: skip
    if aspect == "subscriber":
        return _person(claim.get("subscriber")), _person(claim.get("patient"))
    if aspect == "cob":
        return _norm(claim.get("other_payers") or []), [
            _norm(ln.get("adjudications") or []) for ln in lines
        ]
    if aspect == "authorization":
        return _pick(claim, "prior_authorization", "referral_number"), [
            _norm(ln.get("prior_authorization")) for ln in lines
        ]
    if aspect == "documentation":
        return _pick(claim, *_DOCUMENTATION_KEYS), [_pick(ln, *_DOCUMENTATION_KEYS) for ln in lines]
    if aspect == "providers":
        return [_provider(claim.get(k)) for k in _PROVIDER_KEYS], [
            (_provider(ln.get("rendering_provider")),
             tuple(_provider(p) for p in ln.get("other_providers") or []))
            for ln in lines
        ]  # fmt: skip
    if aspect == "place-of-service":
        return _norm(claim.get("place_of_service")), [
            _norm(ln.get("place_of_service")) for ln in lines
        ]
    raise ValueError(f"unknown aspect {aspect!r}")


def claim_changes(original: Mapping[str, Any], replacement: Mapping[str, Any]) -> list[str]:
    """The :data:`ASPECTS` a replacement changed, comparing two parsed claims (claim_json).

    Charges, dates, provider names and the frequency code are not compared.
    """
    return [a for a in ASPECTS if _aspect(original, a) != _aspect(replacement, a)]


@dataclass(frozen=True)
class Verdict:
    """Whether an overturned denial was the payer's error, and why (in plain words)."""

    payer_error: bool
    why: str


def payer_error_verdict(
    root_cause: str, *, outcome: str | None, level: int, changes: Sequence[str]
) -> Verdict:
    """Decide whether a denial overturned with ``outcome`` at ``level`` was a payer error."""
    if root_cause == "payer-error":
        return Verdict(False, "already classified as payer-error")
    if root_cause == "not-a-denial":
        return Verdict(False, "the adjustment is not a denial")
    if outcome != "overturned":
        return Verdict(False, f"the appeal was {outcome or 'not decided'}, not overturned")
    if level != 1:
        return Verdict(False, f"overturned at appeal level {level}, not on the first appeal")
    if root_cause in NEVER_PAYER_ERROR:
        return Verdict(False, f"its original cause was {root_cause}, which the practice "
                              "fixes by sending what was missing")  # fmt: skip
    if root_cause == "unclassified":
        return Verdict(False, "its original cause is unknown, so it may have been "
                              "documentation, eligibility or authorization")  # fmt: skip
    if changes:
        return Verdict(False, "the replacement claim changed " + ", ".join(changes))
    return Verdict(True, "overturned with no change to the claim")


def replacement_changes(session: Session, original: ClaimRow) -> list[str]:
    """What the first replacement of ``original`` changed (nothing if there is none)."""
    replacement = session.scalars(
        select(ClaimRow)
        .where(ClaimRow.practice_id == original.practice_id,
               ClaimRow.original_id == original.id, ClaimRow.frequency_code == "7")
        .order_by(ClaimRow.id)
    ).first()  # fmt: skip
    if replacement is None:
        return []
    return claim_changes(original.claim_json, replacement.claim_json)


def reclassify(session: Session, denial: DenialRow, user: str, reason: str, how: str) -> None:
    """Turn ``denial`` into payer-error, keeping its classification as a history row."""
    keep_history(session, denial, user)
    before = denial.root_cause
    denial.original_root_cause = before
    denial.root_cause = "payer-error"
    denial.reason = reason
    denial.responsible = "payer"
    denial.avoidable = False
    if denial.confidence == "certain":
        denial.confidence = "likely"
    denial.explanation = (
        f"Payer error: {how}, with no change to codes, modifiers, units, diagnoses, payer, "
        f"subscriber or COB data, authorization, attachments, providers or place of service "
        f"seen on the claim. It was "
        f"first classified as {before} ({denial.group_code}-{denial.carc}); that classification "
        "is kept in history."
    )
    denial.classified_at = dt.datetime.now(dt.UTC)
    session.flush()


def _live_payment(session: Session, claim_id: int) -> RemitClaimRow | None:
    """The claim's latest processed adjudication (CLP02 1, 2, 3, 19, 20, 21), not reversed."""
    rows = list(session.scalars(
        select(RemitClaimRow).where(RemitClaimRow.claim_id == claim_id).order_by(RemitClaimRow.id)
    ))  # fmt: skip
    reversed_ids = {r.previous_id for r in rows if r.chain_role == "reversal"}
    live = [
        r for r in rows
        if r.chain_role != "reversal" and r.id not in reversed_ids
        and r.status_code in PAID_STATUSES
    ]  # fmt: skip
    return live[-1] if live else None


def _paid_for(session: Session, payment: RemitClaimRow, line: int | None) -> bool:
    """Whether ``payment`` processed the denied line (or, for a claim-level denial, the
    claim) without denying it: paid, or applied to the patient's share (a deductible)."""
    denied = set(session.scalars(
        select(DenialRow.line).where(
            DenialRow.remit_claim_id == payment.id, DenialRow.superseded_by.is_(None),
            DenialRow.denial.is_(True))
    ))  # fmt: skip
    if None in denied or line in denied:
        return False
    lines = set(session.scalars(
        select(RemitLineRow.line_number).where(RemitLineRow.remit_claim_id == payment.id)
    ))  # fmt: skip
    return line is None or not lines or line in lines


def reconcile_resubmissions(session: Session, practice_id: int, *, user: str) -> list[int]:
    """Reclassify denials overturned on resubmission; returns the denial ids changed.

    For each denied version whose first frequency-7 replacement was processed (paid or
    applied to the patient's share, not reversed),
    the replacement is compared with it; each denial the payment overturned is judged by
    :func:`payer_error_verdict`. Idempotent: a payer-error denial is not judged again.
    """
    firsts: dict[int, int] = {}
    for rid, oid in session.execute(
        select(ClaimRow.id, ClaimRow.original_id)
        .where(ClaimRow.practice_id == practice_id, ClaimRow.frequency_code == "7",
               ClaimRow.original_id.is_not(None))
        .order_by(ClaimRow.id)
    ):  # fmt: skip
        if oid is not None:
            firsts.setdefault(oid, rid)
    changed: list[int] = []
    for original_id, replacement_id in firsts.items():
        denials = list(session.scalars(
            select(DenialRow)
            .where(DenialRow.practice_id == practice_id, DenialRow.claim_id == original_id,
                   DenialRow.superseded_by.is_(None), DenialRow.denial.is_(True),
                   DenialRow.counted.is_(True),
                   DenialRow.root_cause.not_in(("payer-error", "not-a-denial")))
            .order_by(DenialRow.id)
        ))  # fmt: skip
        payment = _live_payment(session, replacement_id) if denials else None
        if payment is None:
            continue
        original = session.get(ClaimRow, original_id)
        replacement = session.get(ClaimRow, replacement_id)
        assert original is not None and replacement is not None
        changes = claim_changes(original.claim_json, replacement.claim_json)
        for denial in denials:
            if not _paid_for(session, payment, denial.line):
                continue
            verdict = payer_error_verdict(
                denial.root_cause, outcome="overturned", level=1, changes=changes
            )
            if verdict.payer_error:
                reclassify(
                    session,
                    denial,
                    user,
                    "overturned-on-resubmission",
                    f"paid on its first replacement {replacement.claim_key}",
                )
                changed.append(denial.id)
    return changed


# -- the payer-error rate --------------------------------------------------------------------


@dataclass(frozen=True)
class PayerErrorRate:
    """Denied lines and claims of one payer in one remittance month, and how many of them
    turned out to be the payer's error."""

    payer: str
    month: str
    """``YYYY-MM`` of the remittance (``unknown`` without a remittance date)."""
    denied: int
    """Denied lines, plus claim-level denials (each counted once, not per CAS triple)."""
    payer_errors: int
    rate: Decimal
    """``payer_errors / denied``, to 4 decimal places."""
    denied_amount: Decimal
    payer_error_amount: Decimal

    def to_json(self) -> dict[str, Any]:
        return {
            "payer": self.payer, "month": self.month, "denied": self.denied,
            "payer_errors": self.payer_errors, "rate": str(self.rate),
            "denied_amount": f"{self.denied_amount:.2f}",
            "payer_error_amount": f"{self.payer_error_amount:.2f}",
        }  # fmt: skip


def payer_error_rates(
    session: Session,
    practice_id: int,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
) -> list[PayerErrorRate]:
    """The payer-error rate per payer per remittance month, sorted by payer and month."""
    query = select(DenialRow).where(
        DenialRow.practice_id == practice_id, DenialRow.superseded_by.is_(None),
        DenialRow.denial.is_(True), DenialRow.counted.is_(True), DenialRow.source == "cas",
    )  # fmt: skip
    if since is not None:
        query = query.where(DenialRow.remit_date >= since)
    if until is not None:
        query = query.where(DenialRow.remit_date <= until)
    units: dict[tuple[str, str, int | None, int | None], list[DenialRow]] = {}
    for row in session.scalars(query.order_by(DenialRow.id)):
        month = row.remit_date.strftime("%Y-%m") if row.remit_date else "unknown"
        units.setdefault((row.payer, month, row.remit_claim_id, row.line), []).append(row)
    totals: dict[tuple[str, str], list[Any]] = {}
    for (payer, month, _, _), rows in units.items():
        cell = totals.setdefault((payer, month), [0, 0, Decimal(0), Decimal(0)])
        amount = sum((r.amount for r in rows), Decimal(0))
        cell[0] += 1
        cell[2] += amount
        if any(r.root_cause == "payer-error" for r in rows):
            cell[1] += 1
            cell[3] += amount
    return [
        PayerErrorRate(payer, month, n, errors,
                       (Decimal(errors) / Decimal(n)).quantize(Decimal("0.0001")), amount,
                       error_amount)
        for (payer, month), (n, errors, amount, error_amount) in sorted(totals.items())
    ]  # fmt: skip
