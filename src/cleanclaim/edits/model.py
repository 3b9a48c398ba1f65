"""Values the scrubber produces: severities, categories, citations, findings, results."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    """How sure the rule is that the claim will be denied."""

    ERROR = "error"
    """Will deny (or be rejected) as sent."""
    WARNING = "warning"
    """Likely denial, or lost revenue."""
    INFO = "info"
    """Worth knowing; never flags a claim."""

    @property
    def rank(self) -> int:
        """Higher is more severe."""
        return {"info": 0, "warning": 1, "error": 2}[self.value]


class Category(StrEnum):
    """The finding categories of the scrub JSON contract (exactly these values)."""

    DX_INVALID = "dx-invalid"
    DX_UNSPECIFIED = "dx-unspecified"
    DX_PX_MISMATCH = "dx-px-mismatch"
    MODIFIER = "modifier"
    NCCI_PTP = "ncci-ptp"
    MUE = "mue"
    EM_LEVEL = "em-level"
    PX_INVALID = "px-invalid"
    POS = "pos"
    HCC = "hcc"
    COB = "cob"
    POA = "poa"
    DEMOGRAPHIC = "demographic"
    DUPLICATE = "duplicate"
    TIMELY_FILING = "timely-filing"
    AUTHORIZATION = "authorization"
    STRUCTURE = "structure"


class RuleStatus(StrEnum):
    """Rule lifecycle: preview rules run only when selected explicitly."""

    PREVIEW = "preview"
    STABLE = "stable"


class ClaimStatus(StrEnum):
    """Status of a scrubbed claim, by fixed precedence: flagged > incomplete > clean."""

    FLAGGED = "flagged"
    INCOMPLETE = "incomplete"
    CLEAN = "clean"


@dataclass(frozen=True)
class Citation:
    """Where a rule comes from: source, section and the date of the text relied on."""

    source: str
    section: str
    date: str
    url: str = ""

    def __str__(self) -> str:
        return f"{self.source}, {self.section} ({self.date})"


@dataclass(frozen=True)
class Finding:
    """One problem found on a claim."""

    rule: str
    category: Category
    severity: Severity
    line: int | None
    """1-based service line number, or ``None`` for the claim as a whole."""
    message: str
    fix: str
    citation: Citation
    slug: str = ""

    def to_json(self) -> dict[str, Any]:
        """The finding object of the scrub JSON contract."""
        return {
            "rule": self.rule,
            "category": self.category.value,
            "severity": self.severity.value,
            "line": self.line,
            "message": self.message,
            "fix": self.fix,
            "citation": str(self.citation),
        }


@dataclass(frozen=True)
class NotChecked:
    """A check that applies to the claim but could not run, or ran on incomplete data."""

    check: str
    reason: str


@dataclass(frozen=True)
class CoverageEntry:
    """A :class:`NotChecked` tied to its claim (the scrub JSON ``coverage`` list)."""

    claim_id: str
    check: str
    reason: str

    def to_json(self) -> dict[str, str]:
        return {"claim_id": self.claim_id, "check": self.check, "reason": self.reason}


@dataclass(frozen=True)
class Suppressed:
    """A finding that a suppression silenced, with who and why."""

    finding: Finding
    by: str
    reason: str


@dataclass
class ClaimResult:
    """The scrub result of one claim."""

    claim_id: str
    claim_key: str | None
    findings: list[Finding] = field(default_factory=list)
    coverage: list[CoverageEntry] = field(default_factory=list)
    suppressed: list[Suppressed] = field(default_factory=list)

    @property
    def status(self) -> ClaimStatus:
        """``flagged`` on any error or warning; else ``incomplete`` on any coverage entry."""
        if any(f.severity is not Severity.INFO for f in self.findings):
            return ClaimStatus.FLAGGED
        if self.coverage:
            return ClaimStatus.INCOMPLETE
        return ClaimStatus.CLEAN

    def to_json(self) -> dict[str, Any]:
        """The claim object of the scrub JSON contract."""
        return {
            "claim_id": self.claim_id,
            "claim_key": self.claim_key,
            "status": self.status.value,
            "findings": [f.to_json() for f in self.findings],
        }
