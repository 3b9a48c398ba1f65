"""The payer-error ledger: appeals, their outcomes, and denials the payer got wrong.

**Appeals.** :func:`record_appeal` records that the acting user filed an appeal of a
claim's open denials on a date, and later its outcome (``overturned``, ``upheld`` or
``partial``) and the amount paid (``Decimal``). The claim moves to ``appealed`` when it is
filed and to ``closed`` when the appeal is overturned or partly overturned (an upheld
appeal leaves it ``appealed``: the practice may appeal again or write it off). Recording
the same appeal (claim and filing date) again updates it; nothing is duplicated.

**Payer error.** When an appeal is overturned at level 1, each denial it covers is judged
by :func:`~cleanclaim.denials.payer_error.payer_error_verdict` (the first replacement of
the denied version, if any, is compared with it) and reclassified as ``payer-error`` when
the payer was simply wrong; see :mod:`cleanclaim.denials.payer_error`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from cleanclaim.claims.lifecycle import IngestContext, flush_events, transition
from cleanclaim.claims.lookup import claim_family, find_claim
from cleanclaim.denials.deadlines import appealable
from cleanclaim.denials.payer_error import payer_error_verdict, reclassify, replacement_changes
from cleanclaim.errors import UsageError
from cleanclaim.storage.accounts import Actor, audit
from cleanclaim.storage.tables_denials import AppealRow, DenialRow
from cleanclaim.storage.tables_x12 import ClaimRow, RemitClaimRow

OUTCOMES = ("overturned", "upheld", "partial")
CENT = Decimal("0.01")

# -- recording appeals -----------------------------------------------------------------------


@dataclass
class AppealResult:
    """What :func:`record_appeal` stored."""

    appeal_id: int
    claim_key: str
    clm01: str
    level: int
    filed_on: dt.date
    filed_by: str
    outcome: str | None
    paid: Decimal | None
    denial_ids: list[int]
    created: bool
    payer_error: list[int] = field(default_factory=list)
    """Denials reclassified as payer-error by this outcome."""
    not_payer_error: list[tuple[int, str]] = field(default_factory=list)
    """Overturned denials that stay as classified, with the reason."""
    decided_now: bool = False
    """The outcome was recorded by this call (not before)."""

    def to_json(self) -> dict[str, Any]:
        return {
            "appeal_id": self.appeal_id, "claim_key": self.claim_key, "clm01": self.clm01,
            "level": self.level, "filed_on": self.filed_on.isoformat(),
            "filed_by": self.filed_by, "outcome": self.outcome,
            "paid": None if self.paid is None else f"{self.paid:.2f}",
            "denial_ids": self.denial_ids, "created": self.created,
            "payer_error": self.payer_error,
            "not_payer_error": [{"denial_id": i, "why": w} for i, w in self.not_payer_error],
        }  # fmt: skip


def parse_amount(text: str | None, option: str = "--paid") -> Decimal | None:
    """A money amount like ``80`` or ``80.50`` (never negative), or a usage error."""
    if text is None:
        return None
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite() or value < 0 or value != value.quantize(CENT):
        raise UsageError(f"{option}: {text!r} is not an amount (expected e.g. 80.00)")
    return value.quantize(CENT)


def _check(outcome: str | None, paid: Decimal | None, filed_on: dt.date, today: dt.date) -> None:
    if outcome is not None and outcome not in OUTCOMES:
        raise UsageError(f"--outcome: {outcome!r} is not one of {', '.join(OUTCOMES)}")
    if paid is not None and outcome is None:
        raise UsageError("--paid needs --outcome (the amount is paid on a decided appeal)")
    if outcome == "upheld" and paid:
        raise UsageError("--paid: an upheld appeal pays nothing")
    if filed_on > today:
        raise UsageError(f"--filed: {filed_on.isoformat()} is in the future")


def record_appeal(
    session: Session,
    who: Actor,
    ref: str,
    *,
    filed_on: dt.date,
    outcome: str | None = None,
    paid: Decimal | None = None,
    today: dt.date | None = None,
) -> AppealResult:
    """Record an appeal of the claim ``ref`` (claim key, or CLM01 unique in the practice).

    Raises:
        NotFoundError / AmbiguousError: ``ref`` names no claim, or several (exit 2).
        UsageError: bad outcome or amount, nothing to appeal, or a conflicting outcome.
    """
    today = today or dt.date.today()
    _check(outcome, paid, filed_on, today)
    named = find_claim(session, who.practice_id, ref)
    family = claim_family(session, named)
    appeals = list(session.scalars(
        select(AppealRow)
        .where(AppealRow.practice_id == who.practice_id,
               AppealRow.claim_id.in_([r.id for r in family]))
        .order_by(AppealRow.filed_on, AppealRow.id)
    ))  # fmt: skip
    appeal = next((a for a in appeals if a.filed_on == filed_on), None)
    created = appeal is None
    if appeal is None:
        appeal = _new_appeal(session, who, named, family, appeals, filed_on)
    version = session.get(ClaimRow, appeal.claim_id)
    assert version is not None
    result = AppealResult(appeal.id, appeal.claim_key, version.clm01, appeal.level,
                          appeal.filed_on, appeal.filed_by, appeal.outcome, appeal.paid,
                          list(appeal.denial_ids), created)  # fmt: skip
    if outcome is not None:
        _decide(session, who, appeal, version, outcome, paid, today, result)
    return result


def record_appeal_of_remit(
    session: Session,
    who: Actor,
    remit_claim_id: int,
    *,
    filed_on: dt.date,
    filed_by: str,
    level: int | None = None,
    outcome: str | None = None,
    paid: Decimal | None = None,
    outcome_on: dt.date | None = None,
) -> AppealResult:
    """Record an appeal of the denials of one 835 claim (a CLP loop), as an appeals file
    tells it: who filed it, its level, and when it was decided come from the file.

    Unlike :func:`record_appeal`, the denials need not be open: a file is often imported
    after the remittance that answered the appeal (a reversal and a new payment). The
    appeal covers the counted, appealable denials of that CLP. The same claim and filing
    date again updates nothing but a missing outcome.

    Raises:
        UsageError: the CLP is not matched to a claim, has no appealable denial, or the
            outcome conflicts with the one stored.
    """
    decided = outcome_on or filed_on
    _check(outcome, paid, filed_on, dt.date.today())
    if decided < filed_on:
        raise UsageError(f"the outcome date {decided.isoformat()} is before the filing date "
                         f"{filed_on.isoformat()}")  # fmt: skip
    remit = session.get(RemitClaimRow, remit_claim_id)
    if remit is None or remit.practice_id != who.practice_id or remit.claim_id is None:
        raise UsageError(f"835 claim {remit_claim_id} is not matched to a stored claim")
    version = session.get(ClaimRow, remit.claim_id)
    assert version is not None
    family = claim_family(session, version)
    appeals = list(session.scalars(
        select(AppealRow)
        .where(AppealRow.practice_id == who.practice_id,
               AppealRow.claim_id.in_([r.id for r in family]))
        .order_by(AppealRow.filed_on, AppealRow.id)
    ))  # fmt: skip
    appeal = next((a for a in appeals if a.filed_on == filed_on), None)
    created = appeal is None
    if appeal is None:
        denials = [d for d in session.scalars(
            select(DenialRow)
            .where(DenialRow.practice_id == who.practice_id,
                   DenialRow.remit_claim_id == remit_claim_id,
                   DenialRow.superseded_by.is_(None), DenialRow.denial.is_(True),
                   DenialRow.counted.is_(True))
            .order_by(DenialRow.id)
        ) if appealable(d.carc)]  # fmt: skip
        if not denials:
            raise UsageError(f"claim {version.claim_key}: the 835 claim "
                             f"{remit.payer_claim_number} has no appealable denial")  # fmt: skip
        if level is None:
            level = 1 + sum(1 for a in appeals if a.filed_on < filed_on)
        appeal = _create(session, who, version, denials, filed_on, filed_by, level)
    result = AppealResult(appeal.id, appeal.claim_key, version.clm01, appeal.level,
                          appeal.filed_on, appeal.filed_by, appeal.outcome, appeal.paid,
                          list(appeal.denial_ids), created)  # fmt: skip
    if outcome is not None:
        _decide(session, who, appeal, version, outcome, paid, decided, result)
    return result


def _open_denials(session: Session, practice_id: int, claim_id: int) -> list[DenialRow]:
    """Current denials of a claim version whose 835 claim was not re-adjudicated since."""
    readjudicated = select(RemitClaimRow.previous_id).where(
        RemitClaimRow.practice_id == practice_id, RemitClaimRow.previous_id.is_not(None)
    )
    return list(session.scalars(
        select(DenialRow)
        .where(DenialRow.practice_id == practice_id, DenialRow.claim_id == claim_id,
               DenialRow.superseded_by.is_(None), DenialRow.denial.is_(True),
               DenialRow.counted.is_(True), DenialRow.root_cause != "payer-error",
               DenialRow.remit_claim_id.not_in(readjudicated))
        .order_by(DenialRow.id)
    ))  # fmt: skip


def _new_appeal(
    session: Session, who: Actor, named: ClaimRow, family: list[ClaimRow],
    appeals: list[AppealRow], filed_on: dt.date,
) -> AppealRow:  # fmt: skip
    pending = [a for a in appeals if a.outcome is None]
    if pending:
        raise UsageError(
            f"claim {named.claim_key} already has an appeal filed on "
            f"{pending[0].filed_on.isoformat()} with no outcome; record its outcome first"
        )
    settled = {i for a in appeals if a.outcome in ("overturned", "partial") for i in a.denial_ids}
    version, denials = named, []
    for candidate in sorted((r for r in family if r.id <= named.id), key=lambda r: -r.id):
        found = [d for d in _open_denials(session, who.practice_id, candidate.id)
                 if d.id not in settled]  # fmt: skip
        if found:
            version, denials = candidate, found
            break
    if not denials:
        raise UsageError(f"claim {named.claim_key} (CLM01 {named.clm01}) has no open denials "
                         "to appeal")  # fmt: skip
    denials = [d for d in denials if appealable(d.carc)]
    if not denials:
        raise UsageError(f"claim {version.claim_key}: its only denials are CARC 29 (filing "
                         "time expired), which cannot be appealed; see the write-off review "
                         "in `denials queue`")  # fmt: skip
    noticed = [d.remit_date for d in denials if d.remit_date is not None]
    if noticed and filed_on < min(noticed):
        raise UsageError(f"--filed: {filed_on.isoformat()} is before the denial it appeals "
                         f"(remittance of {min(noticed).isoformat()})")  # fmt: skip
    level = 1 + sum(1 for a in appeals if a.filed_on < filed_on)
    return _create(session, who, version, denials, filed_on, who.user, level)


def _create(
    session: Session, who: Actor, version: ClaimRow, denials: list[DenialRow],
    filed_on: dt.date, filed_by: str, level: int,
) -> AppealRow:  # fmt: skip
    appeal = AppealRow(
        practice_id=who.practice_id, created_by=who.user, claim_id=version.id,
        claim_key=version.claim_key, denial_ids=[d.id for d in denials], filed_on=filed_on,
        filed_by=filed_by, level=level, outcome=None, paid=None, outcome_on=None, notes="",
    )  # fmt: skip
    session.add(appeal)
    session.flush()
    _event(session, who, version, "appealed", "appeal-filed", filed_on,
           {"appeal": appeal.id, "level": level})  # fmt: skip
    audit(session, who.user, who.practice_id, "create", "appeal", version.claim_key,
          {"appeal": appeal.id, "filed_on": filed_on.isoformat(), "level": level})  # fmt: skip
    return appeal


def _event(
    session: Session, who: Actor, row: ClaimRow, to_status: str, event: str,
    on: dt.date, detail: dict[str, Any],
) -> None:  # fmt: skip
    """A lifecycle event from the user (no source file)."""
    ctx = IngestContext(session, who.practice_id, who.user, file_id=0, path_name="")
    transition(ctx, row, to_status, event, source_kind="user", occurred_on=on, detail=detail)
    for queued in ctx.events:
        queued["source_file_id"] = None
    flush_events(ctx)


def _decide(
    session: Session, who: Actor, appeal: AppealRow, version: ClaimRow, outcome: str,
    paid: Decimal | None, today: dt.date, result: AppealResult,
) -> None:  # fmt: skip
    if appeal.outcome is not None:
        if appeal.outcome != outcome or (paid is not None and paid != appeal.paid):
            raise UsageError(
                f"the appeal of {appeal.claim_key} filed on {appeal.filed_on.isoformat()} "
                f"already has outcome {appeal.outcome}"
                + (f" (paid {appeal.paid:.2f})" if appeal.paid is not None else "")
            )
        return
    appeal.outcome, appeal.paid, appeal.outcome_on = outcome, paid, today
    result.outcome, result.paid, result.decided_now = outcome, paid, True
    _event(session, who, version, "appealed" if outcome == "upheld" else "closed",
           f"appeal-{outcome}", today,
           {"appeal": appeal.id, "paid": None if paid is None else f"{paid:.2f}"})  # fmt: skip
    audit(session, who.user, who.practice_id, "update", "appeal", appeal.claim_key,
          {"appeal": appeal.id, "outcome": outcome})  # fmt: skip
    if outcome != "overturned":
        return
    for denial in session.scalars(
        select(DenialRow).where(DenialRow.id.in_(appeal.denial_ids)).order_by(DenialRow.id)
    ):
        if denial.superseded_by is not None:
            continue
        original = session.get(ClaimRow, denial.claim_id) if denial.claim_id else None
        changes = replacement_changes(session, original) if original is not None else []
        verdict = payer_error_verdict(
            denial.root_cause, outcome=outcome, level=appeal.level, changes=changes
        )
        if verdict.payer_error:
            reclassify(
                session,
                denial,
                who.user,
                "overturned-on-appeal",
                f"overturned on the first appeal (filed {appeal.filed_on.isoformat()})",
            )
            result.payer_error.append(denial.id)
        else:
            result.not_payer_error.append((denial.id, verdict.why))
    notes = "; ".join(f"denial {i}: {w}" for i, w in result.not_payer_error)
    appeal.notes = notes
