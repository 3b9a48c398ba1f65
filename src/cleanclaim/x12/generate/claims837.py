"""837P (005010X222A1) and 837I (005010X223A2) writers.

Hierarchy: one 2000A billing-provider HL per run of consecutive claims with the same
billing provider, one 2000B subscriber HL per claim, and a 2000C patient HL when the
patient is not the subscriber. A transaction set holds at most ``claims_per_transaction``
claims; more claims start a new ST/SE in the same functional group.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from cleanclaim.x12.generate.model import (
    Address,
    BillingProvider,
    GenClaim,
    GenLine,
    GenOtherPayer,
    Person,
    Practitioner,
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
    rd8,
    seg,
    text,
)

VERSION_837P = "005010X222A1"
VERSION_837I = "005010X223A2"


def write_837p(
    claims: Sequence[GenClaim],
    *,
    sender: Party | str,
    receiver: Party | str,
    control_number: int = 1,
    created: date,
    seed: int = 0,
    test: bool = True,
    newline: bool = False,
    claims_per_transaction: int = 5000,
) -> str:
    """An 837P interchange for ``claims`` (professional)."""
    return _write(
        claims,
        False,
        sender,
        receiver,
        control_number,
        created,
        seed,
        test,
        newline,
        claims_per_transaction,
    )


def write_837i(
    claims: Sequence[GenClaim],
    *,
    sender: Party | str,
    receiver: Party | str,
    control_number: int = 1,
    created: date,
    seed: int = 0,
    test: bool = True,
    newline: bool = False,
    claims_per_transaction: int = 5000,
) -> str:
    """An 837I interchange for ``claims`` (institutional; lines need a revenue code)."""
    return _write(
        claims,
        True,
        sender,
        receiver,
        control_number,
        created,
        seed,
        test,
        newline,
        claims_per_transaction,
    )


def _write(
    claims: Sequence[GenClaim],
    inst: bool,
    sender_in: Party | str,
    receiver_in: Party | str,
    control_number: int,
    created: date,
    seed: int,
    test: bool,
    newline: bool,
    per_set: int,
) -> str:
    if not claims:
        raise ValueError("an 837 needs at least one claim")
    if per_set < 1:
        raise ValueError("claims_per_transaction must be at least 1")
    sender, receiver = as_party(sender_in), as_party(receiver_in)
    time = clock(seed)
    ic = Interchange(
        sender=sender,
        receiver=receiver,
        control_number=control_number,
        created=created,
        time=time,
        functional_id="HC",
        version=VERSION_837I if inst else VERSION_837P,
        test=test,
    )
    # Blocks of segments for objects shared by many claims, keyed by object identity (the
    # objects stay alive for the whole call, so an id cannot be reused meanwhile).
    memo: dict[int, tuple[str, ...]] = {}
    for start in range(0, len(claims), per_set):
        st02 = ic.next_st_control()
        body = [
            seg("BHT", "0019", "00", f"{control_number}{st02}", d8(created), time, "CH"),
            seg("NM1", "41", "2", text(sender.name or sender.id), "", "", "", "", "46", sender.id),
            seg("PER", "IC", text(sender.contact_name), "TE", sender.phone),
            seg(
                "NM1",
                "40",
                "2",
                text(receiver.name or receiver.id),
                "",
                "",
                "",
                "",
                "46",
                receiver.id,
            ),
        ]
        _detail(body, claims[start : start + per_set], inst, memo)
        ic.add("837", body)
    return ic.render(newline=newline)


def _detail(
    out: list[str], claims: Sequence[GenClaim], inst: bool, memo: dict[int, tuple[str, ...]]
) -> None:
    hl = 0
    billing_hl = 0
    current: BillingProvider | None = None
    claim_writer = _claim_837i if inst else _claim_837p
    for claim in claims:
        if claim.billing is not current and claim.billing != current:
            current = claim.billing
            hl += 1
            billing_hl = hl
            out.append(f"HL*{hl}**20*1")
            _billing(out, current)
        hl += 1
        sub_hl = hl
        patient = claim.patient
        out.append(f"HL*{sub_hl}*{billing_hl}*{'22*1' if patient else '22*0'}")
        sub = claim.subscriber
        out.append(
            seg(
                "SBR",
                claim.sbr_sequence,
                "" if patient else "18",
                text(sub.group_number),
                "",
                "",
                "",
                "",
                "",
                claim.filing_indicator,
            )
        )
        block = memo.get(id(sub))
        if block is None:
            block = memo[id(sub)] = (
                _person_nm1("IL", sub.person, sub.member_id),
                *_address(sub.person.address),
                _dmg(sub.person),
            )
        out.extend(block)
        payer = claim.payer
        block = memo.get(id(payer))
        if block is None:
            block = memo[id(payer)] = (
                seg("NM1", "PR", "2", text(payer.name), "", "", "", "", "PI", payer.payer_id),
            )
        out.extend(block)
        if patient is not None:
            hl += 1
            out.append(f"HL*{hl}*{sub_hl}*23*0")
            out.append(f"PAT*{claim.patient_relationship}")
            out.append(
                seg(
                    "NM1",
                    "QC",
                    "1",
                    text(patient.last_name),
                    text(patient.first_name),
                    text(patient.middle_name),
                )
            )
            out.extend(_address(patient.address))
            out.append(_dmg(patient))
        claim_writer(out, claim, memo)


def _billing(out: list[str], bp: BillingProvider) -> None:
    if bp.taxonomy:
        out.append(f"PRV*BI*PXC*{bp.taxonomy}")
    out.append(seg("NM1", "85", "2", text(bp.name), "", "", "", "", "XX", bp.npi))
    out.extend(_address(bp.address))
    out.append(f"REF*EI*{bp.tin}")


def _address(a: Address) -> tuple[str, str]:
    return (
        seg("N3", text(a.line1), text(a.line2)),
        seg("N4", text(a.city), a.state, a.postal_code),
    )


def _dmg(p: Person) -> str:
    return f"DMG*D8*{d8(p.birth_date)}*{p.sex}"


def _person_nm1(code: str, p: Person, member_id: str) -> str:
    return seg(
        "NM1",
        code,
        "1",
        text(p.last_name),
        text(p.first_name),
        text(p.middle_name),
        "",
        "",
        "MI",
        member_id,
    )


def _practitioner(
    memo: dict[int, tuple[str, ...]], code: str, prv: str, r: Practitioner
) -> tuple[str, ...]:
    block = memo.get(id(r))
    if block is None:
        nm1 = seg("NM1", code, "1", text(r.last_name), text(r.first_name), "", "", "", "XX", r.npi)
        block = memo[id(r)] = (nm1, f"PRV*{prv}*PXC*{r.taxonomy}") if r.taxonomy else (nm1,)
    return block


def _pointers(pointers: tuple[int, ...]) -> str:
    found = _PTRS.get(pointers)
    if found is None:
        found = _PTRS[pointers] = ":".join(str(p) for p in pointers[:4]) or "1"
    return found


_PTRS: dict[tuple[int, ...], str] = {}


def _dx(code: str) -> str:
    return code.replace(".", "").upper()


def _claim_refs(out: list[str], claim: GenClaim) -> None:
    if claim.prior_auth:
        out.append(f"REF*G1*{claim.prior_auth}")
    if claim.original_reference:
        out.append(f"REF*F8*{claim.original_reference}")


def _claim_837p(out: list[str], claim: GenClaim, memo: dict[int, tuple[str, ...]]) -> None:
    lines = claim.lines
    total = Decimal(0)
    for line in lines:
        total += line.charge
    out.append(
        f"CLM*{claim.claim_id}*{amount(total)}***"
        f"{claim.place_of_service}:B:{claim.frequency}*Y*A*Y*Y"
    )
    _claim_refs(out, claim)
    dx = claim.diagnoses[:12]
    if not dx:
        raise ValueError(f"claim {claim.claim_id}: at least one diagnosis is required")
    parts = ["HI", f"ABK:{_dx(dx[0])}"]
    parts.extend(f"ABF:{_dx(code)}" for code in dx[1:])
    out.append("*".join(parts))
    if claim.rendering is not None:
        out.extend(_practitioner(memo, "82", "PE", claim.rendering))
    if claim.other_payers:
        _other_payers(out, claim.other_payers, inst=False)
    for n, line in enumerate(lines, start=1):
        out.append(f"LX*{n}")
        out.append(
            f"SV1*{procedure('HC', line.procedure, line.modifiers)}*"
            f"{amount(line.charge)}*UN*{amount(line.units)}***"
            f"{_pointers(line.dx_pointers)}"
        )
        q, v = rd8(line.service_date, line.service_date_end)
        out.append(f"DTP*472*{q}*{v}")
        if line.prior_auth:
            out.append(f"REF*G1*{line.prior_auth}")
        if line.control_number:
            out.append(f"REF*6R*{line.control_number}")
        if line.adjudications:
            _line_adjudications(out, line, inst=False)


def _claim_837i(out: list[str], claim: GenClaim, memo: dict[int, tuple[str, ...]]) -> None:
    out.append(
        seg(
            "CLM",
            claim.claim_id,
            amount(claim.total_charge),
            "",
            "",
            f"{claim.place_of_service}:A:{claim.frequency}",
            "",
            "A",
            "Y",
            "Y",
        )
    )
    out.append(f"DTP*434*RD8*{d8(claim.first_service_date)}-{d8(claim.last_service_date)}")
    if claim.admission_date is not None:
        out.append(f"DTP*435*D8*{d8(claim.admission_date)}")
    out.append(seg("CL1", claim.admission_type, claim.admission_source, claim.patient_status))
    _claim_refs(out, claim)
    dx = claim.diagnoses[:25]
    if not dx:
        raise ValueError(f"claim {claim.claim_id}: at least one diagnosis is required")
    poa = claim.poa
    out.append("HI*" + _hi_poa("ABK", dx[0], poa[0] if poa else ""))
    others = [
        _hi_poa("ABF", code, poa[i] if i < len(poa) else "")
        for i, code in enumerate(dx[1:], start=1)
    ]
    for start in range(0, len(others), 12):
        out.append("HI*" + "*".join(others[start : start + 12]))
    if claim.rendering is not None:
        out.extend(_practitioner(memo, "71", "AT", claim.rendering))
    _other_payers(out, claim.other_payers, inst=True)
    for n, line in enumerate(claim.lines, start=1):
        if not line.revenue_code:
            raise ValueError(f"claim {claim.claim_id} line {n}: an 837I line needs a revenue code")
        out.append(f"LX*{n}")
        proc = procedure("HC", line.procedure, line.modifiers) if line.procedure else ""
        out.append(
            seg("SV2", line.revenue_code, proc, amount(line.charge), "UN", amount(line.units))
        )
        q, v = rd8(line.service_date, line.service_date_end)
        out.append(f"DTP*472*{q}*{v}")
        if line.control_number:
            out.append(f"REF*6R*{line.control_number}")
        _line_adjudications(out, line, inst=True)


def _hi_poa(qualifier: str, code: str, poa: str) -> str:
    """``ABK:I10:::::::Y``: the POA flag is component 9; omitted when empty."""
    return f"{qualifier}:{_dx(code)}:::::::{poa}" if poa else f"{qualifier}:{_dx(code)}"


def _other_payers(out: list[str], others: Sequence[GenOtherPayer], *, inst: bool) -> None:
    for op in others:
        sub = op.subscriber
        out.append(
            seg(
                "SBR",
                op.sequence,
                op.relationship,
                text(sub.group_number),
                "",
                "",
                "",
                "",
                "",
                op.filing_indicator,
            )
        )
        out.extend(cas_segments(op.adjustments))
        out.append(f"AMT*D*{amount(op.paid)}")
        out.append("OI***Y***Y")
        out.append(_person_nm1("IL", sub.person, sub.member_id))
        out.append(
            seg("NM1", "PR", "2", text(op.payer.name), "", "", "", "", "PI", op.payer.payer_id)
        )
        if op.adjudicated is not None:
            out.append(f"DTP*573*D8*{d8(op.adjudicated)}")


def _line_adjudications(out: list[str], line: GenLine, *, inst: bool) -> None:
    for adj in line.adjudications:
        proc = procedure("HC", adj.procedure, adj.modifiers) if adj.procedure else ""
        if inst:
            out.append(
                seg(
                    "SVD",
                    adj.payer_id,
                    amount(adj.paid),
                    proc,
                    adj.revenue_code or line.revenue_code,
                    amount(adj.units),
                )
            )
        else:
            out.append(seg("SVD", adj.payer_id, amount(adj.paid), proc, "", amount(adj.units)))
        out.extend(cas_segments(adj.adjustments))
        out.append(f"DTP*573*D8*{d8(adj.adjudicated)}")


__all__ = ["VERSION_837I", "VERSION_837P", "write_837i", "write_837p"]
