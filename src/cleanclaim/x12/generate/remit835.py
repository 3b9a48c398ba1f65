"""835 (005010X221A1) writer: one ST/SE per :class:`~.model.GenRemit`.

Amounts are never read from the spec: ``SVC03``, ``CLP04``, ``CLP05`` and ``BPR02`` are
computed from charges and adjustments (see :mod:`.model`), so every written 835 balances:

* line:        ``SVC02 - sum(line CAS) = SVC03``
* claim:       ``CLP03 - sum(claim CAS) - sum(line CAS) = CLP04``
* transaction: ``sum(CLP04) - sum(PLB amounts) = BPR02``
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from cleanclaim.x12.generate.model import (
    ZERO,
    Address,
    GenClaimPayment,
    GenRemit,
    GenServicePayment,
)
from cleanclaim.x12.generate.writer import (
    Interchange,
    Party,
    amount,
    as_party,
    cas_segments,
    clock,
    d8,
    procedure,
    seg,
    text,
)

VERSION_835 = "005010X221A1"
_PAYER_ADDRESS = Address("PO BOX 1000", "SPRINGFIELD", "IL", "627010000")
_DEFAULT_PAYER_TIN = "990000001"


def write_835(
    remits: Sequence[GenRemit],
    *,
    sender: Party | str,
    receiver: Party | str,
    control_number: int = 1,
    created: date,
    seed: int = 0,
    test: bool = True,
    newline: bool = False,
) -> str:
    """An 835 interchange, one transaction set per remit.

    Raises ValueError when a remit would pay a negative total (``BPR02 < 0``).
    """
    if not remits:
        raise ValueError("an 835 needs at least one remit")
    rng = random.Random(seed)
    ic = Interchange(
        sender=as_party(sender),
        receiver=as_party(receiver),
        control_number=control_number,
        created=created,
        time=clock(seed),
        functional_id="HP",
        version=VERSION_835,
        test=test,
        st03=False,
    )
    for remit in remits:
        ic.add("835", _body(remit, rng))
    return ic.render(newline=newline)


def _aba(rng: random.Random) -> str:
    """A made-up 9-digit routing number with a valid ABA checksum."""
    d = [rng.randint(0, 9) for _ in range(8)]
    d[0] = rng.randint(0, 1)
    check = (-(3 * (d[0] + d[3] + d[6]) + 7 * (d[1] + d[4] + d[7]) + (d[2] + d[5]))) % 10
    return "".join(map(str, d)) + str(check)


def _body(remit: GenRemit, rng: random.Random) -> list[str]:
    total = remit.total_paid
    if total < 0:
        raise ValueError(
            f"remit {remit.trace_number}: payments minus provider adjustments are negative "
            f"({total}); carry the balance forward with a smaller PLB amount"
        )
    payer_tin = remit.payer.tin or _DEFAULT_PAYER_TIN
    pay_date = d8(remit.payment_date)
    out: list[str] = []
    if not total or remit.method == "NON":
        out.append(seg("BPR", "H", amount(total), "C", "NON", *[""] * 11, pay_date))
    elif remit.method == "CHK":
        out.append(seg("BPR", "C", amount(total), "C", "CHK", *[""] * 11, pay_date))
    else:
        out.append(
            seg(
                "BPR",
                "C",
                amount(total),
                "C",
                "ACH",
                "CCP",
                "01",
                _aba(rng),
                "DA",
                str(rng.randint(10**9, 10**10 - 1)),
                "1" + payer_tin,
                "",
                "01",
                _aba(rng),
                "DA",
                str(rng.randint(10**9, 10**10 - 1)),
                pay_date,
            )
        )
    out.append(f"TRN*1*{remit.trace_number}*1{payer_tin}")
    out.append(f"DTM*405*{d8(remit.production_date or remit.payment_date)}")
    payer, payee = remit.payer, remit.payee
    out.append(f"N1*PR*{text(payer.name)}")
    pa = payer.address or _PAYER_ADDRESS
    out.append(seg("N3", text(pa.line1), text(pa.line2)))
    out.append(seg("N4", text(pa.city), pa.state, pa.postal_code))
    out.append(f"REF*2U*{payer.payer_id}")
    out.append("PER*BL*PROVIDER SERVICES*TE*8005550199")
    out.append(f"N1*PE*{text(payee.name)}*XX*{payee.npi}")
    out.append(seg("N3", text(payee.address.line1), text(payee.address.line2)))
    out.append(seg("N4", text(payee.address.city), payee.address.state, payee.address.postal_code))
    out.append(f"REF*TJ*{payee.tin}")
    if remit.claims:
        out.append("LX*1")
        for claim in remit.claims:
            _claim(out, claim)
    _plb(out, remit)
    return out


def _claim(out: list[str], c: GenClaimPayment) -> None:
    # The same sums as GenClaimPayment.paid / patient_responsibility, computed in one pass.
    adjusted = patient = ZERO
    for a in c.adjustments:
        adjusted += a.amount
        if a.group == "PR":
            patient += a.amount
    lines: list[str] = []
    for svc in c.services:
        line_adj, line_pr = _service(lines, svc)
        adjusted += line_adj
        patient += line_pr
    out.append(
        seg(
            "CLP",
            c.claim_id,
            c.status,
            amount(c.charge),
            amount(c.charge - adjusted),
            amount(patient),
            c.filing_indicator,
            c.payer_claim_number,
            c.facility_code,
            c.frequency,
        )
    )
    if c.adjustments:
        out.extend(cas_segments(c.adjustments))
    out.append(
        seg(
            "NM1",
            "QC",
            "1",
            text(c.patient_last),
            text(c.patient_first),
            "",
            "",
            "",
            "MI",
            c.member_id,
        )
    )
    if c.insured is not None:
        p = c.insured.person
        out.append(
            seg(
                "NM1",
                "IL",
                "1",
                text(p.last_name),
                text(p.first_name),
                "",
                "",
                "",
                "MI",
                c.insured.member_id,
            )
        )
    if c.rendering is not None:
        r = c.rendering
        out.append(
            seg("NM1", "82", "1", text(r.last_name), text(r.first_name), "", "", "", "XX", r.npi)
        )
    if c.crossover is not None:
        out.append(
            seg(
                "NM1", "TT", "2", text(c.crossover.name), "", "", "", "", "PI", c.crossover.payer_id
            )
        )
    if c.inpatient:
        mia = [""] * 24
        mia[0] = str(c.covered_days)
        remarks = c.remarks[:5]
        if remarks:
            mia[4] = remarks[0]
            mia[19 : 19 + len(remarks) - 1] = remarks[1:]
        out.append(seg("MIA", *mia))
    elif c.remarks:
        out.append(seg("MOA", "", "", *c.remarks[:5]))
    if c.original_reference:
        out.append(f"REF*F8*{c.original_reference}")
    if c.statement_from is not None:
        out.append(f"DTM*232*{d8(c.statement_from)}")
        out.append(f"DTM*233*{d8(c.statement_to or c.statement_from)}")
    if c.received is not None:
        out.append(f"DTM*050*{d8(c.received)}")
    out.extend(lines)


def _service(out: list[str], s: GenServicePayment) -> tuple[Decimal, Decimal]:
    """Write one 2110 loop; returns (sum of its CAS amounts, sum of its PR amounts)."""
    adjusted = patient = ZERO
    for a in s.adjustments:
        adjusted += a.amount
        if a.group == "PR":
            patient += a.amount
    if s.procedure:
        code = procedure("HC", s.procedure, s.modifiers)
        rev = s.revenue_code
    else:
        code = f"NU:{s.revenue_code}"
        rev = ""
    if s.original_procedure:
        orig = procedure("HC", s.original_procedure, s.original_modifiers)
        out.append(
            seg(
                "SVC",
                code,
                amount(s.charge),
                amount(s.charge - adjusted),
                rev,
                amount(s.units),
                orig,
            )
        )
    elif rev:
        out.append(
            f"SVC*{code}*{amount(s.charge)}*{amount(s.charge - adjusted)}*{rev}*{amount(s.units)}"
        )
    else:
        out.append(
            f"SVC*{code}*{amount(s.charge)}*{amount(s.charge - adjusted)}**{amount(s.units)}"
        )
    out.append(f"DTM*472*{d8(s.service_date)}")
    if s.adjustments:
        out.extend(cas_segments(s.adjustments))
    if s.control_number:
        out.append(f"REF*6R*{s.control_number}")
    # Allowed amount: the charge less every adjustment that is not patient responsibility.
    out.append(f"AMT*B6*{amount(s.charge - adjusted + patient)}")
    for remark in s.remarks:
        out.append(f"LQ*HE*{remark}")
    return adjusted, patient


def _plb(out: list[str], remit: GenRemit) -> None:
    adjustments = remit.provider_adjustments
    if not adjustments:
        return
    end = remit.fiscal_period_end or date(remit.payment_date.year, 12, 31)
    head = f"PLB*{remit.payee.npi}*{d8(end)}"
    for start in range(0, len(adjustments), 6):
        pairs: list[str] = []
        for adj in adjustments[start : start + 6]:
            ident = f"{adj.reason}:{adj.reference}" if adj.reference else adj.reason
            pairs.append(f"{ident}*{amount(adj.amount)}")
        out.append(head + "*" + "*".join(pairs))


__all__ = ["VERSION_835", "write_835"]
