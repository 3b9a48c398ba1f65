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
        rendering=Practitioner(spec.rendering_npi, "TESTDOCTOR", "PAT", "207Q00000X"),
        filing_indicator=spec.filing_indicator,
        place_of_service=spec.pos,
        frequency=spec.frequency,
        original_reference="EXORIGINAL1" if spec.frequency in ("7", "8") else "",
        prior_auth=spec.prior_auth,
        poa=spec.poa,
        statement_from=day if inst else None,
        statement_to=(D(spec.statement_to) if spec.statement_to else day) if inst else None,
    )
    write = write_837i if inst else write_837p
    return write([claim], sender="EXSENDER", receiver="EXRECEIVER", created=D(spec.submitted))


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
