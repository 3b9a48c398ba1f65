"""Rule examples as data: a compact claim spec, written as a real 837 and parsed back.

Each rule lists :class:`Example` values. The test suite (and ``cleanclaim rule CODE``)
turns each example into a complete small 837P/837I interchange with the project's
generator, reads it with the real X12 reader and parser, scrubs it, and checks that the
rule flags exactly the lines the example expects (none, for a passing example).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cleanclaim.claims.model import Claim

D = dt.date.fromisoformat


@dataclass(frozen=True)
class ExLine:
    """One service line: procedure (or revenue code for 837I), modifiers, units."""

    code: str
    modifiers: tuple[str, ...] = ()
    units: int = 1
    charge: str = "100.00"
    dx: tuple[int, ...] = (1,)
    dos: str | None = None
    revenue_code: str = ""
    prior_auth: str = ""
    adjudications: tuple[ExAdjudication, ...] = ()
    """Loop 2430: a prior payer's decision on this line (secondary claims)."""


@dataclass(frozen=True)
class ExAdjudication:
    """A prior payer's adjudication of one line (837 loop 2430: SVD, CAS, DTP*573).

    The paid amount (SVD02) is the line charge minus ``adjustments``.
    """

    payer_id: str = "EXPRIMARY"
    adjustments: tuple[tuple[str, str, str], ...] = ()
    """CAS triples ``(group, reason, amount)``, e.g. ``("CO", "45", "20.00")``."""
    adjudicated: str = "2026-05-08"


@dataclass(frozen=True)
class ExOtherPayer:
    """Another payer on the claim (837 loops 2320/2330A/2330B), for coordination of benefits."""

    sequence: str = "P"
    """SBR01 of that payer."""
    filing_indicator: str = "CI"
    payer_id: str = "EXPRIMARY"
    name: str = "EXAMPLE OTHER PAYER"
    paid: str | None = "0.00"
    """AMT*D (what that payer paid); ``None`` leaves the segment out."""
    adjustments: tuple[tuple[str, str, str], ...] = ()
    """Claim-level CAS (2320) triples ``(group, reason, amount)``."""
    adjudicated: str | None = None
    """DTP*573 in 2330B."""
    member_id: str = "EXOTHER01"
    group_number: str = ""


@dataclass(frozen=True)
class ExClaim:
    """A claim in as few words as possible; everything else gets synthetic defaults."""

    lines: tuple[ExLine, ...]
    dx: tuple[str, ...] = ("I10",)
    dos: str = "2026-05-04"
    pos: str = "11"
    claim_type: str = "professional"
    sex: str = "F"
    birth: str = "1958-03-14"
    frequency: str = "1"
    claim_id: str = "EX1"
    filing_indicator: str = "MB"
    payer_id: str = "EXMCR"
    prior_auth: str = ""
    poa: tuple[str, ...] = ()
    statement_to: str | None = None
    submitted: str = "2026-05-10"
    rendering_npi: str = "1234567893"
    member_id: str = "EXMEMBER01"
    sbr_sequence: str = "P"
    """SBR01 of the destination payer: ``P`` primary, ``S`` secondary, ``T`` tertiary..."""
    other_payers: tuple[ExOtherPayer, ...] = ()
    insurance_type: str = ""
    """SBR05 of the destination payer (the MSP type when Medicare is not primary)."""
    related_causes: tuple[str, ...] = ()
    """CLM11 (837P): ``AA`` auto accident (state OR), ``EM`` employment, ``OA`` other."""
    rendering_taxonomy: str = "207Q00000X"


@dataclass(frozen=True)
class Example:
    """A named example: the claim, the earlier claims it is scrubbed after, and the service
    lines the rule must flag (``None`` for a claim-level finding; empty for a pass)."""

    name: str
    claim: ExClaim
    flags: tuple[int | None, ...] = ()
    history: tuple[ExClaim, ...] = field(default=())
    note: str = ""

    @property
    def fails(self) -> bool:
        return bool(self.flags)


def to_x12(spec: ExClaim) -> str:
    """The example as a complete 837 interchange."""
    from cleanclaim.x12.generate import write_837i, write_837p
    from cleanclaim.x12.generate.model import (
        Address,
        BillingProvider,
        GenClaim,
        GenLine,
        GenLineAdjudication,
        GenOtherPayer,
        Payer,
        Person,
        Practitioner,
        Subscriber,
    )

    addr = Address("100 MAIN ST", "SALEM", "OR", "97301")
    person = Person("TESTPATIENT", "ALEX", D(spec.birth), spec.sex, addr)
    day = D(spec.dos)
    lines = tuple(
        GenLine(
            procedure=ln.code,
            charge=Decimal(ln.charge),
            service_date=D(ln.dos) if ln.dos else day,
            units=Decimal(ln.units),
            modifiers=ln.modifiers,
            dx_pointers=ln.dx,
            revenue_code=ln.revenue_code,
            prior_auth=ln.prior_auth,
            adjudications=tuple(
                GenLineAdjudication(
                    payer_id=adj.payer_id,
                    procedure=ln.code,
                    charge=Decimal(ln.charge),
                    adjudicated=D(adj.adjudicated),
                    adjustments=_cas(adj.adjustments),
                    modifiers=ln.modifiers,
                    units=Decimal(ln.units),
                    revenue_code=ln.revenue_code,
                )
                for adj in ln.adjudications
            ),
        )
        for ln in spec.lines
    )
    inst = spec.claim_type == "institutional"
    claim = GenClaim(
        claim_id=spec.claim_id,
        billing=BillingProvider("1245319599", "931234567", "EXAMPLE CLINIC", addr, "207Q00000X"),
        payer=Payer(spec.payer_id, "EXAMPLE PAYER"),
        subscriber=Subscriber(spec.member_id, person),
        diagnoses=spec.dx,
        lines=lines,
        rendering=Practitioner(spec.rendering_npi, "TESTDOCTOR", "PAT", spec.rendering_taxonomy),
        filing_indicator=spec.filing_indicator,
        place_of_service=spec.pos,
        frequency=spec.frequency,
        original_reference="EXORIGINAL1" if spec.frequency in ("7", "8") else "",
        prior_auth=spec.prior_auth,
        poa=spec.poa,
        statement_from=day if inst else None,
        statement_to=(D(spec.statement_to) if spec.statement_to else day) if inst else None,
        sbr_sequence=spec.sbr_sequence,
        other_payers=tuple(
            GenOtherPayer(
                sequence=op.sequence,
                payer=Payer(op.payer_id, op.name),
                subscriber=Subscriber(op.member_id, person, op.group_number),
                filing_indicator=op.filing_indicator,
                paid=Decimal(op.paid if op.paid is not None else "0.00"),
                adjustments=_cas(op.adjustments),
                adjudicated=D(op.adjudicated) if op.adjudicated else None,
            )
            for op in spec.other_payers
        ),
    )
    write = write_837i if inst else write_837p
    text = write([claim], sender="EXSENDER", receiver="EXRECEIVER", created=D(spec.submitted))
    return _patch(text, spec)


def _cas(triples: tuple[tuple[str, str, str], ...]) -> tuple[Any, ...]:
    from cleanclaim.x12.generate.model import GenAdjustment

    return tuple(GenAdjustment(g, r, Decimal(a)) for g, r, a in triples)


def _patch(text: str, spec: ExClaim) -> str:
    """What the generator does not write: SBR05 of the destination payer, CLM11 related
    causes, and other payers without AMT*D. The transaction's SE01 count is kept right."""
    if not (spec.insurance_type or spec.related_causes) and all(
        op.paid is not None for op in spec.other_payers
    ):
        return text
    segments = text.split("~")
    out: list[str] = []
    other = -1
    dropped = 0
    first_sbr = True
    for seg in segments:
        elements = seg.split("*")
        tag = elements[0].strip()
        if tag == "SBR" and first_sbr and spec.insurance_type:
            elements += [""] * (10 - len(elements))
            elements[5] = spec.insurance_type
            seg = "*".join(elements)
        if tag == "SBR":
            first_sbr = False
        if tag == "CLM" and spec.related_causes and spec.claim_type == "professional":
            elements += [""] * (12 - len(elements))
            parts = [*spec.related_causes[:3], "", "", ""][:3]
            if "AA" in spec.related_causes:
                parts.append("OR")  # CLM11-4: the state of an auto accident
            elements[11] = ":".join(parts).rstrip(":")
            seg = "*".join(elements)
        if tag == "AMT" and len(elements) > 1 and elements[1] == "D":
            other += 1
            if spec.other_payers[other].paid is None:
                dropped += 1
                continue
        if tag == "SE" and dropped:
            seg = f"SE*{int(elements[1]) - dropped}*{elements[2]}"
        out.append(seg)
    return "~".join(out)


def parse_x12(text: str, name: str = "<example>") -> list[Claim]:
    """Claims of an 837 interchange, through the real reader and parser."""
    from cleanclaim.x12.envelope import iter_transaction_sets
    from cleanclaim.x12.parse837 import parse_837

    claims: list[Claim] = []
    for ts in iter_transaction_sets(io.BytesIO(text.encode("latin-1")), path_name=name):
        if ts.error:
            raise ValueError(f"example does not parse: {ts.error}")
        claims.extend(parse_837(ts, ts.delimiters, name))
    return claims


def build(spec: ExClaim) -> Claim:
    """The single claim of an example."""
    (claim,) = parse_x12(to_x12(spec))
    return claim
