"""NCCI PTP rows: reading the CMS text, and the compiled, memory-mapped index.

:func:`parse_rows` turns one CMS text part into raw rows (see ``ncci_ptp`` for the layout).

A full quarterly PTP table holds about two million edit rows. Loading that into a Python
dict takes well over a second and hundreds of megabytes, and SQLite point queries are an
order of magnitude slower than a dict. So an import writes one binary file, ``ptp.idx``,
and a lookup decodes only the *shard* (all rows of one column-1 code) it needs, once:

``header``
    ``MAGIC`` then ``<9I``: version, code count, shard count, row count, and the byte
    offsets of the code list, the shard directory, the rows and the rationale list.
``codes``
    Every distinct code, 5 ASCII bytes each, sorted. Rows refer to codes by index.
``shard directory``
    One ``<III`` entry per column-1 code: code index, first row, row count.
``rows``
    ``<IIIBBH`` (16 bytes) sorted by column 1, column 2, effective date: column-2 code
    index, effective date and deletion date as proleptic ordinals (0 = no deletion),
    modifier indicator, "in existence prior to 1996" flag, rationale index.
``rationales``
    The distinct rationale texts as a UTF-8 JSON list (a few dozen strings).

Opening a table maps the file and reads the directory (milliseconds). A shard becomes a
small dict ``{column 2: (PtpEdit, ...)}`` on first access and stays cached.
"""

from __future__ import annotations

import datetime as dt
import json
import mmap
import re
import struct
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from cleanclaim.errors import CodesetError, CodesetFileError

INDEX_FILE = "ptp.idx"
MAGIC = b"CCPTPIDX"
VERSION = 1
CODE_WIDTH = 5

_HEADER = struct.Struct("<9I")
_DIR = struct.Struct("<III")
ROW = struct.Struct("<IIIBBH")

RawRow = tuple[str, str, int, int, int, bool, int]
"""``(column1, column2, effective ordinal, deletion ordinal or 0, indicator, prior-1996,
rationale index)``: what the loader hands to :func:`write_index`."""


class PtpEdit(NamedTuple):
    """One PTP edit row: ``column2`` is not paid with ``column1`` while the edit is in force.

    ``deletion`` is the last date of service the edit applies to (inclusive), or ``None``
    while the edit is active. A ``modifier_indicator`` of 9 marks an edit deleted
    retroactively: it never applies, whatever its dates say.
    """

    column1: str
    column2: str
    effective: dt.date
    deletion: dt.date | None
    modifier_indicator: int
    rationale: str | None = None
    prior_1996: bool = False

    def in_force(self, day: dt.date) -> bool:
        """Whether the row's dates cover ``day`` (effective and deletion day included)."""
        return self.effective <= day and (self.deletion is None or day <= self.deletion)

    @property
    def applicable(self) -> bool:
        """False for indicator 9 (not applicable: the edit was deleted retroactively)."""
        return self.modifier_indicator != 9


# -- reading the CMS text ---------------------------------------------------------------------

_CODE_RE = re.compile(r"[0-9A-Z]{5}")
_DATE_RE = re.compile(r"\d{8}")
_HEADER_RE = re.compile(r"column\s*1\tcolumn\s*2", re.IGNORECASE)
_INDICATORS = {"0": 0, "1": 1, "9": 9}
_HEADER_SEARCH_LINES = 60


def parse_rows(name: str, text: str, rows: list[RawRow], rationale_ids: dict[str, int]) -> None:
    """Append the edit rows of one text part to ``rows``."""
    lines = text.split("\n")
    header = next(
        (
            i
            for i, line in enumerate(lines[:_HEADER_SEARCH_LINES])
            if _HEADER_RE.match(line.strip(" \r"))
        ),
        None,
    )
    if header is None:
        raise CodesetFileError(
            name, "not an NCCI PTP file: no header row starting 'Column 1<TAB>Column 2'", line=1
        )
    codes: dict[str, str] = {}
    dates: dict[str, int] = {}
    started = False
    for index in range(header + 1, len(lines)):
        fields = lines[index].rstrip("\r").split("\t")
        if len(fields) != 7:
            if not "".join(fields).strip():
                continue
            if not started and not fields[0].strip():
                continue
            if len(fields) > 7 and not "".join(fields[7:]).strip():
                fields = fields[:7]
            else:
                raise CodesetFileError(
                    name, f"expected 7 tab-separated fields, found {len(fields)}", line=index + 1
                )
        c1, c2, prior, eff, dele, ind, rationale = fields
        if not started:
            if not c1.strip() and not c2.strip():
                continue
            started = True
        elif not c1 and not "".join(fields).strip():
            continue
        line = index + 1
        code1 = codes.get(c1) or _code(codes, c1, name, line, "column 1")
        code2 = codes.get(c2) or _code(codes, c2, name, line, "column 2")
        effective = dates.get(eff) or _date(dates, eff, name, line, "effective")
        if dele == "*":
            deletion = 0
        else:
            deletion = dates.get(dele) or (
                0 if dele.strip() == "*" else _date(dates, dele, name, line, "deletion")
            )
            if deletion and deletion < effective:
                raise CodesetFileError(
                    name,
                    f"deletion date {dele.strip()} is before effective date {eff.strip()}",
                    line=line,
                )
        indicator = _INDICATORS.get(ind.strip())
        if indicator is None:
            raise CodesetFileError(
                name, f"bad modifier indicator {ind!r} (expected 0, 1 or 9)", line=line
            )
        mark = prior.strip()
        if mark not in ("", "*"):
            raise CodesetFileError(
                name,
                f"bad 'in existence prior to 1996' mark {prior!r} (expected * or blank)",
                line=line,
            )
        rid = rationale_ids.get(rationale)
        if rid is None:
            rid = rationale_ids.setdefault(rationale, len(rationale_ids))
        rows.append((code1, code2, effective, deletion, indicator, mark == "*", rid))
    if not started:
        raise CodesetFileError(name, "no edit rows after the header", line=header + 1)


def _code(cache: dict[str, str], raw: str, name: str, line: int, what: str) -> str:
    code = raw.strip().upper()
    if not _CODE_RE.fullmatch(code):
        raise CodesetFileError(
            name, f"bad {what} code {raw!r} (expected 5 letters/digits)", line=line
        )
    cache[raw] = code
    return code


def _date(cache: dict[str, int], raw: str, name: str, line: int, what: str) -> int:
    text = raw.strip()
    try:
        if not _DATE_RE.fullmatch(text):
            raise ValueError(text)
        ordinal = dt.date(int(text[:4]), int(text[4:6]), int(text[6:])).toordinal()
    except ValueError:
        raise CodesetFileError(
            name, f"bad {what} date {raw!r} (expected YYYYMMDD)", line=line
        ) from None
    cache[raw] = ordinal
    return ordinal


# -- the compiled index ----------------------------------------------------------------------


def write_index(dest: Path, rows: list[RawRow], rationales: list[str]) -> None:
    """Write ``rows`` (any order) and the rationale list as ``dest/ptp.idx``."""
    rows.sort()
    codes = sorted({r[0] for r in rows} | {r[1] for r in rows})
    position = {code: i for i, code in enumerate(codes)}
    code_bytes = "".join(codes).encode("ascii")
    if len(code_bytes) != CODE_WIDTH * len(codes):
        raise CodesetError(f"PTP codes must be {CODE_WIDTH} characters")

    directory = bytearray()
    body = bytearray(ROW.size * len(rows))
    current: str | None = None
    start = 0
    pack_row = ROW.pack_into
    for i, (c1, c2, eff, dele, ind, prior, rat) in enumerate(rows):
        if c1 != current:
            if current is not None:
                directory += _DIR.pack(position[current], start, i - start)
            current, start = c1, i
        pack_row(body, i * ROW.size, position[c2], eff, dele, ind, 1 if prior else 0, rat)
    if current is not None:
        directory += _DIR.pack(position[current], start, len(rows) - start)

    rationale_bytes = json.dumps(rationales, ensure_ascii=False).encode("utf-8")
    codes_off = len(MAGIC) + _HEADER.size
    dir_off = codes_off + len(code_bytes)
    rows_off = dir_off + len(directory)
    rat_off = rows_off + len(body)
    header = _HEADER.pack(
        VERSION,
        len(codes),
        len(directory) // _DIR.size,
        len(rows),
        codes_off,
        dir_off,
        rows_off,
        rat_off,
        len(rationale_bytes),
    )
    with open(dest / INDEX_FILE, "wb") as fh:
        for part in (MAGIC, header, code_bytes, directory, body, rationale_bytes):
            fh.write(part)


_NO_ROWS: dict[str, tuple[PtpEdit, ...]] = {}
"""The (shared, never mutated) shard of a code that is in no column 1."""


class _Shards(dict[str, dict[str, tuple[PtpEdit, ...]]]):
    """Decoded shards by column-1 code; a missing key decodes the shard on first use."""

    def __init__(self, table: PtpTable) -> None:
        super().__init__()
        self._table = table

    def __missing__(self, code: str) -> dict[str, tuple[PtpEdit, ...]]:
        shard = self._table._decode(code)
        self[code] = shard
        return shard


class PtpTable:
    """Lookups in one compiled PTP release."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            with open(path, "rb") as fh:
                self._mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        except (OSError, ValueError) as exc:
            raise CodesetError(f"{path}: cannot open the PTP index: {exc}") from exc
        mm = self._mm
        if mm[: len(MAGIC)] != MAGIC:
            raise CodesetError(f"{path}: not a cleanclaim PTP index; import the file again")
        (version, n_codes, n_shards, n_rows, codes_off, dir_off, rows_off, rat_off, rat_len) = (
            _HEADER.unpack_from(mm, len(MAGIC))
        )
        if version != VERSION or rat_off + rat_len != len(mm):
            raise CodesetError(f"{path}: PTP index is damaged or of another version")
        text = mm[codes_off : codes_off + CODE_WIDTH * n_codes].decode("ascii")
        self._codes = [text[i : i + CODE_WIDTH] for i in range(0, len(text), CODE_WIDTH)]
        codes = self._codes
        self._directory = {
            codes[ci]: (start, count)
            for ci, start, count in _DIR.iter_unpack(mm[dir_off : dir_off + _DIR.size * n_shards])
        }
        self._rows_off = rows_off
        self._rationales: list[str] = json.loads(mm[rat_off : rat_off + rat_len].decode())
        self._dates: dict[int, dt.date] = {}
        self.row_count = n_rows
        self._shards = _Shards(self)

    def _date(self, ordinal: int) -> dt.date:
        day = self._dates.get(ordinal)
        if day is None:
            day = self._dates[ordinal] = dt.date.fromordinal(ordinal)
        return day

    def _decode(self, code: str) -> dict[str, tuple[PtpEdit, ...]]:
        entry = self._directory.get(code)
        if entry is None:
            return _NO_ROWS
        start, count = entry
        offset = self._rows_off + start * ROW.size
        shard: dict[str, tuple[PtpEdit, ...]] = {}
        codes, rationales, dates = self._codes, self._rationales, self._dates
        make = tuple.__new__  # what PtpEdit(...) does, without its Python-level __new__
        previous = None
        for ci2, eff, dele, ind, prior, rat in ROW.iter_unpack(
            self._mm[offset : offset + count * ROW.size]
        ):
            c2 = codes[ci2]
            edit = make(
                PtpEdit,
                (
                    code,
                    c2,
                    dates.get(eff) or self._date(eff),
                    (dates.get(dele) or self._date(dele)) if dele else None,
                    ind,
                    rationales[rat] or None,
                    prior == 1,
                ),
            )
            # rows are sorted by column 2, so repeats of a pair are adjacent
            shard[c2] = (*shard[c2], edit) if c2 == previous else (edit,)
            previous = c2
        return shard

    def edits(self, code_a: str, code_b: str, on: dt.date) -> list[PtpEdit]:
        """Edits between two codes in force on ``on``, in either column order.

        Codes are compared as given (upper-case, no spaces); the facade normalises them.
        Indicator-9 rows are returned too when their dates cover ``on``; see
        :attr:`PtpEdit.applicable`.
        """
        shards = self._shards
        out: list[PtpEdit] = []
        rows = shards[code_a].get(code_b)
        if rows:
            out += [
                r for r in rows if r.effective <= on and (r.deletion is None or on <= r.deletion)
            ]
        if code_a != code_b:
            rows = shards[code_b].get(code_a)
            if rows:
                out += [
                    r
                    for r in rows
                    if r.effective <= on and (r.deletion is None or on <= r.deletion)
                ]
        return out

    def rows_for(self, column1: str) -> list[PtpEdit]:
        """Every row (any date) whose column-1 code is ``column1``."""
        return [edit for rows in self._shards[column1].values() for edit in rows]

    def column1_codes(self) -> Iterable[str]:
        """Every column-1 code in the release."""
        return self._directory.keys()

    def close(self) -> None:
        """Release the memory map (lookups fail afterwards)."""
        self._mm.close()
