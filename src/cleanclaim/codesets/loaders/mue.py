"""Medically Unlikely Edits (MUE): practitioner, outpatient hospital and DME supplier tables.

Kinds ``mue-practitioner``, ``mue-hospital`` and ``mue-dme``. CMS publishes each table
quarterly as ``MCR_MUE_<Setting>Services_Eff_MM-DD-YYYY.csv`` (and ``.xlsx``), usually in a
zip. The CSV opens with a quoted, multi-line copyright cell, then the header::

    "HCPCS/
    CPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator","MUE Rationale"
    0001U,1,"2 Date of Service Edit: Policy","Code Descriptor / CPT Instruction"

The first character of the adjudication indicator text is the MAI: 1 line edit, 2 date of
service edit (policy), 3 date of service edit (clinical). Rows carry no dates: the file's
``Eff_`` date starts the release, which runs to the end of that calendar quarter.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from cleanclaim.codesets.kinds import BundledSource, ImportOptions
from cleanclaim.codesets.loaders._common import (
    package_data,
    read_payload,
    require_window,
    sha256_file,
    write_payload,
)
from cleanclaim.codesets.loaders.ncci_ptp import read_texts
from cleanclaim.codesets.model import Answer, Completeness, ParsedRelease, Release
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

__all__ = ["KINDS", "MueLimit", "MueTable", "mue_limit", "open_table", "parse", "write"]

KINDS: dict[str, str] = {
    "mue-practitioner": "Practitioner",
    "mue-hospital": "Outpatient Hospital",
    "mue-dme": "DME Supplier",
}
"""Kind slug -> the setting named in the file's value column and file name."""

_LABEL = {
    "mue-practitioner": "practitioner",
    "mue-hospital": "outpatient hospital",
    "mue-dme": "DME supplier",
}
_FILE_SETTING = {
    "mue-practitioner": "Practitioner",
    "mue-hospital": "OutpatientHospital",
    "mue-dme": "DMESupplier",
}
_FIXTURES = {
    "mue-practitioner": "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv",
    "mue-hospital": "MCR_MUE_OutpatientHospitalServices_Eff_07-01-2026.csv",
    "mue-dme": "MCR_MUE_DMESupplierServices_Eff_07-01-2026.csv",
}
_EFF_RE = re.compile(r"_Eff_(\d{2})-(\d{2})-(\d{4})", re.IGNORECASE)
_NAME_SETTING_RE = re.compile(r"MCR_MUE_(\w+?)Services", re.IGNORECASE)
_CODE_RE = re.compile(r"[0-9A-Z]{5}")
_HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class MueLimit:
    """The most units of ``code`` normally reported per line (MAI 1) or per day (MAI 2, 3)."""

    code: str
    max_units: int
    mai: int
    rationale: str

    @property
    def per_date_of_service(self) -> bool:
        """MAI 2 and 3 sum the units of every line of the code on the date of service."""
        return self.mai in (2, 3)


class MueTable:
    """Lookups in one MUE release."""

    def __init__(self, limits: list[MueLimit]) -> None:
        self._by_code = {limit.code: limit for limit in limits}

    def get(self, code: str) -> MueLimit | None:
        """The MUE of ``code``, if the table lists one (a confidential MUE is not listed)."""
        return self._by_code.get(code.strip().upper())

    def __len__(self) -> int:
        return len(self._by_code)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


def _columns(header: list[str], kind: str, name: str, line: int) -> dict[str, int]:
    names = [_squash(h) for h in header]
    wanted = {
        "code": "hcpcs/cptcode",
        "value": _squash(f"{KINDS[kind]} Services MUE Values"),
        "mai": "mueadjudicationindicator",
        "rationale": "muerationale",
    }
    if wanted["value"] not in names:
        other = next(
            (k for k, s in KINDS.items() if _squash(f"{s} Services MUE Values") in names), None
        )
        if other is not None and other != kind:
            raise UsageError(f"{name}: this is the {KINDS[other]} MUE table; import it as {other}")
    found: dict[str, int] = {}
    for key, label in wanted.items():
        if label not in names:
            raise CodesetFileError(name, f"missing column {label!r} in the header", line=line)
        found[key] = names.index(label)
    return found


def _parse_csv(name: str, text: str, kind: str) -> list[MueLimit]:
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
    header: list[str] | None = None
    try:
        for _ in range(_HEADER_SEARCH_ROWS):
            record = next(reader, None)
            if record is None:
                break
            if record and _squash(record[0]).startswith("hcpcs"):
                header = record
                break
        if header is None:
            raise CodesetFileError(
                name, "not an MUE file: no header row starting 'HCPCS/CPT Code'", line=1
            )
        cols = _columns(header, kind, name, reader.line_num)
        width = max(cols.values()) + 1
        limits: list[MueLimit] = []
        seen: dict[str, int] = {}
        for record in reader:
            line = reader.line_num
            if not "".join(record).strip():
                continue
            if len(record) < width:
                raise CodesetFileError(
                    name, f"expected {len(header)} fields, found {len(record)}", line=line
                )
            limits.append(_limit(record, cols, name, line, seen))
    except csv.Error as exc:
        raise CodesetFileError(name, f"malformed CSV: {exc}", line=reader.line_num) from None
    if not limits:
        raise CodesetFileError(name, "no MUE rows after the header", line=reader.line_num)
    return limits


def _limit(
    record: list[str], cols: dict[str, int], name: str, line: int, seen: dict[str, int]
) -> MueLimit:
    code = record[cols["code"]].strip().upper()
    if not _CODE_RE.fullmatch(code):
        raise CodesetFileError(name, f"bad code {record[cols['code']]!r}", line=line)
    if code in seen:
        raise CodesetFileError(
            name, f"code {code} appears twice (first at line {seen[code]})", line=line
        )
    seen[code] = line
    value = record[cols["value"]].strip()
    if not value.isdigit():
        raise CodesetFileError(
            name, f"bad MUE value {value!r} (expected a whole number)", line=line
        )
    mai_text = record[cols["mai"]].strip()
    if not mai_text or mai_text[0] not in "123" or (mai_text[1:2].isdigit()):
        raise CodesetFileError(
            name,
            f"bad MUE adjudication indicator {mai_text!r} (expected text starting 1, 2 or 3)",
            line=line,
        )
    return MueLimit(code, int(value), int(mai_text[0]), record[cols["rationale"]].strip())


def _table_texts(path: Path, kind: str) -> list[tuple[str, str]]:
    texts = read_texts(path, ".txt" if path.suffix.lower() == ".txt" else ".csv")
    if len(texts) == 1:
        return texts
    wanted = [
        (n, t)
        for n, t in texts
        if _FILE_SETTING[kind].lower() in n.lower() and "change" not in n.lower()
    ]
    if len(wanted) != 1:
        listed = ", ".join(n.rsplit("!", 1)[-1] for n, _ in texts)
        raise UsageError(
            f"{path.name}: cannot tell which CSV is the {KINDS[kind]} MUE table "
            f"({listed}); import that CSV itself"
        )
    return wanted


def effective_date_of(name: str) -> dt.date | None:
    """The ``Eff_MM-DD-YYYY`` date of a CMS MUE file name."""
    match = _EFF_RE.search(name)
    if match is None:
        return None
    try:
        return dt.date(int(match.group(3)), int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None


def parse(path: Path, options: ImportOptions, kind: str) -> ParsedRelease:
    """Read one MUE table (CSV or the CMS zip holding it)."""
    if kind not in KINDS:
        raise UsageError(f"{kind!r} is not an MUE kind ({', '.join(KINDS)})")
    ((name, text),) = _table_texts(path, kind)
    base = Path(name.rsplit("!", 1)[-1]).name
    stated = _NAME_SETTING_RE.search(base)
    if stated and stated.group(1).lower() != _FILE_SETTING[kind].lower():
        other = next(
            (k for k, s in _FILE_SETTING.items() if s.lower() == stated.group(1).lower()), None
        )
        if other:
            raise UsageError(f"{base} is the {KINDS[other]} MUE table; import it as {other}")
    limits = _parse_csv(name, text, kind)
    eff = effective_date_of(base) or effective_date_of(path.name)
    if options.effective_from is not None or eff is None:
        start, end = require_window(options.effective_from, options.effective_to, "MUE")
    else:
        quarter_end_month = ((eff.month - 1) // 3) * 3 + 3
        next_month = dt.date(eff.year + quarter_end_month // 12, quarter_end_month % 12 + 1, 1)
        start, end = eff, next_month - dt.timedelta(days=1)
    try:
        completeness = Completeness(options.completeness or "full")
    except ValueError:
        raise UsageError(f"unknown completeness {options.completeness!r}") from None
    return ParsedRelease(
        kind=kind,
        name=options.name or f"MUE, {_LABEL[kind]} services, effective {start.isoformat()}",
        version=options.version or start.isoformat(),
        effective_from=start,
        effective_to=end,
        source=path.name,
        sha256=sha256_file(path),
        row_count=len(limits),
        completeness=completeness,
        payload=limits,
    )


def write(parsed: ParsedRelease, dest: Path) -> None:
    """Store the limits as compact JSON."""
    limits: list[MueLimit] = parsed.payload
    write_payload(dest, [[m.code, m.max_units, m.mai, m.rationale] for m in limits])


def open_table(data_dir: Path, release: Release) -> MueTable:
    """Load a stored table (about 15,000 rows: a few milliseconds)."""
    raw: list[list[Any]] = read_payload(data_dir)
    return MueTable([MueLimit(code, units, mai, why) for code, units, mai, why in raw])


def bundled() -> list[BundledSource]:
    """One fixture release per MUE kind."""
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


def mue_limit(view: CodesetView, kind: str, code: str) -> Answer[MueLimit]:
    """The MUE of ``code`` in force on the view's date (``None`` if none is published)."""
    if kind not in KINDS:
        raise UsageError(f"{kind!r} is not an MUE kind ({', '.join(KINDS)})")
    return view.ask(kind, lambda table: table.get(code))
