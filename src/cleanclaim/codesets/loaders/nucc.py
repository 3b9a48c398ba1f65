"""NUCC Health Care Provider Taxonomy code set (``nucc_taxonomy_<vvv>.csv``).

The NUCC publishes the taxonomy twice a year, effective January 1 (``.0`` versions) and
July 1 (``.1``). The CSV file name carries the version without its dot:
``nucc_taxonomy_250.csv`` is 25.0 (in force 2025-01-01 to 2025-06-30) and
``nucc_taxonomy_251.csv`` is 25.1 (2025-07-01 to 2025-12-31).

Columns: ``Code, Grouping, Classification, Specialization, Definition, Notes,
Display Name, Section``. The long Definition and Notes texts are dropped; a code is
flagged deactivated when its display name starts with "Deactivated" or its notes say it
was marked inactive (the NUCC keeps retired codes in the file that way).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanclaim.codesets.kinds import BundledSource, ImportOptions
from cleanclaim.codesets.loaders._common import (
    SourceText,
    package_data,
    read_members,
    read_payload,
    require_window,
    sha256_file,
    write_payload,
)
from cleanclaim.codesets.model import Answer, Completeness, ParsedRelease, Release
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError

KIND = "nucc-taxonomy"
_CODE = re.compile(r"^[0-9A-Z]{9}X$")
_FIXTURE = "nucc_taxonomy_251.csv"
_REQUIRED = ("code", "grouping", "classification")


@dataclass(frozen=True)
class Taxonomy:
    """One provider taxonomy code (definition and notes left out)."""

    code: str
    grouping: str
    classification: str
    specialization: str
    display_name: str
    section: str
    deactivated: bool


class TaxonomyTable:
    """Lookups in one taxonomy version."""

    def __init__(self, rows: list[Taxonomy]) -> None:
        self._by_code = {r.code: r for r in rows}

    def get(self, code: str) -> Taxonomy | None:
        """The taxonomy row for ``code``, if the version lists it."""
        return self._by_code.get(code.strip().upper())

    def codes(self) -> list[str]:
        """Every code of the version."""
        return sorted(self._by_code)

    def __len__(self) -> int:
        return len(self._by_code)


def taxonomy(view: CodesetView, code: str) -> Answer[Taxonomy]:
    """The taxonomy row for ``code`` in the version in force on the view's date."""
    return view.ask(KIND, lambda table: table.get(code))


def version_window(name: str) -> tuple[str, dt.date, dt.date] | None:
    """``(version, start, end)`` from ``nucc_taxonomy_251.csv``-style names, else ``None``."""
    match = re.search(r"taxonomy_(\d{2})(\d)(?!\d)", Path(name).name, re.IGNORECASE)
    if not match:
        return None
    year, half = 2000 + int(match.group(1)), int(match.group(2))
    if half not in (0, 1):
        return None
    if half == 0:
        return f"{match.group(1)}.0", dt.date(year, 1, 1), dt.date(year, 6, 30)
    return f"{match.group(1)}.1", dt.date(year, 7, 1), dt.date(year, 12, 31)


def _decode(member: SourceText) -> str:
    raw = member.text.encode("latin-1")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_taxonomy(member: SourceText) -> list[Taxonomy]:
    """Parse the NUCC CSV."""
    reader = csv.reader(io.StringIO(_decode(member)))
    header = next(reader, None)
    if header is None:
        raise CodesetFileError(member.name, "empty file", line=1)
    cols = [h.strip().lower().replace(" ", "_") for h in header]
    for required in _REQUIRED:
        if required not in cols:
            raise CodesetFileError(
                member.name, f"missing column {required.title()!r} in header", line=1
            )
    rows: list[Taxonomy] = []
    seen: set[str] = set()
    # csv tracks physical lines, so quoted multi-line definitions keep numbers right.
    for record in reader:
        number = reader.line_num
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) != len(cols):
            raise CodesetFileError(
                member.name, f"expected {len(cols)} fields, found {len(record)}", line=number
            )
        values = dict(zip(cols, (c.strip() for c in record), strict=True))
        code = values["code"].upper()
        if not _CODE.match(code):
            raise CodesetFileError(
                member.name,
                f"bad taxonomy code {code!r} (expected 10 characters ending in X)",
                line=number,
            )
        if code in seen:
            raise CodesetFileError(member.name, f"code {code} listed twice", line=number)
        seen.add(code)
        display = values.get("display_name", "")
        notes = values.get("notes", "").lower()
        rows.append(
            Taxonomy(
                code=code,
                grouping=values["grouping"],
                classification=values["classification"],
                specialization=values.get("specialization", ""),
                display_name=display,
                section=values.get("section", ""),
                deactivated=display.lower().startswith("deactivated") or "inactive" in notes,
            )
        )
    if not rows:
        raise CodesetFileError(member.name, "no rows after the header", line=2)
    return rows


def parse(path: Path, options: ImportOptions, kind: str = KIND) -> ParsedRelease:
    """Read a NUCC taxonomy CSV (or a zip holding it)."""
    member = read_members(path, r"\.csv$")[0]
    rows = read_taxonomy(member)
    window = version_window(path.name) or version_window(member.name)
    start, end = options.effective_from, options.effective_to
    version = options.version
    if window is not None:
        version = version or window[0]
        if start is None:
            start, end = window[1], end or window[2]
    start, end = require_window(start, end, "NUCC taxonomy")
    version = version or start.isoformat()
    return ParsedRelease(
        kind=kind,
        name=options.name or f"NUCC taxonomy {version}",
        version=version,
        effective_from=start,
        effective_to=end,
        source=path.name,
        sha256=sha256_file(path),
        row_count=len(rows),
        completeness=Completeness(options.completeness or "full"),
        payload=rows,
    )


def write(parsed: ParsedRelease, dest: Path) -> None:
    """Store the kept columns."""
    rows: list[Taxonomy] = parsed.payload
    write_payload(
        dest,
        [
            [
                r.code,
                r.grouping,
                r.classification,
                r.specialization,
                r.display_name,
                r.section,
                r.deactivated,
            ]
            for r in rows
        ],
    )


def open_table(data_dir: Path, release: Release) -> TaxonomyTable:
    """Open a stored version."""
    raw: list[list[Any]] = read_payload(data_dir)
    return TaxonomyTable([Taxonomy(*row) for row in raw])


def bundled() -> list[BundledSource]:
    """The shipped sample of version 25.1."""
    path = package_data("nucc-taxonomy", _FIXTURE)
    if not path.exists():
        return []
    return [BundledSource(KIND, "nucc-fixture", sha256_file(path), lambda: _fixture(path))]


def _fixture(path: Path) -> ParsedRelease:
    parsed = parse(path, ImportOptions(completeness="fixture"))
    parsed.name = "NUCC taxonomy 25.1 (sample rows)"
    parsed.notes = "34 real rows of version 25.1, definitions and notes blanked"
    return parsed
