"""A hand-made, fully synthetic :class:`ReportData` for tests, previews and screenshots.

Every figure below is typed in by hand (no randomness) and adds up: the root causes sum to
the denials behind the headline rates, the coders' "caused by" sums to the coding denials,
every group's "on their claims" sums to all denials, and each scrub category's outcomes sum
to its findings. Names are invented; no PHI. CARC/RARC meanings are cleanclaim's own short
summaries, not the official texts.

Preview every format: ``python -m cleanclaim.analytics.report.sample OUT_DIR``.
"""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal
from pathlib import Path

from cleanclaim.analytics.kpi_definitions import HEADLINE_ORDER
from cleanclaim.analytics.report.model import (
    CodeRow,
    CoderRow,
    CoverageRow,
    FindingOutcomeRow,
    HeadlineKpi,
    KpiValue,
    Month,
    PartyRow,
    PayerRow,
    ProviderHygieneRow,
    QueueRow,
    ReportData,
    RootCause,
    RootCauseRow,
    RootCauses,
    TrainingTarget,
    TrendPoint,
)
from cleanclaim.codesets.model import Completeness

SAMPLE_MONTH = Month(2026, 9)
D = Decimal
FULL, PARTIAL = Completeness.FULL, Completeness.PARTIAL
FIXTURE, MISSING = Completeness.FIXTURE, Completeness.MISSING

# numerator/denominator per month, Oct 2025 .. Sep 2026 (the report month is last).
# fmt: off
_TRENDS: dict[str, str] = {
    "clean_claim_rate":
        "1288/1421 1270/1398 1301/1452 1335/1466 1312/1433 1352/1471 "
        "1369/1480 1360/1462 1381/1489 1394/1497 1377/1475 1399/1493",
    "initial_denial_rate_claims":
        "171/1402 166/1411 168/1421 160/1416 162/1439 157/1450 "
        "155/1457 151/1461 149/1471 150/1477 146/1483 141/1487",
    "initial_denial_rate_claim_dollars":
        "61230.50/512840.00 60115.25/515210.75 61904.10/519330.20 58210.00/518004.50 "
        "58870.35/524113.90 56420.80/528760.40 55980.15/531902.65 54115.60/533411.30 "
        "53640.25/537206.85 54012.90/539118.10 52266.45/541870.25 51214.40/543305.60",
    "initial_denial_rate_lines":
        "248/3102 239/3121 244/3140 231/3133 235/3180 226/3206 "
        "222/3219 217/3228 213/3249 215/3262 208/3276 201/3284",
    "initial_denial_rate_line_dollars":
        "44210.00/512840.00 43120.40/515210.75 44005.70/519330.20 41870.90/518004.50 "
        "42130.10/524113.90 40655.35/528760.40 40120.80/531902.65 38940.55/533411.30 "
        "38410.20/537206.85 38705.65/539118.10 37390.95/541870.25 36641.85/543305.60",
    "denial_write_off_pct_npsr":
        "6120.40/301250.00 5980.10/298410.30 6311.25/305920.75 5790.00/304115.60 "
        "5655.80/309880.10 5402.35/311240.95 5288.60/313005.40 5010.15/312660.85 "
        "4975.90/316118.20 5120.45/317402.70 4811.30/319007.35 4652.75/320214.90",
    "appeal_overturn_rate":
        "21/41 19/38 23/43 22/40 24/44 25/45 24/42 26/44 25/43 27/45 26/43 28/46",
    "days_denial_to_resolution":
        "4312/98 4205/97 4180/99 3990/95 4015/97 3872/96 "
        "3790/95 3705/94 3640/95 3588/94 3510/93 3422/92",
    "payer_error_rate":
        "14/236 12/228 13/231 12/219 11/224 12/218 10/214 11/209 10/207 12/211 11/206 11/212",
    "scrubber_catch_rate":
        "44/98 47/101 46/97 48/96 50/99 51/97 53/98 52/95 55/97 56/96 56/94 58/96",
}
# fmt: on

_NPSR_NOTE = "Net revenue from payments received (no expected-collection rate configured)."


def _number(text: str) -> int | Decimal:
    return Decimal(text) if "." in text else int(text)


def _headline(key: str) -> HeadlineKpi:
    note = _NPSR_NOTE if key == "denial_write_off_pct_npsr" else ""
    pairs = [pair.split("/") for pair in _TRENDS[key].split()]
    points = tuple(
        TrendPoint(SAMPLE_MONTH.shift(i - len(pairs) + 1), KpiValue(_number(n), _number(d), note))
        for i, (n, d) in enumerate(pairs)
    )
    return HeadlineKpi(key, points[-1].value, points[-2].value, points)


def _cause(cause: RootCause, denials: int, claims: int, dollars: str) -> RootCauseRow:
    return RootCauseRow(cause, denials, claims, D(dollars))


def _code(code: str, summary: str, cause: str, denials: int, dollars: str) -> CodeRow:
    return CodeRow(code, summary, cause, denials, D(dollars))


def _queue(
    claim: str, payer: str, codes: str, cause: str, owner: str, amount: str,
    deadline: str | None, left: int | None, section: str = "appeal",
) -> QueueRow:  # fmt: skip
    due = dt.date.fromisoformat(deadline) if deadline else None
    return QueueRow(claim, payer, codes, cause, owner, D(amount), due, left, section)


# fmt: off
ROOT_CAUSES = RootCauses(
    practice=(
        _cause(RootCause.DOCUMENTATION, 38, 29, "9840.50"),
        _cause(RootCause.ELIGIBILITY, 52, 41, "11230.00"),
        _cause(RootCause.CODING, 61, 44, "14410.75"),
        _cause(RootCause.BILLING, 27, 16, "4105.20"),
        _cause(RootCause.AUTHORIZATION, 19, 15, "8960.00"),
    ),
    payer_error=_cause(RootCause.PAYER_ERROR, 11, 9, "2315.40"),
    unclassified=_cause(RootCause.UNCLASSIFIED, 4, 3, "610.00"),
)

CODERS = (
    CoderRow("A. Okafor", 512, 14, 19, D("4210.35"), 74, D("16880.10")),
    CoderRow("J. Lindqvist", 498, 20, 29, D("7315.90"), 79, D("18025.55")),
    CoderRow("R. Castillo", 477, 10, 13, D("2884.50"), 59, D("16566.20")),
)
BILLERS = (
    PartyRow("D. Whitfield", 760, 15, D("2390.20"), 110, D("26410.35")),
    PartyRow("S. Amari", 727, 12, D("1715.00"), 102, D("25061.50")),
)
REGISTRARS = (
    PartyRow("Front desk: M. Osei", 845, 30, D("6410.00"), 121, D("28990.45")),
    PartyRow("Front desk: P. Haddad", 642, 22, D("4820.00"), 91, D("22481.40")),
)
PROVIDERS = (
    PartyRow("Dr. E. Varga (Family med.)", 352, 9, D("1920.40"), 49, D("9921.30")),
    PartyRow("Dr. T. Mensah (Internal med.)", 301, 8, D("2410.00"), 44, D("10012.75")),
    PartyRow("Dr. L. Brandt (Cardiology)", 214, 7, D("2650.10"), 38, D("11880.90")),
    PartyRow("Dr. K. Ito (Orthopedics)", 188, 6, D("1490.00"), 31, D("9105.60")),
    PartyRow("N. Ruiz, NP (Family med.)", 233, 4, D("610.00"), 27, D("5340.25")),
    PartyRow("Dr. F. Adeyemi (Dermatology)", 199, 4, D("760.00"), 23, D("5211.05")),
)
PAYERS = (
    PayerRow("Medicare Part B (FFS)", 412, 31, 44, D("9120.65"), 2, D("410.00")),
    PayerRow("Sunrise Medicare Advantage", 298, 42, 63, D("15870.40"), 4, D("1022.15")),
    PayerRow("Lakeshore Medicaid MCO", 251, 29, 41, D("6305.10"), 3, D("508.25")),
    PayerRow("Granite Commercial PPO", 311, 24, 39, D("12410.85"), 1, D("250.00")),
    PayerRow("Summit Health HMO", 215, 15, 25, D("7764.85"), 1, D("125.00")),
)
TOP_CARCS = (
    _code("CO-197", "Prior authorization or notification was missing", "authorization",
          17, "8120.00"),
    _code("CO-50", "Payer judged the service not medically necessary", "documentation",
          21, "6230.50"),
    _code("CO-27", "Service date falls after the coverage ended", "eligibility", 24, "5105.00"),
    _code("CO-16", "Claim lacks information or has a billing error", "billing", 25, "4480.20"),
    _code("CO-97", "Paid as part of another service (bundled)", "coding", 18, "4015.35"),
    _code("CO-4", "Modifier missing or does not fit the procedure", "coding", 16, "3610.00"),
    _code("CO-31", "Payer cannot identify the patient as a member", "eligibility", 15, "3390.00"),
    _code("CO-11", "Diagnosis does not support the procedure", "coding", 12, "3120.40"),
    _code("CO-150", "Records do not support the level of service", "documentation",
          10, "2410.00"),
    _code("CO-151", "Records do not support this many units", "coding", 9, "1660.00"),
)
TOP_RARCS = (
    _code("N115", "Decision based on a local coverage determination", "documentation",
          11, "3310.50"),
    _code("MA130", "Claim cannot be processed; send a corrected claim", "billing", 14, "2210.20"),
    _code("N290", "Rendering provider identifier missing or invalid", "billing", 7, "1195.00"),
    _code("M51", "Procedure code missing, incomplete or invalid", "coding", 6, "1040.75"),
    _code("N362", "Units billed exceed the payer's maximum", "coding", 5, "920.00"),
)
SCRUB_FINDINGS = (
    FindingOutcomeRow("dx-unspecified", 212, 148, 51, 6, 7, D("1180.00")),
    FindingOutcomeRow("modifier", 96, 61, 14, 15, 6, D("3610.00")),
    FindingOutcomeRow("ncci-ptp", 71, 42, 9, 14, 6, D("3480.35")),
    FindingOutcomeRow("em-level", 58, 20, 27, 7, 4, D("2410.00")),
    FindingOutcomeRow("dx-px-mismatch", 44, 28, 4, 9, 3, D("2710.40")),
    FindingOutcomeRow("demographic", 39, 31, 2, 4, 2, D("820.00")),
    FindingOutcomeRow("authorization", 27, 12, 3, 10, 2, D("5230.00")),
    FindingOutcomeRow("mue", 22, 13, 2, 5, 2, D("1210.00")),
    FindingOutcomeRow("hcc", 64, 35, 26, 0, 3, D("0.00")),
    FindingOutcomeRow("timely-filing", 6, 4, 0, 2, 0, D("690.00")),
)
TRAINING = (
    TrainingTarget("J. Lindqvist", "Modifier 25 and 59/X{EPSU} on same-day services",
                   "CO-4, CO-97; modifier and ncci-ptp findings", 14, D("3905.10"), 31),
    TrainingTarget("J. Lindqvist", "Units against MUE limits", "CO-151, N362; mue findings",
                   7, D("1540.00"), 9),
    TrainingTarget("A. Okafor", "Diagnosis supporting the procedure (LCD lists)",
                   "CO-11, N115; dx-px-mismatch findings", 9, D("2210.35"), 17),
    TrainingTarget("A. Okafor", "Diagnosis specificity", "dx-unspecified findings",
                   3, D("420.00"), 88),
    TrainingTarget("R. Castillo", "NCCI bundling of minor procedures", "CO-97; ncci-ptp findings",
                   8, D("1904.50"), 19),
)
HYGIENE = (
    ProviderHygieneRow("Dr. E. Varga", "Family medicine", 1408, 71, 188, 131, 22),
    ProviderHygieneRow("Dr. T. Mensah", "Internal medicine", 1296, 49, 241, 187, 19),
    ProviderHygieneRow("Dr. L. Brandt", "Cardiology", 902, 18, 156, 129, 8),
    ProviderHygieneRow("Dr. K. Ito", "Orthopedics", 611, 39, 22, 12, 3),
    ProviderHygieneRow("N. Ruiz, NP", "Family medicine", 874, 52, 97, 58, 9),
    ProviderHygieneRow("Dr. F. Adeyemi", "Dermatology", 540, 11, 14, 10, 3),
)
MA, PPO, MCD = "Sunrise Medicare Advantage", "Granite Commercial PPO", "Lakeshore Medicaid MCO"
FFS, HMO = "Medicare Part B (FFS)", "Summit Health HMO"
WORK_QUEUE = (
    _queue("RB-260811-0142", MA, "CO-50, N115", "documentation", "Dr. L. Brandt", "1840.00",
           "2026-10-02", -3),
    _queue("RB-260814-0077", PPO, "CO-197", "authorization", "Front desk: M. Osei", "2210.00",
           "2026-10-09", 4),
    _queue("RB-260819-0310", MCD, "CO-16, MA130", "billing", "D. Whitfield", "385.40",
           "2026-10-12", 7),
    _queue("RB-260822-0051", FFS, "CO-97", "coding", "J. Lindqvist", "412.75", "2026-10-20", 15),
    _queue("RB-260825-0199", MA, "CO-4", "coding", "J. Lindqvist", "268.00", "2026-10-24", 19),
    _queue("RB-260901-0023", HMO, "CO-27", "eligibility", "Front desk: P. Haddad", "540.00",
           "2026-10-31", 26),
    _queue("RB-260903-0260", PPO, "CO-150", "documentation", "Dr. T. Mensah", "310.00",
           "2026-11-14", 40),
    _queue("RB-260909-0118", FFS, "CO-11, N115", "coding", "A. Okafor", "655.20",
           "2027-01-07", 94),
    _queue("RB-260912-0044", MCD, "CO-31", "eligibility", "Front desk: M. Osei", "220.00",
           None, None),
    _queue("RB-260611-0207", HMO, "CO-29", "billing", "S. Amari", "975.00", None, None,
           "write-off"),
)
COVERAGE = (
    CoverageRow("Diagnosis validity and specificity", "ICD-10-CM FY2026", FULL,
                "Official CDC/CMS order file for the dates of service."),
    CoverageRow("HCPCS Level II validity", "HCPCS 2026 Q3", FULL, "Official CMS quarterly file."),
    CoverageRow("NCCI procedure-to-procedure edits", "NCCI PTP practitioner (shipped sample)",
                FIXTURE, "Only the sample pairs were checked: bundling findings are a lower "
                "bound and the catch rate for CO-97 is understated."),
    CoverageRow("Medically unlikely edits", "MUE practitioner 2026 Q3", PARTIAL,
                "Q2 file standing in for July to September; limits may differ."),
    CoverageRow("HCC capture and recapture", "CMS-HCC V28 mappings 2026", FULL,
                "Recapture looks back over the prior calendar year of claims."),
    CoverageRow("Diagnosis history before Oct 2024", "ICD-10-CM FY2024", MISSING,
                "Claims of that year are history only; they were not re-scrubbed."),
    CoverageRow("Eligibility root causes", "270/271 responses", MISSING,
                "Eligibility causes rest on CARC/RARC codes and registration data alone."),
)
# fmt: on


def sample_report() -> ReportData:
    """The sample report for September 2026 (a synthetic practice)."""
    return ReportData(
        practice="Riverbend Family & Specialty Clinic",
        month=SAMPLE_MONTH,
        generated_at=dt.datetime(2026, 10, 6, 7, 30, tzinfo=dt.UTC),
        data_through=dt.date(2026, 10, 5),
        headline=tuple(_headline(k) for k in HEADLINE_ORDER),
        root_causes=ROOT_CAUSES,
        coders=CODERS,
        billers=BILLERS,
        registrars=REGISTRARS,
        providers=PROVIDERS,
        payers=PAYERS,
        top_carcs=TOP_CARCS,
        top_rarcs=TOP_RARCS,
        scrub_findings=SCRUB_FINDINGS,
        training=TRAINING,
        provider_hygiene=HYGIENE,
        work_queue=WORK_QUEUE,
        coverage=COVERAGE,
        synthetic=True,
        notes=("Synthetic sample data, made by hand for tests and previews. No patient data.",),
    )


def main(argv: list[str] | None = None) -> int:
    """Write the sample report in every format into a directory (for previews)."""
    from cleanclaim.analytics.report import FORMATS, write_report

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or not Path(args[0]).is_dir():
        print("usage: python -m cleanclaim.analytics.report.sample OUT_DIR", file=sys.stderr)
        return 2
    report = sample_report()
    for fmt in FORMATS:
        print(write_report(report, fmt, Path(args[0])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
