"""The KPIs of the monthly report: what each one counts, over what, and whose definition it is.

Three kinds of source, never mixed up:

* **HFMA MAP Key**: an HFMA revenue-cycle key with its published id (CL-1 clean claim rate,
  AR-6 denial write-offs as a percentage of net patient service revenue).
* **HFMA Claim Integrity Task Force**: the denial metrics of the task force's 2020 report
  (initial denial rate, time from denial to resolution, share of denials overturned). They
  are *not* MAP Keys; cleanclaim computes them with the operational definition written here.
* **cleanclaim**: the project's own measures (scrubber catch rate, payer-error rate,
  per-coder coding-denial rate, unspecified-diagnosis share, HCC recapture rate). They are
  not HFMA measures and are not benchmarkable against published figures.

A rate's value is the fraction numerator / denominator (shown as a percentage); a ``days``
measure's value is the mean, total days / number of items. A zero denominator has no value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from cleanclaim.errors import UsageError


class Unit(StrEnum):
    """How a KPI's value reads."""

    RATE = "rate"
    """A fraction, shown as a percentage."""
    DAYS = "days"
    """A mean number of days."""


class SourceKind(StrEnum):
    """Whose definition a KPI follows."""

    MAP_KEY = "hfma-map-key"
    TASK_FORCE = "hfma-task-force"
    OWN = "cleanclaim"


@dataclass(frozen=True)
class KpiDefinition:
    """One KPI: its name, numerator, denominator, unit, direction and source."""

    key: str
    name: str
    summary: str
    """One sentence for a practice manager."""
    numerator: str
    denominator: str
    unit: Unit
    higher_is_better: bool
    source: SourceKind
    reference: str | None = None
    """The MAP Key id (``CL-1``), or the task force metric it follows."""
    notes: str = ""

    @property
    def source_label(self) -> str:
        """E.g. ``HFMA MAP Key CL-1`` or ``cleanclaim measure (not an HFMA MAP Key)``."""
        if self.source is SourceKind.MAP_KEY:
            return f"HFMA MAP Key {self.reference}"
        if self.source is SourceKind.TASK_FORCE:
            return "HFMA Claim Integrity Task Force metric (not a MAP Key)"
        return "cleanclaim measure (not an HFMA MAP Key)"


_TF_DENOMINATOR_NOTE = (
    "The task force divides by the average monthly volume of the three months before the "
    "reporting month, so that claims submitted late in a month have time to be adjudicated."
)

_DEFINITIONS = (
    KpiDefinition(
        key="clean_claim_rate",
        name="Clean claim rate",
        summary="Share of claims that passed every scrubber edit on their first scrub, "
        "with no manual change or override.",
        numerator="Claims whose first scrub raised no finding that blocks submission and "
        "that went out with no manual edit or override",
        denominator="Claims scrubbed for the first time in the month",
        unit=Unit.RATE,
        higher_is_better=True,
        source=SourceKind.MAP_KEY,
        reference="CL-1",
        notes="A claim rejected and resubmitted, or edited after a finding, is not clean.",
    ),
    KpiDefinition(
        key="initial_denial_rate_claims",
        name="Initial denial rate (claims)",
        summary="Share of submitted claims that the payer denied in whole or in part on "
        "first adjudication.",
        numerator="Claims with at least one denial on their first 835 adjudication, "
        "adjudicated in the month",
        denominator="Claims submitted: average per month over the three months before the "
        "reporting month",
        unit=Unit.RATE,
        higher_is_better=False,
        source=SourceKind.TASK_FORCE,
        reference="Initial denial rate, % of claim volume",
        notes=_TF_DENOMINATOR_NOTE,
    ),
    KpiDefinition(
        key="initial_denial_rate_claim_dollars",
        name="Initial denial rate (claim $)",
        summary="Gross charges of initially denied claims as a share of charges submitted.",
        numerator="Gross charges of the claims counted in the initial denial rate (claims)",
        denominator="Gross charges submitted: average per month over the three months "
        "before the reporting month",
        unit=Unit.RATE,
        higher_is_better=False,
        source=SourceKind.TASK_FORCE,
        reference="Initial denial rate, % of claim dollars",
        notes=_TF_DENOMINATOR_NOTE,
    ),
    KpiDefinition(
        key="initial_denial_rate_lines",
        name="Initial denial rate (lines)",
        summary="Share of submitted service lines denied on first adjudication.",
        numerator="Service lines paid 0 with a denial on their first adjudication, "
        "adjudicated in the month",
        denominator="Service lines submitted: average per month over the three months "
        "before the reporting month",
        unit=Unit.RATE,
        higher_is_better=False,
        source=SourceKind.TASK_FORCE,
        reference="Initial denial rate, line level (task force appendix)",
        notes=_TF_DENOMINATOR_NOTE,
    ),
    KpiDefinition(
        key="initial_denial_rate_line_dollars",
        name="Initial denial rate (line $)",
        summary="Charges of initially denied lines as a share of line charges submitted.",
        numerator="Charges of the lines counted in the initial denial rate (lines)",
        denominator="Line charges submitted: average per month over the three months "
        "before the reporting month",
        unit=Unit.RATE,
        higher_is_better=False,
        source=SourceKind.TASK_FORCE,
        reference="Initial denial rate, line level (task force appendix)",
        notes=_TF_DENOMINATOR_NOTE,
    ),
    KpiDefinition(
        key="denial_write_off_pct_npsr",
        name="Final denial write-offs (% of net revenue)",
        summary="Money written off for denials, after appeals, as a share of net patient "
        "service revenue.",
        numerator="Denied dollars written off in the month after appeals were exhausted or "
        "abandoned (net of any later recovery)",
        denominator="Net patient service revenue of the month: payments received, or charges "
        "times the configured expected-collection rate (the report says which)",
        unit=Unit.RATE,
        higher_is_better=False,
        source=SourceKind.MAP_KEY,
        reference="AR-6",
    ),
    KpiDefinition(
        key="appeal_overturn_rate",
        name="Appeal overturn rate",
        summary="Share of decided appeals that the payer overturned in whole or in part.",
        numerator="Appeals decided in the month as overturned or partly overturned",
        denominator="Appeals decided in the month (overturned, partly overturned or upheld)",
        unit=Unit.RATE,
        higher_is_better=True,
        source=SourceKind.TASK_FORCE,
        reference="Percentage of initial denials overturned",
        notes="cleanclaim divides by appeals decided, not by all initial denials; the task "
        "force allows either.",
    ),
    KpiDefinition(
        key="days_denial_to_resolution",
        name="Days from denial to resolution",
        summary="Average days from a denial's 835 to its resolution (paid, written off or "
        "upheld on final appeal).",
        numerator="Sum over denials resolved in the month of the days from the remittance "
        "date of the denial to the date it was resolved",
        denominator="Denials resolved in the month",
        unit=Unit.DAYS,
        higher_is_better=False,
        source=SourceKind.TASK_FORCE,
        reference="Time from initial denial to claim resolution",
    ),
    KpiDefinition(
        key="payer_error_rate",
        name="Payer-error rate",
        summary="Share of denials that turned out to be the payer's mistake.",
        numerator="Denials classified payer-error: reversed and paid with no change by the "
        "practice, or overturned on appeal with no new information",
        denominator="Denials counted in the month (all root causes)",
        unit=Unit.RATE,
        higher_is_better=False,
        source=SourceKind.OWN,
    ),
    KpiDefinition(
        key="scrubber_catch_rate",
        name="Scrubber catch rate",
        summary="Of the denials a scrubber edit could have prevented, the share where an "
        "edit did fire before submission.",
        numerator="Denials whose reason maps to a scrubber category (reason-to-category "
        "table) and whose submitted claim had a finding of that category (fixed too late, "
        "overridden or left unfixed)",
        denominator="Denials on scrubbed claims whose reason maps to a scrubber category "
        "(caught plus missed)",
        unit=Unit.RATE,
        higher_is_better=True,
        source=SourceKind.OWN,
        notes="A high catch rate with many denials means findings are overridden or ignored; "
        "a low one means the edits miss the cause.",
    ),
    KpiDefinition(
        key="coder_coding_denial_rate",
        name="Coding-denial rate (per coder)",
        summary="Share of a coder's claims with a coding denial that the coder caused.",
        numerator="Claims coded by the coder with at least one coding denial attributed to "
        "the coder",
        denominator="Claims coded by the coder and adjudicated in the month",
        unit=Unit.RATE,
        higher_is_better=False,
        source=SourceKind.OWN,
    ),
    KpiDefinition(
        key="payer_denial_rate",
        name="Denial rate (per payer)",
        summary="Share of a payer's adjudicated claims with at least one denial.",
        numerator="Claims adjudicated by the payer in the month with at least one denial",
        denominator="Claims adjudicated by the payer in the month",
        unit=Unit.RATE,
        higher_is_better=False,
        source=SourceKind.OWN,
        notes="Uses same-month adjudications, not the task force's lagged denominator, so "
        "that payers compare with each other.",
    ),
    KpiDefinition(
        key="unspecified_dx_share",
        name="Unspecified-diagnosis share",
        summary="Share of a provider's billed diagnosis codes that are 'unspecified' where "
        "a more specific code exists.",
        numerator="Diagnosis codes on the provider's claims flagged by the dx-unspecified edit",
        denominator="Diagnosis codes on the provider's claims scrubbed in the month",
        unit=Unit.RATE,
        higher_is_better=False,
        source=SourceKind.OWN,
    ),
    KpiDefinition(
        key="hcc_recapture_rate",
        name="HCC recapture rate",
        summary="Share of the provider's patients' HCCs from the prior year that were "
        "documented again this year.",
        numerator="HCCs documented in the prior calendar year and coded again this year to date",
        denominator="HCCs documented in the prior calendar year for patients seen this year",
        unit=Unit.RATE,
        higher_is_better=True,
        source=SourceKind.OWN,
    ),
)

KPIS: Mapping[str, KpiDefinition] = MappingProxyType({d.key: d for d in _DEFINITIONS})
"""Every KPI definition, by key."""

HEADLINE_ORDER: tuple[str, ...] = (
    "clean_claim_rate",
    "initial_denial_rate_claims",
    "initial_denial_rate_claim_dollars",
    "initial_denial_rate_lines",
    "initial_denial_rate_line_dollars",
    "denial_write_off_pct_npsr",
    "appeal_overturn_rate",
    "days_denial_to_resolution",
    "payer_error_rate",
    "scrubber_catch_rate",
)
"""The headline KPIs of the monthly report, in the order shown."""


def kpi(key: str) -> KpiDefinition:
    """The definition of ``key``; a :class:`UsageError` names the known keys otherwise."""
    try:
        return KPIS[key]
    except KeyError:
        known = ", ".join(sorted(KPIS))
        raise UsageError(f"unknown KPI {key!r}; known KPIs: {known}") from None
