"""Which code sets cover which dates, how completely, and where the gaps are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from cleanclaim.codesets.kinds import COVERAGE_KINDS
from cleanclaim.codesets.model import Gap, Release
from cleanclaim.codesets.store import CodesetStore

ONE_DAY = dt.timedelta(days=1)


@dataclass
class CoverageReport:
    """Releases that overlap a date range, and the gaps no release covers."""

    start: dt.date
    end: dt.date
    releases: list[Release] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        """The ``codesets coverage --format json`` contract."""
        return {
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "codesets": [
                {
                    "name": r.kind,
                    "version": r.version,
                    "effective_from": r.effective_from.isoformat(),
                    "effective_to": r.effective_to.isoformat() if r.effective_to else None,
                    "completeness": r.completeness.value,
                    "title": r.name,
                    "source": r.source,
                    "rows": r.row_count,
                }
                for r in self.releases
            ],
            "gaps": [g.to_json() for g in self.gaps],
        }


def uncovered(
    releases: list[Release], start: dt.date, end: dt.date
) -> list[tuple[dt.date, dt.date]]:
    """Sub-ranges of ``[start, end]`` (inclusive) that no release covers."""
    spans = sorted(
        (max(r.effective_from, start), min(r.effective_to or end, end))
        for r in releases
        if r.effective_from <= end and (r.effective_to is None or r.effective_to >= start)
    )
    holes: list[tuple[dt.date, dt.date]] = []
    cursor = start
    for lo, hi in spans:
        if lo > cursor:
            holes.append((cursor, lo - ONE_DAY))
        if hi >= cursor:
            cursor = hi + ONE_DAY
        if cursor > end:
            break
    if cursor <= end:
        holes.append((cursor, end))
    return holes


def coverage(
    store: CodesetStore, start: dt.date, end: dt.date, kinds: tuple[str, ...] = COVERAGE_KINDS
) -> CoverageReport:
    """Coverage of every kind over ``[start, end]``."""
    report = CoverageReport(start=start, end=end)
    for slug in kinds:
        releases = store.releases(slug)
        overlapping = [
            r
            for r in releases
            if r.effective_from <= end and (r.effective_to is None or r.effective_to >= start)
        ]
        report.releases.extend(sorted(overlapping, key=lambda r: r.effective_from))
        for lo, hi in uncovered(releases, start, end):
            report.gaps.append(Gap(slug, lo, hi))
    return report
