"""After a denial: what the practice does (correct, rebill, appeal, void, write off) and
what the payer does (corrects its own error, decides an appeal and pays again).

An overturned appeal, or a payer correcting its own mistake, shows in the 835 as a
reversal of the denied claim (CLP02 22) followed by a new payment of the same claim
version, with nothing changed by the practice. The appeal itself goes to ``appeals.csv``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from cleanclaim.analytics.synthetic import adjudicate as adj
from cleanclaim.analytics.synthetic import errors as err
from cleanclaim.analytics.synthetic import payer_behaviour as pb
from cleanclaim.analytics.synthetic.encounter import Encounter, Fix, at, batch_day, build_claim
from cleanclaim.analytics.synthetic.practice import PAYERS, weekday_on_or_after
from cleanclaim.analytics.synthetic.services import Visit
from cleanclaim.x12.generate.model import GenClaim, GenClaimPayment

if TYPE_CHECKING:
    from cleanclaim.analytics.synthetic.lifecycle import Lifecycle

CODING = frozenset(e.slug for e in err.ERRORS if e.owner == "coder")
"""Errors a coder fixes by coding the claim again (a new work-log row)."""


def corrector(life: Lifecycle, enc: Encounter, cause: str) -> Fix:
    """How the practice corrects ``enc``'s claim for ``cause``."""
    practice = life.practice

    def fixed(freq: str, orig: str) -> GenClaim:
        if cause == "npi-mismatch":
            enc.rendering = None
            return build_claim(enc, practice, frequency=freq, original=orig)
        if cause == "member-id":
            sub = replace(enc.subscriber, member_id=enc.notes["member_id"])
            return build_claim(enc, practice, subscriber=sub, frequency=freq, original=orig)
        if cause == "em-level":
            visit = _relevel(enc.visit, enc.supported_em)
            return build_claim(enc, practice, visit=visit, frequency=freq, original=orig)
        return build_claim(enc, practice, visit=enc.clean_visit, frequency=freq, original=orig)

    return fixed


def follow_up(
    life: Lifecycle,
    enc: Encounter,
    claim: GenClaim,
    clp: GenClaimPayment,
    cause: str,
    day: dt.date,
    rng: random.Random,
    depth: int,
    fix: Fix | None,
) -> str:
    """What the practice (or the payer) does about a denial; returns the resolution."""
    payer = adj.payer_key(claim)
    how = _plan(cause, payer, rng)
    if how == "payer-corrects":
        profile = pb.PROFILES[payer]
        again = weekday_on_or_after(day + dt.timedelta(days=rng.randint(15, 60)), profile.weekday)
        if again > life.as_of:
            return "open"
        repay(life, enc, claim, clp, again, rng)
        return "payer-corrected"
    if how == "appeal":
        return appeal(life, enc, claim, clp, cause, day, rng)
    if how in ("write-off", "open"):
        return "written-off" if how == "write-off" else "open"
    when = at(day + dt.timedelta(days=rng.randint(4, 30)), rng)
    billed = when + dt.timedelta(hours=rng.randint(1, 30))
    batch = batch_day(billed.date())
    if batch > life.as_of:
        return "open"
    if how == "void":
        void = replace(claim, frequency="8", original_reference=clp.payer_claim_number)
        life.send_void(void, batch, payer, clp, rng)
        return "voided"
    if how == "rebill":
        pt = enc.patient
        target = PAYERS[enc.notes.get("rebill_to", pt.primary)]
        new = build_claim(enc, life.practice, payer=target, subscriber=pt.subscriber,
                          sequence="P", other_payers=())  # fmt: skip
        life.send(enc, new, batch, "", rng, depth + 1)
        return "rebilled"
    if how == "resubmit":  # a payer error: the same claim again, as a replacement
        fixed = replace(claim, frequency="7", original_reference=clp.payer_claim_number)
    else:
        fixed = (fix or corrector(life, enc, cause))("7", clp.payer_claim_number)
        if cause in CODING or cause == "em-level":
            life.work(enc, claim.claim_id, when, billed)
    replaces = clp if clp.paid else None
    life.send(enc, fixed, batch, "", rng, depth + 1, replaces=replaces, payer_error=False)
    return "resubmitted" if how == "resubmit" else "corrected"


def _plan(cause: str, payer: str, rng: random.Random) -> str:
    """payer-corrects, appeal, correct, resubmit, rebill, void, write-off or open."""
    if cause == "payer-error":
        if rng.random() < pb.PROFILES[payer].self_correct:
            return "payer-corrects"
        if rng.random() >= err.PAYER_ERROR.fix_rate:
            return "open"
        return "appeal" if rng.random() < 0.6 else "resubmit"
    error = err.BY_SLUG[cause]
    if cause == "em-level":  # rebill at the supported level, or appeal, or leave it
        roll = rng.random()
        return "correct" if roll < 0.4 else "appeal" if roll < 0.7 else "open"
    return error.fix if rng.random() < error.fix_rate else "open"


def repay(
    life: Lifecycle,
    enc: Encounter,
    claim: GenClaim,
    clp: GenClaimPayment,
    day: dt.date,
    rng: random.Random,
    keep: frozenset[int] = frozenset(),
    cause: str = "",
) -> Decimal:
    """The payer's reversal of ``clp`` and its new payment (lines in ``keep`` stay denied)."""
    payer = adj.payer_key(claim)
    services = adj.paid_services(claim, payer, enc.patient.index, life.benefits)
    for k in keep:
        services[k] = clp.services[k]
    icn = life.icn(claim, life.versions[claim.claim_id], "R")
    new = adj.payment(
        claim,
        adj.status_of(claim),
        icn,
        services,
        (),
        adj.remarks_of(payer),
        received=clp.received,
    )
    life.pay(day, payer, adj.reversal(clp))
    rows = life.pay(day, payer, new, enc if keep else None, cause, claim)
    for row in rows:
        row.resolution = "appeal-partial"
    return new.paid - clp.paid


def appeal(
    life: Lifecycle,
    enc: Encounter,
    claim: GenClaim,
    clp: GenClaimPayment,
    cause: str,
    day: dt.date,
    rng: random.Random,
) -> str:
    filed = day + dt.timedelta(days=rng.randint(10, 45))
    if filed > life.as_of:
        return "open"
    decided = filed + dt.timedelta(days=rng.randint(20, 60))
    row = {
        "claim_id": claim.claim_id,
        "filed_on": filed.isoformat(),
        "outcome": "",
        "paid": "",
        "outcome_on": "",
        "filed_by": enc.biller.user,
        "payer_id": claim.payer.payer_id,
        "payer_claim_number": clp.payer_claim_number,
        "level": "1",
    }
    life.book.appeals.append(row)
    if decided > life.as_of:
        return "appeal-pending"
    row["outcome_on"] = decided.isoformat()
    if rng.random() >= pb.APPEAL_OVERTURN.get(cause, 0.2):
        row.update(outcome="upheld", paid="0.00")
        return "appeal-upheld"
    denied = sorted({line - 1 for line, _, _ in adj.denials_of(clp) if line is not None})
    partial = len(denied) > 1 and rng.random() < pb.APPEAL_PARTIAL
    keep = frozenset(denied[1:]) if partial else frozenset()
    outcome = "partial" if partial else "overturned"
    row["outcome"] = outcome
    weekday = pb.PROFILES[adj.payer_key(claim)].weekday
    pay_on = weekday_on_or_after(decided + dt.timedelta(days=rng.randint(3, 14)), weekday)
    if pay_on <= life.as_of:  # else the payment is still to come
        row["paid"] = str(repay(life, enc, claim, clp, pay_on, rng, keep, cause))
    return f"appeal-{outcome}"


def _relevel(visit: Visit, code: str) -> Visit:
    em = visit.em
    lines = list(visit.lines)
    if em is not None and code:
        lines[em] = replace(lines[em], code=code)
    return Visit(visit.kind, list(visit.dx), lines, visit.pos, visit.telehealth, list(visit.lab))
