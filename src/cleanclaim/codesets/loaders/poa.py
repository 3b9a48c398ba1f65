"""POA-exempt diagnoses (kind ``poa-exempt``) and HAC categories (kind ``hac``), per fiscal year.

POA-exempt list
    CMS/CDC publish ``POAexemptCodesFYyy.txt`` (inside ``POAexemptCodesFYyy.zip``, next to
    an xlsx copy and lists of added, deleted and revised codes). It is tab-delimited with a
    header row, ``OrdFYyy<TAB>POAexemptCode<TAB>Description``: the order number of the code
    in that year's tabular, the code *with* its dot, and the long title (double-quoted when
    it holds a comma). Columns are found by name (one containing ``code``, one starting with
    ``desc``), so a comma-separated export of the xlsx reads too. The change lists are
    refused: they are not the list itself.

HAC list
    CMS publishes the hospital-acquired condition list as Appendix I of the ICD-10 MS-DRG
    Definitions Manual (text and HTML), not as a data file. cleanclaim reads a CSV (or tab)
    transcription of it, one row per code: ``HAC`` (number, 01-14), ``HAC Category`` (its
    name), ``Code``, ``Code Type`` (``dx`` for an ICD-10-CM diagnosis, ``pcs`` for an
    ICD-10-PCS procedure that some categories require) and ``Criterion`` (e.g. "secondary
    diagnosis not POA, with a listed procedure"). A category needs a procedure when it has
    ``pcs`` rows or its criterion says so.

Windows: a fiscal year from the file name (``FY26``, ``FY2026``, ``2026``, MS-DRG ``v43``;
``april`` or ``v43.1`` for an April 1 list), Oct 1 to Sep 30, or ``--effective-from``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from cleanclaim.codesets.kinds import BundledSource, ImportOptions
from cleanclaim.codesets.loaders._common import (
    SourceText,
    package_data,
    read_payload,
    sha256_file,
    write_payload,
)
from cleanclaim.codesets.loaders._icd10cm_xml import (
    completeness_option,
    decode,
    dotted,
    normalize,
    resolve_window,
    well_formed,
)
from cleanclaim.codesets.model import Answer, ParsedRelease, Release
from cleanclaim.errors import CodesetFileError, UsageError

if TYPE_CHECKING:
    from cleanclaim.codesets.view import CodesetView

POA, HAC = "poa-exempt", "hac"
KINDS = (POA, HAC)
FULL_MIN_ROWS = {POA: 10_000, HAC: 1_000}
"""Fewer rows than this and a file is read as partial (a whole POA list has ~38,000 codes)."""
FIXTURES = {
    POA: ("poa-exempt", "POAexemptCodesFY26-sample.txt"),
    HAC: ("hac", "hac-list-FY2026-sample.csv"),
}
_PCS_RE = re.compile(r"^[0-9A-HJ-NP-Z]{7}$")
_CHANGE_LIST = re.compile(r"(add|delete|revise)codes|addend", re.IGNORECASE)


@dataclass(frozen=True)
class HacCategory:
    """One hospital-acquired condition category."""

    number: int
    name: str
    needs_procedure: bool
    note: str
    """The list's criterion, e.g. "secondary diagnosis not POA, with a listed procedure"."""

    @property
    def label(self) -> str:
        return f"HAC {self.number:02d}"


class PoaExemptTable:
    """Codes exempt from present-on-admission reporting."""

    def __init__(self, codes: dict[str, str]) -> None:
        self.codes = codes

    def __len__(self) -> int:
        return len(self.codes)

    def is_exempt(self, code: str) -> bool:
        """Whether ``code`` (with or without its dot) is on the exempt list."""
        return normalize(code) in self.codes

    def description(self, code: str) -> str | None:
        return self.codes.get(normalize(code))


class HacTable:
    """HAC categories and the codes that put a diagnosis in them."""

    def __init__(
        self, categories: list[HacCategory], dx: dict[str, list[int]], pcs: dict[int, list[str]]
    ) -> None:
        self._categories = {c.number: c for c in categories}
        self._dx = dx
        self._pcs = pcs

    def categories(self) -> list[HacCategory]:
        return [self._categories[n] for n in sorted(self._categories)]

    def category(self, number: int) -> HacCategory | None:
        return self._categories.get(number)

    def categories_for(self, code: str) -> list[HacCategory]:
        """The categories a diagnosis code belongs to (empty when none)."""
        return [self._categories[n] for n in self._dx.get(normalize(code), [])]

    def procedures_for(self, number: int) -> list[str]:
        """ICD-10-PCS codes listed for a category that needs a procedure."""
        return list(self._pcs.get(number, []))


# -- reading -------------------------------------------------------------------------------


def _members(path: Path, kind: str) -> list[SourceText]:
    wanted = r"poaexemptcodes[^/]*\.(txt|csv)$" if kind == POA else r"[^/]*\.(txt|csv|tsv)$"
    if not zipfile.is_zipfile(path):
        return [decode(path.read_bytes(), str(path))]
    try:
        with zipfile.ZipFile(path) as zf:
            names = [
                n
                for n in zf.namelist()
                if re.search(wanted, n, re.IGNORECASE)
                and not _CHANGE_LIST.search(n)
                and "readme" not in n.lower()
            ]
            if len(names) != 1:
                found = ", ".join(names) or "none"
                raise CodesetFileError(
                    path, f"zip must hold exactly one {kind} list text file (found: {found})"
                )
            return [decode(zf.read(names[0]), f"{path}!{names[0]}")]
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CodesetFileError(path, f"damaged zip file: {exc}") from exc


def _records(source: SourceText) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header names (lower case, ``_`` for spaces) and the numbered data records."""
    text = source.text.lstrip("\ufeff")
    first = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter="\t" if "\t" in first else ",")
    header: list[str] = []
    records: list[tuple[int, list[str]]] = []
    for record in reader:
        if not header:
            header = [re.sub(r"[\s-]+", "_", h.strip().lower()) for h in record]
            if not any(header):
                header = []
            continue
        if any(c.strip() for c in record):
            records.append((reader.line_num, [c.strip() for c in record]))
    if not header:
        raise CodesetFileError(source.name, "empty file", line=1)
    if not records:
        raise CodesetFileError(source.name, "no rows after the header", line=2)
    return header, records


def _column(header: list[str], name: str, label: str, *patterns: str, required: bool = True) -> int:
    for pattern in patterns:
        for i, h in enumerate(header):
            if re.fullmatch(pattern, h):
                return i
    if required:
        raise CodesetFileError(name, f"no {label} column in the header", line=1)
    return -1


def _field(record: list[str], i: int, name: str, line: int, width: int) -> str:
    if len(record) != width:
        raise CodesetFileError(name, f"expected {width} fields, found {len(record)}", line=line)
    return record[i] if i >= 0 else ""


def _dx_code(text: str, name: str, line: int) -> str:
    if not well_formed(text):
        raise CodesetFileError(name, f"bad ICD-10-CM code {text!r}", line=line)
    return normalize(text)


def read_poa(source: SourceText) -> dict[str, str]:
    """Dotless code -> title from a POA-exempt list."""
    header, records = _records(source)
    code_at = _column(header, source.name, "code", r".*code.*")
    desc_at = _column(header, source.name, "description", r"desc.*", required=False)
    codes: dict[str, str] = {}
    for line, record in records:
        code = _dx_code(_field(record, code_at, source.name, line, len(header)), source.name, line)
        if code in codes:
            raise CodesetFileError(source.name, f"code {dotted(code)} is listed twice", line=line)
        codes[code] = record[desc_at] if desc_at >= 0 else ""
    return codes


def read_hac(
    source: SourceText,
) -> tuple[list[HacCategory], dict[str, list[int]], dict[int, list[str]]]:
    """Categories, dotless diagnosis code -> HAC numbers, HAC number -> procedure codes."""
    name = source.name
    header, records = _records(source)
    cols = [
        _column(header, name, "HAC number", r"hac(_number|_no)?", r"number"),
        _column(header, name, "HAC category", r"(hac_)?category", r"hac_name", r"name"),
        _column(header, name, "code", r"code", r"icd.*code"),
        _column(header, name, "code type", r"code_type", r"type"),
        _column(header, name, "criterion", r"(poa_)?criteri(on|a)", required=False),
    ]
    names: dict[int, str] = {}
    notes: dict[int, str] = {}
    dx: dict[str, list[int]] = {}
    pcs: dict[int, list[str]] = {}
    for line, record in records:
        number_text, category, code_text, kind_text, criterion = (
            _field(record, i, name, line, len(header)) for i in cols
        )
        if not number_text.isdigit() or not 1 <= int(number_text) <= 99:
            raise CodesetFileError(name, f"bad HAC number {number_text!r}", line=line)
        number = int(number_text)
        if not category:
            raise CodesetFileError(name, f"HAC {number:02d} has no category name", line=line)
        if names.setdefault(number, category) != category:
            raise CodesetFileError(
                name,
                f"HAC {number:02d} is named both {names[number]!r} and {category!r}",
                line=line,
            )
        code_type = kind_text.lower()
        if code_type in ("dx", "diagnosis", "icd-10-cm"):
            code = _dx_code(code_text, name, line)
            if number not in dx.setdefault(code, []):
                dx[code].append(number)
            if criterion and number not in notes:
                notes[number] = criterion
        elif code_type in ("pcs", "pr", "procedure", "icd-10-pcs"):
            if not _PCS_RE.match(code_text.upper()):
                raise CodesetFileError(name, f"bad ICD-10-PCS code {code_text!r}", line=line)
            pcs.setdefault(number, []).append(code_text.upper())
        else:
            raise CodesetFileError(
                name, f"code type must be dx or pcs, found {kind_text!r}", line=line
            )
    categories = [
        HacCategory(
            n, names[n], n in pcs or "procedure" in notes.get(n, "").lower(), notes.get(n, "")
        )
        for n in sorted(names)
    ]
    return categories, dx, pcs


def parse(path: Path, options: ImportOptions, kind: str) -> ParsedRelease:
    """Read a POA-exempt list or a HAC list (text, CSV, or the zip holding it)."""
    if kind not in KINDS:
        raise UsageError(f"{__name__} does not read {kind!r}")
    if _CHANGE_LIST.search(path.name):
        raise UsageError(
            f"{path.name} is a list of changes, not the {kind} list itself; "
            "import the whole list (e.g. POAexemptCodesFY26.txt)"
        )
    source = _members(path, kind)[0]
    payload: Any
    if kind == POA:
        payload = read_poa(source)
        rows = len(payload)
    else:
        payload = read_hac(source)
        rows = len(payload[1]) + sum(len(v) for v in payload[2].values())
    start, end, label = resolve_window(
        options,
        [Path(source.name).name, path.name],
        "POA-exempt" if kind == POA else "HAC",
        split=False,
    )
    notes = "" if rows >= FULL_MIN_ROWS[kind] else f"only {rows} codes: looks like a sample"
    completeness = completeness_option(options, partial=bool(notes))
    title = "POA-exempt codes" if kind == POA else "HAC list"
    return ParsedRelease(
        kind=kind,
        name=options.name or f"{title} {label or start.isoformat()} ({path.name})",
        version=options.version or label or start.isoformat(),
        effective_from=start,
        effective_to=end,
        source=path.name,
        sha256=sha256_file(path),
        row_count=rows,
        completeness=completeness,
        payload=payload,
        notes=notes,
    )


# -- storage and bundled fixtures ------------------------------------------------------------


def write(parsed: ParsedRelease, dest: Path) -> None:
    """Store the list as JSON."""
    if parsed.kind == POA:
        write_payload(dest, {"codes": parsed.payload})
        return
    categories, dx, pcs = parsed.payload
    write_payload(
        dest,
        {
            "categories": [[c.number, c.name, c.needs_procedure, c.note] for c in categories],
            "dx": dx,
            "pcs": {str(n): codes for n, codes in pcs.items()},
        },
    )


def open_table(data_dir: Path, release: Release) -> PoaExemptTable | HacTable:
    """Open a stored list."""
    data: dict[str, Any] = read_payload(data_dir)
    if release.kind == POA:
        return PoaExemptTable(data["codes"])
    categories = [
        HacCategory(int(n), name, bool(need), note) for n, name, need, note in data["categories"]
    ]
    return HacTable(categories, data["dx"], {int(n): c for n, c in data["pcs"].items()})


def bundled() -> list[BundledSource]:
    """Small FY2026 samples of real rows (fixtures: an absence in them proves nothing)."""
    sources: list[BundledSource] = []
    for kind, (folder, file) in FIXTURES.items():
        path = package_data(folder, file)
        if path.exists():
            sources.append(
                BundledSource(
                    kind=kind,
                    key=f"{kind}-fixture-FY2026",
                    sha256=sha256_file(path),
                    build=functools.partial(_fixture, path, kind),
                )
            )
    return sources


def _fixture(path: Path, kind: str) -> ParsedRelease:
    options = ImportOptions(
        effective_from=dt.date(2025, 10, 1),
        effective_to=dt.date(2026, 9, 30),
        completeness="fixture",
    )
    parsed = parse(path, options, kind)
    what = "POA-exempt codes" if kind == POA else "HAC list"
    parsed.name = f"{what} FY2026 (cleanclaim sample of real rows)"
    parsed.version = "FY2026-sample"
    parsed.notes = "a few real rows for tests and demos; an absent code proves nothing"
    return parsed


# -- facades ---------------------------------------------------------------------------------


def poa_exempt(view: CodesetView, code: str) -> Answer[bool]:
    """Whether ``code`` is exempt from POA reporting on the view's date."""
    return view.ask(POA, lambda table: cast(PoaExemptTable, table).is_exempt(code))


def hac_categories(view: CodesetView, code: str) -> Answer[list[HacCategory]]:
    """The HAC categories ``code`` belongs to on the view's date (empty list when none)."""
    return view.ask(HAC, lambda table: cast(HacTable, table).categories_for(code))
