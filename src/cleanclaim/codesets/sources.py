"""Where ``codesets update`` finds official files: one entry per kind, with URL patterns.

Only files with a stable, predictable public URL are downloaded. Paths are relative to a
base URL (``https://www.cms.gov`` unless overridden), so that tests can point the whole
table at a local server. The patterns, as CMS publishes them (checked against public
scripts that download them, 2025-2026):

* ICD-10-CM, per fiscal year: ``/files/zip/<FY>-code-descriptions-tabular-order.zip``
  (effective October 1) and, in some years, an April 1 update
  ``/files/zip/april-1-<FY>-code-descriptions-tabular-order.zip``.
* POA-exempt diagnoses, per fiscal year: ``/files/zip/<FY>-poa-exempt-codes.zip``.
* HCPCS Level II, per quarter: ``/files/zip/<month>-<year>-alpha-numeric-hcpcs-file.zip``;
  some quarters used ``...-hcpcs-files.zip`` and some Januaries ``<year>-alpha-numeric-...``.
* MUE, per quarter: ``/files/zip/medicare-ncci-<year>-q<N>-<setting>-services-mue-table.zip``.
  CMS may answer with its AMA licence page instead; the update then tells the user what to do.
* NCCI PTP edits and the PFS relative value files carry a version or posting date in their
  names, so they have no stable URL: the update only says where to download them by hand.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from cleanclaim.codesets.loaders._common import fiscal_year_window, quarter_window

CMS_BASE = "https://www.cms.gov"

MONTHS = {1: "january", 2: "april", 3: "july", 4: "october"}


@dataclass(frozen=True)
class Edition:
    """One dated release of a kind that the update may need."""

    kind: str
    label: str
    start: dt.date
    end: dt.date | None
    paths: tuple[str, ...] = ()
    """Candidate paths under the base URL; the first one that exists is used."""
    optional: bool = False
    """Not published every period (e.g. the April ICD-10-CM update): a 404 is not a failure."""


EditionLister = Callable[[dt.date, dt.date], list[Edition]]


@dataclass(frozen=True)
class Source:
    """How to find the official files of one kind."""

    kind: str
    editions: EditionLister
    """``(since, through)`` -> editions in force at some date of that range."""
    base: str = "cms"
    """Key of the base URL (``base_urls`` may override it per kind or per key)."""
    landing: str = ""
    """Path of the page where a person finds the files."""
    manual: bool = False
    """No stable URL: never downloaded; the report says where to get the file."""


def fiscal_years(since: dt.date, through: dt.date) -> range:
    """Federal fiscal years that overlap ``[since, through]``."""

    def fy(day: dt.date) -> int:
        return day.year + 1 if day.month >= 10 else day.year

    return range(fy(since), fy(through) + 1)


def quarters(since: dt.date, through: dt.date) -> list[tuple[int, int]]:
    """Calendar quarters ``(year, quarter)`` that overlap ``[since, through]``."""
    out = []
    year, quarter = since.year, (since.month - 1) // 3 + 1
    while (year, quarter) <= (through.year, (through.month - 1) // 3 + 1):
        out.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return out


def _in_range(editions: list[Edition], since: dt.date, through: dt.date) -> list[Edition]:
    return [e for e in editions if e.start <= through and (e.end is None or e.end >= since)]


def icd10cm_editions(since: dt.date, through: dt.date) -> list[Edition]:
    editions = []
    for fy in fiscal_years(since, through):
        start, end = fiscal_year_window(fy)
        editions.append(
            Edition(
                "icd10cm",
                f"FY{fy}",
                start,
                end,
                (f"/files/zip/{fy}-code-descriptions-tabular-order.zip",),
            )
        )
        editions.append(
            Edition(
                "icd10cm",
                f"FY{fy} April 1 update",
                dt.date(fy, 4, 1),
                end,
                (f"/files/zip/april-1-{fy}-code-descriptions-tabular-order.zip",),
                optional=True,
            )
        )
    return _in_range(editions, since, through)


def poa_exempt_editions(since: dt.date, through: dt.date) -> list[Edition]:
    editions = []
    for fy in fiscal_years(since, through):
        start, end = fiscal_year_window(fy)
        editions.append(
            Edition(
                "poa-exempt",
                f"FY{fy}",
                start,
                end,
                (f"/files/zip/{fy}-poa-exempt-codes.zip",),
            )
        )
    return _in_range(editions, since, through)


def hcpcs_editions(since: dt.date, through: dt.date) -> list[Edition]:
    editions = []
    for year, quarter in quarters(since, through):
        start, end = quarter_window(year, quarter)
        month = MONTHS[quarter]
        paths = [
            f"/files/zip/{month}-{year}-alpha-numeric-hcpcs-file.zip",
            f"/files/zip/{month}-{year}-alpha-numeric-hcpcs-files.zip",
        ]
        if quarter == 1:
            paths.append(f"/files/zip/{year}-alpha-numeric-hcpcs-file.zip")
        editions.append(Edition("hcpcs", f"{year}-Q{quarter}", start, end, tuple(paths)))
    return _in_range(editions, since, through)


def mue_editions(kind: str, setting: str) -> EditionLister:
    """Quarterly MUE tables for one setting (``practitioner``, ``dme-supplier``...)."""

    def editions(since: dt.date, through: dt.date) -> list[Edition]:
        out = []
        for year, quarter in quarters(since, through):
            start, end = quarter_window(year, quarter)
            path = f"/files/zip/medicare-ncci-{year}-q{quarter}-{setting}-services-mue-table.zip"
            out.append(Edition(kind, f"{year}-Q{quarter}", start, end, (path,)))
        return _in_range(out, since, through)

    return editions


def quarterly_manual(kind: str) -> EditionLister:
    """Quarterly editions with no URL (downloaded by hand)."""

    def editions(since: dt.date, through: dt.date) -> list[Edition]:
        out = []
        for year, quarter in quarters(since, through):
            start, end = quarter_window(year, quarter)
            out.append(Edition(kind, f"{year}-Q{quarter}", start, end))
        return _in_range(out, since, through)

    return editions


_NCCI = "/medicare/coding-billing/national-correct-coding-initiative-ncci-edits"
_PTP_PAGE = f"{_NCCI}/medicare-ncci-procedure-procedure-ptp-edits"
_MUE_PAGE = f"{_NCCI}/medicare-ncci-medically-unlikely-edits"
_PFS_PAGE = "/medicare/payment/fee-schedules/physician/pfs-relative-value-files"
_ICD_PAGE = "/medicare/coding-billing/icd-10-codes"
_HCPCS_PAGE = "/medicare/coding-billing/healthcare-common-procedure-system/quarterly-update"

SOURCES: tuple[Source, ...] = (
    Source("icd10cm", icd10cm_editions, landing=_ICD_PAGE),
    Source("poa-exempt", poa_exempt_editions, landing=_ICD_PAGE),
    Source("hcpcs", hcpcs_editions, landing=_HCPCS_PAGE),
    Source("mue-practitioner", mue_editions("mue-practitioner", "practitioner"), landing=_MUE_PAGE),
    Source(
        "mue-hospital",
        mue_editions("mue-hospital", "facility-outpatient-hospital"),
        landing=_MUE_PAGE,
    ),
    Source("mue-dme", mue_editions("mue-dme", "dme-supplier"), landing=_MUE_PAGE),
    Source(
        "ncci-ptp-practitioner",
        quarterly_manual("ncci-ptp-practitioner"),
        landing=_PTP_PAGE,
        manual=True,
    ),
    Source(
        "ncci-ptp-hospital", quarterly_manual("ncci-ptp-hospital"), landing=_PTP_PAGE, manual=True
    ),
    Source("pfs-rvu", quarterly_manual("pfs-rvu"), landing=_PFS_PAGE, manual=True),
)
