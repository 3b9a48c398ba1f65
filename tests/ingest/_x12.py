"""Synthetic X12 for the ingest tests, written with the project's generator (no PHI)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

from cleanclaim.x12.generate.ack277 import ClaimAck, write_277ca
from cleanclaim.x12.generate.ack999 import (
    Ack999Group,
    Ack999SegmentError,
    Ack999Transaction,
    ack999_for,
    write_999,
)
from cleanclaim.x12.generate.claims837 import write_837i, write_837p
from cleanclaim.x12.generate.model import (
    Address,
    BillingProvider,
    GenAdjustment,
    GenClaim,
    GenClaimPayment,
    GenLine,
    GenProviderAdjustment,
    GenRemit,
    GenServicePayment,
    Payer,
    Person,
    Subscriber,
)
from cleanclaim.x12.generate.remit835 import write_835
from cleanclaim.x12.generate.writer import Interchange, Party

__all__ = [
    "ACK_DATE",
    "BILLING",
    "BILLING_B",
    "PAYER",
    "SUBSCRIBER",
    "Ack999Group",
    "Ack999SegmentError",
    "Ack999Transaction",
    "ClaimAck",
    "GenAdjustment",
    "GenClaim",
    "GenProviderAdjustment",
    "ack999_for",
    "claim",
    "other_270",
    "p837",
    "payment",
    "r835",
    "remit",
    "segments",
    "write",
    "write_277ca",
    "write_835",
    "write_837i",
    "write_837p",
    "write_999",
]

ADDRESS = Address("1 MAPLE AVE", "SPRINGFIELD", "IL", "62704")
BILLING = BillingProvider("1234567893", "371234567", "NORTHSIDE CLINIC", ADDRESS)
BILLING_B = BillingProvider("1003000126", "371234568", "EASTSIDE CLINIC", ADDRESS)
PAYER = Payer("DCOMM", "DEMO COMMERCIAL HEALTH")
PATIENT = Person("THISTLEWOOD", "MARY", date(1961, 7, 14), "F", ADDRESS)
SUBSCRIBER = Subscriber("DCM900112233", PATIENT)
DOS = date(2026, 3, 2)
SUBMITTED = date(2026, 3, 10)
ACK_DATE = date(2026, 3, 11)
PAID_ON = date(2026, 4, 2)


def claim(
    clm01: str,
    *,
    billing: BillingProvider = BILLING,
    charges: Sequence[str] = ("100.00",),
    frequency: str = "1",
    original_reference: str = "",
    revenue_code: str = "",
    service_date: date = DOS,
) -> GenClaim:
    """A professional (or, with ``revenue_code``, institutional) claim with one line per charge."""
    lines = tuple(
        GenLine("99213" if n == 0 else "36415", Decimal(c), service_date, revenue_code=revenue_code)
        for n, c in enumerate(charges)
    )
    return GenClaim(
        clm01,
        billing,
        PAYER,
        SUBSCRIBER,
        ("E119",),
        lines,
        frequency=frequency,
        original_reference=original_reference,
        place_of_service="13" if revenue_code else "11",
    )


def payment(
    clm01: str,
    *,
    status: str = "1",
    charges: Sequence[str] = ("100.00",),
    paid_ratio: str = "0.70",
    payer_claim_number: str = "PCN0001",
    frequency: str = "1",
    negate: bool = False,
    deny_reason: str = "",
) -> GenClaimPayment:
    """An 835 claim paying each line ``paid_ratio`` of its charge (CO-45 for the rest)."""
    sign = Decimal(-1) if negate else Decimal(1)
    services = []
    for n, c in enumerate(charges):
        charge = Decimal(c)
        if deny_reason:
            adj = (GenAdjustment("CO", deny_reason, charge * sign),)
        else:
            written_off = charge - (charge * Decimal(paid_ratio)).quantize(Decimal("0.01"))
            adj = (GenAdjustment("CO", "45", written_off * sign),)
        services.append(
            GenServicePayment("99213" if n == 0 else "36415", charge * sign, DOS, adjustments=adj)
        )
    return GenClaimPayment(
        clm01,
        status,
        sum((s.charge for s in services), Decimal(0)),
        payer_claim_number,
        SUBSCRIBER.member_id,
        PATIENT.last_name,
        PATIENT.first_name,
        frequency=frequency,
        services=tuple(services),
    )


def remit(
    *claims: GenClaimPayment, trace: str = "TRC1001", plb: Sequence[GenProviderAdjustment] = ()
) -> GenRemit:
    return GenRemit(PAYER, BILLING, trace, PAID_ON, tuple(claims), tuple(plb))


def other_270(control_number: int = 77) -> str:
    """A tiny 270 eligibility inquiry interchange (a kind cleanclaim skips)."""
    ic = Interchange(
        sender=Party("SUBMITTER"),
        receiver=Party("DCOMM"),
        control_number=control_number,
        created=SUBMITTED,
        time="1200",
        functional_id="HS",
        version="005010X279A1",
    )
    ic.add("270", ["BHT*0022*13*10001*20260310*1200", "HL*1**20*1"])
    return ic.render()


def write(tmp: Path, name: str, text: str) -> Path:
    path = tmp / name
    path.write_bytes(text.encode("latin-1"))
    return path


def segments(text: str, segment_id: str) -> int:
    """How many ``segment_id`` segments ``text`` holds (``~``-terminated, ``*``-separated)."""
    return sum(1 for s in text.split("~") if s.strip().split("*")[0] == segment_id)


def p837(
    *claims: GenClaim,
    control: int = 1,
    created: date = SUBMITTED,
    per_set: int = 5000,
) -> str:
    return write_837p(
        claims,
        sender="SUBMITTER",
        receiver="DCOMM",
        control_number=control,
        created=created,
        claims_per_transaction=per_set,
    )


def r835(*remits: GenRemit, control: int = 501) -> str:
    return write_835(
        remits, sender="DCOMM", receiver="SUBMITTER", control_number=control, created=PAID_ON
    )
