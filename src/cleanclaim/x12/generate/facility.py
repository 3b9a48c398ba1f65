"""A seeded demo hospital: institutional claims (837I) with made-up patients.

Outpatient (type of bill 13x) emergency and diagnostic visits with revenue code + HCPCS
lines, and short inpatient stays (11x) with room-and-board days, POA flags, admission
type/source and discharge status. Deterministic for a given seed.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from cleanclaim.x12.generate import _fake
from cleanclaim.x12.generate._ids import random_npi, random_tin
from cleanclaim.x12.generate.model import (
    Address,
    BillingProvider,
    GenClaim,
    GenLine,
    Practitioner,
)
from cleanclaim.x12.generate.practice import PatientProfile

# (revenue code, HCPCS or "", made-up charge)
_ED = (("0450", "99283", "650.00"), ("0450", "99284", "980.00"), ("0450", "99285", "1450.00"))
_ANCILLARY = (
    ("0300", "80053", "160.00"),
    ("0300", "85025", "75.00"),
    ("0320", "71046", "310.00"),
    ("0250", "", "45.00"),
    ("0730", "93005", "120.00"),
)
_OUTPATIENT_DX = ("R07.9", "R10.9", "J18.9", "R55", "S93.401A", "N39.0", "R51.9")
_INPATIENT_DX = ("J18.9", "I50.9", "A41.9", "N17.9", "J44.1")
_SECONDARY_DX = ("I10", "E11.9", "E78.5", "N18.30", "E66.9", "K21.9")
FACILITY_DX = (*_OUTPATIENT_DX, *_INPATIENT_DX, *_SECONDARY_DX)
"""Every diagnosis :func:`random_facility_claims` can emit (valid FY2026 ICD-10-CM)."""


def demo_hospital(seed: int) -> tuple[BillingProvider, tuple[Practitioner, ...]]:
    """The demo hospital for ``seed`` and its three attending physicians."""
    rng = random.Random(f"hospital:{seed}")
    billing = BillingProvider(
        random_npi(rng, entity=2),
        random_tin(rng),
        "DEMO COMMUNITY HOSPITAL",
        Address("1 HOSPITAL PLAZA", "SPRINGFIELD", "IL", "627045678"),
        "282N00000X",
    )
    doctors = tuple(
        Practitioner(
            random_npi(rng),
            rng.choice(_fake.FAKE_SURNAMES),
            rng.choice(_fake.MALE_NAMES + _fake.FEMALE_NAMES),
            "207P00000X",
        )
        for _ in range(3)
    )
    return billing, doctors


def random_facility_claims(seed: int, n: int, start_date: date, end_date: date) -> list[GenClaim]:
    """``n`` institutional claims of the demo hospital with statement dates in the range."""
    if n < 0:
        raise ValueError("n must not be negative")
    rng = random.Random(seed)
    billing, doctors = demo_hospital(seed)
    tag = "H" + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=2))
    pool = [PatientProfile(rng, start_date) for _ in range(max(25, n // 4))]
    claims: list[GenClaim] = []
    for i in range(n):
        pt = pool[rng.randrange(len(pool))]
        demo, sub = pt.payer, pt.sub
        day = _fake.service_day(rng, start_date, end_date)
        claim_id = f"{tag}{i + 1:07d}"
        extra = tuple(rng.sample(_SECONDARY_DX, k=rng.randint(0, 3)))
        if rng.random() < 0.2:
            stay = rng.randint(2, 5)
            principal = rng.choice(_INPATIENT_DX)
            specs = [
                ("0120", "", Decimal("1100.00") * stay, stay),
                ("0250", "", Decimal("85.00") * stay, stay),
                ("0300", "80053", None, 1),
            ]
            lines = [
                GenLine(
                    code,
                    charge if charge is not None else Decimal("160.00"),
                    day,
                    Decimal(units),
                    revenue_code=rev,
                    service_date_end=day + timedelta(days=stay) if not code else None,
                    control_number=f"{claim_id}-{k}",
                )
                for k, (rev, code, charge, units) in enumerate(specs, start=1)
            ]
            claims.append(
                GenClaim(
                    claim_id,
                    billing,
                    demo.payer,
                    sub,
                    (principal, *extra),
                    tuple(lines),
                    rendering=rng.choice(doctors),
                    filing_indicator=demo.filing_indicator,
                    place_of_service="11",
                    poa=("Y", *("Y" if rng.random() < 0.9 else "N" for _ in extra)),
                    statement_from=day,
                    statement_to=day + timedelta(days=stay),
                    admission_type="1",
                    admission_source="7",
                    patient_status="01",
                    admission_date=day,
                    patient=pt.patient,
                    patient_relationship=pt.relationship,
                )
            )
            continue
        picks = [rng.choice(_ED)] if rng.random() < 0.6 else []
        picks += rng.sample(_ANCILLARY, k=rng.randint(1, 3))
        lines = [
            GenLine(code, Decimal(charge), day, revenue_code=rev, control_number=f"{claim_id}-{k}")
            for k, (rev, code, charge) in enumerate(picks, start=1)
        ]
        claims.append(
            GenClaim(
                claim_id,
                billing,
                demo.payer,
                sub,
                (rng.choice(_OUTPATIENT_DX), *extra),
                tuple(lines),
                rendering=rng.choice(doctors),
                filing_indicator=demo.filing_indicator,
                place_of_service="13",
                patient=pt.patient,
                patient_relationship=pt.relationship,
            )
        )
    return claims
