"""The catalogue of code-set kinds.

Each kind has a slug (used on the command line and in JSON), a cadence, and the module
that reads its official format. Modules are imported only when a kind is used.

A kind module exposes:

``parse(path, options) -> ParsedRelease``
    Read an official file (or zip) and return release metadata plus a payload.
``write(parsed, dest) -> None``
    Write the payload into the release's data directory, once, at import.
``open_table(data_dir) -> table``
    Open a release's data directory for lookups (lazily, no parsing of the source file).
``bundled() -> list[BundledSource]``
    Optional: releases shipped with the package (fixtures, curated lists, package data).
"""

from __future__ import annotations

import datetime as dt
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from cleanclaim.codesets.model import ParsedRelease
from cleanclaim.errors import UsageError


@dataclass(frozen=True)
class ImportOptions:
    """What a user may state about a file that its name and content do not say."""

    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    version: str | None = None
    completeness: str | None = None
    name: str | None = None


@dataclass(frozen=True)
class BundledSource:
    """A release that ships with the package: built on first use, then kept in the store."""

    kind: str
    key: str
    sha256: str
    build: Callable[[], ParsedRelease]


@dataclass(frozen=True)
class KindSpec:
    """One code-set kind."""

    slug: str
    title: str
    module: str | None
    cadence: str
    fetchable: bool = False
    licence_gated: bool = False
    description: str = ""

    def load_module(self) -> ModuleType:
        """Import the kind's module, or fail with a usage error if it has none yet."""
        if self.module is None:
            raise UsageError(f"code set {self.slug!r} has no loader yet")
        return importlib.import_module(self.module)


_L = "cleanclaim.codesets.loaders."

KINDS: tuple[KindSpec, ...] = (
    KindSpec(
        "icd10cm",
        "ICD-10-CM diagnoses",
        _L + "icd10cm",
        "annual (Oct 1) + April 1",
        fetchable=True,
        description="CMS/NCHS order file or tabular XML, per fiscal year",
    ),
    KindSpec(
        "hcpcs",
        "HCPCS Level II",
        _L + "hcpcs",
        "quarterly",
        fetchable=True,
        description="CMS alpha-numeric HCPCS file",
    ),
    KindSpec(
        "cpt",
        "CPT code numbers (licensed descriptors optional)",
        _L + "cpt",
        "annual (Jan 1)",
        description="a licensed user's CPT file; never shipped",
    ),
    KindSpec(
        "ncci-ptp-practitioner",
        "NCCI PTP edits, practitioner",
        _L + "ncci_ptp",
        "quarterly",
        licence_gated=True,
        description="CMS NCCI procedure-to-procedure table",
    ),
    KindSpec(
        "ncci-ptp-hospital",
        "NCCI PTP edits, outpatient hospital",
        _L + "ncci_ptp",
        "quarterly",
        licence_gated=True,
        description="CMS NCCI procedure-to-procedure table",
    ),
    KindSpec("mue-practitioner", "MUE, practitioner", _L + "mue", "quarterly", licence_gated=True),
    KindSpec(
        "mue-hospital", "MUE, outpatient hospital", _L + "mue", "quarterly", licence_gated=True
    ),
    KindSpec("mue-dme", "MUE, DME supplier", _L + "mue", "quarterly", licence_gated=True),
    KindSpec(
        "pfs-rvu",
        "Physician Fee Schedule relative value file",
        _L + "pfs",
        "quarterly",
        licence_gated=True,
    ),
    KindSpec(
        "pos",
        "Place of service",
        _L + "curated",
        "irregular",
        description="project-curated list with dates",
    ),
    KindSpec("carc", "Claim adjustment reason codes", _L + "curated", "three times a year"),
    KindSpec("rarc", "Remittance advice remark codes", _L + "curated", "three times a year"),
    KindSpec("hcc", "CMS-HCC diagnosis mapping", _L + "hcc", "annual (payment year)"),
    KindSpec("poa-exempt", "POA-exempt diagnoses", _L + "poa", "annual (Oct 1)", fetchable=True),
    KindSpec("hac", "Hospital-acquired condition categories", _L + "poa", "annual (Oct 1)"),
    KindSpec("nucc-taxonomy", "NUCC provider taxonomy", _L + "nucc", "twice a year"),
    KindSpec("mcd-lcd", "Local coverage determinations (MCD download)", _L + "mcd", "weekly"),
    KindSpec("ncd", "National coverage determinations (MCD download)", _L + "mcd", "irregular"),
)

_BY_SLUG = {k.slug: k for k in KINDS}

#: The kinds ``codesets coverage`` reports on, in display order.
COVERAGE_KINDS: tuple[str, ...] = tuple(k.slug for k in KINDS if k.slug != "cpt")


def kind(slug: str) -> KindSpec:
    """Look up a kind by slug; an unknown slug is a usage error listing the known ones."""
    try:
        return _BY_SLUG[slug]
    except KeyError:
        known = ", ".join(_BY_SLUG)
        raise UsageError(f"unknown code set kind {slug!r}; known kinds: {known}") from None


def all_kinds() -> tuple[KindSpec, ...]:
    """Every known kind."""
    return KINDS
