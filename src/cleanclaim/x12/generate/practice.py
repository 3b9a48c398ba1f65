"""A seeded demo family practice: realistic professional claims with made-up people.

:func:`random_practice_claims` draws encounters from a fixed list of visit scenarios
(E/M 99202-99215, preventive visits, joint injections with LT/RT, cerumen removal,
vaccines, injections and lesion removal with 25/59, labs, therapy units), ICD-10-CM codes
valid in FY2026, a payer mix (Medicare, Medicare Advantage, Blue, commercial, Medicaid),
dependents, replacement/void claims with ``REF*F8``, prior authorizations, and secondary
and tertiary claims that carry the earlier payers' line adjudication (2320/2430).

Same ``seed`` and arguments -> the same claims, always (``random.Random(seed)`` only).
"""

from __future__ import annotations

import bisect
import random
from datetime import date, timedelta
from decimal import Decimal

from cleanclaim.x12.generate import _fake
from cleanclaim.x12.generate._ids import payer_claim_number, random_npi, random_tin
from cleanclaim.x12.generate.model import (
    Address,
    BillingProvider,
    GenAdjustment,
    GenClaim,
    GenLine,
    GenLineAdjudication,
    GenOtherPayer,
    Practitioner,
    Subscriber,
    money,
)

# Made-up practice charges (not a fee schedule of any payer).
FEES: dict[str, Decimal] = {
    k: Decimal(v)
    for k, v in {
        "99202": "120.00",
        "99203": "175.00",
        "99204": "260.00",
        "99205": "330.00",
        "99212": "90.00",
        "99213": "135.00",
        "99214": "195.00",
        "99215": "265.00",
        "99391": "180.00",
        "99392": "185.00",
        "99393": "190.00",
        "99394": "200.00",
        "99395": "215.00",
        "99396": "240.00",
        "99397": "255.00",
        "20610": "210.00",
        "J1030": "28.00",
        "69210": "95.00",
        "17110": "160.00",
        "11102": "175.00",
        "93000": "65.00",
        "36415": "15.00",
        "83036": "40.00",
        "81002": "18.00",
        "87880": "35.00",
        "90686": "45.00",
        "90471": "30.00",
        "96372": "45.00",
        "J1885": "12.00",
        "97110": "70.00",
        "97140": "65.00",
        "94640": "55.00",
    }.items()
}
CHRONIC_DX = (
    "E11.9",
    "I10",
    "E78.5",
    "J44.9",
    "F41.1",
    "K21.9",
    "E66.9",
    "E03.9",
    "G47.33",
    "F32.A",
    "M54.50",
    "N18.30",
)
ACUTE_DX = ("J06.9", "R05.9", "J02.9", "N39.0", "R10.9", "R51.9", "J20.9", "K52.9")
ALL_DX = (
    *CHRONIC_DX,
    *ACUTE_DX,
    "Z00.00",
    "Z00.01",
    "Z00.129",
    "Z23",
    "M17.11",
    "M17.12",
    "H61.21",
    "H61.22",
    "D48.5",
    "B07.9",
    "R00.2",
    "J44.1",
    "M25.561",
)
"""Every diagnosis the generator can emit (all valid, billable FY2026 ICD-10-CM codes)."""

_EST = ("99212", "99213", "99214", "99215")
_NEW = ("99202", "99203", "99204", "99205")
_SCENARIOS = (
    "chronic",
    "new",
    "acute",
    "preventive",
    "diabetes",
    "knee",
    "cerumen",
    "flu",
    "injection",
    "lesions",
    "ecg",
    "copd",
    "therapy",
    "telehealth",
)
_WEIGHTS = (35, 8, 12, 8, 8, 5, 4, 6, 4, 3, 4, 3, 3, 3)
_CUM = [sum(_WEIGHTS[: i + 1]) for i in range(len(_WEIGHTS))]
_TAXONOMIES = ("207Q00000X", "207R00000X", "363LF0000X")

Line = tuple[str, tuple[str, ...], int, tuple[int, ...]]
"""(procedure, modifiers, units, dx pointers)"""


def _em(rng: random.Random, codes: tuple[str, ...]) -> str:
    r = rng.random()
    return codes[min(len(codes) - 1, 0 if r < 0.1 else 1 if r < 0.55 else 2 if r < 0.9 else 3)]


def _scenario(
    rng: random.Random, age: int, chronic: tuple[str, ...]
) -> tuple[list[str], list[Line], str]:
    """(diagnoses, lines, place of service) for one encounter."""
    kind = _SCENARIOS[bisect.bisect_right(_CUM, rng.randrange(_CUM[-1]))]
    base = list(chronic) or [rng.choice(CHRONIC_DX)]
    ptrs = tuple(range(1, min(len(base), 4) + 1))
    side = rng.random() < 0.5
    if kind == "chronic":
        return base, [(_em(rng, _EST), (), 1, ptrs)], "11"
    if kind == "telehealth":
        return base, [(_em(rng, _EST[:3]), ("95",), 1, ptrs)], "10"
    if kind == "new":
        dx = [rng.choice(ACUTE_DX)]
        return dx, [(_em(rng, _NEW), (), 1, (1,))], "11"
    if kind == "acute":
        acute = rng.choice(ACUTE_DX)
        lines: list[Line] = [(_em(rng, _EST[:3]), (), 1, (1,))]
        if acute == "J02.9":
            lines.append(("87880", (), 1, (1,)))
        elif acute == "N39.0":
            lines.append(("81002", (), 1, (1,)))
        return [acute], lines, "11"
    if kind == "preventive":
        wellness = "Z00.129" if age < 18 else ("Z00.01" if chronic else "Z00.00")
        code = (
            "99391"
            if age < 1
            else "99392"
            if age < 5
            else "99393"
            if age < 12
            else "99394"
            if age < 18
            else "99395"
            if age < 40
            else "99396"
            if age < 65
            else "99397"
        )
        dx = [wellness, *chronic[:3]] if age >= 18 else [wellness]
        lines = [(code, (), 1, (1,))]
        if age >= 18:
            lines.append(("36415", (), 1, (1,)))
        return dx, lines, "11"
    if kind == "diabetes":
        dx = ["E11.9", *(c for c in chronic if c != "E11.9")][:4]
        return (
            dx,
            [
                ("99214", (), 1, tuple(range(1, len(dx) + 1))),
                ("36415", (), 1, (1,)),
                ("83036", (), 1, (1,)),
            ],
            "11",
        )
    if kind == "knee":
        return (
            ["M17.11" if side else "M17.12"],
            [
                ("99213", ("25",), 1, (1,)),
                ("20610", ("RT" if side else "LT",), 1, (1,)),
                ("J1030", (), 1, (1,)),
            ],
            "11",
        )
    if kind == "cerumen":
        lines = [("69210", ("RT" if side else "LT",), 1, (1,))]
        if rng.random() < 0.5:
            lines.insert(0, ("99212", ("25",), 1, (1,)))
        return ["H61.21" if side else "H61.22"], lines, "11"
    if kind == "flu":
        if rng.random() < 0.3:
            return (
                ["Z23", base[0]],
                [("99213", ("25",), 1, (2,)), ("90686", (), 1, (1,)), ("90471", (), 1, (1,))],
                "11",
            )
        return ["Z23"], [("90686", (), 1, (1,)), ("90471", (), 1, (1,))], "11"
    if kind == "injection":
        return (
            ["M54.50"],
            [("99213", ("25",), 1, (1,)), ("96372", (), 1, (1,)), ("J1885", (), 2, (1,))],
            "11",
        )
    if kind == "lesions":
        return ["D48.5", "B07.9"], [("11102", (), 1, (1,)), ("17110", ("59",), 1, (2,))], "11"
    if kind == "ecg":
        return ["R00.2", "I10"], [("99214", (), 1, (1, 2)), ("93000", (), 1, (1,))], "11"
    if kind == "copd":
        return ["J44.1"], [("99214", ("25",), 1, (1,)), ("94640", (), 2, (1,))], "11"
    dx = [rng.choice(("M54.50", "M25.561"))]
    return (dx, [("97110", (), rng.randint(2, 4), (1,)), ("97140", ("59",), 1, (1,))], "11")


class PatientProfile:
    """One made-up patient of the panel: payer, subscriber, dependent, chronic conditions."""

    __slots__ = ("age", "chronic", "patient", "payer", "relationship", "sub", "supp_sub")

    def __init__(self, rng: random.Random, on: date) -> None:
        self.payer = payer = _fake.weighted_payer(rng)
        self.relationship = "18"
        self.patient = None
        if payer.medicare_like:
            person = _fake.random_person(rng, on, 65, 92)
        else:
            person = _fake.random_person(rng, on, 19, 64)
        holder = person
        if not payer.medicare_like and rng.random() < 0.2:
            parent_age = (on - person.birth_date).days // 365
            child = rng.random() < 0.7 and parent_age >= 20
            self.relationship = "19" if child else "01"
            lo, hi = (1, min(25, parent_age - 18)) if child else (19, 64)
            self.patient = _fake.random_person(
                rng, on, lo, hi, last=person.last_name, address=person.address
            )
            person = self.patient
        self.age = (on - person.birth_date).days // 365
        self.chronic = tuple(rng.sample(CHRONIC_DX, k=min(self.age // 25, 3)))
        self.sub = _fake.subscriber_for(rng, payer, holder)
        self.supp_sub: Subscriber | None = None
        if payer.filing_indicator == "MB" and rng.random() < 0.3:
            self.supp_sub = _fake.subscriber_for(rng, _fake.SUPPLEMENT, holder)


def demo_practice(seed: int) -> tuple[BillingProvider, tuple[Practitioner, ...]]:
    """The demo practice for ``seed``: its billing provider and four rendering providers."""
    rng = random.Random(f"practice:{seed}")
    name = rng.choice(
        ("DEMO FAMILY PRACTICE", "DEMO PRAIRIE MEDICAL GROUP", "DEMO LAKESIDE PRIMARY CARE")
    )
    billing = BillingProvider(
        random_npi(rng, entity=2),
        random_tin(rng),
        name,
        Address("400 CLINIC WAY", "SPRINGFIELD", "IL", "627041234"),
        "207Q00000X",
    )
    rendering = tuple(
        Practitioner(
            random_npi(rng),
            rng.choice(_fake.FAKE_SURNAMES),
            rng.choice(_fake.FEMALE_NAMES + _fake.MALE_NAMES),
            _TAXONOMIES[i % 3],
        )
        for i in range(4)
    )
    return billing, rendering


def random_practice_claims(seed: int, n: int, start_date: date, end_date: date) -> list[GenClaim]:
    """``n`` professional claims of the demo practice with service dates in the range."""
    if n < 0:
        raise ValueError("n must not be negative")
    rng = random.Random(seed)
    billing, rendering = demo_practice(seed)
    tag = "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ", k=3))
    pool = [PatientProfile(rng, start_date) for _ in range(max(25, n // 4))]
    claims: list[GenClaim] = []
    for i in range(n):
        pt = pool[rng.randrange(len(pool))]
        day = _fake.service_day(rng, start_date, end_date)
        dx, specs, pos = _scenario(rng, pt.age, pt.chronic)
        claim_id = f"{tag}{i + 1:07d}"
        auth = ""
        lines = []
        for k, (code, mods, units, ptrs) in enumerate(specs, start=1):
            line_auth = ""
            if code in ("20610", "97110") and not pt.payer.medicare_like and rng.random() < 0.4:
                line_auth = auth = auth or f"PA{rng.randint(10**7, 10**8 - 1)}"
            lines.append(
                GenLine(
                    code,
                    FEES[code] * units,
                    day,
                    Decimal(units),
                    mods,
                    ptrs,
                    control_number=f"{claim_id}-{k}",
                    prior_auth=line_auth,
                )
            )
        payer, sub, seq = pt.payer.payer, pt.sub, "P"
        others: tuple[GenOtherPayer, ...] = ()
        filing = pt.payer.filing_indicator
        if pt.supp_sub is not None and rng.random() < 0.35:
            lines, others = _cob(rng, lines, pt, tertiary=rng.random() < 0.1)
            seq = "S" if len(others) == 1 else "T"
            target = _fake.SUPPLEMENT if seq == "S" else _fake.MEDICAID
            payer, filing = target.payer, target.filing_indicator
            sub = (
                pt.supp_sub
                if seq == "S"
                else Subscriber(_fake.member_id_for(rng, _fake.MEDICAID), pt.sub.person)
            )
        freq, original = "1", ""
        roll = rng.random()
        if roll < 0.025:
            freq, original = (
                ("8" if roll < 0.005 else "7"),
                payer_claim_number(claim_id, payer.payer_id),
            )
        claims.append(
            GenClaim(
                claim_id=claim_id,
                billing=billing,
                payer=payer,
                subscriber=sub,
                diagnoses=tuple(dx),
                lines=tuple(lines),
                rendering=rng.choice(rendering),
                patient=pt.patient,
                patient_relationship=pt.relationship,
                sbr_sequence=seq,
                filing_indicator=filing,
                place_of_service=pos,
                frequency=freq,
                original_reference=original,
                prior_auth=auth,
                other_payers=others,
            )
        )
    return claims


def _cob(
    rng: random.Random, lines: list[GenLine], pt: PatientProfile, *, tertiary: bool
) -> tuple[list[GenLine], tuple[GenOtherPayer, ...]]:
    """Attach Medicare (and, for tertiary claims, supplement) line adjudications."""
    when = lines[0].service_date + timedelta(days=rng.randint(14, 30))
    primary_id = _fake.MEDICARE.payer.payer_id
    supp_id = _fake.SUPPLEMENT.payer.payer_id
    out: list[GenLine] = []
    paid_p = paid_s = Decimal("0.00")
    for line in lines:
        allowed = money(line.charge * Decimal("0.55"))
        coins = money(allowed * Decimal("0.20"))
        adj_p = (GenAdjustment("CO", "45", line.charge - allowed), GenAdjustment("PR", "2", coins))
        first = GenLineAdjudication(
            primary_id, line.procedure, line.charge, when, adj_p, line.modifiers, line.units
        )
        paid_p += first.paid
        adjs = [first]
        if tertiary:
            supp_pays = money(coins / 2)
            second = GenLineAdjudication(
                supp_id,
                line.procedure,
                line.charge,
                when + timedelta(days=10),
                (
                    GenAdjustment("OA", "23", line.charge - coins),
                    GenAdjustment("PR", "2", coins - supp_pays),
                ),
                line.modifiers,
                line.units,
            )
            paid_s += second.paid
            adjs.append(second)
        out.append(
            GenLine(
                line.procedure,
                line.charge,
                line.service_date,
                line.units,
                line.modifiers,
                line.dx_pointers,
                control_number=line.control_number,
                prior_auth=line.prior_auth,
                adjudications=tuple(adjs),
            )
        )
    supp_sub = pt.supp_sub if pt.supp_sub is not None else pt.sub
    others: list[GenOtherPayer] = [GenOtherPayer("P", _fake.MEDICARE.payer, pt.sub, "MB", paid_p)]
    if tertiary:
        others.append(GenOtherPayer("S", _fake.SUPPLEMENT.payer, supp_sub, "CI", paid_s))
    return out, tuple(others)
