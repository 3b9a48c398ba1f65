"""The synthetic practice: providers, staff, payers and the patient panel (no PHI).

Everything is made up and seeded. People's names come from the generator's fake lists
(:mod:`cleanclaim.x12.generate._fake`: invented surnames, common first names); payer ids
start with ``D`` and payer names with ``DEMO``. The payer registry entries written to
``payers.toml`` (:func:`registry_entries`) let ingest resolve every payer id.

Staff and providers carry an *error multiplier*: the base rate of the error types they
own (see :mod:`.errors`) is multiplied by it, so that the per-person breakdowns of the
report have something to show. The multipliers are design choices of this generator, not
measurements of anyone.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from cleanclaim.analytics.synthetic.services import chronic_conditions
from cleanclaim.payers.registry import BUNDLED, PayerTerms, read_toml
from cleanclaim.x12.generate import _fake, npi_check_digit
from cleanclaim.x12.generate._ids import random_mbi, random_member_id
from cleanclaim.x12.generate.model import (
    Address,
    BillingProvider,
    Payer,
    Person,
    Practitioner,
    Subscriber,
)

PRACTICE_NAME = "DEMO RIVERBEND MULTISPECIALTY GROUP"
SUBMITTER_ID = "DEMORIVERBEND"
CLEARINGHOUSE_ID = "DEMOCLEARING"


@dataclass(frozen=True)
class Staff:
    """A coder, biller or front-desk person (user name: ``first.last``)."""

    user: str
    role: str
    """``coder``, ``biller`` or ``front-desk``."""
    error_multiplier: float


@dataclass(frozen=True)
class Provider:
    """A rendering provider of the group."""

    practitioner: Practitioner
    specialty: str
    """Key of the visit mix in :mod:`.services` (``family``, ``internal``, ...)."""
    documentation_multiplier: float
    volume: int
    """Relative share of the group's encounters."""


@dataclass(frozen=True)
class DemoPayer:
    """One payer of the demo: its X12 identity and its registry terms."""

    key: str
    payer: Payer
    type: str
    """Registry type: medicare-ffs, medicare-advantage, medicaid-mco or commercial."""
    filing_indicator: str
    """SBR09 (837) of claims to this payer."""
    terms: PayerTerms

    @property
    def payer_id(self) -> str:
        return self.payer.payer_id

    @property
    def medicare_like(self) -> bool:
        return self.type in ("medicare-ffs", "medicare-advantage")


_ADDR = Address("PO BOX 7100", "SPRINGFIELD", "IL", "627040000")


def _terms(
    key: str,
    name: str,
    type_: str,
    payer_id: str,
    filing: str,
    appeal: int,
    ncci: bool,
    mue: bool,
    packs: tuple[str, ...] = (),
) -> PayerTerms:
    return PayerTerms(
        key=key,
        name=name,
        type=type_,
        timely_filing=filing,
        appeal_window_days=appeal,
        ncci_applies=ncci,
        mue_applies=mue,
        effective_from=date(2020, 1, 1),
        claim_payer_ids=(payer_id,),
        remit_payer_ids=(payer_id,),
        rule_packs=packs,
        source="cleanclaim synthetic demo practice (made-up payer)",
    )


def _medicare() -> PayerTerms:
    """The shipped Medicare FFS national terms, under a demo key with the demo payer id."""
    national = next(t for t in read_toml(BUNDLED) if t.type == "medicare-ffs")
    return replace(
        national,
        key="demo-medicare-ffs",
        name="DEMO Medicare Part B MAC",
        claim_payer_ids=("DMCRB",),
        remit_payer_ids=("DMCRB",),
    )


def _payers() -> dict[str, DemoPayer]:
    spec = (
        (
            "mcr",
            Payer("DMCRB", "DEMO MEDICARE PART B MAC", _ADDR, "990000101"),
            "medicare-ffs",
            "MB",
            _medicare(),
        ),
        (
            "ma",
            Payer("DMASV", "DEMO SUNVALE MEDICARE ADVANTAGE", _ADDR, "990000102"),
            "medicare-advantage",
            "16",
            _terms(
                "demo-sunvale-ma",
                "DEMO Sunvale Medicare Advantage",
                "medicare-advantage",
                "DMASV",
                "180d",
                60,
                True,
                True,
            ),
        ),
        (
            "mcd",
            Payer("DBLWM", "DEMO BLUEWATER COMMUNITY HEALTH PLAN", _ADDR, "990000103"),
            "medicaid-mco",
            "MC",
            _terms(
                "demo-bluewater-mco",
                "DEMO Bluewater Community Health Plan (Medicaid MCO)",
                "medicaid-mco",
                "DBLWM",
                "180d",
                60,
                True,
                True,
                ("example-bluewater-medicaid",),
            ),
        ),
        (
            "summit",
            Payer("DSMRP", "DEMO SUMMIT RIDGE HEALTH PPO", _ADDR, "990000104"),
            "commercial",
            "CI",
            _terms(
                "demo-summit-ppo",
                "DEMO Summit Ridge Health PPO",
                "commercial",
                "DSMRP",
                "90d",
                180,
                True,
                False,
                ("example-summit-commercial",),
            ),
        ),
        (
            "prairie",
            Payer("DBPRP", "DEMO BLUE PRAIRIE PLAN", _ADDR, "990000105"),
            "commercial",
            "BL",
            _terms(
                "demo-blue-prairie",
                "DEMO Blue Prairie Plan",
                "commercial",
                "DBPRP",
                "180d",
                180,
                True,
                True,
            ),
        ),
        (
            "medigap",
            Payer("DHMGP", "DEMO HEARTLAND MEDIGAP", _ADDR, "990000106"),
            "commercial",
            "CI",
            _terms(
                "demo-heartland-medigap",
                "DEMO Heartland Medigap (supplement)",
                "commercial",
                "DHMGP",
                "365d",
                180,
                False,
                False,
            ),
        ),
    )
    return {
        key: DemoPayer(key, payer, type_, filing, terms)
        for key, payer, type_, filing, terms in spec
    }


PAYERS: dict[str, DemoPayer] = _payers()
"""The demo payers by short key: mcr, ma, mcd, summit, prairie, medigap."""
PRIMARY_MIX: tuple[tuple[str, int], ...] = (
    ("mcr", 28),
    ("ma", 14),
    ("mcd", 16),
    ("summit", 20),
    ("prairie", 22),
)
"""Share of patients by primary payer (weights)."""
_MEMBER_PREFIX = {"ma": "SVA", "mcd": "BLW", "summit": "SRH", "prairie": "XBP", "medigap": "HMG"}

# (specialty, taxonomy, documentation multiplier, volume)
_PROVIDERS = (
    ("family", "207Q00000X", 0.7, 22),
    ("family", "207Q00000X", 1.3, 20),
    ("internal", "207R00000X", 1.0, 18),
    ("cardiology", "207RC0000X", 0.8, 9),
    ("orthopaedics", "207X00000X", 1.6, 10),
    ("dermatology", "207N00000X", 0.9, 8),
    ("therapy", "225100000X", 1.1, 8),
    ("neurology", "2084N0400X", 1.4, 5),
)
_SPECIALISTS = ("cardiology", "orthopaedics", "dermatology", "therapy", "neurology")
_CODERS = (0.6, 1.0, 1.7)
_BILLERS = (0.8, 1.4)


@dataclass
class Patient:
    """One panel member: who they are, their coverage, their chronic conditions."""

    index: int
    person: Person
    primary: str
    """Key of the primary payer."""
    subscriber: Subscriber
    relationship: str = "18"
    """PAT01 when the patient is a dependent (``19`` child, ``01`` spouse); 18 = self."""
    secondary: str | None = None
    secondary_subscriber: Subscriber | None = None
    crossover: bool = False
    """The secondary payer gets Medicare's claim by crossover (no secondary 837)."""
    chronic: tuple[str, ...] = ()
    """Condition keys of :data:`.services.CONDITIONS`."""
    seen: set[str] = field(default_factory=set)
    """Specialties that have seen the patient (new-patient visits only before)."""

    @property
    def dual(self) -> bool:
        return self.secondary == "mcd" and self.primary in ("mcr", "ma")

    @property
    def dependent(self) -> Person | None:
        return self.person if self.relationship != "18" else None

    def age_on(self, day: date) -> int:
        b = self.person.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))


@dataclass(frozen=True)
class Practice:
    """The whole cast for one seed."""

    billing: BillingProvider
    providers: tuple[Provider, ...]
    coders: tuple[Staff, ...]
    billers: tuple[Staff, ...]
    front_desk: tuple[Staff, ...]
    payers: dict[str, DemoPayer]
    patients: tuple[Patient, ...]


def _npi(rng: random.Random, first: str) -> str:
    base = first + "".join(rng.choices("0123456789", k=8))
    return base + npi_check_digit(base)


def _name(rng: random.Random, used: set[tuple[str, str]]) -> tuple[str, str]:
    while True:
        pair = (rng.choice(_fake.FAKE_SURNAMES), rng.choice(_fake.FEMALE_NAMES + _fake.MALE_NAMES))
        if pair not in used:
            used.add(pair)
            return pair


def member_id(rng: random.Random, key: str) -> str:
    """A member id in the payer's format (MBI for Medicare FFS)."""
    return random_mbi(rng) if key == "mcr" else random_member_id(rng, _MEMBER_PREFIX[key])


def build_practice(seed: int, panel_size: int, on: date) -> Practice:
    """The practice for ``seed``, with ``panel_size`` patients aged as of ``on``."""
    rng = random.Random(f"cleanclaim-synthetic:practice:{seed}")
    used: set[tuple[str, str]] = set()
    billing = BillingProvider(
        _npi(rng, "2"),
        str(rng.randint(20, 98)) + f"{rng.randrange(10**7):07d}",
        PRACTICE_NAME,
        Address("1200 RIVERBEND PKWY", "SPRINGFIELD", "IL", "627041234"),
        "193200000X",
    )
    providers = []
    for specialty, taxonomy, doc, volume in _PROVIDERS:
        last, first = _name(rng, used)
        providers.append(
            Provider(Practitioner(_npi(rng, "1"), last, first, taxonomy), specialty, doc, volume)
        )

    def staff(role: str, multipliers: tuple[float, ...]) -> tuple[Staff, ...]:
        out = []
        for mult in multipliers:
            last, first = _name(rng, used)
            out.append(Staff(f"{first}.{last}".lower(), role, mult))
        return tuple(out)

    coders, billers, desk = (
        staff("coder", _CODERS),
        staff("biller", _BILLERS),
        staff("front-desk", (1.0,)),
    )
    patients = tuple(_patient(rng, i, on) for i in range(panel_size))
    return Practice(billing, tuple(providers), coders, billers, desk, PAYERS, patients)


def _weighted(rng: random.Random, items: tuple[tuple[str, int], ...]) -> str:
    pick = rng.randrange(sum(w for _, w in items))
    for key, weight in items:
        if pick < weight:
            return key
        pick -= weight
    return items[-1][0]


def _patient(rng: random.Random, index: int, on: date) -> Patient:
    primary = _weighted(rng, PRIMARY_MIX)
    if primary in ("mcr", "ma"):
        low, high = (30, 64) if primary == "mcr" and rng.random() < 0.1 else (65, 93)
    elif primary == "mcd":
        low, high = (0, 17) if rng.random() < 0.45 else (18, 64)
    else:
        low, high = (19, 64)
    holder = _fake.random_person(rng, on, low, high)
    person, relationship = holder, "18"
    if primary in ("summit", "prairie") and rng.random() < 0.32:
        parent_age = (on - holder.birth_date).days // 365
        child = rng.random() < 0.75 and parent_age >= 20
        relationship = "19" if child else "01"
        lo, hi = (0, min(25, parent_age - 18)) if child else (19, 64)
        person = _fake.random_person(rng, on, lo, hi, last=holder.last_name, address=holder.address)
    group = "" if primary in ("mcr", "mcd") else f"GRP{rng.randint(1000, 99999)}"
    sub = Subscriber(member_id(rng, primary), holder, group)
    patient = Patient(index, person, primary, sub, relationship)
    roll = rng.random()
    if relationship == "18":
        if primary == "mcr" and roll < 0.25:
            patient.secondary, patient.crossover = "medigap", rng.random() < 0.6
        elif (primary == "mcr" and roll < 0.43) or (primary == "ma" and roll < 0.08):
            patient.secondary = "mcd"
        elif primary in ("summit", "prairie") and roll < 0.08:
            patient.secondary = "prairie" if primary == "summit" else "summit"
    if patient.secondary is not None:
        group = "" if patient.secondary == "mcd" else f"GRP{rng.randint(1000, 99999)}"
        patient.secondary_subscriber = Subscriber(member_id(rng, patient.secondary), holder, group)
    patient.chronic = chronic_conditions(rng, patient.age_on(on))
    # Care before the first month of the demo: most patients already have a primary care
    # provider in the group, some have seen a specialist.
    if rng.random() < 0.75:
        patient.seen.add("family" if rng.random() < 0.7 else "internal")
    patient.seen.update(s for s in _SPECIALISTS if rng.random() < 0.2)
    return patient


def registry_entries(practice: Practice) -> list[PayerTerms]:
    """The payer registry entries of the demo payers (``payers.toml``)."""
    return [p.terms for p in practice.payers.values()]


def weekday_on_or_after(day: date, weekday: int) -> date:
    """The first ``weekday`` (0 = Monday) on or after ``day``."""
    return day + timedelta(days=(weekday - day.weekday()) % 7)
