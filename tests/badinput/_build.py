"""Malformed X12 built from the project's generator (synthetic, no PHI; never ../shared).

The canonical 837P file :data:`THREE` holds three sets of one claim each (``A1``, ``A2``,
``A3``); its segment positions are fixed: ISA 1, GS 2, ST 3/26/49, SE 25/48/71, GE 72,
IEA 73. Delimiters are ``*`` ``:`` ``^`` ``~`` and no data holds any of them, so a file can be
re-delimited by plain translation.
"""

from __future__ import annotations

import gzip
from datetime import date
from decimal import Decimal
from pathlib import Path

from cleanclaim.x12.generate import (
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
    write_835,
    write_837p,
)
from cleanclaim.x12.generate.writer import Interchange, Party

ADDRESS = Address("1 MAPLE AVE", "SPRINGFIELD", "IL", "62704")
BILLING = BillingProvider("1234567893", "371234567", "NORTHSIDE CLINIC", ADDRESS)
PAYER = Payer("DCOMM", "DEMO COMMERCIAL HEALTH")
PATIENT = Person("THISTLEWOOD", "MARY", date(1961, 7, 14), "F", ADDRESS)
SUBSCRIBER = Subscriber("DCM900112233", PATIENT)
DOS = date(2026, 3, 2)
CREATED = date(2026, 3, 10)
PAID = date(2026, 4, 2)


def claim(clm01: str, charge: str = "100.00") -> GenClaim:
    return GenClaim(
        clm01, BILLING, PAYER, SUBSCRIBER, ("E119",), (GenLine("99213", Decimal(charge), DOS),)
    )


def p837(*clm01s: str, control: int = 1, per_set: int = 1) -> str:
    return write_837p(
        [claim(c) for c in clm01s],
        sender="SUBMITTER",
        receiver="DCOMM",
        control_number=control,
        created=CREATED,
        claims_per_transaction=per_set,
    )


def payment(
    clm01: str,
    *,
    status: str = "1",
    charge: str = "100",
    written_off: str = "30",
    pcn: str = "PCN1",
) -> GenClaimPayment:
    charge_d, off = Decimal(charge), Decimal(written_off)
    service = GenServicePayment(
        "99213", charge_d, DOS, adjustments=(GenAdjustment("CO", "45", off),) if off else ()
    )
    return GenClaimPayment(
        clm01,
        status,
        charge_d,
        pcn,
        SUBSCRIBER.member_id,
        PATIENT.last_name,
        PATIENT.first_name,
        filing_indicator="12",
        services=(service,),
    )


def remit(
    *claims: GenClaimPayment, trace: str = "TRC1", plb: tuple[GenProviderAdjustment, ...] = ()
) -> GenRemit:
    return GenRemit(PAYER, BILLING, trace, PAID, claims, plb)


def r835(*remits: GenRemit, control: int = 501) -> str:
    return write_835(
        remits, sender="DCOMM", receiver="SUBMITTER", control_number=control, created=PAID
    )


def other(set_id: str, version: str, body: list[str], functional_id: str, control: int = 77) -> str:
    """A small interchange of a kind cleanclaim does not read (834, 270...)."""
    ic = Interchange(
        sender=Party("SPONSOR"),
        receiver=Party("DCOMM"),
        control_number=control,
        created=CREATED,
        time="1200",
        functional_id=functional_id,
        version=version,
    )
    ic.add(set_id, body)
    return ic.render()


THREE = p837("A1", "A2", "A3")
SECOND = p837("B1", "B2", control=2)
"""A second interchange (ISA13 000000002) of two sets."""
PLB = (
    GenProviderAdjustment("L6", Decimal("-2.50"), "A1"),
    GenProviderAdjustment("WO", Decimal("10"), "X1"),
)
REMITS = r835(remit(payment("A1"), payment("A2"), plb=PLB), remit(payment("A3"), trace="TRC2"))
"""Two 835 sets: ``TRC1`` (A1, A2 and two PLB adjustments, BPR02 132.5) and ``TRC2`` (A3)."""


def segments(text: str, terminator: str = "~") -> list[str]:
    return [s.strip() for s in text.split(terminator) if s.strip()]


def position(text: str, prefix: str, nth: int = 1) -> int:
    """1-based position of the ``nth`` segment of ``text`` starting with ``prefix``."""
    found = [i for i, s in enumerate(segments(text), start=1) if s.startswith(prefix)]
    return found[nth - 1]


def redelimit(
    text: str, element: str, component: str, repetition: str, terminator: str, eol: str = ""
) -> str:
    """``text`` with other delimiters (and ``eol`` after every terminator)."""
    table = str.maketrans({"*": element, ":": component, "^": repetition, "~": terminator})
    return text.translate(table).replace(terminator, terminator + eol)


def se01_wrong(text: str, control: str = "0003") -> str:
    """The probe: SE01 of set ``control`` one too low (only that set must be quarantined)."""
    segs = segments(text)
    se = next(s for s in segs if s.startswith("SE*") and s.endswith(f"*{control}"))
    count = int(se.split("*")[1])
    return text.replace(se, f"SE*{count - 1}*{control}")


def se01_reason(text: str, control: str = "0003") -> str:
    segs = segments(text)
    se = next(s for s in segs if s.startswith("SE*") and s.endswith(f"*{control}"))
    count = int(se.split("*")[1])
    return f"SE01 segment count is '{count - 1}' but the transaction set has {count} segments"


def gz(text: str) -> bytes:
    return gzip.compress(text.encode("latin-1"), mtime=0)


def write(tmp: Path, name: str, data: str | bytes) -> Path:
    path = tmp / name
    path.write_bytes(data.encode("latin-1") if isinstance(data, str) else data)
    return path
