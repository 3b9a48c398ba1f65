"""``cleanclaim validate``: WEDI SNIP level 1-2 findings for an X12 file, without storing it.

Three checkers run over the file, and their findings are merged into one
:class:`ValidationReport`:

* **cleanclaim's structure checks** (SNIP 1): the streaming reader (delimiters from the ISA,
  segment terminator, segment length, line breaks inside segments, leading bytes and byte-order
  mark) and the envelope layer (ISA/IEA, GS/GE and ST/SE counts and control numbers,
  duplicate ISA13/GS06/ST02, ST03 against GS08, malformed segment ids), plus a character
  check (printable ASCII only) and trailing element separators (a warning);
* **cleanclaim's own reading** (SNIP 2) of 837P/837I, 835, 999 and 277CA sets: whatever
  ``cleanclaim ingest`` would quarantine (missing required loops, numbers and dates that do
  not parse, a broken HL hierarchy...);
* **pyx12** (SNIP 1-2 against the implementation guides' maps), wrapped: any exception
  becomes a finding ``pyx12 could not validate: ...``, never a traceback. Element values are
  masked in its messages.

Not checked here: balancing (SNIP 3) is checked by ``cleanclaim ingest``, and code sets
(SNIP 5: ICD-10, CPT/HCPCS, CARC/RARC...) by ``cleanclaim scrub``.

Each finding names its unit (file, interchange, functional group or transaction set), the
1-based segment position in the file and the 999 (or TA1) code that
:mod:`cleanclaim.x12.ack_writer` puts in the acknowledgment. The checks themselves live in
:mod:`._validate_structure` (cleanclaim's) and :mod:`._validate_pyx12` (the wrapper).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from cleanclaim.errors import UsageError

__all__ = [
    "CHECKED_ELSEWHERE",
    "CHECKED_HERE",
    "Finding",
    "GroupFacts",
    "InterchangeFacts",
    "SetFacts",
    "Severity",
    "Unit",
    "ValidationReport",
    "validate_file",
]

CHECKED_HERE = (
    "SNIP 1 (syntax: delimiters, envelopes and their counts and control numbers, segment "
    "ids, characters) and SNIP 2 (implementation guide requirements: pyx12's maps, and "
    "cleanclaim's own reading of 837P/837I, 835, 999 and 277CA)"
)
CHECKED_ELSEWHERE = (
    "balancing (SNIP 3) is checked by 'cleanclaim ingest'; code sets (SNIP 5: ICD-10, "
    "CPT/HCPCS, CARC/RARC, POS...) by 'cleanclaim scrub'"
)


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class Unit(StrEnum):
    """What a finding condemns (as ingest would quarantine it)."""

    FILE = "file"
    INTERCHANGE = "interchange"
    GROUP = "functional group"
    SET = "transaction set"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem found in the file."""

    severity: Severity
    unit: Unit
    message: str
    source: str
    """``cleanclaim`` or ``pyx12``."""
    snip: int
    segment: int | None = None
    """1-based position of the segment in the file."""
    segment_id: str | None = None
    interchange: int | None = None
    """1-based number of the interchange in the file."""
    group: int | None = None
    """1-based number of the functional group in its interchange."""
    set_position: int | None = None
    """Position of the ST of the transaction set concerned."""
    set_control: str | None = None
    """ST02 of the transaction set concerned."""
    code: str | None = None
    """The acknowledgment code, for the 999 element named by :attr:`code_element`."""
    code_element: str | None = None
    """``TA105`` (interchange), ``AK905`` (group), ``IK502`` (set) or ``IK304`` (one segment
    of a set, an IK3 loop); ``None`` for warnings and file-level findings."""
    element: int | None = None
    component: int | None = None
    data_element: str | None = None
    element_code: str | None = None
    """IK403 when the finding is about one element."""

    def to_json(self) -> dict[str, Any]:
        return {
            "severity": self.severity.value,
            "unit": self.unit.value,
            "source": self.source,
            "snip": self.snip,
            "interchange": self.interchange,
            "group": self.group,
            "set": self.set_control,
            "segment": self.segment,
            "segment_id": self.segment_id,
            "element": self.element,
            "code": self.code,
            "code_element": self.code_element,
            "element_code": self.element_code,
            "message": self.message,
        }


@dataclass
class SetFacts:
    id: str
    control: str
    implementation: str
    position: int
    kind: str
    sender: str = ""
    receiver: str = ""


@dataclass
class GroupFacts:
    index: int
    functional_id: str
    control: str
    version: str
    position: int
    sets: list[SetFacts] = field(default_factory=list)


@dataclass
class InterchangeFacts:
    index: int
    position: int
    control: str = ""
    sender_qualifier: str = "ZZ"
    sender: str = ""
    receiver_qualifier: str = "ZZ"
    receiver: str = ""
    date: str = ""
    time: str = ""
    version: str = ""
    usage: str = ""
    complete: bool = False
    """The interchange was read to its end (its envelope summary exists)."""
    groups: list[GroupFacts] = field(default_factory=list)


@dataclass
class ValidationReport:
    """Everything ``validate`` found in one file."""

    path: str
    interchanges: list[InterchangeFacts] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    pyx12: str = "not run"
    """``ran``, ``not installed``, ``crashed`` or ``not run``."""

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def set_count(self) -> int:
        return sum(len(g.sets) for ic in self.interchanges for g in ic.groups)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "ok": self.ok,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "interchanges": len(self.interchanges),
            "transaction_sets": self.set_count,
            "pyx12": self.pyx12,
            "checked_here": CHECKED_HERE,
            "checked_elsewhere": CHECKED_ELSEWHERE,
            "findings": [f.to_json() for f in self.findings],
        }


# -- the checks ------------------------------------------------------------------------------


def validate_file(
    path: Path,
    *,
    use_pyx12: bool = True,
    max_segment_bytes: int | None = None,
    max_file_bytes: int | None = None,
) -> ValidationReport:
    """Validate one X12 file (nothing is stored). Raises only :class:`UsageError`."""
    from cleanclaim.settings import get_settings
    from cleanclaim.x12._validate_structure import run_structure

    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if not path.is_file():
        raise UsageError(f"{path}: not a file")
    settings = get_settings()
    cap = max_file_bytes if max_file_bytes is not None else settings.max_x12_file_bytes
    size = path.stat().st_size
    if size > cap:
        raise UsageError(
            f"{path}: {size} bytes is over the limit of {cap} (CLEANCLAIM_MAX_X12_FILE_BYTES)"
        )
    msb = max_segment_bytes or settings.max_segment_bytes
    report = ValidationReport(path=str(path))
    run_structure(path, msb, report)
    if use_pyx12:
        from cleanclaim.x12._validate_pyx12 import run_pyx12

        run_pyx12(path, report)
    report.findings.sort(key=lambda f: (f.segment or 0, f.source != "cleanclaim"))
    return report
