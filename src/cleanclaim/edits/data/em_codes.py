"""Evaluation and management (E/M) code families, as bare CPT/HCPCS numbers.

The modifier and place-of-service rules need to know which codes are E/M services. CPT
code numbers are facts, not AMA text, so only numbers and ranges are kept here, each family
named in the project's own words. Validity of a code on a date is the px-invalid rule's job;
these sets only say what kind of service a code is.
"""

from __future__ import annotations

from collections.abc import Iterable


def _span(first: int, last: int) -> frozenset[str]:
    return frozenset(str(n) for n in range(first, last + 1))


def _union(parts: Iterable[frozenset[str]]) -> frozenset[str]:
    out: set[str] = set()
    for part in parts:
        out |= part
    return frozenset(out)


#: Office or other outpatient visits (new 99202-99205, established 99211-99215).
OFFICE_OUTPATIENT = _span(99202, 99205) | _span(99211, 99215)

#: Hospital inpatient and observation care, including the observation codes deleted in
#: 2023 (99217-99220, 99224-99226) and discharge-day management (99238-99239).
HOSPITAL = _span(99217, 99226) | _span(99231, 99239)

#: Office and inpatient consultations (99241-99245, 99251-99255).
CONSULTATION = _span(99241, 99245) | _span(99251, 99255)

#: Emergency department visits.
EMERGENCY = _span(99281, 99285)

#: Nursing facility care, and the domiciliary/rest-home codes merged into home or
#: residence services in 2023 (99324-99337).
NURSING = _span(99304, 99337)

#: Home or residence visits.
HOME = _span(99341, 99350)

#: The problem-oriented visit families whose same-day relation to a procedure the global
#: surgery rules govern (modifiers 25 and 57). Preventive medicine (99381-99397), critical
#: care and the other E/M sub-sections are left out on purpose.
VISIT_FAMILIES = _union([OFFICE_OUTPATIENT, HOSPITAL, CONSULTATION, EMERGENCY, NURSING, HOME])

#: Hospital inpatient codes a professional should use instead of office visits when the
#: patient is an inpatient.
HOSPITAL_INPATIENT = _span(99221, 99223) | _span(99231, 99239)

#: Nursing facility codes (initial 99304-99306, subsequent 99307-99310, discharge
#: 99315-99316).
NURSING_FACILITY = _span(99304, 99310) | _span(99315, 99316)

#: Codes outside the CPT E/M section that CMS or CPT still treat as taking modifier 25:
#: the general ophthalmological examinations 92002-92014, which the NCCI Policy Manual's
#: medicine chapter handles like E/M visits around procedures, and the hospital outpatient
#: clinic visit G0463 (OPPS).
TAKES_25_OUTSIDE_EM = _span(92002, 92014) | frozenset({"G0463"})

#: The CPT telemedicine E/M family added in 2025.
TELEMEDICINE_EM = _span(98000, 98016)


def is_em_section(code: str) -> bool:
    """Whether ``code`` lies in the CPT E/M section (99202-99499) or the 2025 telemedicine
    E/M family (98000-98016)."""
    key = code.strip().upper()
    if key in TELEMEDICINE_EM:
        return True
    return key.isdigit() and len(key) == 5 and 99202 <= int(key) <= 99499


def takes_modifier_25(code: str) -> bool:
    """Whether modifier 25 may be appended to ``code`` (an E/M service or its analogue)."""
    return is_em_section(code) or code.strip().upper() in TAKES_25_OUTSIDE_EM


def is_visit(code: str) -> bool:
    """Whether ``code`` is a problem-oriented visit of :data:`VISIT_FAMILIES`."""
    return code.strip().upper() in VISIT_FAMILIES
