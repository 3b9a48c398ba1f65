"""CPT (HCPCS Level I): a licensed user's own file, never shipped with the package.

CPT codes and descriptors belong to the AMA. cleanclaim ships no CPT data at all; a
practice with a CPT licence imports a CSV it exports from its licensed source::

    code,descriptor,effective_from,effective_to
    99213,<licensed text or empty>,2026-01-01,

``descriptor`` is optional (the column may be absent or its cells empty), and so are the
per-row dates: an empty ``effective_from`` means "from the start of the release", an
empty ``effective_to`` means "still open". The release window comes from
``--effective-from`` / ``--effective-to`` or from a year in the file name (``cpt2026.csv``
covers calendar 2026, the CPT annual cycle).

The helpers :func:`is_cpt_like` and :func:`is_hcpcs_level2` only look at the shape of a
code; they need no data.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders._common import (
    parse_iso,
    read_members,
    read_payload,
    require_window,
    sha256_file,
    write_payload,
)
from cleanclaim.codesets.model import Answer, Completeness, ParsedRelease, Release
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError

KIND = "cpt"
_CPT = re.compile(r"^(\d{5}|\d{4}[FTU])$")
_LEVEL2 = re.compile(r"^[A-Z]\d{4}$")


def is_cpt_like(code: str) -> bool:
    """Five digits (Category I), or four digits and F, T or U (Category II, III, PLA)."""
    return bool(_CPT.match(code.strip().upper()))


def is_hcpcs_level2(code: str) -> bool:
    """One letter and four digits: the shape of a HCPCS Level II code."""
    return bool(_LEVEL2.match(code.strip().upper()))


@dataclass(frozen=True)
class CptCode:
    """One CPT code of a licensed file; ``descriptor`` is whatever the licensee supplied."""

    code: str
    descriptor: str | None
    effective_from: dt.date | None
    effective_to: dt.date | None

    def valid_on(self, day: dt.date) -> bool:
        """Whether the row's own dates allow ``day`` (the release window is checked apart)."""
        if self.effective_from is not None and day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to


class CptTable:
    """Lookups in one imported CPT file."""

    def __init__(self, rows: list[CptCode]) -> None:
        self._by_code = {r.code: r for r in rows}

    def get(self, code: str) -> CptCode | None:
        """The row for ``code``, if the file lists it."""
        return self._by_code.get(code.strip().upper())

    def valid_on(self, code: str, day: dt.date) -> bool:
        """Whether ``code`` is listed and its dates allow ``day``."""
        row = self.get(code)
        return row is not None and row.valid_on(day)

    def codes(self) -> list[str]:
        """Every code in the file."""
        return sorted(self._by_code)


def cpt_code(view: CodesetView, code: str) -> Answer[CptCode]:
    """The CPT row for ``code`` in the licensed file in force on the view's date."""
    return view.ask(KIND, lambda table: table.get(code))


def _read_rows(name: str, text: str) -> list[CptCode]:
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None:
        raise CodesetFileError(name, "empty file", line=1)
    cols = [h.strip().lower().replace(" ", "_") for h in header]
    for required in ("code", "effective_from"):
        if required not in cols:
            raise CodesetFileError(name, f"missing column {required!r} in header", line=1)
    rows: list[CptCode] = []
    seen: set[str] = set()
    for number, record in enumerate(reader, start=2):
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) != len(cols):
            raise CodesetFileError(
                name, f"expected {len(cols)} fields, found {len(record)}", line=number
            )
        values = dict(zip(cols, (c.strip() for c in record), strict=True))
        code = values["code"].upper()
        if not is_cpt_like(code):
            raise CodesetFileError(
                name, f"{code!r} is not a CPT code (5 digits, or 4 digits and F/T/U)", line=number
            )
        if code in seen:
            raise CodesetFileError(name, f"code {code} listed twice", line=number)
        seen.add(code)
        start = values["effective_from"]
        stop = values.get("effective_to", "")
        rows.append(
            CptCode(
                code=code,
                descriptor=values.get("descriptor") or None,
                effective_from=parse_iso(start, path=name, line=number) if start else None,
                effective_to=parse_iso(stop, path=name, line=number) if stop else None,
            )
        )
    if not rows:
        raise CodesetFileError(name, "no rows after the header", line=2)
    return rows


def infer_year(name: str) -> int | None:
    """A CPT year from a file name such as ``cpt2026.csv`` or ``CPT_2026_codes.csv``."""
    match = re.search(r"(?<!\d)(20\d{2})(?!\d)", Path(name).name)
    return int(match.group(1)) if match else None


def parse(path: Path, options: ImportOptions, kind: str = KIND) -> ParsedRelease:
    """Read a licensee's CPT CSV."""
    member = read_members(path, r"\.csv$", encoding="utf-8-sig")[0]
    rows = _read_rows(member.name, member.text)
    start, end = options.effective_from, options.effective_to
    year = infer_year(path.name) or infer_year(member.name)
    if start is None and year is not None:
        start, end = dt.date(year, 1, 1), end or dt.date(year, 12, 31)
    start, end = require_window(start, end, "CPT")
    return ParsedRelease(
        kind=kind,
        name=options.name or f"CPT (licensed import) {year or start.isoformat()}",
        version=options.version or (str(year) if year else start.isoformat()),
        effective_from=start,
        effective_to=end,
        source=path.name,
        sha256=sha256_file(path),
        row_count=len(rows),
        completeness=Completeness(options.completeness or "full"),
        payload=rows,
    )


def write(parsed: ParsedRelease, dest: Path) -> None:
    """Store the rows (descriptors included: they stay on the licensee's machine)."""
    rows: list[CptCode] = parsed.payload
    write_payload(
        dest,
        [
            [
                r.code,
                r.descriptor,
                r.effective_from.isoformat() if r.effective_from else None,
                r.effective_to.isoformat() if r.effective_to else None,
            ]
            for r in rows
        ],
    )


def open_table(data_dir: Path, release: Release) -> CptTable:
    """Open a stored import."""
    raw: list[list[Any]] = read_payload(data_dir)
    return CptTable(
        [
            CptCode(
                code,
                descriptor,
                dt.date.fromisoformat(start) if start else None,
                dt.date.fromisoformat(stop) if stop else None,
            )
            for code, descriptor, start, stop in raw
        ]
    )
