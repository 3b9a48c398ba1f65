"""Readers for the official ICD-10-CM files: the tabular XML and the order file.

Also the row container both fill, and the fiscal-year window rules (shared with the
POA-exempt and HAC loaders).

The tabular (``icd10cm_tabular_YYYY.xml``, about 10 MB) nests ``chapter`` > ``section`` >
``diag`` > ``diag``...; each ``diag`` has a ``name`` (the code, with its dot), a ``desc``, notes
(inclusion terms, excludes, code first...) and, where a 7th character applies, a
``sevenChrDef`` of ``extension char="A"`` elements that holds for the diag and everything
below it. The 7th-character codes themselves (S52.501A...) are not elements: they are the
leaf stem, padded with the placeholder ``X`` to six characters, plus each defined character.

The XML is read with expat, chunk by chunk, so that memory stays flat and every error can
name its line. The order file layout: order number in columns 1-5, the dotless code in
7-13, the header/billable flag (``0``/``1``) in 15, the short title in 17-76, the long
title from 78; every column is checked.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NoReturn
from xml.parsers import expat

from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders._common import SourceText, require_window
from cleanclaim.codesets.model import Completeness
from cleanclaim.errors import CodesetFileError, UsageError

CODE_RE = re.compile(r"^[A-Z][0-9A-Z]{2,6}$")
"""A dotless ICD-10-CM code (or header): 3 to 7 letters or digits, the first a letter. (The
second is usually a digit, but FY2026 has category QA0.)"""
DOTTED_RE = re.compile(r"^[A-Z][0-9A-Z]{2}(\.[0-9A-Z]{1,4})?$")

ROOT_TAG = "ICD10CM.tabular"
FIRST_APRIL_UPDATE_FY = 2023
_CHUNK = 1 << 16


@dataclass
class Icd10Rows:
    """Codes in tabular order, as parallel lists, plus the declared 7th-character tables."""

    codes: list[str] = field(default_factory=list)
    """Dotless codes, headers and billable codes alike."""
    billable: list[bool] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    parents: list[int] = field(default_factory=list)
    """Index of each code's parent in :attr:`codes`, or -1 for a category."""
    seven: dict[str, dict[str, str]] = field(default_factory=dict)
    """Dotless code -> {7th character: meaning}, where the tabular declares a sevenChrDef."""

    def add(self, code: str, billable: bool, title: str, parent: int) -> int:
        """Append one code; returns its index."""
        self.codes.append(code)
        self.billable.append(billable)
        self.titles.append(title)
        self.parents.append(parent)
        return len(self.codes) - 1


@dataclass
class _Diag:
    line: int
    parent: int
    code: str = ""
    title: str = ""
    index: int = -1
    has_children: bool = False


@dataclass
class Tabular:
    """What the tabular XML says: the diag tree (no 7th-character codes yet)."""

    version: str | None
    rows: Icd10Rows
    leaves: list[int]


class _Reader:
    def __init__(self, name: str) -> None:
        self.name = name
        self.parser = expat.ParserCreate()
        self.parser.buffer_text = True
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.chars
        self.parser.EntityDeclHandler = self.entity
        self.tags: list[str] = []
        self.diags: list[_Diag] = []
        self.text: list[str] = []
        self.char: str | None = None
        self.version: str | None = None
        self.rows = Icd10Rows()
        self.leaves: list[int] = []
        self.seen: dict[str, int] = {}

    def fail(self, reason: str) -> CodesetFileError:
        return CodesetFileError(self.name, reason, line=self.parser.CurrentLineNumber)

    def entity(self, *_: object) -> None:
        raise self.fail("entity declarations are not allowed in the tabular XML")

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if not self.tags and tag != ROOT_TAG:
            raise self.fail(
                f"not an ICD-10-CM tabular file: root element is <{tag}>, expected <{ROOT_TAG}>"
            )
        parent_tag = self.tags[-1] if self.tags else ""
        self.tags.append(tag)
        self.text = []
        if tag == "diag":
            if self.diags:
                top = self._named(self.diags[-1])
                top.has_children = True
                parent = top.index
            else:
                parent = -1
            self.diags.append(_Diag(line=self.parser.CurrentLineNumber, parent=parent))
        elif tag == "extension" and parent_tag == "sevenChrDef":
            self.char = attrs.get("char", "")
            if len(self.char) != 1 or not self.char.isalnum():
                raise self.fail(f"sevenChrDef extension has a bad char attribute {self.char!r}")

    def _named(self, diag: _Diag) -> _Diag:
        if diag.index < 0:
            raise CodesetFileError(
                self.name, "<diag> has no <name> before its content", line=diag.line
            )
        return diag

    def chars(self, data: str) -> None:
        self.text.append(data)

    def end(self, tag: str) -> None:
        self.tags.pop()
        parent_tag = self.tags[-1] if self.tags else ""
        text = " ".join("".join(self.text).split())
        self.text = []
        if tag == "version" and parent_tag == ROOT_TAG:
            self.version = text
        elif parent_tag == "diag" and tag == "name":
            self._name(text)
        elif parent_tag == "diag" and tag == "desc":
            self._named(self.diags[-1]).title = text
            self.rows.titles[self.diags[-1].index] = text
        elif tag == "extension" and parent_tag == "sevenChrDef" and self.char is not None:
            owner = self._named(self.diags[-1]) if self.diags else None
            if owner is None:
                raise self.fail("sevenChrDef outside a <diag>")
            self.rows.seven.setdefault(owner.code, {})[self.char] = text
            self.char = None
        elif tag == "diag":
            diag = self._named(self.diags.pop())
            if not diag.title:
                raise self.fail(f"<diag> {dotted(diag.code)} has no <desc>")
            if not diag.has_children:
                self.leaves.append(diag.index)

    def _name(self, text: str) -> None:
        diag = self.diags[-1]
        code = text.replace(".", "").upper()
        if diag.index >= 0:
            raise self.fail(f"<diag> {dotted(diag.code)} has a second <name>")
        if not DOTTED_RE.match(text.upper()):
            raise self.fail(f"bad code {text!r} in <name>")
        if code in self.seen:
            raise self.fail(f"code {text} appears twice")
        diag.code = code
        diag.index = self.rows.add(code, False, "", diag.parent)
        self.seen[code] = diag.index

    def feed(self, stream: IO[bytes]) -> Tabular:
        try:
            for chunk in iter(lambda: stream.read(_CHUNK), b""):
                self.parser.Parse(chunk, False)
            self.parser.Parse(b"", True)
        except expat.ExpatError as exc:
            reason = expat.ErrorString(exc.code) if exc.code is not None else str(exc)
            raise CodesetFileError(
                self.name, f"XML is malformed or truncated: {reason}", line=exc.lineno
            ) from None
        if not self.rows.codes:
            raise CodesetFileError(self.name, "no <diag> elements: not an ICD-10-CM tabular file")
        return Tabular(self.version, self.rows, self.leaves)


def read_tabular(stream: IO[bytes], name: str) -> Tabular:
    """Parse a tabular XML stream; errors are ``name:line: reason``."""
    return _Reader(name).feed(stream)


def seven_def_for(rows: Icd10Rows, index: int) -> dict[str, str] | None:
    """The 7th-character table that applies to a code: its own, or its nearest ancestor's."""
    while index >= 0:
        found = rows.seven.get(rows.codes[index])
        if found:
            return found
        index = rows.parents[index]
    return None


def expand(tab: Tabular) -> Icd10Rows:
    """Billable codes from the tree: leaves, and leaf stems plus each defined 7th character.

    The general rule over-generates a few dozen 7th-character combinations that CMS does not
    list in the order file, so a release built from the tabular alone is only partial.
    """
    src = tab.rows
    extensions: dict[int, list[tuple[str, str]]] = {}
    leaf_set = set(tab.leaves)
    for index in tab.leaves:
        table = seven_def_for(src, index)
        if not table:
            continue
        stem = src.codes[index].ljust(6, "X")
        made = [(stem + ch, f"{src.titles[index]}, {meaning}") for ch, meaning in table.items()]
        extensions[index] = made
    out = Icd10Rows(seven=dict(src.seven))
    remap: dict[int, int] = {}
    for index, code in enumerate(src.codes):
        parent = remap.get(src.parents[index], -1)
        is_stem = index in extensions
        remap[index] = out.add(code, index in leaf_set and not is_stem, src.titles[index], parent)
        for ext_code, title in extensions.get(index, ()):
            out.add(ext_code, True, title, remap[index])
    return out


def normalize(code: str) -> str:
    """``' m54.50 '`` -> ``M5450``."""
    return code.strip().upper().replace(".", "").replace(" ", "")


def well_formed(text: str) -> bool:
    """A code as written: dotless, or with its dot after the third character."""
    raw = text.strip().upper().replace(" ", "")
    return bool(CODE_RE.match(raw) or DOTTED_RE.match(raw))


def dotted(code: str) -> str:
    """``M5450`` -> ``M54.50``; three-character codes have no dot."""
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


# -- fiscal years and windows (shared with the POA-exempt and HAC loaders) ---------


def fiscal_release_from_name(name: str) -> tuple[int, bool] | None:
    """``(fiscal year, is April update)`` from a file name, or ``None`` if it has no year.

    Understands ``2026``, ``FY2026``/``FY26``, MS-DRG versions ``v43``/``v43.1`` (FY = 1983 +
    version; ``.1`` is the April version) and the word ``april``.
    """
    april = re.search(r"april|(?<![a-z])apr(?![a-z])", name, re.IGNORECASE) is not None
    if m := re.search(r"fy[ _-]?(\d{4}|\d{2})(?!\d)", name, re.IGNORECASE):
        year = int(m.group(1))
        return (year if year > 99 else 2000 + year), april
    if m := re.search(r"(?<!\d)(20\d{2})(?!\d)", name):
        return int(m.group(1)), april
    if m := re.search(r"(?<![a-z])v(\d{2})(?:\.(\d))?(?!\d)", name, re.IGNORECASE):
        return 1983 + int(m.group(1)), april or m.group(2) == "1"
    return None


def april_update_expected(fy: int) -> bool:
    """Whether fiscal year ``fy`` has (or is expected to have) an April 1 update."""
    return fy >= FIRST_APRIL_UPDATE_FY


def fiscal_window(fy: int, april: bool, *, split: bool = True) -> tuple[dt.date, dt.date]:
    """Dates a release covers: the April update Apr 1..Sep 30; an October release Oct 1 to
    Sep 30, or to Mar 31 when ``split`` and an April update follows it."""
    if april:
        return dt.date(fy, 4, 1), dt.date(fy, 9, 30)
    end = dt.date(fy, 3, 31) if split and april_update_expected(fy) else dt.date(fy, 9, 30)
    return dt.date(fy - 1, 10, 1), end


def resolve_window(
    options: ImportOptions, labels: list[str], what: str, *, split: bool = True
) -> tuple[dt.date, dt.date, str | None]:
    """Start, end and ``FY...`` label from the options, else from the first named label."""
    found = next((f for f in map(fiscal_release_from_name, labels) if f), None)
    label = None
    if options.effective_from is not None:
        start = options.effective_from
        fy = start.year + 1 if start.month >= 10 else start.year
        is_october = start == dt.date(fy - 1, 10, 1)
        end = options.effective_to or fiscal_window(fy, not is_october, split=split)[1]
    elif found is not None:
        start, end = fiscal_window(*found, split=split)
        end = options.effective_to or end
        label = f"FY{found[0]}" + ("-april" if found[1] else "")
    else:
        _no_window(what)
    require_window(start, end, what)
    return start, end, label


def completeness_option(options: ImportOptions, *, partial: bool) -> Completeness:
    """``--completeness`` if given (full, partial or fixture), else partial or full."""
    if not options.completeness:
        return Completeness.PARTIAL if partial else Completeness.FULL
    if options.completeness not in ("full", "partial", "fixture"):
        raise UsageError(
            f"--completeness must be full, partial or fixture, not {options.completeness!r}"
        )
    return Completeness(options.completeness)


def _no_window(what: str) -> NoReturn:
    require_window(None, None, what)
    raise AssertionError("unreachable")


# -- the order file --------------------------------------------------------------------


def read_order(source: SourceText) -> Icd10Rows:
    """Parse an order file; every malformed line is a ``name:line: reason`` error."""
    name = source.name
    rows = Icd10Rows()
    index: dict[str, int] = {}
    first_line: dict[str, int] = {}
    last_order, last_line = 0, 1
    for number, line in source.lines():
        if not line.strip():
            continue
        if len(line) < 17:
            raise CodesetFileError(
                name,
                f"line too short ({len(line)} characters) for the order-file layout",
                line=number,
            )
        order_text, flag = line[0:5], line[14]
        if not order_text.isdigit():
            raise CodesetFileError(
                name, f"order number {order_text!r} in columns 1-5 is not a number", line=number
            )
        if flag not in "01":
            shifted = " (it is in column 14: shifted layout?)" if line[13] in "01" else ""
            raise CodesetFileError(
                name,
                f"header/billable flag in column 15 must be 0 or 1, found {flag!r}{shifted}",
                line=number,
            )
        if line[5] != " " or line[13] != " " or line[15] != " ":
            raise CodesetFileError(name, "columns 6, 14 and 16 must be blank", line=number)
        code = line[6:13].strip()
        if not CODE_RE.match(code):
            raise CodesetFileError(name, f"bad code {code!r} in columns 7-13", line=number)
        if code in index:
            raise CodesetFileError(
                name,
                f"code {dotted(code)} appears twice (first on line {first_line[code]})",
                line=number,
            )
        order = int(order_text)
        if order <= last_order:
            raise CodesetFileError(
                name,
                f"order number {order_text} is not greater than the "
                f"previous one ({last_order:05d})",
                line=number,
            )
        title = line[77:].strip() or line[16:76].strip()
        if not title:
            raise CodesetFileError(name, f"code {dotted(code)} has no title", line=number)
        parent = next(
            (index[code[:k]] for k in range(len(code) - 1, 2, -1) if code[:k] in index), -1
        )
        index[code] = rows.add(code, flag == "1", title, parent)
        first_line[code], last_order, last_line = number, order, number
    if not rows.codes:
        raise CodesetFileError(name, "no order-file records found", line=1)
    if not rows.billable[-1]:
        raise CodesetFileError(
            name,
            f"file ends with header {dotted(rows.codes[-1])}: it looks truncated",
            line=last_line,
        )
    return rows


def decode(raw: bytes, name: str) -> SourceText:
    """UTF-8 text (CDC files are ASCII), or latin-1 when it is not valid UTF-8."""
    try:
        return SourceText(name, raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return SourceText(name, raw.decode("latin-1"))


# -- a file or zip as handed over ---------------------------------------------------------


def read_release_file(path: Path) -> tuple[Icd10Rows, bool, list[str]]:
    """Rows of an order file, a tabular XML, or a zip holding either or both; whether
    billability came from an order file; and the file names to infer the window from."""
    order: SourceText | None = None
    tab: Tabular | None = None
    labels: list[str] = []
    if zipfile.is_zipfile(path):
        try:
            with zipfile.ZipFile(path) as zf:
                names = [i.filename for i in zf.infolist() if not i.is_dir()]
                orders = [
                    n
                    for n in names
                    if re.search(r"order[^/]*\.txt$", n, re.I) and "addend" not in n.lower()
                ]
                tabulars = [n for n in names if re.search(r"tabular[^/]*\.xml$", n, re.I)]
                if len(orders) > 1 or len(tabulars) > 1:
                    raise CodesetFileError(
                        path,
                        "zip holds several order files or tabular "
                        f"XMLs ({', '.join(orders + tabulars)}); import one "
                        "release at a time",
                    )
                if not orders and not tabulars:
                    raise CodesetFileError(
                        path,
                        "zip holds no ICD-10-CM order file "
                        "(*order*.txt) or tabular XML (*tabular*.xml)",
                    )
                if orders:
                    order = decode(zf.read(orders[0]), f"{path}!{orders[0]}")
                if tabulars:
                    with zf.open(tabulars[0]) as stream:
                        tab = read_tabular(stream, f"{path}!{tabulars[0]}")
                labels = [*orders, *tabulars]
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise CodesetFileError(path, f"damaged zip file: {exc}") from exc
    else:
        with open(path, "rb") as fh:
            looks_xml = fh.read(64).lstrip().startswith(b"<")
        if looks_xml or path.suffix.lower() == ".xml":
            with open(path, "rb") as fh:
                tab = read_tabular(fh, str(path))
        else:
            order = decode(path.read_bytes(), str(path))
    labels.append(path.name)
    if order is not None:
        rows = read_order(order)
        rows.seven = tab.rows.seven if tab is not None else {}
        return rows, True, labels
    assert tab is not None
    return expand(tab), False, labels
