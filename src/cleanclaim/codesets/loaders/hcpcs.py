"""HCPCS Level II: the CMS alpha-numeric HCPCS file (``HCPC<year>_<MON>_ANWEB*.txt``).

CMS ships the file quarterly (January annual file, April, July and October updates) as a
zip holding the fixed-width text file, Excel copies and ``HCPC<year>_recordlayout.txt``.
Records are 320 characters wide. Positions below are 1-based and inclusive, as the CMS
record layout ("HCPCS Contractor Record") gives them:

====== ========= =================================================================
1-5    HCPC      procedure code; a modifier sits in 4-5 with 1-3 blank
6-10   SEQNUM    sequence number, in hundreds, grouping the lines of one record
11     RIC       3 = first line of a procedure, 4 = its continuation,
                 7 = first line of a modifier, 8 = its continuation
12-91  LONG      long description (continued on RIC 4/8 lines)
92-119 SHORT     short description (28 characters)
120-   ...       pricing, coverage-manual, lab, cross-reference fields (not kept)
230    COV       Medicare coverage code (C, D, I, M, S)
269-76 ADD_DT    date the code was added, YYYYMMDD
277-84 ACT_EFF   effective date of this release's action, YYYYMMDD
285-92 TERM_DT   last date the code may be used, YYYYMMDD (blank when open)
293    ACTION    A add, B/C/F/P/S/T changes, D discontinue, N none, R reactivate
====== ========= =================================================================

Only first lines (RIC 3 and 7) carry the fields above 91; continuation lines hold more
long description only. We keep the code, the short description (CMS text, public
domain), coverage, the three dates and the action code.
"""

from __future__ import annotations

import datetime as dt
import functools
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

KIND = "hcpcs"
RECORD_WIDTH = 320
#: A first line shorter than this (after trailing blanks are cut) lacks its dates.
MIN_FIRST_LINE = 276

_MONTHS = {"JAN": 1, "APR": 2, "JUL": 3, "OCT": 4}
_MONTH_WORDS = {"JANUARY": 1, "APRIL": 2, "JULY": 3, "OCTOBER": 4}
_CODE = re.compile(r"^[A-Z0-9]{5}$")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
_SEQ = re.compile(r"^\d{5}$")
#: Shipped samples: file name, bundled key, release name, notes.
_FIXTURES: tuple[tuple[str, str, str, str], ...] = (
    (
        "HCPC2016_CONTR_ANWEB.txt",
        "hcpcs-fixture",
        "HCPCS Level II 2016 Q1 (sample rows)",
        "44 real records of the CMS January 2016 file; absence proves nothing",
    ),
    (
        "HCPC2026_JAN_ANWEB_01122026.txt",
        "hcpcs-fixture-2026q1",
        "HCPCS Level II 2026 Q1 (sample rows)",
        "17 real records of the CMS January 2026 file (HCPC2026_JAN_ANWEB_01122026); "
        "absence proves nothing",
    ),
)


@dataclass(frozen=True)
class HcpcsCode:
    """One HCPCS Level II procedure code or modifier, as a release lists it."""

    code: str
    is_modifier: bool
    short_description: str
    coverage: str
    added: dt.date | None
    action_effective: dt.date | None
    terminated: dt.date | None
    """Last day the code may be used; ``None`` while it is open."""
    action: str

    def valid_on(self, day: dt.date) -> bool:
        """Whether the code may be billed on ``day`` (added on or before, not terminated)."""
        if self.added is not None and day < self.added:
            return False
        return self.terminated is None or day <= self.terminated


class HcpcsTable:
    """Lookups in one HCPCS release. Procedure codes and modifiers are kept apart."""

    def __init__(self, rows: list[HcpcsCode]) -> None:
        self._codes = {r.code: r for r in rows if not r.is_modifier}
        self._modifiers = {r.code: r for r in rows if r.is_modifier}

    def get(self, code: str) -> HcpcsCode | None:
        """The procedure code (5 characters) or modifier (2 characters), if listed."""
        key = code.strip().upper()
        if len(key) == 2:
            return self._modifiers.get(key)
        return self._codes.get(key)

    def modifier(self, code: str) -> HcpcsCode | None:
        """A Level II modifier, if listed."""
        return self._modifiers.get(code.strip().upper())

    def valid_on(self, code: str, day: dt.date) -> bool:
        """Whether ``code`` is listed and usable on ``day``."""
        row = self.get(code)
        return row is not None and row.valid_on(day)

    def codes(self) -> list[str]:
        """Every procedure code in the release."""
        return sorted(self._codes)

    def __len__(self) -> int:
        return len(self._codes) + len(self._modifiers)


def hcpcs_code(view: CodesetView, code: str) -> Answer[HcpcsCode]:
    """The HCPCS record for ``code`` in the release in force on the view's date.

    The record is returned even when terminated; use :meth:`HcpcsCode.valid_on` with
    ``view.on`` to tell a usable code from a discontinued one.
    """
    return view.ask(KIND, lambda table: table.get(code))


# -- reading ------------------------------------------------------------------------


def _date(text: str, what: str, *, path: str, line: int) -> dt.date | None:
    text = text.strip()
    if not text or text == "00000000":
        return None
    try:
        return dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        raise CodesetFileError(
            path, f"bad {what} {text!r} (expected YYYYMMDD)", line=line
        ) from None


def _first_line(raw: str, rid: str, *, path: str, line: int) -> HcpcsCode:
    if len(raw.rstrip()) < MIN_FIRST_LINE:
        raise CodesetFileError(
            path,
            f"truncated record: {len(raw.rstrip())} characters, a first line needs at "
            f"least {MIN_FIRST_LINE}",
            line=line,
        )
    rec = raw.ljust(RECORD_WIDTH)
    modifier = rid == "7"
    code = rec[3:5] if modifier else rec[0:5]
    pattern = _MODIFIER if modifier else _CODE
    if (modifier and rec[0:3].strip()) or not pattern.match(code):
        kind = "modifier" if modifier else "procedure code"
        raise CodesetFileError(path, f"bad {kind} {rec[0:5].strip()!r}", line=line)
    return HcpcsCode(
        code=code,
        is_modifier=modifier,
        short_description=rec[91:119].strip(),
        coverage=rec[229].strip(),
        added=_date(rec[268:276], "add date", path=path, line=line),
        action_effective=_date(rec[276:284], "action effective date", path=path, line=line),
        terminated=_date(rec[284:292], "termination date", path=path, line=line),
        action=rec[292].strip(),
    )


def read_anweb(source: SourceText) -> list[HcpcsCode]:
    """Parse one ANWEB text member into records (continuation lines checked, not kept)."""
    rows: list[HcpcsCode] = []
    seen: set[tuple[str, bool]] = set()
    current: HcpcsCode | None = None
    for number, raw in source.lines():
        if not raw.strip():
            continue
        if len(raw) < 11:
            raise CodesetFileError(
                source.name, f"truncated record: {len(raw)} characters", line=number
            )
        if not _SEQ.match(raw[5:10]):
            raise CodesetFileError(source.name, f"bad sequence number {raw[5:10]!r}", line=number)
        rid = raw[10]
        if rid in ("3", "7"):
            current = _first_line(raw, rid, path=source.name, line=number)
            key = (current.code, current.is_modifier)
            if key in seen:
                raise CodesetFileError(
                    source.name, f"code {current.code} listed twice", line=number
                )
            seen.add(key)
            rows.append(current)
        elif rid in ("4", "8"):
            code = raw[3:5] if rid == "8" else raw[0:5]
            if current is None or current.code != code or current.is_modifier != (rid == "8"):
                raise CodesetFileError(
                    source.name,
                    f"continuation line for {code.strip()!r} does not follow its first line",
                    line=number,
                )
        else:
            raise CodesetFileError(
                source.name,
                f"unknown record identification code {rid!r} (expected 3, 4, 7 or 8)",
                line=number,
            )
    if not rows:
        raise CodesetFileError(source.name, "no HCPCS records in file", line=1)
    return rows


def infer_quarter(name: str) -> tuple[int, int] | None:
    """``(year, quarter)`` from a CMS HCPCS file name, or ``None``.

    Understands ``HCPC2026_JUL_ANWEB...``, the annual ``HCPC2016_CONTR_ANWEB`` (January),
    ``july-2026-alpha-numeric-hcpcs-file.zip`` and the older ``16anweb.zip``.
    """
    upper = Path(name).name.upper()
    match = re.search(r"HCPC(\d{4})_(JAN|APR|JUL|OCT)", upper)
    if match:
        return int(match.group(1)), _MONTHS[match.group(2)]
    match = re.search(r"HCPC(\d{4})_CONTR", upper)
    if match:
        return int(match.group(1)), 1
    match = re.search(r"(JANUARY|APRIL|JULY|OCTOBER)-(\d{4})-ALPHA-NUMERIC", upper)
    if match:
        return int(match.group(2)), _MONTH_WORDS[match.group(1)]
    match = re.search(r"(?<![0-9])(\d{2})ANWEB", upper)
    if match:
        return 2000 + int(match.group(1)), 1
    return None


def _pick_member(path: Path) -> SourceText:
    members = read_members(path, r"\.txt$")
    anweb = [m for m in members if "ANWEB" in Path(m.name).name.upper()]
    chosen = anweb or members
    if len(chosen) > 1:
        names = ", ".join(Path(m.name).name for m in chosen)
        raise CodesetFileError(path, f"zip holds several HCPCS text files: {names}")
    return chosen[0]


def parse(path: Path, options: ImportOptions, kind: str = KIND) -> ParsedRelease:
    """Read a CMS alpha-numeric HCPCS file (zip or extracted ``ANWEB`` text)."""
    member = _pick_member(path)
    rows = read_anweb(member)
    inferred = infer_quarter(path.name) or infer_quarter(member.name)
    start: dt.date | None = options.effective_from
    end: dt.date | None = options.effective_to
    label = ""
    if inferred is not None:
        year, quarter = inferred
        label = f"{year} Q{quarter}"
        q_start, q_end = quarter_window(year, quarter)
        if start is None:
            start, end = q_start, end or q_end
    start, end = require_window(start, end, "HCPCS")
    version = options.version or (f"{inferred[0]}Q{inferred[1]}" if inferred else str(start))
    return ParsedRelease(
        kind=kind,
        name=options.name or f"HCPCS Level II {label or start.isoformat()}",
        version=version,
        effective_from=start,
        effective_to=end,
        source=path.name,
        sha256=sha256_file(path),
        row_count=len(rows),
        completeness=Completeness(options.completeness or "full"),
        payload=rows,
    )


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def write(parsed: ParsedRelease, dest: Path) -> None:
    """Store the kept fields as JSON rows."""
    rows: list[HcpcsCode] = parsed.payload
    write_payload(
        dest,
        [
            [
                r.code,
                r.is_modifier,
                r.short_description,
                r.coverage,
                _iso(r.added),
                _iso(r.action_effective),
                _iso(r.terminated),
                r.action,
            ]
            for r in rows
        ],
    )


def open_table(data_dir: Path, release: Release) -> HcpcsTable:
    """Open a stored release."""
    raw: list[list[Any]] = read_payload(data_dir)
    return HcpcsTable(
        [
            HcpcsCode(code, bool(mod), short, cov, _day(add), _day(eff), _day(term), act)
            for code, mod, short, cov, add, eff, term, act in raw
        ]
    )


def bundled() -> list[BundledSource]:
    """The shipped samples: real rows of the January 2016 and January 2026 files."""
    sources: list[BundledSource] = []
    for file_name, key, name, notes in _FIXTURES:
        path = package_data("hcpcs", file_name)
        if path.exists():
            build = functools.partial(_fixture, path, name, notes)
            sources.append(BundledSource(KIND, key, sha256_file(path), build))
    return sources


def _fixture(path: Path, name: str, notes: str) -> ParsedRelease:
    parsed = parse(path, ImportOptions(completeness="fixture"))
    parsed.name = name
    parsed.notes = notes
    return parsed
