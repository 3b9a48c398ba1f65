"""Place of service, CARC and RARC: project-curated lists and users' own exports.

None of these has an official machine-readable file with dates, so the project ships its
own CSVs (``codesets/data/<kind>.csv``) with the code, the dates it is valid and a short
summary in the project's own words (never the X12 or CMS text). Users may import their own
export of the lists in the same CSV shape; header names are matched loosely so that
``start``/``stop`` and ``description`` columns are accepted too.

CSV columns: ``code, effective_from, effective_to, summary`` plus optional extra columns
(for place of service: ``facility`` and ``telehealth``), kept as attributes.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanclaim.codesets.kinds import BundledSource, ImportOptions
from cleanclaim.codesets.loaders._common import (
    package_data,
    parse_iso,
    read_members,
    read_payload,
    sha256_file,
    write_payload,
)
from cleanclaim.codesets.model import Completeness, ParsedRelease, Release
from cleanclaim.errors import CodesetFileError

KINDS = ("pos", "carc", "rarc")

_ALIASES = {
    "code": "code",
    "effective_from": "effective_from",
    "start": "effective_from",
    "start_date": "effective_from",
    "from": "effective_from",
    "effective_to": "effective_to",
    "stop": "effective_to",
    "stop_date": "effective_to",
    "end": "effective_to",
    "to": "effective_to",
    "summary": "summary",
    "description": "summary",
}


@dataclass(frozen=True)
class CuratedCode:
    """One code of a curated list, valid from ``effective_from`` to ``effective_to``."""

    code: str
    effective_from: dt.date
    effective_to: dt.date | None
    summary: str
    attrs: dict[str, str] = field(default_factory=dict)

    def valid_on(self, day: dt.date) -> bool:
        """Whether the code may be used on ``day``."""
        return self.effective_from <= day and (
            self.effective_to is None or day <= self.effective_to
        )


class CuratedTable:
    """Lookups in one curated list. A code may have several dated rows."""

    def __init__(self, rows: list[CuratedCode]) -> None:
        self._by_code: dict[str, list[CuratedCode]] = {}
        for row in rows:
            self._by_code.setdefault(row.code, []).append(row)

    def get(self, code: str, on: dt.date) -> CuratedCode | None:
        """The row for ``code`` valid on ``on``, if any."""
        for row in self._by_code.get(code.strip().upper(), ()):
            if row.valid_on(on):
                return row
        return None

    def any_row(self, code: str) -> CuratedCode | None:
        """Any row for ``code`` regardless of date (to tell 'expired' from 'unknown')."""
        rows = self._by_code.get(code.strip().upper())
        return rows[0] if rows else None

    def codes(self) -> list[str]:
        """Every code in the list."""
        return sorted(self._by_code)


def _read_rows(path_name: str, text: str) -> list[CuratedCode]:
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader)
    except StopIteration:
        raise CodesetFileError(path_name, "empty file", line=1) from None
    names = [_ALIASES.get(h.strip().lower().replace(" ", "_"), h.strip().lower()) for h in header]
    for required in ("code", "effective_from", "summary"):
        if required not in names:
            raise CodesetFileError(path_name, f"missing column {required!r} in header", line=1)
    rows: list[CuratedCode] = []
    for number, record in enumerate(reader, start=2):
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) != len(names):
            raise CodesetFileError(
                path_name, f"expected {len(names)} fields, found {len(record)}", line=number
            )
        values = dict(zip(names, record, strict=True))
        code = values["code"].strip().upper()
        if not code:
            raise CodesetFileError(path_name, "empty code", line=number)
        start = parse_iso(values["effective_from"], path=path_name, line=number)
        stop_text = values.get("effective_to", "").strip()
        stop = parse_iso(stop_text, path=path_name, line=number) if stop_text else None
        attrs = {
            k: v.strip()
            for k, v in values.items()
            if k not in ("code", "effective_from", "effective_to", "summary")
        }
        rows.append(CuratedCode(code, start, stop, values["summary"].strip(), attrs))
    if not rows:
        raise CodesetFileError(path_name, "no rows after the header", line=2)
    return rows


def parse(path: Path, options: ImportOptions, kind: str) -> ParsedRelease:
    """Read a curated-format CSV (the shipped list or a user's export)."""
    members = read_members(path, r".*\.csv$", encoding="utf-8-sig")
    rows = _read_rows(members[0].name, members[0].text)
    start = options.effective_from or min(r.effective_from for r in rows)
    completeness = Completeness(options.completeness or "full")
    return ParsedRelease(
        kind=kind,
        name=options.name or f"{kind.upper()} list from {path.name}",
        version=options.version or start.isoformat(),
        effective_from=start,
        effective_to=options.effective_to,
        source=str(path.name),
        sha256=sha256_file(path),
        row_count=len(rows),
        completeness=completeness,
        payload=rows,
    )


def write(parsed: ParsedRelease, dest: Path) -> None:
    """Store the rows as JSON."""
    rows: list[CuratedCode] = parsed.payload
    write_payload(
        dest,
        [
            [
                r.code,
                r.effective_from.isoformat(),
                r.effective_to.isoformat() if r.effective_to else None,
                r.summary,
                r.attrs,
            ]
            for r in rows
        ],
    )


def open_table(data_dir: Path, release: Release) -> CuratedTable:
    """Open a stored list."""
    raw: list[list[Any]] = read_payload(data_dir)
    return CuratedTable(
        [
            CuratedCode(
                code,
                dt.date.fromisoformat(start),
                dt.date.fromisoformat(stop) if stop else None,
                summary,
                attrs,
            )
            for code, start, stop, summary, attrs in raw
        ]
    )


def bundled() -> list[BundledSource]:
    """The project-curated lists shipped with the package."""
    sources = []
    for kind in KINDS:
        path = package_data(f"{kind}.csv")
        if not path.exists():
            continue
        sources.append(
            BundledSource(
                kind=kind,
                key=f"{kind}-curated",
                sha256=sha256_file(path),
                build=functools.partial(_bundled_release, path, kind),
            )
        )
    return sources


def _bundled_release(path: Path, kind: str) -> ParsedRelease:
    parsed = parse(path, ImportOptions(), kind)
    parsed.name = f"{kind.upper()} (cleanclaim curated list)"
    parsed.source = "cleanclaim curated list"
    parsed.version = f"curated-{parsed.sha256[:8]}"
    # The place-of-service list holds every current CMS code, so it is FULL. The CARC and
    # RARC lists hold only the most used codes (the official lists are licensed X12/WPC
    # publications), so an absence there proves nothing: PARTIAL.
    parsed.completeness = Completeness.FULL if kind == "pos" else Completeness.PARTIAL
    return parsed
