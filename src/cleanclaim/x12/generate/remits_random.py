"""Seeded payer decisions for generated claims: :func:`random_remits_for`.

Each claim gets an outcome (paid, partly denied, denied at line or claim level, reversed
and re-paid) expressed only as adjustments; payments follow from them (see :mod:`.model`),
so the resulting 835s always balance. Claims are batched into one remit per payer and
payment date (a Friday 14-35 days after the last service date).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from cleanclaim.x12.generate import _fake
from cleanclaim.x12.generate._ids import payer_claim_number
from cleanclaim.x12.generate.model import (
    ZERO,
    BillingProvider,
    GenAdjustment,
    GenClaim,
    GenClaimPayment,
    GenLine,
    GenProviderAdjustment,
    GenRemit,
    GenServicePayment,
    Payer,
    money,
)

# CLP06 has its own code list in the 835 (no CI/BL): map the 837 filing indicator onto it.
_CLP06 = {
    "CI": "12",
    "BL": "12",
    "MB": "MB",
    "MA": "MA",
    "MC": "MC",
    "16": "16",
    "HM": "HM",
    "CH": "CH",
    "VA": "VA",
    "WC": "WC",
    "12": "12",
    "13": "13",
    "14": "14",
    "15": "15",
    "17": "17",
    "AM": "AM",
    "DS": "DS",
    "LM": "LM",
    "OF": "OF",
    "TV": "TV",
}
# Whole-claim denials: (group, CARC, RARC or "").
_CLAIM_DENIALS = (
    ("CO", "16", "MA130"),
    ("CO", "16", "N290"),
    ("CO", "18", ""),
    ("CO", "29", ""),
    ("CO", "27", ""),
    ("CO", "109", ""),
    ("CO", "197", ""),
    ("CO", "22", ""),
)
# Single-line denials: (group, CARC, RARC or "", whole line?).
_LINE_DENIALS = (
    ("CO", "97", "M15", True),
    ("CO", "151", "N362", True),
    ("CO", "50", "N115", True),
    ("CO", "11", "M76", True),
    ("PR", "204", "N130", True),
    ("CO", "96", "N130", True),
    ("CO", "234", "N20", True),
    ("CO", "4", "", True),
    ("CO", "59", "", False),
)
_EM_PREFIX = ("992", "993")
_DOWNCODE = {"99215": "99214", "99214": "99213", "99205": "99204", "99204": "99203"}
_TWENTY, _TEN, _SEQUESTRATION = Decimal("0.20"), Decimal("0.10"), Decimal("0.02")


def random_remits_for(claims: Sequence[GenClaim], seed: int) -> list[GenRemit]:
    """835 specs answering ``claims``: one remit per (payer, payment date), seeded."""
    rng = random.Random(seed)
    batches: dict[tuple[date, str], list[GenClaimPayment]] = {}
    payers: dict[tuple[date, str], Payer] = {}
    payees: dict[tuple[date, str], BillingProvider] = {}
    for claim in claims:
        pay_day = claim.last_service_date + timedelta(days=rng.randint(14, 35))
        pay_day += timedelta(days=(4 - pay_day.weekday()) % 7)
        key = (pay_day, claim.payer.payer_id)
        payers[key] = claim.payer
        payees.setdefault(key, claim.billing)
        batches.setdefault(key, []).extend(_outcome(rng, claim))
    remits: list[GenRemit] = []
    for key in sorted(batches):
        pay_day = key[0]
        paid = batches[key]
        plb = _provider_adjustments(rng, paid)
        method = "CHK" if rng.random() < 0.2 else "ACH"
        trace = (
            f"{rng.randint(10**7, 10**8 - 1)}"
            if method == "CHK"
            else f"{rng.randint(10**11, 10**12 - 1)}"
        )
        remits.append(
            GenRemit(
                payers[key],
                payees[key],
                trace,
                pay_day,
                tuple(paid),
                plb,
                method=method,
                production_date=pay_day - timedelta(days=1),
            )
        )
    return remits


def _outcome(rng: random.Random, claim: GenClaim) -> list[GenClaimPayment]:
    demo = _fake.BY_ID.get(claim.payer.payer_id)
    ratio = Decimal(demo.allowed_ratio) if demo else Decimal("0.60")
    medicare = bool(demo and demo.filing_indicator == "MB")
    status = {"P": "1", "S": "2", "T": "3"}.get(claim.sbr_sequence, "1")
    number = payer_claim_number(claim.claim_id, claim.payer.payer_id)
    roll = rng.random()
    if claim.frequency == "8":  # a void: the payer takes back what it paid
        return [
            _payment(
                claim,
                "22",
                number,
                [_negate(s) for s in _paid_lines(rng, claim, ratio, medicare)],
                (),
                (),
            )
        ]
    if roll < 0.06:
        group, carc, rarc = rng.choice(_CLAIM_DENIALS)
        if rng.random() < 0.5:
            adj = (GenAdjustment(group, carc, claim.total_charge),)
            return [_payment(claim, "4", number, [], adj, (rarc,) if rarc else ())]
        services = [
            _service(line, (GenAdjustment(group, carc, line.charge),), (rarc,) if rarc else ())
            for line in claim.lines
        ]
        return [_payment(claim, "4", number, services, (), ())]
    services = _paid_lines(rng, claim, ratio, medicare)
    if roll < 0.16 and len(services) > 1:
        k = rng.randrange(1, len(services))
        group, carc, rarc, whole = rng.choice(_LINE_DENIALS)
        line = claim.lines[k]
        cut = line.charge if whole else money(line.charge / 2)
        rest = [GenAdjustment("CO", "45", line.charge - cut)] if cut != line.charge else []
        qty = line.units if carc == "151" else None
        services[k] = _service(
            line, (GenAdjustment(group, carc, cut, qty), *rest), (rarc,) if rarc else ()
        )
    remarks: tuple[str, ...] = ()
    if medicare and claim.sbr_sequence == "P":
        remarks = ("MA01",)
    crossover: Payer | None = None
    if medicare and status == "1" and rng.random() < 0.3:
        status, crossover, remarks = "19", _fake.SUPPLEMENT.payer, ("MA18",)
    if status == "2" and claim.sbr_sequence == "S" and rng.random() < 0.05:
        status = "20"
    current = _payment(claim, status, number, services, (), remarks, crossover)
    if roll > 0.98:  # reversal of an earlier payment, then the corrected payment
        reversal = _payment(claim, "22", number, [_negate(s) for s in services], (), ())
        again = _paid_lines(rng, claim, ratio * Decimal("1.05"), medicare)
        corrected = _payment(
            claim,
            status if status != "19" else "1",
            payer_claim_number(claim.claim_id + "R", claim.payer.payer_id),
            again,
            (),
            remarks,
        )
        return [reversal, corrected]
    return [current]


def _paid_lines(
    rng: random.Random, claim: GenClaim, ratio: Decimal, medicare: bool
) -> list[GenServicePayment]:
    secondary = claim.sbr_sequence != "P"
    deductible_left = ZERO
    if not secondary and rng.random() < 0.2:
        deductible_left = money(rng.choice((25, 50, 100, 250)))
    out: list[GenServicePayment] = []
    for line in claim.lines:
        adjs: list[GenAdjustment] = []
        if secondary and line.adjudications:
            prior = line.adjudications[-1]
            owed = sum((a.amount for a in prior.adjustments if a.group == "PR"), ZERO)
            adjs.append(GenAdjustment("OA", "23", line.charge - owed))
            if claim.sbr_sequence == "T" and owed:
                adjs.append(GenAdjustment("PR", "2", money(owed / 2)))
            out.append(_service(line, tuple(adjs), ()))
            continue
        allowed = money(line.charge * ratio)
        if line.charge - allowed:
            adjs.append(GenAdjustment("CO", "45", line.charge - allowed))
        left = allowed
        if deductible_left and left:
            ded = min(deductible_left, left)
            deductible_left -= ded
            left -= ded
            adjs.append(GenAdjustment("PR", "1", ded))
        if (
            left
            and not medicare
            and line.procedure.startswith(_EM_PREFIX)
            and claim.filing_indicator != "MC"
        ):
            copay = min(left, money(rng.choice((20, 25, 30, 40))))
            left -= copay
            adjs.append(GenAdjustment("PR", "3", copay))
        elif left and claim.filing_indicator != "MC":
            coins = money(left * (_TWENTY if medicare else _TEN))
            if coins:
                left -= coins
                adjs.append(GenAdjustment("PR", "2", coins))
        if medicare and left:
            seq = money(left * _SEQUESTRATION)
            if seq:
                adjs.append(GenAdjustment("CO", "253", seq))
        service = _service(line, tuple(adjs), ())
        if line.procedure in _DOWNCODE and rng.random() < 0.03:
            # The payer paid a lower E/M level: SVC01 is the code paid, SVC06 the code billed.
            service = replace(
                service,
                procedure=_DOWNCODE[line.procedure],
                original_procedure=line.procedure,
                original_modifiers=line.modifiers,
            )
        out.append(service)
    return out


def _service(
    line: GenLine, adjs: tuple[GenAdjustment, ...], remarks: tuple[str, ...]
) -> GenServicePayment:
    return GenServicePayment(
        line.procedure,
        line.charge,
        line.service_date,
        line.units,
        line.modifiers,
        adjs,
        remarks,
        line.revenue_code,
        line.control_number,
    )


def _negate(s: GenServicePayment) -> GenServicePayment:
    adjs = tuple(GenAdjustment(a.group, a.reason, -a.amount, a.quantity) for a in s.adjustments)
    return GenServicePayment(
        s.procedure,
        -s.charge,
        s.service_date,
        s.units,
        s.modifiers,
        adjs,
        (),
        s.revenue_code,
        s.control_number,
    )


def _payment(
    claim: GenClaim,
    status: str,
    number: str,
    services: list[GenServicePayment],
    adjustments: tuple[GenAdjustment, ...],
    remarks: tuple[str, ...],
    crossover: Payer | None = None,
) -> GenClaimPayment:
    p = claim.patient_person
    charge = claim.total_charge
    if status == "22":
        charge = -charge
        adjustments = tuple(
            GenAdjustment(a.group, a.reason, -a.amount, a.quantity) for a in adjustments
        )
    fac = claim.place_of_service
    inst = any(line.revenue_code for line in claim.lines)
    first = claim.first_service_date
    return GenClaimPayment(
        claim_id=claim.claim_id,
        status=status,
        charge=charge,
        payer_claim_number=number,
        member_id=claim.subscriber.member_id,
        patient_last=p.last_name,
        patient_first=p.first_name,
        filing_indicator=_CLP06.get(claim.filing_indicator, "ZZ"),
        facility_code=fac,
        frequency=claim.frequency,
        adjustments=adjustments,
        services=tuple(services),
        remarks=remarks,
        inpatient=inst and fac.startswith("11"),
        rendering=claim.rendering,
        statement_from=first if inst else None,
        statement_to=claim.last_service_date if inst else None,
        received=first + timedelta(days=3),
        crossover=crossover,
        insured=claim.subscriber if claim.patient is not None else None,
        original_reference=claim.original_reference,
        covered_days=max(1, (claim.last_service_date - first).days) if inst else 0,
    )


def _provider_adjustments(
    rng: random.Random, paid: list[GenClaimPayment]
) -> tuple[GenProviderAdjustment, ...]:
    """PLB pairs for about a quarter of the remits, plus a forwarding balance if needed.

    When the claims pay less than nothing (reversals, voids), a negative ``FB`` amount
    carries the balance forward so that ``BPR02`` is exactly 0, as payers do.
    """
    total = sum((c.paid for c in paid), ZERO)
    out: list[GenProviderAdjustment] = []
    if rng.random() < 0.25:
        out.append(GenProviderAdjustment("L6", -_cents(rng, 50, 1500), paid[0].claim_id))
        if total > 100:
            recovery = min(_cents(rng, 2000, 12000), money(total * Decimal("0.4")))
            ref = payer_claim_number(f"OLD{rng.randint(1, 10**6)}", "X")
            out.append(GenProviderAdjustment("WO", recovery, ref))
        if rng.random() < 0.3:
            amount = _cents(rng, -2500, 2500) or Decimal("1.00")
            out.append(GenProviderAdjustment("CS", amount, "ADJ"))
    left = total - sum((p.amount for p in out), ZERO)
    if left < 0:
        out.append(GenProviderAdjustment("FB", left, paid[0].payer_claim_number))
    return tuple(out)


def _cents(rng: random.Random, low: int, high: int) -> Decimal:
    """A random amount between ``low`` and ``high`` cents."""
    return Decimal(rng.randint(low, high)).scaleb(-2)
