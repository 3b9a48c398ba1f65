"""The office/outpatient E/M level grid (2021 framework, 2024 time thresholds).

Since 2021-01-01 an office or other outpatient visit (new patient 99202-99205,
established patient 99211-99215) is levelled either by medical decision making (MDM) or by
the practitioner's total time on the date of the encounter, whichever the record supports
better. History and examination no longer count. 99211 has neither an MDM nor a time level.

Medical decision making has three elements, each judged at one of four levels
(straightforward, low, moderate, high). The visit's MDM level is the highest level that at
least two of the three elements meet or exceed: with the elements sorted, the middle one.

What each element means at each level is summarised below in the project's own words (it
is not the AMA text); it is documentation for people reading an encounter file. The
rule only works with the levels written in the file.

Time: CPT 2024 replaced the time ranges of 2021-2023 with a single minimum that must be
met or exceeded. The minimums are the lower ends of the old ranges, so the same
thresholds hold for every date from 2021-01-01; the old upper ends matter only for
prolonged-service add-ons, which are not checked here.

Sources: CMS fact sheet "Physician Fee Schedule (PFS) Payment for Office/Outpatient
Evaluation and Management (E/M) Visits" (2021-01-11, Medicare adopts the CPT 2021
framework: level by MDM or by total time on the date); AMA CPT 2021 E/M guidelines (MDM:
2 of 3 elements); AMA CPT 2024 code set, office/outpatient descriptors (single time
thresholds 15/30/45/60 and 10/20/30/40 minutes, "must be met or exceeded"), as summarised
by AAPC ("Look toward office/outpatient time changes in 2024", 2023) and Palmetto GBA
("Physician Fee Schedule Payment for Office and Outpatient E/M Visits", 2023-07-26).
"""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Literal

PatientKind = Literal["new", "established"]

FRAMEWORK_START = dt.date(2021, 1, 1)
"""First date of service levelled by MDM or total time (before: 1995/1997 guidelines)."""


class MdmLevel(IntEnum):
    """The four levels of medical decision making, and of each of its elements."""

    STRAIGHTFORWARD = 1
    LOW = 2
    MODERATE = 3
    HIGH = 4

    @property
    def label(self) -> str:
        return self.name.lower()


#: Words accepted for each level in encounter files (case-insensitive).
LEVEL_WORDS: dict[str, MdmLevel] = {
    "straightforward": MdmLevel.STRAIGHTFORWARD,
    "minimal": MdmLevel.STRAIGHTFORWARD,
    "none": MdmLevel.STRAIGHTFORWARD,
    "low": MdmLevel.LOW,
    "moderate": MdmLevel.MODERATE,
    "high": MdmLevel.HIGH,
}

ELEMENTS = ("problems", "data", "risk")
"""The three MDM elements, in the order encounter files give them."""

#: The grid, element by element, in the project's own words.
GRID: dict[str, dict[MdmLevel, str]] = {
    "problems": {
        MdmLevel.STRAIGHTFORWARD: "one minor or self-limited problem",
        MdmLevel.LOW: "two or more minor problems; or one stable chronic illness; or one "
        "acute, uncomplicated illness or injury",
        MdmLevel.MODERATE: "a chronic illness that is worsening or has treatment side "
        "effects; or two or more stable chronic illnesses; or a new problem of uncertain "
        "outcome; or an acute illness with systemic symptoms; or a complicated acute injury",
        MdmLevel.HIGH: "a chronic illness that is severely worsening; or an illness or "
        "injury that threatens life or a bodily function",
    },
    "data": {
        MdmLevel.STRAIGHTFORWARD: "little or no data reviewed or analysed",
        MdmLevel.LOW: "limited: two items among outside notes reviewed, unique test results "
        "reviewed and unique tests ordered; or an assessment needing an independent "
        "historian",
        MdmLevel.MODERATE: "moderate: one of three categories met (three items among notes, "
        "results, orders and an independent historian; an independent interpretation of a "
        "test billed by someone else; a discussion of management with an outside "
        "professional)",
        MdmLevel.HIGH: "extensive: two of those three categories met",
    },
    "risk": {
        MdmLevel.STRAIGHTFORWARD: "minimal risk from further testing or treatment",
        MdmLevel.LOW: "low risk (for example over-the-counter drugs)",
        MdmLevel.MODERATE: "moderate risk (for example prescription drug management, or a "
        "decision on minor surgery with risk factors, or care limited by social "
        "determinants of health)",
        MdmLevel.HIGH: "high risk (for example drugs needing intensive toxicity monitoring, "
        "a decision on emergency or risky major surgery, on hospital admission, or to "
        "de-escalate care)",
    },
}

#: Codes by MDM level.
NEW_CODES: dict[MdmLevel, str] = {
    MdmLevel.STRAIGHTFORWARD: "99202",
    MdmLevel.LOW: "99203",
    MdmLevel.MODERATE: "99204",
    MdmLevel.HIGH: "99205",
}
ESTABLISHED_CODES: dict[MdmLevel, str] = {
    MdmLevel.STRAIGHTFORWARD: "99212",
    MdmLevel.LOW: "99213",
    MdmLevel.MODERATE: "99214",
    MdmLevel.HIGH: "99215",
}
NO_LEVEL_CODE = "99211"
"""Established-patient visit without an MDM or time level (often a clinical staff visit)."""

#: Total minutes on the date that must be met or exceeded (CPT 2024; same minimums since 2021).
TIME_THRESHOLDS: dict[PatientKind, dict[str, int]] = {
    "new": {"99202": 15, "99203": 30, "99204": 45, "99205": 60},
    "established": {"99212": 10, "99213": 20, "99214": 30, "99215": 40},
}

_RANK: dict[str, tuple[PatientKind, int]] = {
    **{code: ("new", int(level)) for level, code in NEW_CODES.items()},
    **{code: ("established", int(level)) for level, code in ESTABLISHED_CODES.items()},
    NO_LEVEL_CODE: ("established", 0),
}

OFFICE_CODES = frozenset(_RANK)


def mdm_level(problems: MdmLevel, data: MdmLevel, risk: MdmLevel) -> MdmLevel:
    """The MDM level: the highest level met or exceeded by two of the three elements."""
    return sorted((problems, data, risk))[1]


def parse_level(text: str) -> MdmLevel | None:
    """The level named by ``text`` (see :data:`LEVEL_WORDS`), or ``None``."""
    return LEVEL_WORDS.get(text.strip().lower())


def kind_of(code: str) -> PatientKind | None:
    """``new`` or ``established`` for an office/outpatient visit code, else ``None``."""
    found = _RANK.get(code.strip())
    return found[0] if found else None


def rank(code: str) -> int:
    """Position of ``code`` in its family: 99211 is 0, 99202/99212 are 1 ... 99205/99215 are 4."""
    return _RANK[code.strip()][1]


def code_for(kind: PatientKind, level: MdmLevel) -> str:
    """The visit code of ``kind`` at MDM ``level``."""
    return (NEW_CODES if kind == "new" else ESTABLISHED_CODES)[level]


def code_by_time(kind: PatientKind, minutes: int) -> str | None:
    """The highest code of ``kind`` whose time threshold ``minutes`` meets; ``None`` when
    even the lowest is not met."""
    best: str | None = None
    for code, threshold in TIME_THRESHOLDS[kind].items():
        if minutes >= threshold:
            best = code
    return best


def supported_code(kind: PatientKind, mdm: MdmLevel | None, minutes: int | None) -> str | None:
    """The highest code of ``kind`` the record supports by MDM or by time.

    An established patient's record always supports at least 99211; a new patient's record
    that meets neither the lowest MDM nor the lowest time supports no code (``None``).
    """
    candidates: list[str] = []
    if mdm is not None:
        candidates.append(code_for(kind, mdm))
    if minutes is not None:
        by_time = code_by_time(kind, minutes)
        if by_time is not None:
            candidates.append(by_time)
    if kind == "established":
        candidates.append(NO_LEVEL_CODE)
    if not candidates:
        return None
    return max(candidates, key=rank)
