"""Made-up people, places and payers for synthetic claims. No PHI.

Surnames are invented words (not taken from any patient list); first names are common
given names, which identify nobody on their own. Payer ids and names start with ``DEMO``
or ``D`` so that generated files cannot be mistaken for real payer traffic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from cleanclaim.x12.generate._ids import random_mbi, random_member_id
from cleanclaim.x12.generate.model import Address, Payer, Person, Subscriber

FAKE_SURNAMES: tuple[str, ...] = (
    "ABERQUILL",
    "BRAMBLEFORD",
    "CASTELLWYN",
    "DORNVALE",
    "ELDERMOSS",
    "FAIRHOLT",
    "GLIMMERTON",
    "HOLLOWAYNE",
    "IVERSHAW",
    "JESSAMINT",
    "KESTRELLO",
    "LARKSPURNE",
    "MARROWDALE",
    "NETHERBY",
    "OAKENSHADE",
    "PELLINGTOR",
    "QUENBROOK",
    "RAVENHOLME",
    "SALTMARRIS",
    "THISTLEWOOD",
    "UMBERFIELD",
    "VANTERRAN",
    "WILLOWMERE",
    "XANTHORPE",
    "YARROWBY",
    "ZEPHYRINE",
    "ASHCOMBELL",
    "BRIARNOTT",
    "COLDHARBER",
    "DAPPLEMERE",
    "EMBERWICK",
    "FENNIMORTH",
    "GARNETTSON",
    "HEATHERLEIGH",
    "INKWELLER",
    "JUNIPRAE",
    "KILNSWORTH",
    "LANTERNBY",
    "MOSSWHISTLE",
    "NORTHQUILL",
)
FEMALE_NAMES: tuple[str, ...] = (
    "MARY",
    "PATRICIA",
    "LINDA",
    "BARBARA",
    "ELIZABETH",
    "JENNIFER",
    "MARIA",
    "SUSAN",
    "MARGARET",
    "DOROTHY",
    "LISA",
    "NANCY",
    "KAREN",
    "BETTY",
    "HELEN",
    "SANDRA",
    "DONNA",
    "CAROL",
    "RUTH",
    "SHARON",
    "EMMA",
    "OLIVIA",
    "AVA",
    "SOPHIA",
    "MIA",
    "CHLOE",
)
MALE_NAMES: tuple[str, ...] = (
    "JAMES",
    "JOHN",
    "ROBERT",
    "MICHAEL",
    "WILLIAM",
    "DAVID",
    "RICHARD",
    "CHARLES",
    "JOSEPH",
    "THOMAS",
    "CHRISTOPHER",
    "DANIEL",
    "PAUL",
    "MARK",
    "DONALD",
    "GEORGE",
    "KENNETH",
    "STEVEN",
    "EDWARD",
    "BRIAN",
    "LIAM",
    "NOAH",
    "ETHAN",
    "MASON",
    "LUCAS",
)
STREETS: tuple[str, ...] = (
    "MAPLE AVE",
    "OAK ST",
    "CEDAR LN",
    "ELM ST",
    "PINE RD",
    "WALNUT DR",
    "MEADOW CT",
    "LAKEVIEW DR",
    "HILLCREST RD",
    "RIVER RD",
    "SUNSET BLVD",
    "PRAIRIE WAY",
)
CITIES: tuple[tuple[str, str, str], ...] = (
    ("SPRINGFIELD", "IL", "62704"),
    ("CHAMPAIGN", "IL", "61820"),
    ("DECATUR", "IL", "62521"),
    ("PEORIA", "IL", "61604"),
    ("BLOOMINGTON", "IL", "61701"),
    ("URBANA", "IL", "61801"),
)


@dataclass(frozen=True, slots=True)
class DemoPayer:
    payer: Payer
    filing_indicator: str
    allowed_ratio: str
    """Share of the charge the payer allows (as a decimal string)."""
    medicare_like: bool = False


_PAYER_ADDRESS = Address("PO BOX 4000", "SPRINGFIELD", "IL", "627040000")
MEDICARE = DemoPayer(
    Payer("DMCRB", "DEMO MEDICARE PART B", _PAYER_ADDRESS, "990000011"), "MB", "0.55", True
)
ADVANTAGE = DemoPayer(
    Payer("DMADV", "DEMO MEDICARE ADVANTAGE", _PAYER_ADDRESS, "990000012"), "16", "0.58", True
)
BLUE = DemoPayer(Payer("DBLUE", "DEMO BLUE PLAN", _PAYER_ADDRESS, "990000013"), "BL", "0.65")
COMMERCIAL = DemoPayer(
    Payer("DCOMM", "DEMO COMMERCIAL HEALTH", _PAYER_ADDRESS, "990000014"), "CI", "0.70"
)
MEDICAID = DemoPayer(
    Payer("DMCAD", "DEMO STATE MEDICAID", _PAYER_ADDRESS, "990000015"), "MC", "0.45"
)
SUPPLEMENT = DemoPayer(
    Payer("DSUPP", "DEMO SUPPLEMENT PLAN", _PAYER_ADDRESS, "990000016"), "CI", "1.00"
)
PAYERS: tuple[DemoPayer, ...] = (MEDICARE, ADVANTAGE, BLUE, COMMERCIAL, MEDICAID, SUPPLEMENT)
PAYER_WEIGHTS: tuple[tuple[DemoPayer, int], ...] = (
    (MEDICARE, 30),
    (ADVANTAGE, 12),
    (BLUE, 20),
    (COMMERCIAL, 25),
    (MEDICAID, 13),
)
BY_ID: dict[str, DemoPayer] = {p.payer.payer_id: p for p in PAYERS}


def random_address(rng: random.Random) -> Address:
    city, state, zip5 = rng.choice(CITIES)
    return Address(f"{rng.randint(10, 9899)} {rng.choice(STREETS)}", city, state, zip5)


def random_person(
    rng: random.Random,
    on: date,
    min_age: int,
    max_age: int,
    *,
    last: str | None = None,
    address: Address | None = None,
) -> Person:
    sex = "F" if rng.random() < 0.54 else "M"
    first = rng.choice(FEMALE_NAMES if sex == "F" else MALE_NAMES)
    age_days = rng.randint(min_age * 365 + 1, max_age * 365 + 300)
    return Person(
        last_name=last or rng.choice(FAKE_SURNAMES),
        first_name=first,
        birth_date=on - timedelta(days=age_days),
        sex=sex,
        address=address or random_address(rng),
    )


def member_id_for(rng: random.Random, payer: DemoPayer) -> str:
    if payer.medicare_like and payer.filing_indicator == "MB":
        return random_mbi(rng)
    prefixes = {"16": "MAV", "BL": "XBL", "CI": "DCH", "MC": "MCD"}
    return random_member_id(rng, prefixes.get(payer.filing_indicator, "DMO"))


def subscriber_for(rng: random.Random, payer: DemoPayer, person: Person) -> Subscriber:
    group = "" if payer.filing_indicator in ("MB", "MC") else f"GRP{rng.randint(1000, 99999)}"
    return Subscriber(member_id_for(rng, payer), person, group)


def weighted_payer(rng: random.Random) -> DemoPayer:
    total = sum(w for _, w in PAYER_WEIGHTS)
    pick = rng.randrange(total)
    for payer, weight in PAYER_WEIGHTS:
        if pick < weight:
            return payer
        pick -= weight
    return PAYER_WEIGHTS[-1][0]


def service_day(rng: random.Random, start: date, end: date) -> date:
    """A random weekday between ``start`` and ``end`` (inclusive, if the range has one)."""
    span = (end - start).days
    if span < 0:
        raise ValueError(f"end_date {end} is before start_date {start}")
    day = start + timedelta(days=rng.randint(0, span))
    if day.weekday() >= 5:
        moved = day - timedelta(days=day.weekday() - 4)
        day = moved if moved >= start else day + timedelta(days=7 - day.weekday())
        if day > end:
            day = start + timedelta(days=rng.randint(0, span))
    return day
