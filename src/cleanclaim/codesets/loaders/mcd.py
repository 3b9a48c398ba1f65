"""Medicare Coverage Database downloads: LCD articles (kind ``mcd-lcd``) and NCDs (kind ``ncd``).

Both kinds become a list of coverage *policies*: the procedures each governs, the ICD-10-CM
codes it lists as covered and as not covered (or not supporting medical necessity), its
dates and, for local policies, the contractors whose jurisdiction it binds.

``mcd-lcd`` reads CMS's "current article" download (``current_article.zip`` holding
``current_article_csv.zip``, or the inner zip); ``ncd`` reads a lab NCD code list
(``lab_ncd_codes.csv``, cleanclaim's transcription of CMS's NCD Coding Policy Manual) with,
optionally, ``ncd_trkg.csv`` from the MCD NCD download. docs/codesets/mcd.md has the
layouts, the windows and the jurisdiction table.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import re
import zipfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, cast

from cleanclaim.codesets.kinds import BundledSource, ImportOptions
from cleanclaim.codesets.loaders._common import (
    SourceText,
    package_data,
    quarter_window,
    read_payload,
    require_window,
    sha256_file,
    write_payload,
)
from cleanclaim.codesets.loaders._icd10cm_xml import (
    completeness_option,
    decode,
    normalize,
    well_formed,
)
from cleanclaim.codesets.model import Answer, ParsedRelease, Release
from cleanclaim.errors import CodesetFileError, UsageError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from cleanclaim.codesets.view import CodesetView

MCD_LCD, NCD = "mcd-lcd", "ncd"
KINDS = (MCD_LCD, NCD)
FULL_MIN_ROWS = {MCD_LCD: 100_000, NCD: 5_000}
"""Fewer code rows than this and an import is read as partial (the article download holds
about 430,000 covered-code rows)."""
FIXTURE_WINDOWS = {
    MCD_LCD: (dt.date(2025, 8, 7), dt.date(2026, 9, 30)),
    NCD: (dt.date(2025, 10, 1), dt.date(2026, 9, 30)),
}
_JURISDICTIONS = (
    "JE:01 JF:02,03 JH:04,07 J05:05 J06:06 J08:08 JN:09 JJ:10 JM:11 JL:12 JK:13,14 J15:15 "
    "JA:16 JB:17 JC:18 JD:19"
)
JURISDICTION_PREFIXES: dict[str, tuple[str, ...]] = {
    name: tuple(prefixes.split(","))
    for name, prefixes in (i.split(":") for i in _JURISDICTIONS.split())
}
"""MAC jurisdiction -> first two digits of its contractor numbers (docs/codesets/mcd.md)."""
_LISTS = {"hcpcs": "procedures", "covered": "covered", "noncovered": "noncovered"}
_LISTS["denied"] = "noncovered"
_SETS = ("contractors", "lcds", "procedures", "covered", "noncovered")


@dataclass(frozen=True)
class Policy:
    """One coverage policy version: an NCD, or an LCD billing and coding article."""

    key: str
    """``NCD 190.21`` or ``A56798``."""
    title: str
    version: str
    start: dt.date | None
    end: dt.date | None
    contractors: tuple[str, ...] = ()
    """Contractor numbers (``15101``) whose jurisdiction an article binds; empty for NCDs."""
    lcds: tuple[str, ...] = ()
    procedures: frozenset[str] = frozenset()
    covered: frozenset[str] = frozenset()
    noncovered: frozenset[str] = frozenset()
    """Dotless ICD-10-CM codes, or ranges written ``LO-HI``."""

    @property
    def label(self) -> str:
        """How findings cite it: ``NCD 190.21 (Lipid Testing)``, ``LCD article A56798 (...)``."""
        kind = "" if self.key.startswith("NCD") else "LCD article "
        detail = "; ".join(p for p in (self.title, *(f"LCD {x}" for x in self.lcds)) if p)
        return f"{kind}{self.key}" + (f" ({detail})" if detail else "")

    def in_force(self, day: dt.date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day <= self.end)

    def judge(self, diagnoses: Sequence[str]) -> str:
        """``covered`` (a diagnosis is listed as covered), ``noncovered`` (every diagnosis is
        listed as not covered), ``unlisted`` (the policy lists covered codes and none of the
        diagnoses is among them) or ``open`` (the policy says nothing about them)."""
        dx = [normalize(d) for d in diagnoses if d.strip()]
        if any(_listed(d, self.covered) for d in dx):
            return "covered"
        if dx and all(_listed(d, self.noncovered) for d in dx):
            return "noncovered"
        return "unlisted" if self.covered else "open"

    def to_json(self) -> dict[str, Any]:
        data = asdict(self) | {n: sorted(getattr(self, n)) for n in _SETS}
        return data | {n: d.isoformat() if (d := data[n]) else None for n in ("start", "end")}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Policy:
        dates = {n: dt.date.fromisoformat(v) if (v := data[n]) else None for n in ("start", "end")}
        sets = {n: (tuple if n in _SETS[:2] else frozenset)(data[n]) for n in _SETS}
        return cls(**(data | dates | sets))


def _listed(code: str, codes: frozenset[str]) -> bool:
    return code in codes or any(lo <= code <= hi for lo, hi in _ranges(codes))


@functools.lru_cache(maxsize=4096)
def _ranges(codes: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """The ``LO-HI`` items of a list, the upper bound padded so that its children match."""
    pairs = (item.split("-", 1) for item in codes if "-" in item)
    return tuple((lo, hi.ljust(7, "Z")) for lo, hi in pairs)


class CoverageTable:
    """The policies of one release, indexed by procedure code."""

    def __init__(self, policies: list[Policy]) -> None:
        self.policies = policies
        self._by_code: dict[str, list[Policy]] = {}
        for policy in policies:
            for code in policy.procedures:
                self._by_code.setdefault(code, []).append(policy)

    def __len__(self) -> int:
        return len(self.policies)

    def governing(
        self, procedure: str, day: dt.date, prefixes: tuple[str, ...] | None = None
    ) -> list[Policy]:
        """Policies in force on ``day`` that list ``procedure`` (latest version of each); with
        ``prefixes``, only articles of a contractor whose number starts with one of them."""
        best: dict[str, Policy] = {}
        for policy in self._by_code.get(procedure.strip().upper(), ()):
            if not policy.in_force(day) or (
                prefixes is not None
                and not any(c.startswith(p) for c in policy.contractors for p in prefixes)
            ):
                continue
            held = best.get(policy.key)
            if held is None or _num(policy.version) > _num(held.version):
                best[policy.key] = policy
        return [best[k] for k in sorted(best)]


def _num(version: str) -> int:
    return int(version) if version.isdigit() else -1


def contractor_prefixes(jurisdiction: str) -> tuple[str, ...] | None:
    """Contractor-number prefixes of a MAC jurisdiction (``JH``, ``J-H``, ``J15``, ``J - 06``)
    or a contractor number itself (``15202``); ``None`` when it is not recognised."""
    text = re.sub(r"[\s_-]", "", jurisdiction.upper())
    if re.fullmatch(r"\d{5}", text):
        return (text,)
    if (match := re.fullmatch(r"J(\d{1,2}|[A-Z])", text)) is None:
        return None
    part = match.group(1)
    return JURISDICTION_PREFIXES.get("J" + (part.zfill(2) if part.isdigit() else part))


# -- reading -------------------------------------------------------------------------------


class _Row(dict[str, str]):
    """One CSV record (lower-case column names) that knows where it came from."""

    def __init__(self, values: dict[str, str], name: str, line: int) -> None:
        super().__init__(values)
        self.name, self.line = name, line

    def fail(self, reason: str) -> NoReturn:
        raise CodesetFileError(self.name, reason, line=self.line)

    def id(self, column: str) -> str:
        if not (value := self[column]).isdigit():
            self.fail(f"bad {column} {value!r}")
        return value

    def key(self) -> tuple[str, str]:
        return self.id("article_id"), self["article_version"]

    def date(self, column: str) -> dt.date | None:
        if not (text := self.get(column, "")):
            return None
        try:
            if re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", text):
                month, day, year = (int(p) for p in text.split("/"))
                return dt.date(year, month, day)
            return dt.datetime.fromisoformat(text).date()
        except ValueError:
            self.fail(f"bad date {text!r} (expected YYYY-MM-DD or MM/DD/YYYY)")

    def code(self, column: str, procedure: bool) -> str:
        text = self[column]
        if procedure:
            if not re.fullmatch(r"[0-9A-Z]{5}", text.upper()):
                self.fail(f"bad HCPCS/CPT code {text!r}")
            return text.upper()
        parts = [p.strip() for p in text.split("-")]
        if len(parts) > 2 or not all(well_formed(p) for p in parts):
            self.fail(f"bad ICD-10-CM code {text!r}")
        return "-".join(normalize(p) for p in parts)


def _sources(path: Path) -> dict[str, SourceText]:
    """CSV members by lower-case base name: of a folder, a (nested) zip, or one CSV file."""
    found: dict[str, SourceText] = {}
    if path.is_dir():
        return {m.name.lower(): decode(m.read_bytes(), str(m)) for m in sorted(path.glob("*.csv"))}
    if not zipfile.is_zipfile(path):
        if path.suffix.lower() == ".zip":
            raise CodesetFileError(path, "not a readable zip file (damaged or truncated?)")
        return {path.name.lower(): decode(path.read_bytes(), str(path))}

    def walk(zf: zipfile.ZipFile, where: str) -> None:
        for name in zf.namelist():
            base = name.rsplit("/", 1)[-1].lower()
            if base.endswith(".zip"):
                with zipfile.ZipFile(io.BytesIO(zf.read(name))) as inner:
                    walk(inner, f"{where}!{name}")
            elif base.endswith(".csv"):
                found[base] = decode(zf.read(name), f"{where}!{name}")

    try:
        with zipfile.ZipFile(path) as zf:
            walk(zf, str(path))
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise CodesetFileError(path, f"damaged zip file: {exc}") from exc
    return found


def _rows(source: SourceText | None, *required: str) -> list[_Row]:
    """The records of a table (none for a missing optional table); every row is checked."""
    if source is None:
        return []
    reader = csv.reader(io.StringIO(source.text.lstrip("\ufeff"), newline=""))
    header: list[str] = []
    out: list[_Row] = []
    start = 1
    for record in reader:
        row = _Row({}, source.name, start)
        if not header:
            header = [h.strip().lower() for h in record]
            if missing := [c for c in required if c not in header]:
                row.fail(f"no {', '.join(missing)} column in the header")
        elif any(cell.strip() for cell in record):
            if len(record) != len(header):
                row.fail(f"expected {len(header)} fields, found {len(record)}")
            row.update(zip(header, (c.strip() for c in record), strict=True))
            out.append(row)
        start = reader.line_num + 1
    if not header:
        raise CodesetFileError(source.name, "empty file", line=1)
    return out


def _need(tables: dict[str, SourceText], name: str, what: str) -> SourceText:
    if name not in tables:
        where = next(iter(tables.values())).name if tables else what
        found = ", ".join(sorted(tables)) or "no CSV files"
        raise CodesetFileError(where, f"{what} needs {name} (found: {found})")
    return tables[name]


def read_articles(tables: dict[str, SourceText]) -> tuple[list[Policy], int]:
    """Policies of an article download, and its number of code rows."""
    what = "an MCD article download"
    docs: dict[tuple[str, str], dict[str, Any]] = {}
    for row in _rows(
        _need(tables, "article.csv", what),
        "article_id",
        "article_version",
        "title",
        "article_eff_date",
    ):
        ends = [row.date(c) for c in ("article_end_date", "article_rev_end_date", "date_retired")]
        shown = row.get("display_id") or ""
        docs[row.key()] = {
            "key": shown if shown[:1].isalpha() else f"A{row.key()[0]}",
            "title": row["title"],
            "version": row["article_version"],
            "start": row.date("article_eff_date"),
            "end": min(filter(None, ends), default=None),
        } | {name: set() for name in _SETS}

    def doc(row: _Row) -> dict[str, Any]:
        if row.key() not in docs:
            row.fail(f"article {row.key()[0]} version {row.key()[1] or '?'} is not in article.csv")
        return docs[row.key()]

    rows = 0
    for file, column, kind in (
        ("article_x_hcpc_code.csv", "hcpc_code_id", "procedures"),
        ("article_x_icd10_covered.csv", "icd10_code_id", "covered"),
        ("article_x_icd10_noncovered.csv", "icd10_code_id", "noncovered"),
    ):
        src = tables.get(file) if kind == "noncovered" else _need(tables, file, what)
        for row in _rows(src, "article_id", "article_version", column):
            doc(row)[kind].add(row.code(column, kind == "procedures"))
            rows += 1
    contractors = {
        (row.id("contractor_id"), row["contractor_version"]): row["contractor_number"]
        for row in _rows(
            _need(tables, "contractor.csv", what),
            "contractor_id",
            "contractor_version",
            "contractor_number",
        )
    }

    def number(row: _Row) -> str:
        key = (row.id("contractor_id"), row["contractor_version"])
        if key not in contractors:
            row.fail(f"contractor {key[0]} version {key[1]} is not in contractor.csv")
        return contractors[key]

    link = _need(tables, "article_x_contractor.csv", what)
    for row in _rows(link, "article_id", "article_version", "contractor_id", "contractor_version"):
        doc(row)["contractors"].add(number(row))
    related = tables.get("article_related_documents.csv")
    for row in _rows(related, "article_id", "article_version", "r_lcd_id"):
        if row["r_lcd_id"]:
            doc(row)["lcds"].add(row.id("r_lcd_id"))
    names = {
        row.id("lcd_id"): shown if (shown := row.get("display_id", ""))[:1].isalpha() else ""
        for row in _rows(tables.get("lcd.csv"), "lcd_id")
    }
    by_lcd: dict[str, set[str]] = {}
    lcd_link = tables.get("lcd_x_contractor.csv")
    for row in _rows(lcd_link, "lcd_id", "contractor_id", "contractor_version"):
        by_lcd.setdefault(row.id("lcd_id"), set()).add(number(row))
    for data in docs.values():
        data["contractors"] = data["contractors"] or {
            n for lcd in data["lcds"] for n in by_lcd.get(lcd, ())
        }
        data["lcds"] = {names.get(lcd) or f"L{lcd}" for lcd in data["lcds"]}
    return [_policy(data) for data in docs.values()], rows


def _policy(data: dict[str, Any]) -> Policy:
    return Policy(
        **data | {n: (tuple if n in _SETS[:2] else frozenset)(sorted(data[n])) for n in _SETS}
    )


def read_ncds(tables: dict[str, SourceText]) -> tuple[list[Policy], int]:
    """Policies of a lab NCD code list (plus ``ncd_trkg.csv`` when given)."""
    others = [n for n in tables if not n.startswith("ncd_")]
    if "lab_ncd_codes.csv" not in tables and len(others) == 1:
        tables = {**tables, "lab_ncd_codes.csv": tables[others[0]]}
    lists: dict[str, dict[str, set[str]]] = {}
    rows = 0
    src = _need(tables, "lab_ncd_codes.csv", "an NCD code list")
    for row in _rows(src, "ncd_mnl_sect", "list", "code"):
        section, kind = row["ncd_mnl_sect"], row["list"].lower()
        if not re.fullmatch(r"\d{2,3}(\.\d+)*[A-Z]?", section):
            row.fail(f"bad NCD manual section {section!r}")
        if kind not in _LISTS:
            row.fail(f"list must be hcpcs, covered, noncovered or denied, found {row['list']!r}")
        code = row.code("code", kind == "hcpcs")
        lists.setdefault(section, {v: set() for v in _LISTS.values()})[_LISTS[kind]].add(code)
        rows += 1
    versions: dict[str, list[dict[str, Any]]] = {}
    trkg = ("ncd_vrsn_num", "ncd_mnl_sect", "ncd_mnl_sect_title", "ncd_efctv_dt", "ncd_trmntn_dt")
    for row in _rows(tables.get("ncd_trkg.csv"), *trkg):
        start, end, title = row.date("ncd_efctv_dt"), row.date("ncd_trmntn_dt"), row[trkg[2]]
        if "RETIRED" in title.upper() or (start and end and end < start):
            end = dt.date.min  # retired: never in force
        versions.setdefault(row["ncd_mnl_sect"], []).append(
            {"title": title, "version": row["ncd_vrsn_num"], "start": start, "end": end}
        )
    unknown = [{"title": "", "version": "", "start": None, "end": None}]
    return [
        _policy({"key": f"NCD {section}", "contractors": (), "lcds": (), **codes, **version})
        for section, codes in sorted(lists.items())
        for version in versions.get(section, unknown)
    ], rows


def _window(options: ImportOptions, name: str) -> tuple[dt.date, dt.date | None]:
    if options.effective_from is not None:
        return require_window(options.effective_from, options.effective_to, "MCD")
    if m := re.search(r"(20\d{2})-?([01]\d)-?([0-3]\d)(?!\d)", name):
        return require_window(dt.date(*(int(g) for g in m.groups())), options.effective_to, "MCD")
    if m := re.search(r"(20\d{2})[ _-]?q([1-4])|q([1-4])[ _-]?(20\d{2})", name, re.IGNORECASE):
        year, quarter = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        start, end = quarter_window(int(year), int(quarter))
        return require_window(start, options.effective_to or end, "MCD")
    return require_window(None, None, "MCD")


def _sha256(path: Path) -> str:
    if not path.is_dir():
        return sha256_file(path)
    digest = hashlib.sha256()
    for member in sorted(path.glob("*.csv")):
        digest.update(member.name.encode() + b"\0" + member.read_bytes())
    return digest.hexdigest()


def parse(path: Path, options: ImportOptions, kind: str) -> ParsedRelease:
    """Read an MCD article download (``mcd-lcd``) or a lab NCD code list (``ncd``)."""
    if kind not in KINDS:
        raise UsageError(f"{__name__} does not read {kind!r}")
    tables = _sources(path)
    policies, rows = (read_articles if kind == MCD_LCD else read_ncds)(tables)
    start, end = _window(options, path.name)
    notes = "" if rows >= FULL_MIN_ROWS[kind] else f"only {rows} code rows: looks like a sample"
    what = "LCD articles" if kind == MCD_LCD else "NCD code lists"
    return ParsedRelease(
        kind=kind,
        name=options.name or f"MCD {what} {start.isoformat()} ({path.name})",
        version=options.version or start.isoformat(),
        effective_from=start,
        effective_to=end,
        source=path.name,
        sha256=_sha256(path),
        row_count=rows,
        completeness=completeness_option(options, partial=bool(notes)),
        payload=policies,
        notes=notes,
    )


def write(parsed: ParsedRelease, dest: Path) -> None:
    write_payload(dest, {"policies": [p.to_json() for p in parsed.payload]})


def open_table(data_dir: Path, release: Release) -> CoverageTable:
    data: dict[str, Any] = read_payload(data_dir)
    return CoverageTable([Policy.from_json(p) for p in data["policies"]])


def bundled() -> list[BundledSource]:
    """Small samples of real policies (fixtures: an absence in them proves nothing)."""
    return [
        BundledSource(
            kind, f"{kind}-fixture", _sha256(folder), functools.partial(_fixture, folder, kind)
        )
        for kind in KINDS
        if (folder := package_data(kind)).is_dir()
    ]


def _fixture(folder: Path, kind: str) -> ParsedRelease:
    start, end = FIXTURE_WINDOWS[kind]
    parsed = parse(folder, ImportOptions(start, end, completeness="fixture"), kind)
    what = "LCD articles" if kind == MCD_LCD else "lab NCD code lists"
    parsed.name = f"MCD {what} (cleanclaim sample of real rows)"
    parsed.version = "sample"
    parsed.notes = "a few real policies for tests and demos; an absent code proves nothing"
    return parsed


# -- facades ---------------------------------------------------------------------------------


def ncd_policies(view: CodesetView, procedure: str) -> Answer[list[Policy]]:
    """NCDs in force on the view's date that govern ``procedure``."""
    return view.ask(NCD, lambda t: cast(CoverageTable, t).governing(procedure, view.on))


def lcd_policies(view: CodesetView, procedure: str, jurisdiction: str) -> Answer[list[Policy]]:
    """LCD articles in force on the view's date, of the jurisdiction's contractors, that
    govern ``procedure``. An unknown jurisdiction is a usage error."""
    if (prefixes := contractor_prefixes(jurisdiction)) is None:
        raise UsageError(
            f"unknown MAC jurisdiction {jurisdiction!r}; use e.g. JH, JL, J15 or a "
            "five-digit contractor number"
        )
    return view.ask(
        MCD_LCD, lambda t: cast(CoverageTable, t).governing(procedure, view.on, prefixes)
    )
