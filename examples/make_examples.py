"""Write the synthetic example files used by the README (deterministic; no PHI).

Run ``python examples/make_examples.py`` to regenerate ``sample-837p.x12`` and
``sample-835.x12``. Every name, id and amount is made up.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from cleanclaim.x12.generate import write_835, write_837p
from cleanclaim.x12.generate.model import (
    Address,
    BillingProvider,
    GenAdjustment,
    GenClaim,
    GenClaimPayment,
    GenLine,
    GenRemit,
    GenServicePayment,
    Payer,
    Person,
    Practitioner,
    Subscriber,
)

HERE = Path(__file__).resolve().parent
D = dt.date
ADDR = Address("100 MAIN ST", "SALEM", "OR", "97301")
BILLING = BillingProvider("1245319599", "931234567", "EXAMPLE FAMILY CLINIC", ADDR, "207Q00000X")
DOCTOR = Practitioner("1234567893", "TESTDOCTOR", "PAT", "207Q00000X")
MEDICARE = Payer("EXMCR", "EXAMPLE MEDICARE CONTRACTOR")


def _claim(claim_id: str, member: str, dx: tuple[str, ...], lines: tuple[GenLine, ...]) -> GenClaim:
    person = Person("TESTPATIENT", claim_id, D(1951, 6, 2), "F", ADDR)
    return GenClaim(
        claim_id=claim_id,
        billing=BILLING,
        payer=MEDICARE,
        subscriber=Subscriber(member, person),
        diagnoses=dx,
        lines=lines,
        rendering=DOCTOR,
        filing_indicator="MB",
    )


def _line(
    code: str, charge: str, day: D, mods: tuple[str, ...] = (), ptr: tuple[int, ...] = (1,)
) -> GenLine:
    return GenLine(
        procedure=code, charge=Decimal(charge), service_date=day, modifiers=mods, dx_pointers=ptr
    )


def claims() -> list[GenClaim]:
    day = D(2026, 8, 12)
    return [
        # NCCI: 76942 is bundled into 20610 (indicator 0) on the same day.
        _claim(
            "EXA1",
            "EXMBR0001",
            ("M1711", "I10"),
            (
                _line("99213", "120.00", day, ("25",), (2,)),
                _line("20610", "180.00", day),
                _line("76942", "95.00", day),
            ),
        ),
        # Unspecified diabetes billed with chronic kidney disease: E11.22 + N18.30.
        _claim(
            "EXA2", "EXMBR0002", ("E119", "N1830"), (_line("99214", "165.00", day, ptr=(1, 2)),)
        ),
        # A category header is not billable: M54.5 has billable children since FY2022.
        _claim("EXA3", "EXMBR0003", ("M545",), (_line("99213", "120.00", D(2026, 8, 13)),)),
        # Nothing wrong that can be seen without the visit documentation.
        _claim("EXA4", "EXMBR0004", ("I10",), (_line("99213", "120.00", D(2026, 8, 13)),)),
    ]


def remits() -> list[GenRemit]:
    co = GenAdjustment
    return [
        GenRemit(
            payer=MEDICARE,
            payee=BILLING,
            trace_number="EXTRACE0001",
            payment_date=D(2026, 9, 2),
            claims=(
                GenClaimPayment(
                    claim_id="EXA1",
                    status="1",
                    charge=Decimal("395.00"),
                    payer_claim_number="EXPCN0001",
                    member_id="EXMBR0001",
                    patient_last="TESTPATIENT",
                    patient_first="EXA1",
                    filing_indicator="MB",
                    services=(
                        GenServicePayment(
                            "99213",
                            Decimal("120.00"),
                            D(2026, 8, 12),
                            modifiers=("25",),
                            adjustments=(co("CO", "45", Decimal("30.00")),),
                        ),
                        GenServicePayment(
                            "20610",
                            Decimal("180.00"),
                            D(2026, 8, 12),
                            adjustments=(co("CO", "45", Decimal("60.00")),),
                        ),
                        GenServicePayment(
                            "76942",
                            Decimal("95.00"),
                            D(2026, 8, 12),
                            adjustments=(co("CO", "97", Decimal("95.00")),),
                            remarks=("M15",),
                        ),
                    ),
                ),
            ),
        )
    ]


def main() -> None:
    created = D(2026, 8, 20)
    (HERE / "sample-837p.x12").write_text(
        write_837p(
            claims(), sender="EXSENDER", receiver="EXRECEIVER", created=created, newline=True
        ),
        "latin-1",
    )
    (HERE / "sample-835.x12").write_text(
        write_835(
            remits(), sender="EXMCR835", receiver="EXSENDER", created=D(2026, 9, 2), newline=True
        ),
        "latin-1",
    )


if __name__ == "__main__":
    main()
