"""Loader of the curated procedure-diagnosis pack (``dx_px_pack.toml``) used by rule MM102."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from cleanclaim.edits.model import Citation

PACK_FILE = "dx_px_pack.toml"


class PackError(ValueError):
    """The pack file is malformed (a packaging bug, not a user error)."""


@dataclass(frozen=True)
class PairEntry:
    """One high-risk procedure with the diagnoses that support it."""

    id: str
    title: str
    procedures: frozenset[str]
    allowed: tuple[str, ...]
    """Diagnosis prefixes (no dot) that support the procedure; empty when not used."""
    screening_only: tuple[str, ...]
    """Prefixes that alone do not support the procedure; empty when not used."""
    citation: Citation
    effective_from: dt.date
    effective_to: dt.date | None = None

    def in_force(self, day: dt.date) -> bool:
        """Whether the entry applies to a service on ``day``."""
        if day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    def unsupported(self, diagnoses: Iterable[str]) -> bool:
        """Whether ``diagnoses`` (dotless codes) fail this entry; an empty list never does."""
        codes = [d.strip().upper().replace(".", "") for d in diagnoses if d.strip()]
        if not codes:
            return False
        if self.allowed:
            return not any(c.startswith(self.allowed) for c in codes)
        return all(c.startswith(self.screening_only) for c in codes)


def _text(raw: dict[str, Any], key: str, where: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PackError(f"{where}: {key!r} must be a non-empty string")
    return value.strip()


def _codes(raw: dict[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise PackError(f"{where}: {key!r} must be a list of codes")
    return tuple(v.strip().upper().replace(".", "") for v in value)


def _entry(raw: dict[str, Any], index: int) -> PairEntry:
    where = f"{PACK_FILE} entry {index}"
    ident = _text(raw, "id", where)
    where = f"{PACK_FILE} entry {ident!r}"
    allowed = _codes(raw, "allowed", where)
    screening = _codes(raw, "screening_only", where)
    if bool(allowed) == bool(screening):
        raise PackError(f"{where}: give exactly one of 'allowed' and 'screening_only'")
    procedures = _codes(raw, "procedures", where)
    if not procedures:
        raise PackError(f"{where}: 'procedures' is empty")
    start, end = raw.get("effective_from"), raw.get("effective_to")
    if not isinstance(start, dt.date) or (end is not None and not isinstance(end, dt.date)):
        raise PackError(f"{where}: effective dates must be TOML dates")
    cite = raw.get("citation")
    if not isinstance(cite, dict):
        raise PackError(f"{where}: 'citation' must be a table")
    citation = Citation(
        _text(cite, "source", where),
        _text(cite, "section", where),
        _text(cite, "date", where),
        str(cite.get("url", "")),
    )
    return PairEntry(
        id=ident,
        title=_text(raw, "title", where),
        procedures=frozenset(procedures),
        allowed=allowed,
        screening_only=screening,
        citation=citation,
        effective_from=start,
        effective_to=end,
    )


def parse_pack(text: str) -> tuple[PairEntry, ...]:
    """Entries of a pack file's text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{PACK_FILE}: {exc}") from None
    entries = data.get("entry", [])
    if not isinstance(entries, list):
        raise PackError(f"{PACK_FILE}: 'entry' must be an array of tables")
    parsed = tuple(_entry(raw, i) for i, raw in enumerate(entries, start=1))
    ids = [e.id for e in parsed]
    if len(set(ids)) != len(ids):
        raise PackError(f"{PACK_FILE}: duplicate entry ids")
    return parsed


@cache
def load_pack() -> tuple[PairEntry, ...]:
    """The shipped pack (read once)."""
    text = resources.files("cleanclaim.edits.data").joinpath(PACK_FILE).read_text("utf-8")
    return parse_pack(text)


def entries_for(code: str) -> list[PairEntry]:
    """Pack entries that name procedure ``code``."""
    key = code.strip().upper()
    return [e for e in load_pack() if key in e.procedures]
