"""A curated list of procedure-code modifiers, with the dates they are valid where known.

Level I modifiers are the two-digit CPT modifiers (AMA, CPT Appendix A) plus the anesthesia
physical-status modifiers P1-P6 and the Category II performance-measure modifiers 1P, 2P,
3P and 8P. The list of Level I modifiers is meant to be complete: a two-digit modifier that
is not here is not a CPT modifier. Level II modifiers are maintained by CMS in the HCPCS
file; when a HCPCS release is loaded its modifier records win over this list, which only
holds common ones so that claims can be checked without that file.

Summaries are the project's own few words, never the AMA or CMS descriptor text. Dates:
``effective_from``/``effective_to`` are the first and last day of use where known; ``None``
means "in use since before 2015 (the list's horizon)" or "still open". ``dates_confirmed``
is ``False`` where a date comes from secondary sources only; a rule must not report a
finding from an unconfirmed date (it reports that it could not check instead).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

D = dt.date


@dataclass(frozen=True)
class ModifierSpec:
    """One modifier: its level, a short summary, and the dates it may be used."""

    code: str
    level: Literal["I", "II"]
    summary: str
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    dates_confirmed: bool = True

    def valid_on(self, day: dt.date) -> bool:
        """Whether the modifier may be used on ``day`` according to this list."""
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


def _m(
    code: str,
    summary: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    *,
    confirmed: bool = True,
    level: Literal["I", "II"] = "II",
) -> ModifierSpec:
    return ModifierSpec(code, level, summary, start, end, confirmed)


def _one(
    code: str,
    summary: str,
    start: dt.date | None = None,
    *,
    confirmed: bool = True,
    end: dt.date | None = None,
) -> ModifierSpec:
    return _m(code, summary, start, end, confirmed=confirmed, level="I")


LEVEL_I: tuple[ModifierSpec, ...] = (
    _one("21", "prolonged E/M (retired)", end=D(2012, 12, 31), confirmed=False),
    _one("22", "more work than the procedure usually takes"),
    _one("23", "general anesthesia where none is usually needed"),
    _one("24", "unrelated E/M during a post-operative period"),
    _one("25", "separately identifiable E/M on the day of a procedure"),
    _one("26", "professional component only"),
    _one("27", "several outpatient hospital E/M encounters on one day"),
    _one("32", "service demanded by a payer or agency"),
    _one("33", "preventive service", D(2011, 1, 1), confirmed=False),
    _one("47", "anesthesia given by the surgeon"),
    _one("50", "procedure done on both sides"),
    _one("51", "more than one procedure in a session"),
    _one("52", "service reduced at the practitioner's choice"),
    _one("53", "procedure stopped before completion"),
    _one("54", "surgical care only"),
    _one("55", "post-operative management only"),
    _one("56", "pre-operative management only"),
    _one("57", "E/M that led to the decision for major surgery"),
    _one("58", "staged or related procedure in a post-operative period"),
    _one("59", "distinct procedural service"),
    _one("62", "two surgeons, each doing a distinct part"),
    _one("63", "procedure on an infant under 4 kg"),
    _one("66", "surgical team"),
    _one("73", "outpatient procedure stopped before anesthesia (facility)"),
    _one("74", "outpatient procedure stopped after anesthesia (facility)"),
    _one("76", "same procedure repeated by the same practitioner"),
    _one("77", "same procedure repeated by another practitioner"),
    _one("78", "unplanned return to the operating room"),
    _one("79", "unrelated procedure in a post-operative period"),
    _one("80", "assistant surgeon"),
    _one("81", "minimum assistant surgeon"),
    _one("82", "assistant surgeon when no qualified resident is available"),
    _one("90", "laboratory test done by an outside laboratory"),
    _one("91", "repeat clinical laboratory test"),
    _one("92", "alternative laboratory platform testing", D(2008, 1, 1), confirmed=False),
    _one("93", "service delivered by audio-only real-time communication", D(2022, 1, 1)),
    _one("95", "service delivered by real-time audio-video telemedicine", D(2017, 1, 1)),
    _one("96", "habilitative service", D(2018, 1, 1)),
    _one("97", "rehabilitative service", D(2018, 1, 1)),
    _one("99", "several modifiers apply"),
    *(_one(f"P{n}", f"anesthesia physical status {n}") for n in range(1, 7)),
    _one("1P", "performance measure exclusion: medical reasons"),
    _one("2P", "performance measure exclusion: patient reasons"),
    _one("3P", "performance measure exclusion: system reasons"),
    _one("8P", "performance measure reporting: action not performed, reason not given"),
)

_ANATOMIC: tuple[tuple[str, str], ...] = (
    ("LT", "left side"),
    ("RT", "right side"),
    ("E1", "upper left eyelid"),
    ("E2", "lower left eyelid"),
    ("E3", "upper right eyelid"),
    ("E4", "lower right eyelid"),
    ("FA", "left hand, thumb"),
    *((f"F{n}", f"left hand, finger {n + 1}") for n in range(1, 5)),
    ("F5", "right hand, thumb"),
    *((f"F{n}", f"right hand, finger {n - 4}") for n in range(6, 10)),
    ("TA", "left foot, great toe"),
    *((f"T{n}", f"left foot, toe {n + 1}") for n in range(1, 5)),
    ("T5", "right foot, great toe"),
    *((f"T{n}", f"right foot, toe {n - 4}") for n in range(6, 10)),
    ("LC", "left circumflex coronary artery"),
    ("LD", "left anterior descending coronary artery"),
    ("LM", "left main coronary artery"),
    ("RC", "right coronary artery"),
    ("RI", "ramus intermedius coronary artery"),
)

_COMMON_II: tuple[tuple[str, str], ...] = (
    ("AA", "anesthesia done personally by an anesthesiologist"),
    ("AD", "medical supervision of more than four concurrent anesthesia services"),
    ("AE", "registered dietitian"),
    ("AF", "specialty physician"),
    ("AG", "primary physician"),
    ("AH", "clinical psychologist"),
    ("AI", "principal physician of record"),
    ("AJ", "clinical social worker"),
    ("AM", "physician, team member service"),
    ("AQ", "physician in an unlisted shortage area"),
    ("AR", "physician scarcity area"),
    ("AS", "non-physician practitioner assisting at surgery"),
    ("AT", "acute treatment (chiropractic)"),
    ("CR", "catastrophe or disaster related"),
    ("CS", "cost-sharing waived"),
    ("EP", "service under an EPSDT program"),
    ("ET", "emergency service"),
    ("GA", "liability notice (ABN) on file"),
    ("GC", "service partly done by a resident under a teaching physician"),
    ("GE", "resident service without a teaching physician (primary care exception)"),
    ("GN", "outpatient speech-language pathology plan"),
    ("GO", "outpatient occupational therapy plan"),
    ("GP", "outpatient physical therapy plan"),
    ("GQ", "asynchronous telecommunication"),
    ("GT", "interactive audio-video telecommunication"),
    ("GV", "attending physician not employed by the hospice"),
    ("GW", "service unrelated to the terminal condition"),
    ("GX", "voluntary liability notice"),
    ("GY", "statutorily excluded or not a benefit"),
    ("GZ", "expected to be denied, no liability notice"),
    ("JW", "drug amount discarded"),
    ("KX", "documentation requirements met"),
    ("NU", "new equipment"),
    ("PD", "diagnostic service within three days of an admission"),
    ("Q5", "substitute physician, reciprocal billing"),
    ("Q6", "substitute physician, fee-for-time"),
    ("QK", "medical direction of two to four anesthesia services"),
    ("QS", "monitored anesthesia care"),
    ("QW", "CLIA-waived test"),
    ("QX", "CRNA service with medical direction"),
    ("QY", "medical direction of one CRNA"),
    ("QZ", "CRNA service without medical direction"),
    ("RR", "rental"),
    ("SA", "nurse practitioner rendering with a collaborating physician"),
    ("TC", "technical component only"),
    ("UE", "used equipment"),
)

LEVEL_II: tuple[ModifierSpec, ...] = (
    *(_m(code, summary) for code, summary in _ANATOMIC),
    *(_m(code, summary) for code, summary in _COMMON_II),
    _m("A1", "dressing for one wound", D(2002, 7, 1)),
    _m("AB", "audiology service without an order", D(2023, 1, 1)),
    _m("XE", "distinct because done in a separate encounter", D(2015, 1, 1)),
    _m("XP", "distinct because done by a different practitioner", D(2015, 1, 1)),
    _m("XS", "distinct because done on a separate organ or structure", D(2015, 1, 1)),
    _m("XU", "distinct because it does not overlap the main service", D(2015, 1, 1)),
    _m("CO", "outpatient occupational therapy by an assistant", D(2020, 1, 1), confirmed=False),
    _m("CQ", "outpatient physical therapy by an assistant", D(2020, 1, 1), confirmed=False),
    _m(
        "CT",
        "CT scan on equipment not meeting the NEMA XR-29 standard",
        D(2016, 1, 1),
        confirmed=False,
    ),
    _m("FQ", "service delivered by audio-only communication", D(2022, 1, 1), confirmed=False),
    _m(
        "FR", "supervising practitioner present by audio-video link", D(2022, 1, 1), confirmed=False
    ),
    _m("FS", "split or shared E/M visit", D(2022, 1, 1), confirmed=False),
    _m(
        "FT",
        "unrelated E/M on the day of or during a global period",
        D(2022, 1, 1),
        confirmed=False,
    ),
    _m("FX", "X-ray taken on film", D(2017, 1, 1), confirmed=False),
    _m("FY", "X-ray taken with computed radiography", D(2018, 1, 1), confirmed=False),
    _m("G0", "telehealth for acute stroke symptoms", D(2019, 1, 1), confirmed=False),
    _m("JG", "drug bought under the 340B program", D(2018, 1, 1), confirmed=False),
    _m("TB", "drug bought under the 340B program, for tracking", D(2018, 1, 1), confirmed=False),
    _m("PO", "service at an off-campus provider-based department", D(2016, 1, 1), confirmed=False),
    _m(
        "PN",
        "non-excepted service at an off-campus provider-based department",
        D(2017, 1, 1),
        confirmed=False,
    ),
    _m("JZ", "no drug amount discarded", D(2022, 7, 1), confirmed=False),
)

MODIFIERS: dict[str, ModifierSpec] = {m.code: m for m in (*LEVEL_I, *LEVEL_II)}

#: The -X{EPSU} subsets of modifier 59 (CR 8863, from 2015-01-01).
X_EPSU: dict[str, str] = {
    "XE": "separate encounter",
    "XS": "separate organ or structure",
    "XP": "different practitioner",
    "XU": "service that does not overlap the main one",
}
X_EPSU_FROM = D(2015, 1, 1)

#: Side of the body each anatomic modifier names (``L`` or ``R``); 50 is both sides.
SIDE: dict[str, str] = {
    "LT": "L", "RT": "R",
    "E1": "L", "E2": "L", "E3": "R", "E4": "R",
    "FA": "L", "F1": "L", "F2": "L", "F3": "L", "F4": "L",
    "F5": "R", "F6": "R", "F7": "R", "F8": "R", "F9": "R",
    "TA": "L", "T1": "L", "T2": "L", "T3": "L", "T4": "L",
    "T5": "R", "T6": "R", "T7": "R", "T8": "R", "T9": "R",
}  # fmt: skip

#: Telehealth modifiers: audio-video (95, GT), audio-only (93, FQ), store-and-forward (GQ).
AUDIO_VIDEO = frozenset({"95", "GT"})
AUDIO_ONLY = frozenset({"93", "FQ"})
TELEHEALTH = AUDIO_VIDEO | AUDIO_ONLY | frozenset({"GQ"})


def is_level_one(code: str) -> bool:
    """Whether ``code`` has the shape of a Level I (CPT) modifier: two digits, P1-P6, or a
    Category II modifier (digit + P)."""
    key = code.strip().upper()
    if key.isdigit() and len(key) == 2:
        return True
    spec = MODIFIERS.get(key)
    return spec is not None and spec.level == "I"


def lookup(code: str) -> ModifierSpec | None:
    """The curated entry for ``code``, if any."""
    return MODIFIERS.get(code.strip().upper())
