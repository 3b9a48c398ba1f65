"""Turn a payer's decision into 835 claim payments (always balanced: payments are derived).

Normal payments carry only CO-45 (contractual write-down), PR-1/2/3 (deductible,
coinsurance, copay), CO-253 (Medicare sequestration) and, for secondary payers, OA-23.
Everything else an 835 of the demo carries is a denial, and the truth ledger explains it.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field, replace
from decimal import Decimal

from cleanclaim.analytics.synthetic import payer_behaviour as pb
from cleanclaim.analytics.synthetic.practice import PAYERS, weekday_on_or_after
from cleanclaim.analytics.synthetic.services import FEES, OFFICE_EM, lower_level
from cleanclaim.x12.generate.model import (
    ZERO,
    GenAdjustment,
    GenClaim,
    GenClaimPayment,
    GenLineAdjudication,
    GenServicePayment,
    money,
)

NORMAL: frozenset[tuple[str, str]] = frozenset(
    {("CO", "45"), ("CO", "253"), ("PR", "1"), ("PR", "2"), ("PR", "3"), ("OA", "23")}
)
"""Group/CARC pairs the demo uses on payments that are not denials."""
_SEQ = Decimal("0.02")
_CLP06 = {"MB": "MB", "16": "16", "MC": "MC", "CI": "12", "BL": "12"}
_BY_ID = {p.payer_id: key for key, p in PAYERS.items()}


def payer_key(claim: GenClaim) -> str:
    return _BY_ID[claim.payer.payer_id]


@dataclass
class Benefits:
    """Deductible left per (patient, payer, year)."""

    left: dict[tuple[int, str, int], Decimal] = field(default_factory=dict)

    def take(self, patient: int, payer: str, year: int, want: Decimal) -> Decimal:
        key = (patient, payer, year)
        left = self.left.get(key)
        if left is None:
            left = pb.PROFILES[payer].deductible
        got = min(left, want)
        self.left[key] = left - got
        return got


def pay_day(received: dt.date, payer: str, rng: random.Random) -> dt.date:
    """The payer's next pay run after its processing lag."""
    profile = pb.PROFILES[payer]
    day = received + dt.timedelta(days=rng.randint(*profile.lag))
    return weekday_on_or_after(day, profile.weekday)


def service(
    claim: GenClaim, k: int, adjs: tuple[GenAdjustment, ...], remarks: tuple[str, ...] = ()
) -> GenServicePayment:
    line = claim.lines[k]
    return GenServicePayment(
        line.procedure,
        line.charge,
        line.service_date,
        line.units,
        line.modifiers,
        adjs,
        remarks,
        "",
        line.control_number,
    )


def payment(
    claim: GenClaim,
    status: str,
    icn: str,
    services: list[GenServicePayment],
    adjustments: tuple[GenAdjustment, ...] = (),
    remarks: tuple[str, ...] = (),
    *,
    crossover: bool = False,
    received: dt.date | None = None,
) -> GenClaimPayment:
    p = claim.patient_person
    return GenClaimPayment(
        claim_id=claim.claim_id,
        status=status,
        charge=claim.total_charge,
        payer_claim_number=icn,
        member_id=claim.subscriber.member_id,
        patient_last=p.last_name,
        patient_first=p.first_name,
        filing_indicator=_CLP06.get(claim.filing_indicator, "ZZ"),
        facility_code=claim.place_of_service,
        frequency=claim.frequency,
        adjustments=adjustments,
        services=tuple(services),
        remarks=remarks,
        rendering=claim.rendering,
        received=received,
        crossover=PAYERS["medigap"].payer if crossover else None,
        insured=claim.subscriber if claim.patient is not None else None,
        original_reference=claim.original_reference,
    )


def normal_services(
    claim: GenClaim, payer: str, patient: int, benefits: Benefits, ratio: Decimal | None = None
) -> list[GenServicePayment]:
    """Line payments of a primary claim paid as billed (allowed amount, patient share)."""
    profile = pb.PROFILES[payer]
    share = profile.allowed if ratio is None else ratio
    year = claim.lines[0].service_date.year
    copay_used = False
    out = []
    for k, line in enumerate(claim.lines):
        allowed = money(line.charge * share)
        adjs = [GenAdjustment("CO", "45", line.charge - allowed)]
        left = allowed
        ded = benefits.take(patient, payer, year, left) if profile.deductible else ZERO
        if ded:
            adjs.append(GenAdjustment("PR", "1", ded))
            left -= ded
        if left and profile.copay and line.procedure in OFFICE_EM and not copay_used:
            copay = min(left, profile.copay)
            copay_used = True
            adjs.append(GenAdjustment("PR", "3", copay))
            left -= copay
        elif left and profile.coinsurance:
            coins = money(left * profile.coinsurance)
            if coins:
                adjs.append(GenAdjustment("PR", "2", coins))
                left -= coins
        if profile.sequestration and left:
            seq = money(left * _SEQ)
            if seq:
                adjs.append(GenAdjustment("CO", "253", seq))
        out.append(service(claim, k, tuple(a for a in adjs if a.amount)))
    return out


def secondary_services(claim: GenClaim, payer: str) -> list[GenServicePayment]:
    """Line payments of a secondary claim: the prior payer's patient share, in part."""
    share = pb.PROFILES[payer].secondary_share
    out = []
    for k, line in enumerate(claim.lines):
        prior = line.adjudications[-1] if line.adjudications else None
        if prior is None:
            out.append(service(claim, k, (GenAdjustment("OA", "23", line.charge),)))
            continue
        owed = {a.reason: a.amount for a in prior.adjustments if a.group == "PR"}
        total = sum(owed.values(), ZERO)
        adjs = [GenAdjustment("OA", "23", line.charge - total)]
        if payer == "medigap" and owed.get("1"):  # the supplement does not pay the deductible
            adjs.append(GenAdjustment("PR", "1", owed["1"]))
            total -= owed["1"]
        keep = money(total * (1 - share))
        if keep:
            adjs.append(GenAdjustment("PR", "2", keep))
        out.append(service(claim, k, tuple(a for a in adjs if a.amount)))
    return out


def paid_services(
    claim: GenClaim, payer: str, patient: int, benefits: Benefits, ratio: Decimal | None = None
) -> list[GenServicePayment]:
    if claim.sbr_sequence == "P":
        return normal_services(claim, payer, patient, benefits, ratio)
    return secondary_services(claim, payer)


def status_of(claim: GenClaim) -> str:
    return "1" if claim.sbr_sequence == "P" else "2"


def remarks_of(payer: str, *extra: str) -> tuple[str, ...]:
    return (("MA01",) if payer == "mcr" else ()) + extra


def denied(
    claim: GenClaim,
    payer: str,
    icn: str,
    resp: pb.Response,
    affected: int | None,
    paid: list[GenServicePayment],
    received: dt.date,
) -> GenClaimPayment:
    """The 835 claim for a denial (or a downcode) answering ``claim``."""
    adj = GenAdjustment(resp.group, resp.carc, ZERO)
    if resp.level == "claim":
        return payment(
            claim,
            "4",
            icn,
            [],
            (replace(adj, amount=claim.total_charge),),
            remarks_of(payer, *resp.rarcs),
            received=received,
        )
    if resp.level == "lines":
        services = [
            service(claim, k, (replace(adj, amount=ln.charge),), resp.rarcs)
            for k, ln in enumerate(claim.lines)
        ]
        return payment(claim, "4", icn, services, (), remarks_of(payer), received=received)
    services = list(paid)
    k = affected if affected is not None and affected < len(claim.lines) else 0
    line = claim.lines[k]
    if resp.level == "downcode":
        lower = lower_level(line.procedure) or line.procedure
        allowed = money(FEES[lower] * pb.PROFILES[payer].allowed)
        services[k] = replace(
            services[k],
            procedure=lower,
            original_procedure=line.procedure,
            original_modifiers=line.modifiers,
            adjustments=(GenAdjustment("CO", "45", line.charge - allowed),),
        )
        return payment(
            claim, status_of(claim), icn, services, (), remarks_of(payer), received=received
        )
    qty = line.units if resp.carc == "151" else None
    services[k] = service(claim, k, (replace(adj, amount=line.charge, quantity=qty),), resp.rarcs)
    everything = all(
        s.paid == 0 and any((a.group, a.reason) not in NORMAL for a in s.adjustments)
        for s in services
    )
    return payment(
        claim,
        "4" if everything else status_of(claim),
        icn,
        services,
        (),
        remarks_of(payer),
        received=received,
    )


def reversal(clp: GenClaimPayment, frequency: str | None = None) -> GenClaimPayment:
    """CLP02 22: the claim repeated with the charge and every adjustment negated."""

    def neg(adjs: tuple[GenAdjustment, ...]) -> tuple[GenAdjustment, ...]:
        return tuple(replace(a, amount=-a.amount) for a in adjs)

    services = tuple(
        replace(s, charge=-s.charge, adjustments=neg(s.adjustments), remarks=())
        for s in clp.services
    )
    return replace(
        clp,
        status="22",
        charge=-clp.charge,
        adjustments=neg(clp.adjustments),
        services=services,
        remarks=(),
        crossover=None,
        frequency=frequency or clp.frequency,
    )


def prior_adjudication(
    claim: GenClaim, clp: GenClaimPayment, payer_id: str, on: dt.date
) -> dict[int, tuple[GenLineAdjudication, ...]]:
    """837 loop 2430 entries (per line) reporting ``clp``'s line decisions."""
    out: dict[int, tuple[GenLineAdjudication, ...]] = {}
    for k, svc in enumerate(clp.services):
        line = claim.lines[k]
        out[k] = (
            GenLineAdjudication(
                payer_id,
                line.procedure,
                line.charge,
                on,
                svc.adjustments,
                line.modifiers,
                line.units,
            ),
        )
    return out


def denials_of(clp: GenClaimPayment) -> list[tuple[int | None, GenAdjustment, tuple[str, ...]]]:
    """(1-based line or None, adjustment, RARCs) of every denial-type adjustment."""
    if clp.status == "22":
        return []
    out: list[tuple[int | None, GenAdjustment, tuple[str, ...]]] = [
        (None, a, clp.remarks)
        for a in clp.adjustments
        if (a.group, a.reason) not in NORMAL and a.amount > 0
    ]
    for k, svc in enumerate(clp.services, start=1):
        out += [
            (k, a, svc.remarks)
            for a in svc.adjustments
            if (a.group, a.reason) not in NORMAL and a.amount > 0
        ]
    return out
