"""What the practice does: visit scenarios by specialty, charges, diagnoses, documentation.

A scenario returns a :class:`Visit` coded *correctly*: specific diagnoses, 25 on a visit
with a minor procedure, X{EPSU} instead of 59, LT/RT matching the diagnosis, the payer's
telehealth convention. Errors are injected afterwards (:mod:`.errors`).

Every diagnosis in :data:`CLEAN_DX` is a billable ICD-10-CM code in FY2025 and FY2026 and
its title does not say "unspecified" (the tests check both). The unspecified and header
codes used by injected errors are in :data:`UNSPECIFIED_OF` and :data:`HEADER_OF`.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

FEES: dict[str, Decimal] = {k: Decimal(v) for k, v in {
    "99202": "120.00", "99203": "175.00", "99204": "260.00", "99205": "330.00",
    "99212": "90.00", "99213": "135.00", "99214": "195.00", "99215": "265.00",
    "99391": "180.00", "99392": "185.00", "99393": "190.00", "99394": "200.00",
    "99395": "215.00", "99396": "240.00", "G0439": "175.00",
    "20610": "210.00", "20611": "260.00", "J1030": "28.00", "76942": "150.00",
    "29881": "2400.00", "73562": "95.00", "69210": "95.00", "17000": "110.00",
    "17110": "160.00", "11102": "175.00", "93000": "65.00", "93010": "30.00",
    "93306": "520.00", "78452": "1450.00", "90686": "45.00", "90471": "30.00",
    "96372": "45.00", "J1885": "12.00", "36415": "15.00", "83036": "40.00", "80061": "55.00",
    "81002": "18.00", "87880": "35.00", "97161": "150.00", "97110": "70.00", "97140": "65.00",
    "97530": "75.00", "70553": "1800.00",
}.items()}  # fmt: skip
"""Made-up practice charges (not any payer's fee schedule)."""

CONDITIONS: dict[str, str] = {
    "diabetes": "E11.9", "ckd": "N18.31", "hypertension": "I10", "lipids": "E78.2",
    "copd": "J44.89", "asthma": "J45.40", "anxiety": "F41.1", "gerd": "K21.9",
    "osa": "G47.33", "depression": "F33.1", "obesity": "E66.811", "cad": "I25.10",
    "afib": "I48.0", "heart-failure": "I50.22", "parkinson": "G20.A1", "migraine": "G43.009",
}  # fmt: skip
_ADULT = (
    "hypertension",
    "lipids",
    "diabetes",
    "obesity",
    "gerd",
    "anxiety",
    "depression",
    "osa",
    "copd",
    "cad",
    "afib",
    "ckd",
    "heart-failure",
    "migraine",
    "parkinson",
)
_ADULT_W = (30, 26, 18, 14, 12, 10, 9, 8, 7, 7, 5, 5, 4, 4, 1)
ACUTE = ("J02.0", "N30.00", "J06.0", "R05.1", "J10.1", "R10.31", "R53.83", "K59.04")
CLEAN_DX: frozenset[str] = frozenset({
    *CONDITIONS.values(), "E11.65", "E11.22", *ACUTE, "H65.01", "J45.20",
    "Z00.00", "Z00.01", "Z00.121", "Z00.129", "Z23", "M17.11", "M17.12", "M54.59", "M54.16",
    "M25.561", "M25.562", "M75.41", "M75.42", "M62.81", "S83.241A", "M23.221", "L57.0",
    "D22.5", "L82.1", "B07.8", "D48.5", "L70.0", "L40.0", "H61.21", "H61.22", "R00.2",
    "R07.89", "I35.0", "R20.2", "G56.01", "G56.02", "R42", "Z79.899",
})  # fmt: skip
"""Every diagnosis a correctly coded claim may carry."""
UNSPECIFIED_OF: dict[str, str] = {
    "M17.11": "M17.10", "M17.12": "M17.10", "M25.561": "M25.569", "M25.562": "M25.569",
    "H61.21": "H61.20", "H61.22": "H61.20", "M75.41": "M75.40", "M75.42": "M75.40",
    "G56.01": "G56.00", "G56.02": "G56.00", "E11.22": "E11.9", "E78.2": "E78.5",
    "J44.89": "J44.9", "F33.1": "F32.A", "E66.811": "E66.9", "N18.31": "N18.30",
    "J06.0": "J06.9",
}  # fmt: skip
"""Specific code -> the unspecified code a careless coder picks instead (valid, billable)."""
LATERAL_UNSPECIFIED = frozenset({"M17.10", "M25.569", "H61.20", "M75.40", "G56.00"})
"""Unspecified-side codes: with RT/LT on the line, DX102 calls them a likely denial."""
HEADER_OF: dict[str, str] = {
    "M54.59": "M54.5", "R10.31": "R10.3", "E78.2": "E78.4", "M25.561": "M25.56",
    "M25.562": "M25.56", "J44.89": "J44.8", "I48.0": "I48", "E11.65": "E11.6",
    "G43.009": "G43.00", "L82.1": "L82", "H61.21": "H61.2", "H61.22": "H61.2",
    "M17.11": "M17.1", "M17.12": "M17.1", "G56.01": "G56.0",
}  # fmt: skip
"""Specific code -> a header (category/subcategory with codes below it): invalid on a claim."""
OFFICE_EM = frozenset({"99202", "99203", "99204", "99205", "99212", "99213", "99214", "99215"})
NEW_EM = ("99202", "99203", "99204", "99205")
EST_EM = ("99212", "99213", "99214", "99215")
LEVELS = ("straightforward", "low", "moderate", "high")
MINUTES = {"new": (15, 30, 45, 60), "est": (10, 20, 30, 40)}
"""Total-time minimums of levels 2-5 (docs/encounters.md)."""


@dataclass
class Line:
    code: str
    mods: tuple[str, ...] = ()
    units: int = 1
    ptrs: tuple[int, ...] = (1,)


@dataclass
class Visit:
    """One encounter as coded: diagnoses, lines, place of service."""

    kind: str
    dx: list[str]
    lines: list[Line]
    pos: str = "11"
    telehealth: bool = False
    lab: list[int] = field(default_factory=list)
    """Indexes of NCD lab lines (80061, 83036)."""

    @property
    def em(self) -> int | None:
        """Index of the office E/M line, if any."""
        return next((i for i, ln in enumerate(self.lines) if ln.code in OFFICE_EM), None)


def chronic_conditions(rng: random.Random, age: int) -> tuple[str, ...]:
    """Condition keys for a patient of ``age`` (more with age)."""
    if age < 18:
        return ("asthma",) if rng.random() < 0.1 else ()
    want = min(5, max(0, int(rng.gauss(age / 22, 1.0))))
    out: list[str] = []
    while len(out) < want:
        pick = rng.choices(_ADULT, _ADULT_W)[0]
        if pick not in out and (pick != "ckd" or age > 50):
            out.append(pick)
    return tuple(out)


_BEFORE: dict[str, tuple[dt.date, str]] = {
    "E66.811": (dt.date(2024, 10, 1), "E66.09"),
    "G20.A1": (dt.date(2023, 10, 1), "G20"),
    "J44.89": (dt.date(2023, 10, 1), "J44.9"),
}
"""Codes created by a recent ICD-10-CM update, and what to code before it took effect."""


def dated(code: str, dos: dt.date) -> str:
    """``code``, or the code in force before it for a service before its effective date."""
    before = _BEFORE.get(code)
    return before[1] if before is not None and dos < before[0] else code


def condition_dx(rng: random.Random, chronic: tuple[str, ...], dos: dt.date) -> list[str]:
    """The diagnoses of the chronic conditions, diabetes with CKD coded as combined."""
    out: list[str] = []
    for key in chronic:
        if key == "diabetes":
            out.append("E11.22" if "ckd" in chronic else rng.choice(("E11.9", "E11.65")))
        else:
            out.append(dated(CONDITIONS[key], dos))
    return out


def em_code(rng: random.Random, new: bool) -> str:
    r = rng.random()
    level = 0 if r < 0.1 else 1 if r < 0.55 else 2 if r < 0.9 else 3
    return (NEW_EM if new else EST_EM)[level]


def _ptrs(n: int) -> tuple[int, ...]:
    return tuple(range(1, min(n, 4) + 1))


def visit(
    rng: random.Random,
    specialty: str,
    age: int,
    chronic: tuple[str, ...],
    *,
    new: bool,
    medicare: bool,
    telehealth: tuple[str, str],
    dos: dt.date,
) -> Visit:
    """A correctly coded encounter with a provider of ``specialty`` on ``dos``."""
    base = condition_dx(rng, chronic, dos)
    side = rng.random() < 0.5
    r = rng.random()
    if specialty in ("family", "internal"):
        return _primary_care(rng, specialty, age, chronic, base, new, medicare, telehealth, r)
    if specialty == "cardiology":
        dx = [
            "I25.10" if r < 0.4 else "I48.0" if r < 0.6 else "R07.89" if r < 0.8 else "R00.2",
            *[d for d in base if d in ("I10", "E78.2")],
        ][:4]
        if r < 0.5:
            return Visit(
                "cardio-visit", dx, [Line(em_code(rng, new), (), 1, _ptrs(len(dx))), Line("93000")]
            )
        if r < 0.75:
            return Visit("echo", ["I35.0" if rng.random() < 0.5 else "I50.22"], [Line("93306")])
        return Visit("stress", [rng.choice(("R07.89", "I25.10"))], [Line("78452")])
    if specialty == "orthopaedics":
        knee = "M17.11" if side else "M17.12"
        mod = "RT" if side else "LT"
        if r < 0.35:
            return Visit(
                "knee-new", [knee], [Line(em_code(rng, new), ptrs=(1,)), Line("73562", (mod,))]
            )
        if r < 0.7:
            return Visit(
                "knee-injection",
                [knee],
                [Line("99213", ("25",)), Line("20610", (mod,)), Line("J1030")],
            )
        if r < 0.85:
            return Visit(
                "shoulder-injection",
                ["M75.41" if side else "M75.42"],
                [Line("20610", (mod,)), Line("J1030")],
            )
        tear = "S83.241A" if rng.random() < 0.5 else "M23.221"
        return Visit("arthroscopy", [tear], [Line("29881", ("RT",))])
    if specialty == "dermatology":
        if r < 0.35:
            return Visit("ak", ["L57.0"], [Line(em_code(rng, new), ("25",)), Line("17000")])
        if r < 0.65:
            return Visit(
                "lesions", ["D48.5", "B07.8"], [Line("11102"), Line("17110", ("XS",), ptrs=(2,))]
            )
        return Visit(
            "derm-visit",
            [rng.choice(("L70.0", "L40.0", "D22.5", "L82.1"))],
            [Line(em_code(rng, new))],
        )
    if specialty == "therapy":
        dx = [rng.choice(("M54.59", "M25.561", "M25.562", "M75.41", "M62.81", "M17.11"))]
        if new:
            return Visit("pt-eval", dx, [Line("97161"), Line("97110", units=2)])
        lines = [Line("97110", units=rng.randint(2, 4)), Line("97140", ("XU",))]
        if rng.random() < 0.4:
            lines.append(Line("97530", ("XU",)))
        return Visit("pt", dx, lines)
    dx = [rng.choice(("G43.009", "R20.2", "R42", "G56.01", "G56.02", "M54.16"))]
    if "parkinson" in chronic:
        dx = [dated("G20.A1", dos)]
    if r < 0.25 and dx[0] in ("G43.009", "R20.2", "R42"):
        return Visit("mri", dx, [Line("70553")])
    return Visit("neuro-visit", dx, [Line(em_code(rng, new))])


def _primary_care(
    rng: random.Random,
    specialty: str,
    age: int,
    chronic: tuple[str, ...],
    base: list[str],
    new: bool,
    medicare: bool,
    tele: tuple[str, str],
    r: float,
) -> Visit:
    if new and r < 0.8:
        dx = base[:3] or [rng.choice(ACUTE)]
        return Visit("new", dx, [Line(em_code(rng, True), ptrs=_ptrs(len(dx)))])
    if r < 0.30 and base:
        return Visit("chronic", base[:4], [Line(em_code(rng, False), ptrs=_ptrs(len(base)))])
    if r < 0.38 and base:
        pos, mod = tele
        return Visit(
            "telehealth",
            base[:4],
            [Line(rng.choice(EST_EM[:3]), (mod,), ptrs=_ptrs(len(base)))],
            pos,
            telehealth=True,
        )
    if r < 0.52 or (not base and r < 0.6):
        acute = rng.choice(ACUTE if age >= 18 else ("J02.0", "J06.0", "H65.01", "R05.1"))
        lines = [Line(rng.choice(EST_EM[:3]))]
        if acute == "J02.0":
            lines.append(Line("87880"))
        elif acute == "N30.00":
            lines.append(Line("81002"))
        return Visit("acute", [acute], lines)
    if r < 0.64:
        return _preventive(rng, age, base, medicare)
    if r < 0.72 and age >= 18 and any(d.startswith("E11") for d in base):
        dx = [d for d in base if d.startswith("E11")] + [d for d in base if not d.startswith("E11")]
        return Visit(
            "diabetes",
            dx[:4],
            [Line("99214", ptrs=_ptrs(len(dx))), Line("36415"), Line("83036")],
            lab=[2],
        )
    if r < 0.78 and age >= 18:
        dx = ["M54.59" if rng.random() < 0.6 else "M54.16"]
        return Visit(
            "injection", dx, [Line("99213", ("25",)), Line("96372"), Line("J1885", units=2)]
        )
    if r < 0.84:
        side = rng.random() < 0.5
        lines = [Line("69210", ("RT" if side else "LT",))]
        if rng.random() < 0.5:
            lines.insert(0, Line("99212", ("25",)))
        return Visit("cerumen", ["H61.21" if side else "H61.22"], lines)
    if r < 0.9 and specialty == "internal" and age >= 30:
        dx = [rng.choice(("R00.2", "R07.89")), *[d for d in base if d == "I10"]]
        return Visit("ecg", dx, [Line("99214", ptrs=_ptrs(len(dx))), Line("93000")])
    if r < 0.95:
        dx = ["Z23", *base[:1]]
        if base and rng.random() < 0.3:
            return Visit(
                "flu-visit", dx, [Line("99213", ("25",), ptrs=(2,)), Line("90686"), Line("90471")]
            )
        return Visit("flu", ["Z23"], [Line("90686"), Line("90471")])
    dx = base[:4] or [rng.choice(ACUTE)]
    return Visit("chronic", dx, [Line(em_code(rng, False), ptrs=_ptrs(len(dx)))])


def _preventive(rng: random.Random, age: int, base: list[str], medicare: bool) -> Visit:
    if age < 18:
        code = "99391" if age < 1 else "99392" if age < 5 else "99393" if age < 12 else "99394"
        return Visit("preventive", ["Z00.121" if rng.random() < 0.15 else "Z00.129"], [Line(code)])
    code = "G0439" if medicare else ("99395" if age < 40 else "99396")
    exam = "Z00.01" if base else "Z00.00"
    dx = [exam, *base[:3]]
    lines = [Line(code)]
    lipid = next((i for i, d in enumerate(dx, 1) if d in ("E78.2", "I10", "I25.10")), None)
    if lipid is not None:
        lines += [Line("36415", ptrs=(lipid,)), Line("80061", ptrs=(lipid,))]
        return Visit("preventive", dx, lines, lab=[2])
    return Visit("preventive", dx, lines)


def documentation(rng: random.Random, code: str, supported: str) -> dict[str, str]:
    """An encounter-sidecar row (MDM and/or time) whose supported code is ``supported``."""
    new = code in NEW_EM
    level = (NEW_EM if new else EST_EM).index(supported)
    row = {"problems": "", "data": "", "risk": "", "total_minutes": ""}
    mode = rng.random()
    if mode < 0.7:
        elements = [level, level, rng.randrange(4)]
        rng.shuffle(elements)
        row.update(zip(("problems", "data", "risk"), (LEVELS[e] for e in elements), strict=True))
    if mode >= 0.45:
        lows = MINUTES["new" if new else "est"]
        high = lows[level + 1] - 1 if level < 3 else lows[3] + 20
        row["total_minutes"] = str(rng.randint(lows[level], high))
    return row


def lower_level(code: str) -> str | None:
    """The office E/M code one level below ``code`` (None at the lowest level used)."""
    for family in (NEW_EM, EST_EM):
        if code in family:
            i = family.index(code)
            return family[i - 1] if i > 0 else None
    return None
