"""Values of the code-set layer: releases, completeness, answers.

A *release* is one dated edition of one code set (one kind): ICD-10-CM FY2026, the NCCI
practitioner PTP table for 2026 Q2, the project's curated place-of-service list. Every
answer a view gives carries the release it came from, so that a caller can tell full data
from partial data, a test fixture, or no data at all.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any, Generic, TypeVar

T = TypeVar("T")


class Completeness(StrEnum):
    """How much of the official data a release holds."""

    FULL = "full"
    """The whole official file for its window."""

    PARTIAL = "partial"
    """Official data that is known not to match the window exactly (e.g. a later update
    standing in for an earlier one), or an incomplete file."""

    FIXTURE = "fixture"
    """A small sample of real rows shipped for tests and demos. Absence proves nothing."""

    MISSING = "missing"
    """No release covers the date. Only answers carry this value; releases never do."""

    @property
    def rank(self) -> int:
        """Higher is more trustworthy; used to choose between overlapping releases."""
        return {"full": 3, "partial": 2, "fixture": 1, "missing": 0}[self.value]


@dataclass(frozen=True)
class Release:
    """One dated edition of one code set."""

    kind: str
    name: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    """Last day covered, inclusive. ``None`` means open-ended."""
    source: str
    sha256: str
    row_count: int
    completeness: Completeness
    origin: str = "imported"
    """``imported`` (a user's file), ``bundled`` (shipped fixture or curated list) or
    ``package`` (derived from an installed Python package)."""
    data_dir: str | None = None
    """Directory in the store that holds the compiled data, relative to the store root."""
    imported_at: str = ""
    notes: str = ""

    @property
    def release_id(self) -> str:
        """Stable identifier: kind, version and content hash."""
        return f"{self.kind}:{self.version}:{self.sha256[:12]}"

    def covers(self, day: dt.date) -> bool:
        """Whether ``day`` falls inside this release's window."""
        if day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (dates as ISO strings)."""
        data = asdict(self)
        data["effective_from"] = self.effective_from.isoformat()
        data["effective_to"] = self.effective_to.isoformat() if self.effective_to else None
        data["completeness"] = self.completeness.value
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Release:
        """Inverse of :meth:`to_json`."""
        values = dict(data)
        values["effective_from"] = dt.date.fromisoformat(values["effective_from"])
        to = values.get("effective_to")
        values["effective_to"] = dt.date.fromisoformat(to) if to else None
        values["completeness"] = Completeness(values["completeness"])
        return cls(**values)


@dataclass(frozen=True)
class Answer(Generic[T]):
    """A code-set answer and where it came from.

    ``value`` is ``None`` both when the code is absent from the release and when there is no
    release at all; :attr:`completeness` tells these apart. An absence in a fixture release
    proves nothing, so callers must not read it as "invalid".
    """

    kind: str
    on: dt.date
    value: T | None
    release: Release | None

    @property
    def completeness(self) -> Completeness:
        """``missing`` when no release covers the date, else the release's completeness."""
        return self.release.completeness if self.release else Completeness.MISSING

    @property
    def found(self) -> bool:
        """Whether a value was found."""
        return self.value is not None

    @property
    def authoritative(self) -> bool:
        """Whether an absence can be trusted: only full releases are authoritative."""
        return self.completeness is Completeness.FULL

    @property
    def source(self) -> str:
        """A short human description of where the answer came from."""
        if self.release is None:
            return f"no {self.kind} release covers {self.on.isoformat()}"
        return f"{self.release.name} ({self.release.completeness.value})"


@dataclass(frozen=True)
class Gap:
    """A span of dates that no release of a kind covers."""

    codeset: str
    start: dt.date
    end: dt.date

    def to_json(self) -> dict[str, str]:
        """The coverage JSON shape: ``{"codeset", "from", "to"}``."""
        return {"codeset": self.codeset, "from": self.start.isoformat(), "to": self.end.isoformat()}


@dataclass
class ParsedRelease:
    """What a loader hands to the store: release metadata plus a writer for the data."""

    kind: str
    name: str
    version: str
    effective_from: dt.date
    effective_to: dt.date | None
    source: str
    sha256: str
    row_count: int
    completeness: Completeness
    payload: Any
    """Kind-specific data, written by the kind's ``write`` function."""
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
