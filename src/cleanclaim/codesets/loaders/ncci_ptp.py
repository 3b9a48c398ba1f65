"""NCCI procedure-to-procedure (PTP) edits: the practitioner and outpatient hospital tables.

Kinds ``ncci-ptp-practitioner`` (CMS file prefix ``ccipra``) and ``ncci-ptp-hospital``
(``ccioph``). CMS publishes each quarter's table as tab-delimited latin-1 text split into
four parts (``-f1`` .. ``-f4``), each in its own zip. Layout of a part::

    CPT only copyright ... (preamble lines)
    Column1/Column2 Edits
    Column 1<TAB>Column 2<TAB>*=in existence<TAB>Effective<TAB>Deletion<TAB>Modifier<TAB>...
    <TAB><TAB>prior to 1996<TAB>Date<TAB>Date<TAB>0=not allowed<TAB>   (legend: column 1 blank)
    93000<TAB>93005<TAB>*<TAB>19960101<TAB>*<TAB>0<TAB>rationale       (7 fields per edit)

**Parts.** The command line imports one path at a time and the store keeps one release per
file, so the parts of one quarter must arrive together: put the four downloaded zips (or
their ``.txt`` files) into one zip and import that. A zip may hold text parts and zips of
parts (one level). A file holding only some parts is imported as ``partial``, with a note
naming the missing ones; a text file without a ``-fN`` part mark is taken as a whole table.

**Quarter.** ``vNNQr`` in ``ccipra-v321r0`` is version 32.1: version ``Y.Q`` is released for
calendar year ``1994 + Y``, quarter ``Q + 1`` (32.0 = 2026 Q1, 32.1 = 2026 Q2, 30.1 = 2024
Q2). ``2026q2`` in the zip name says the same. The release window is that calendar
quarter; without either, ``--effective-from`` (and ``--effective-to``) are required.

**Dates of a row.** An edit applies on a date of service when ``effective <= DOS`` and the
deletion date is ``*`` or ``DOS <= deletion``: the deletion date is the *last* day the edit
applies. Evidence (no CMS primary text was found that states it): edits terminated by the
October 1, 2010 update carry the deletion date 2010-09-30 while new ones carry 2010-10-01
(managemypractice.com, "The Cohen Report: NCCI 16.3 analysis"); edits retired with annual
CPT deletions carry December 31 dates (``andrewallenbruce/northstar`` README, data of
``ccipra-v301r0``); and edits deleted retroactively carry deletion = effective date with
modifier indicator 9 (AAPC forum thread "NCCI edit code 9"; Palmetto GBA NCCI tool page),
a marker that is only needed because an inclusive range would still cover that one day.
Indicator-9 rows therefore never block a pair (see :func:`bypassable`).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from cleanclaim.codesets.kinds import BundledSource, ImportOptions
from cleanclaim.codesets.loaders._common import (
    package_data,
    quarter_window,
    require_window,
    sha256_file,
)
from cleanclaim.codesets.loaders._ptp_index import (
    INDEX_FILE,
    PtpEdit,
    PtpTable,
    RawRow,
    parse_rows,
    write_index,
)
from cleanclaim.codesets.model import Answer, Completeness, ParsedRelease, Release
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetError, CodesetFileError, UsageError

__all__ = [
    "KINDS",
    "NCCI_ASSOCIATED_MODIFIERS",
    "PtpEdit",
    "PtpTable",
    "bypassable",
    "open_table",
    "parse",
    "ptp_edits",
    "quarter_of",
    "write",
]

KINDS: dict[str, str] = {"ncci-ptp-practitioner": "ccipra", "ncci-ptp-hospital": "ccioph"}
"""Kind slug -> CMS file prefix."""
_SETTING = {"ccipra": "practitioner", "ccioph": "outpatient hospital"}
PARTS_PER_TABLE = 4

_ANATOMIC = (
    "E1 E2 E3 E4 FA F1 F2 F3 F4 F5 F6 F7 F8 F9 TA T1 T2 T3 T4 T5 T6 T7 T8 T9 LT RT LC LD LM RC RI"
)
_GLOBAL_SURGERY = "24 25 57 58 78 79"
_OTHER = "27 59 91 XE XS XP XU"
NCCI_ASSOCIATED_MODIFIERS: frozenset[str] = frozenset(
    f"{_ANATOMIC} {_GLOBAL_SURGERY} {_OTHER}".split()
)
"""Modifiers that may bypass an indicator-1 PTP edit (anatomic, global surgery, other)."""

_EM_ONLY = frozenset({"24", "25", "57"})
"""Bypass modifiers that only count on an edit between an E/M code and a procedure."""

_FIXTURES = {
    "ncci-ptp-practitioner": "ccipra-v322r0-sample.txt",
    "ncci-ptp-hospital": "ccioph-v322r0-sample.txt",
}

_VERSION_RE = re.compile(r"cci(pra|oph)-v(\d+)(\d)r(\d+)", re.IGNORECASE)
_QUARTER_RE = re.compile(r"(?<!\d)(\d{4})[-_ ]?q([1-4])(?![0-9])", re.IGNORECASE)
_PART_RE = re.compile(r"-f(\d+)(?=[._-]|$)", re.IGNORECASE)


# -- reading files -------------------------------------------------------------------------


def read_texts(path: Path, suffix: str = ".txt") -> list[tuple[str, str]]:
    """``(display name, latin-1 text)`` of ``path`` or of its ``suffix`` members.

    Zips may nest one level (a zip of the part zips CMS ships). A file that starts like a
    zip but cannot be opened is reported as damaged rather than read as text.
    """
    raw = path.read_bytes()
    if not raw.startswith(b"PK"):
        return [(str(path), raw.decode("latin-1"))]
    out = _zip_texts(str(path), raw, suffix, nested=True)
    if not out:
        raise CodesetFileError(path, f"zip holds no {suffix} file")
    return out


def _zip_texts(name: str, raw: bytes, suffix: str, *, nested: bool) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as zf:
            for info in sorted(zf.infolist(), key=lambda i: i.filename):
                member = info.filename.lower()
                if info.is_dir() or "__macosx" in member:
                    continue
                if member.endswith(suffix):
                    out.append((f"{name}!{info.filename}", zf.read(info).decode("latin-1")))
                elif nested and member.endswith(".zip"):
                    inner = f"{name}!{info.filename}"
                    out += _zip_texts(inner, zf.read(info), suffix, nested=False)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError) as exc:
        raise CodesetFileError(name, f"damaged or truncated zip file: {exc}") from None
    return out


# -- quarter and version from names -----------------------------------------------------------


def quarter_of(name: str) -> tuple[int, int] | None:
    """The ``(year, quarter)`` a CMS PTP file name states, from ``vNNQ`` or ``YYYYqQ``."""
    match = _VERSION_RE.search(name)
    if match:
        minor = int(match.group(3))
        if minor <= 3:
            return 1994 + int(match.group(2)), minor + 1
    match = _QUARTER_RE.search(name)
    if match:
        return int(match.group(1)), int(match.group(2))
    return None


def _names_info(kind: str, names: list[str]) -> tuple[set[tuple[int, int]], str | None]:
    """Quarters and version the names state; refuses a file of the other setting."""
    quarters: set[tuple[int, int]] = set()
    version: str | None = None
    for name in names:
        base = name.replace("\\", "/").rsplit("/", 1)[-1].rsplit("!", 1)[-1]
        match = _VERSION_RE.search(base)
        if match:
            prefix = "cci" + match.group(1).lower()
            if prefix != KINDS[kind]:
                other = next(k for k, p in KINDS.items() if p == prefix)
                raise UsageError(
                    f"{base} is the {_SETTING[prefix]} table ({prefix}); import it as {other}"
                )
            version = f"v{match.group(2)}.{match.group(3)}r{match.group(4)}"
        for found in (match, _QUARTER_RE.search(base)):
            quarter = quarter_of(found.group(0)) if found else None
            if quarter:
                quarters.add(quarter)
    return quarters, version


def _part_numbers(path: Path, text_names: list[str]) -> list[int]:
    """The ``-fN`` part numbers of the text members (or of the text file itself)."""
    parts = []
    for name in text_names:
        base = name.rsplit("!", 1)[-1].replace("\\", "/").rsplit("/", 1)[-1]
        match = _PART_RE.search(base)
        if match:
            parts.append(int(match.group(1)))
    return parts


# -- parsing ---------------------------------------------------------------------------------


def parse(path: Path, options: ImportOptions, kind: str) -> ParsedRelease:
    """Read a PTP text part, or a zip of parts, of one quarter's table."""
    if kind not in KINDS:
        raise UsageError(f"{kind!r} is not an NCCI PTP kind ({', '.join(KINDS)})")
    texts = read_texts(path)
    quarters, version = _names_info(kind, [path.name] + [n for n, _ in texts])
    if len(quarters) > 1 and options.effective_from is None:
        found = ", ".join(f"{y} Q{q}" for y, q in sorted(quarters))
        raise UsageError(
            f"{path.name}: the file names state several quarters ({found}); "
            "import one quarter at a time, or give --effective-from"
        )
    part_list = _part_numbers(path, [n for n, _ in texts])
    parts = set(part_list)
    if len(parts) != len(part_list):
        raise CodesetFileError(path, "the zip holds the same part more than once")

    rows: list[RawRow] = []
    rationale_ids: dict[str, int] = {}
    for name, text in texts:
        parse_rows(name, text, rows, rationale_ids)

    quarter = min(quarters) if quarters else None
    if options.effective_from is not None or quarter is None:
        start, end = require_window(options.effective_from, options.effective_to, "NCCI PTP")
    else:
        start, end = quarter_window(*quarter)
    notes = ""
    completeness = Completeness.FULL
    expected = set(range(1, max([PARTS_PER_TABLE, *parts]) + 1))
    if parts and parts != expected:
        completeness = Completeness.PARTIAL
        missing = ", ".join(f"f{p}" for p in sorted(expected - parts))
        notes = (
            f"holds only part(s) {', '.join(f'f{p}' for p in sorted(parts))}; missing "
            f"{missing}. Put all parts of the quarter in one zip and import that."
        )
    if options.completeness:
        try:
            completeness = Completeness(options.completeness)
        except ValueError:
            raise UsageError(f"unknown completeness {options.completeness!r}") from None
    if quarter and (start, end) == quarter_window(*quarter):
        label = f"{quarter[0]} Q{quarter[1]}"
    else:
        label = f"from {start.isoformat()}"
    version_text = options.version or version or label.replace(" ", "").replace("from", "")
    setting = _SETTING[KINDS[kind]]
    return ParsedRelease(
        kind=kind,
        name=options.name or f"NCCI PTP edits, {setting}, {label} ({version_text})",
        version=version_text,
        effective_from=start,
        effective_to=end,
        source=path.name,
        sha256=sha256_file(path),
        row_count=len(rows),
        completeness=completeness,
        payload=(rows, sorted(rationale_ids, key=rationale_ids.__getitem__)),
        notes=notes,
    )


def write(parsed: ParsedRelease, dest: Path) -> None:
    """Compile the rows into the memory-mapped index."""
    rows, rationales = parsed.payload
    write_index(dest, rows, [r.strip() for r in rationales])


def open_table(data_dir: Path, release: Release) -> PtpTable:
    """Open a compiled release (maps the index; decodes nothing yet)."""
    path = data_dir / INDEX_FILE
    if not path.is_file():
        raise CodesetError(f"{path}: PTP index of {release.name} is missing; import it again")
    return PtpTable(path)


def bundled() -> list[BundledSource]:
    """One fixture release per PTP kind: a few real-format rows for tests and demos."""
    sources = []
    for kind, filename in _FIXTURES.items():
        path = package_data(kind, filename)
        if path.exists():
            sources.append(
                BundledSource(
                    kind,
                    f"{kind}-fixture",
                    sha256_file(path),
                    partial(_fixture_release, path, kind),
                )
            )
    return sources


def _fixture_release(path: Path, kind: str) -> ParsedRelease:
    parsed = parse(path, ImportOptions(), kind)
    parsed.name = f"{parsed.name} - cleanclaim fixture (sample rows only)"
    parsed.source = f"cleanclaim fixture {path.name}"
    parsed.version = f"fixture-{parsed.version}"
    parsed.completeness = Completeness.FIXTURE
    parsed.notes = "A handful of rows in the CMS layout; see the README beside the file."
    return parsed


# -- questions -------------------------------------------------------------------------------


def ptp_edits(view: CodesetView, kind: str, code_a: str, code_b: str) -> Answer[list[PtpEdit]]:
    """PTP edits between two codes on the view's date, either column order.

    The value is ``None`` when no edit row covers the date (or no release does: see the
    answer's completeness), else the rows, indicator-9 rows included.
    """
    if kind not in KINDS:
        raise UsageError(f"{kind!r} is not an NCCI PTP kind ({', '.join(KINDS)})")
    a, b = code_a.strip().upper(), code_b.strip().upper()
    return view.ask(kind, lambda table: table.edits(a, b, view.on) or None)


def bypassable(edit: PtpEdit, modifiers_a: Iterable[str], modifiers_b: Iterable[str]) -> bool:
    """Whether the modifiers on the two lines let both codes be paid despite ``edit``.

    Indicator 9 is not an edit (always True); 0 admits no modifier (False); 1 is bypassed by
    an NCCI-associated modifier on either line, where 24, 25 and 57 count only when one
    of the two codes is an E/M code (99202-99499).
    """
    if edit.modifier_indicator == 9:
        return True
    if edit.modifier_indicator != 1:
        return False
    usable = {m.strip().upper() for m in (*modifiers_a, *modifiers_b)}
    usable &= NCCI_ASSOCIATED_MODIFIERS
    if not (_is_em(edit.column1) or _is_em(edit.column2)):
        usable -= _EM_ONLY
    return bool(usable)


def _is_em(code: str) -> bool:
    return code.isdigit() and 99202 <= int(code) <= 99499
