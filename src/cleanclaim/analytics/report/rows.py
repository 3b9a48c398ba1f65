"""The report's table rows: each field carries its column label, format and definition."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from cleanclaim.analytics.report.base import Derived, Fmt, Row, col
from cleanclaim.codesets.model import Completeness


class RootCause(StrEnum):
    """Root causes of denials, as the classifier names them."""

    DOCUMENTATION = "documentation"
    ELIGIBILITY = "eligibility"
    CODING = "coding"
    BILLING = "billing"
    AUTHORIZATION = "authorization"
    PAYER_ERROR = "payer-error"
    UNCLASSIFIED = "unclassified"


PRACTICE_CAUSES = (
    RootCause.DOCUMENTATION, RootCause.ELIGIBILITY, RootCause.CODING, RootCause.BILLING,
    RootCause.AUTHORIZATION,
)  # fmt: skip
"""The five causes the practice can fix, in the order the report shows them."""

T, N, M, D = Fmt.TEXT, Fmt.INT, Fmt.MONEY, Fmt.DATE
DENIALS = "Denials counted in the month: denial-type adjustments (group + CARC) on a claim or line"
DOLLARS = "Sum of the adjustment amounts of those denials"
ON = "Denials on claims this person worked, whoever caused them"
CAUSED = "Denials whose root cause points at this person's step"


@dataclass(frozen=True)
class RootCauseRow(Row):
    """Denials of one root cause in the report month."""

    cause: RootCause = field(metadata=col("Root cause", T, "Root cause given by the classifier"))
    denials: int = field(metadata=col("Denials", N, DENIALS))
    denied_claims: int = field(metadata=col("Claims", N, "Claims with at least one such denial"))
    dollars: Decimal = field(metadata=col("Denied $", M, DOLLARS))


@dataclass(frozen=True)
class RootCauses:
    """The five practice causes in fixed order, with payer errors and unclassified apart."""

    practice: tuple[RootCauseRow, ...]
    payer_error: RootCauseRow
    unclassified: RootCauseRow

    def __post_init__(self) -> None:
        if tuple(r.cause for r in self.practice) != PRACTICE_CAUSES:
            want = ", ".join(PRACTICE_CAUSES)
            raise ValueError(f"root causes: the practice rows must be, in order: {want}")
        if self.payer_error.cause is not RootCause.PAYER_ERROR:
            raise ValueError("root causes: the payer_error row must have cause payer-error")
        if self.unclassified.cause is not RootCause.UNCLASSIFIED:
            raise ValueError("root causes: the unclassified row must have cause unclassified")

    @property
    def all_rows(self) -> tuple[RootCauseRow, ...]:
        """Practice causes, then payer errors, then unclassified."""
        return (*self.practice, self.payer_error, self.unclassified)

    @property
    def denials(self) -> int:
        """All denials of the month."""
        return sum(r.denials for r in self.all_rows)

    @property
    def dollars(self) -> Decimal:
        """All denied dollars of the month."""
        return sum((r.dollars for r in self.all_rows), Decimal(0))


@dataclass(frozen=True)
class CoderRow(Row):
    """One coder: the denials they caused apart from every denial on their claims."""

    coder: str = field(metadata=col("Coder", T, "Who coded the claim version (work log)"))
    claims_coded: int = field(metadata=col("Claims coded", N, "Coded, adjudicated in the month"))
    claims_coding_denied: int = field(
        metadata=col("Claims w/ coding denial", N, "With a coding denial the coder caused")
    )
    denials_caused: int = field(metadata=col("Caused by coder", N, "Coding denials they caused"))
    dollars_caused: Decimal = field(metadata=col("$ caused", M, "Denied $ of those"))
    denials_on_claims: int = field(metadata=col("On their claims", N, ON))
    dollars_on_claims: Decimal = field(metadata=col("$ on their claims", M, "Denied $ of those"))

    DERIVED: ClassVar[tuple[Derived, ...]] = (
        Derived("coding_denial_rate", "Coding-denial rate", "coder_coding_denial_rate",
                "claims_coding_denied", "claims_coded", after="claims_coding_denied"),
    )  # fmt: skip


@dataclass(frozen=True)
class PartyRow(Row):
    """A biller, registrar or provider: the denials they caused, and those on their claims."""

    name: str = field(metadata=col("Name", T, "Person (work log) or rendering provider"))
    claims: int = field(metadata=col("Claims", N, "Claims they worked, adjudicated in the month"))
    denials_caused: int = field(metadata=col("Caused", N, CAUSED))
    dollars_caused: Decimal = field(metadata=col("$ caused", M, "Denied $ of those"))
    denials_on_claims: int = field(metadata=col("On their claims", N, ON))
    dollars_on_claims: Decimal = field(metadata=col("$ on their claims", M, "Denied $ of those"))


@dataclass(frozen=True)
class PayerRow(Row):
    """One payer: denials, dollars, and the part that was the payer's own error."""

    payer: str = field(metadata=col("Payer", T, "Payer, as named in the payer registry"))
    claims: int = field(metadata=col("Claims", N, "Claims the payer adjudicated in the month"))
    denied_claims: int = field(metadata=col("Denied claims", N, "Of those, with a denial"))
    denials: int = field(metadata=col("Denials", N, DENIALS))
    dollars: Decimal = field(metadata=col("Denied $", M, DOLLARS))
    payer_errors: int = field(metadata=col("Payer errors", N, "Denials classified payer-error"))
    payer_error_dollars: Decimal = field(metadata=col("Payer-error $", M, "Denied $ of those"))

    DERIVED: ClassVar[tuple[Derived, ...]] = (
        Derived("denial_rate", "Denial rate", "payer_denial_rate", "denied_claims", "claims",
                after="denied_claims"),
    )  # fmt: skip


@dataclass(frozen=True)
class CodeRow(Row):
    """A CARC with its group, or a RARC, with its denials and dollars."""

    code: str = field(metadata=col("Code", T, "Group and CARC (CO-50), or RARC (N115)"))
    summary: str = field(
        metadata=col("Meaning (our words)", T, "cleanclaim's summary, not the official text")
    )
    root_cause: str = field(metadata=col("Usual root cause", T, "Most frequent root cause"))
    denials: int = field(metadata=col("Denials", N, "Denials carrying the code in the month"))
    dollars: Decimal = field(metadata=col("Denied $", M, "Denied dollars of those denials"))


@dataclass(frozen=True)
class FindingOutcomeRow(Row):
    """Scrub findings of one category and what became of them; the outcomes add up."""

    category: str = field(metadata=col("Category", T, "Scrubber finding category"))
    findings: int = field(metadata=col("Findings", N, "Raised on claims scrubbed in the month"))
    fixed: int = field(metadata=col("Fixed", N, "Corrected, finding cleared before submission"))
    overridden: int = field(
        metadata=col("Overridden", N, "Suppressed or sent unchanged; no denial followed (yet)")
    )
    led_to_denial: int = field(
        metadata=col("Led to denial", N, "Sent unfixed; a denial of a matching reason followed")
    )
    pending: int = field(metadata=col("Pending", N, "Not submitted or not adjudicated yet"))
    denied_dollars: Decimal = field(metadata=col("Denied $", M, "Denied $ that followed"))

    def __post_init__(self) -> None:
        super().__post_init__()
        parts = self.fixed + self.overridden + self.led_to_denial + self.pending
        if parts != self.findings:
            raise ValueError(
                f"scrub findings {self.category}: fixed + overridden + led to denial + pending "
                f"= {parts}, not {self.findings}"
            )


@dataclass(frozen=True)
class TrainingTarget(Row):
    """One training topic for one coder, from the denials they caused and their findings."""

    coder: str = field(metadata=col("Coder", T, "Coder"))
    topic: str = field(metadata=col("Topic", T, "What to train on"))
    evidence: str = field(metadata=col("Evidence", T, "Codes and finding categories behind it"))
    denials: int = field(metadata=col("Denials caused", N, "Coding denials of the topic caused"))
    dollars: Decimal = field(metadata=col("Denied $", M, "Denied $ of those"))
    findings: int = field(metadata=col("Findings", N, "Scrub findings of the topic, their claims"))


@dataclass(frozen=True)
class ProviderHygieneRow(Row):
    """Diagnosis specificity and HCC hygiene of one rendering provider."""

    provider: str = field(metadata=col("Provider", T, "Rendering provider"))
    specialty: str = field(metadata=col("Specialty", T, "Specialty (taxonomy)"))
    dx_codes: int = field(metadata=col("Dx codes", N, "Dx codes on claims scrubbed in the month"))
    dx_unspecified: int = field(metadata=col("Unspecified", N, "Flagged by dx-unspecified"))
    hcc_due: int = field(metadata=col("HCCs due", N, "Prior-year HCCs, patients seen this year"))
    hcc_recaptured: int = field(metadata=col("Recaptured", N, "Of those, coded again this year"))
    hcc_findings: int = field(metadata=col("HCC findings", N, "HCC findings raised in the month"))

    DERIVED: ClassVar[tuple[Derived, ...]] = (
        Derived("unspecified_share", "Unspecified share", "unspecified_dx_share",
                "dx_unspecified", "dx_codes", after="dx_unspecified"),
        Derived("recapture_rate", "Recapture rate", "hcc_recapture_rate",
                "hcc_recaptured", "hcc_due", after="hcc_recaptured"),
    )  # fmt: skip


@dataclass(frozen=True)
class QueueRow(Row):
    """One open denial (one 835 claim) in the work queue."""

    claim: str = field(metadata=col("Claim", T, "Claim key (CLM01)"))
    payer: str = field(metadata=col("Payer", T, "Payer"))
    codes: str = field(metadata=col("Codes", T, "Group/CARC and RARC codes of the open denials"))
    root_cause: str = field(metadata=col("Root cause", T, "Root cause of the largest denial"))
    owner: str = field(metadata=col("Owner", T, "Who works it"))
    amount: Decimal = field(metadata=col("Amount", M, "Denied dollars still open"))
    appeal_deadline: dt.date | None = field(
        metadata=col("Appeal by", D, "Last day to appeal under the payer's terms; blank: unknown")
    )
    days_left: int | None = field(
        metadata=col("Days left", N, "Days to the appeal deadline from data-through; <0: overdue")
    )
    section: str = field(metadata=col("Section", T, "appeal, or write-off (no appeal left)"))


@dataclass(frozen=True)
class CoverageRow(Row):
    """One check and the completeness of the data it ran on."""

    check: str = field(metadata=col("Check", T, "Scrubber check, classifier step or KPI input"))
    data: str = field(metadata=col("Data", T, "Code set or input it needs, release used"))
    completeness: Completeness = field(
        metadata=col("Completeness", T, "full, partial, fixture or missing")
    )
    detail: str = field(metadata=col("What it means", T, "What the report can and cannot claim"))
