"""Physician Fee Schedule relative value file (PPRRVU), per quarterly release.

CMS publishes the national relative value file four times a year in zips named after the
release: ``RVU26A`` (January), ``RVU26B`` (April), ``RVU26C`` (July), ``RVU26D``
(October), each holding ``PPRRVU<yy>_<MON>.csv`` (to 2025) or
``PPRRVU<yyyy>_<Mon>_nonQPP.csv`` / ``..._QPP.csv`` (2026 on, one per conversion factor).

The CSV opens with title and copyright lines, then a header split over several rows whose
cells, read down each column, name it (``GLOB`` over ``DAYS``, ``WORK`` over ``RVU``). The
last header row starts with ``HCPCS``. Columns, in the 2019-2025 files::

    HCPCS, MOD, DESCRIPTION, STATUS CODE, NOT USED FOR MEDICARE PAYMENT, WORK RVU,
    NON-FAC PE RVU, NON-FAC NA INDICATOR, FACILITY PE RVU, FACILITY NA INDICATOR, MP RVU,
    NON-FACILITY TOTAL, FACILITY TOTAL, PCTC IND, GLOB DAYS, PRE OP, INTRA OP, POST OP,
    MULT PROC, BILAT SURG, ASST SURG, CO- SURG, TEAM SURG, ENDO BASE, CONV FACTOR,
    PHYSICIAN SUPERVISION OF DIAGNOSTIC PROCEDURES, CALCULATION FLAG,
    DIAGNOSTIC IMAGING FAMILY INDICATOR, and three OPPS payment amounts

The 2026 files add ``PRIC IND`` between TEAM SURG and ENDO BASE, so columns are found by
their joined names, never by position. The DESCRIPTION column holds AMA CPT text: it is
read past and never stored. Kept: code, modifier, status code, work RVU, PC/TC indicator,
global days and the multiple-procedure, bilateral, assistant, co-surgeon and team-surgeon
indicators.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanclaim.codesets.kinds import BundledSource, ImportOptions
from cleanclaim.codesets.loaders._common import (
    SourceText,
    package_data,
    quarter_window,
    read_members,
    read_payload,
    require_window,
    sha256_file,
    write_payload,
)
from cleanclaim.codesets.model import Answer, Completeness, ParsedRelease, Release
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError

KIND = "pfs-rvu"
GLOBAL_DAYS = frozenset({"000", "010", "090", "MMM", "XXX", "YYY", "ZZZ"})
_MONTHS = {"JAN": 1, "APR": 2, "JUL": 3, "OCT": 4}
_LETTERS = {"A": 1, "B": 2, "C": 3, "D": 4}
_CODE = re.compile(r"^[0-9A-Z]{5}$")
_FIXTURE = "PPRRVU25_JAN.csv"

#: Field name -> accepted joined header names (upper case, hyphens dropped).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("HCPCS",),
    "modifier": ("MOD",),
    "status": ("STATUS CODE", "STATUS"),
    "work_rvu": ("WORK RVU", "RVU WORK"),
    "pctc": ("PCTC IND",),
    "global_days": ("GLOB DAYS", "GLOBAL DAYS"),
    "mult_proc": ("MULT PROC",),
    "bilateral": ("BILAT SURG",),
    "assistant": ("ASST SURG",),
    "co_surgeon": ("CO SURG",),
    "team_surgery": ("TEAM SURG",),
}
_INDICATORS = ("pctc", "mult_proc", "bilateral", "assistant", "co_surgeon", "team_surgery")


@dataclass(frozen=True)
class PfsEntry:
    """One code (or code-modifier pair) of the relative value file, without its text."""

    code: str
    modifier: str
    status: str
    work_rvu: float
    pctc: str
    global_days: str
    mult_proc: str
    bilateral: str
    assistant: str
    co_surgeon: str
    team_surgery: str

    @property
    def global_period(self) -> int | None:
        """Post-operative days (0, 10 or 90) when the global concept applies, else ``None``."""
        return int(self.global_days) if self.global_days.isdigit() else None


class PfsTable:
    """Lookups by code and modifier (``""`` for the global row, ``26``/``TC``/``53``...)."""

    def __init__(self, rows: list[PfsEntry]) -> None:
        self._rows = {(r.code, r.modifier): r for r in rows}

    def get(self, code: str, modifier: str = "") -> PfsEntry | None:
        """The row for ``code`` and ``modifier``, if the file lists it."""
        return self._rows.get((code.strip().upper(), modifier.strip().upper()))

    def modifiers(self, code: str) -> list[str]:
        """The modifiers with their own row for ``code`` (``""`` first when present)."""
        key = code.strip().upper()
        return sorted(m for c, m in self._rows if c == key)

    def __len__(self) -> int:
        return len(self._rows)


def pfs_entry(view: CodesetView, code: str, modifier: str = "") -> Answer[PfsEntry]:
    """The relative-value row for ``code``/``modifier`` in force on the view's date."""
    return view.ask(KIND, lambda table: table.get(code, modifier))


# -- reading ------------------------------------------------------------------------


def _norm(text: str) -> str:
    return " ".join(text.upper().replace("-", " ").split())


def _locate(rows: list[list[str]], name: str) -> tuple[int, dict[str, int]]:
    """Index of the last header row and the column of each kept field."""
    header_at = next((i for i, r in enumerate(rows) if r and r[0].strip().upper() == "HCPCS"), None)
    if header_at is None:
        raise CodesetFileError(name, "no header row starting with HCPCS", line=1)
    width = len(rows[header_at])
    parts = [rows[header_at]]
    for prev in reversed(rows[:header_at]):
        if not any(c.strip() for c in prev[3:]):
            break
        parts.insert(0, prev)
    names = [
        _norm(" ".join(p[i] for p in parts if i < len(p) and p[i].strip())) for i in range(width)
    ]
    found: dict[str, int] = {}
    for field, accepted in _COLUMNS.items():
        index = next((i for i, n in enumerate(names) if n in accepted), None)
        if index is None:
            raise CodesetFileError(
                name, f"missing column {accepted[0]!r} in header", line=header_at + 1
            )
        found[field] = index
    return header_at, found


def _work(text: str, *, path: str, line: int) -> float:
    try:
        return float(text) if text else 0.0
    except ValueError:
        raise CodesetFileError(path, f"bad work RVU {text!r}", line=line) from None


def read_pprrvu(source: SourceText) -> list[PfsEntry]:
    """Parse one PPRRVU CSV member; the descriptor column is skipped."""
    rows = list(csv.reader(io.StringIO(source.text)))
    header_at, cols = _locate(rows, source.name)
    need = max(cols.values()) + 1
    out: list[PfsEntry] = []
    seen: set[tuple[str, str]] = set()
    for index in range(header_at + 1, len(rows)):
        record, number = rows[index], index + 1
        if not record or not record[0].strip():
            continue
        if len(record) < need:
            raise CodesetFileError(
                source.name, f"expected at least {need} fields, found {len(record)}", line=number
            )
        cell = {f: record[i].strip().upper() for f, i in cols.items()}
        if not _CODE.match(cell["code"]):
            raise CodesetFileError(source.name, f"bad HCPCS code {cell['code']!r}", line=number)
        if not re.fullmatch(r"[A-Z]", cell["status"]):
            raise CodesetFileError(source.name, f"bad status code {cell['status']!r}", line=number)
        if cell["global_days"] not in GLOBAL_DAYS:
            raise CodesetFileError(
                source.name, f"bad global days {cell['global_days']!r}", line=number
            )
        for field in _INDICATORS:
            if not re.fullmatch(r"\d", cell[field]):
                label = _COLUMNS[field][0]
                raise CodesetFileError(
                    source.name, f"bad {label} indicator {cell[field]!r}", line=number
                )
        key = (cell["code"], cell["modifier"])
        if key in seen:
            raise CodesetFileError(
                source.name, f"code {'-'.join(filter(None, key))} listed twice", line=number
            )
        seen.add(key)
        out.append(
            PfsEntry(
                code=cell["code"],
                modifier=cell["modifier"],
                status=cell["status"],
                work_rvu=_work(cell["work_rvu"], path=source.name, line=number),
                pctc=cell["pctc"],
                global_days=cell["global_days"],
                mult_proc=cell["mult_proc"],
                bilateral=cell["bilateral"],
                assistant=cell["assistant"],
                co_surgeon=cell["co_surgeon"],
                team_surgery=cell["team_surgery"],
            )
        )
    if not out:
        raise CodesetFileError(source.name, "no rows after the header", line=header_at + 2)
    return out


def infer_quarter(name: str) -> tuple[int, int] | None:
    """``(year, quarter)`` from ``PPRRVU26_JAN.csv``, ``PPRRVU2026_Jul_nonQPP.csv``,
    ``RVU26A.zip`` or ``rvu26d-updated-....zip``; ``None`` if the name says nothing."""
    upper = Path(name).name.upper()
    match = re.search(r"PPRRVU(\d{4}|\d{2})_?(JAN|APR|JUL|OCT)", upper)
    if match:
        year = int(match.group(1))
        return (year if year > 99 else 2000 + year), _MONTHS[match.group(2)]
    match = re.search(r"(?<![A-Z])RVU(\d{2})([A-D])", upper)
    if match:
        return 2000 + int(match.group(1)), _LETTERS[match.group(2)]
    return None


def _pick_member(path: Path) -> SourceText:
    members = read_members(path, r"\.csv$")
    named = [m for m in members if "PPRRVU" in Path(m.name).name.upper()] or members
    non_qp = [m for m in named if "NONQPP" in Path(m.name).name.upper()]
    chosen = non_qp or named
    if len(chosen) > 1:
        names = ", ".join(Path(m.name).name for m in chosen)
        raise CodesetFileError(path, f"zip holds several relative value files: {names}")
    return chosen[0]


def parse(path: Path, options: ImportOptions, kind: str = KIND) -> ParsedRelease:
    """Read a PPRRVU CSV (or the RVU zip that holds it)."""
    member = _pick_member(path)
    rows = read_pprrvu(member)
    inferred = infer_quarter(path.name) or infer_quarter(member.name)
    start, end = options.effective_from, options.effective_to
    if start is None and inferred is not None:
        q_start, q_end = quarter_window(*inferred)
        start, end = q_start, end or q_end
    start, end = require_window(start, end, "relative value")
    version = options.version or (f"{inferred[0]}Q{inferred[1]}" if inferred else str(start))
    label = f"{inferred[0]} Q{inferred[1]}" if inferred else start.isoformat()
    return ParsedRelease(
        kind=kind,
        name=options.name or f"PFS relative values {label}",
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
    """Store the kept fields (no descriptor exists in the payload to store)."""
    rows: list[PfsEntry] = parsed.payload
    write_payload(
        dest,
        [
            [
                r.code,
                r.modifier,
                r.status,
                r.work_rvu,
                r.pctc,
                r.global_days,
                r.mult_proc,
                r.bilateral,
                r.assistant,
                r.co_surgeon,
                r.team_surgery,
            ]
            for r in rows
        ],
    )


def open_table(data_dir: Path, release: Release) -> PfsTable:
    """Open a stored release."""
    raw: list[list[Any]] = read_payload(data_dir)
    return PfsTable([PfsEntry(*row) for row in raw])


def bundled() -> list[BundledSource]:
    """The shipped sample: real rows of the January 2025 file (RVU25A), descriptors blank."""
    path = package_data("pfs-rvu", _FIXTURE)
    if not path.exists():
        return []
    return [BundledSource(KIND, "pfs-rvu-fixture", sha256_file(path), lambda: _fixture(path))]


def _fixture(path: Path) -> ParsedRelease:
    parsed = parse(path, ImportOptions(completeness="fixture"))
    parsed.name = "PFS relative values 2025 Q1 (sample rows)"
    parsed.notes = (
        "46 rows copied from the CMS RVU25A file PPRRVU25_JAN.csv (descriptor column "
        "blanked); absence proves nothing"
    )
    return parsed
