"""Code-set views bound to a date.

Every lookup goes through a :class:`CodesetView` for one date: the date of service for
professional claims, the discharge (through) date for inpatient claims. The view chooses,
per kind, the release in force on that date; where several overlap, the most complete one
wins, then the most recently imported. Answers carry their release, so a caller always
knows whether an answer rests on full, partial or fixture data, or on nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from cleanclaim.codesets.model import Answer, Release
from cleanclaim.codesets.store import CodesetStore

V = TypeVar("V")


class CodesetView:
    """Lookups in the code sets in force on one date."""

    def __init__(self, store: CodesetStore, on: dt.date) -> None:
        self.store = store
        self.on = on
        self._chosen: dict[str, Release | None] = {}
        self._opened: dict[str, tuple[Any, Release | None]] = {}

    def release(self, kind_slug: str) -> Release | None:
        """The release of ``kind_slug`` in force on the view's date, if any."""
        if kind_slug not in self._chosen:
            candidates = [r for r in self.store.releases(kind_slug) if r.covers(self.on)]
            candidates.sort(key=lambda r: (r.completeness.rank, r.imported_at))
            self._chosen[kind_slug] = candidates[-1] if candidates else None
        return self._chosen[kind_slug]

    def table(self, kind_slug: str) -> tuple[Any, Release | None]:
        """The opened table of the release in force, or ``(None, None)``."""
        opened = self._opened.get(kind_slug)
        if opened is None:
            release = self.release(kind_slug)
            opened = (None, None) if release is None else (self.store.table(release), release)
            self._opened[kind_slug] = opened
        return opened

    def ask(self, kind_slug: str, question: Callable[[Any], V | None]) -> Answer[V]:
        """Put ``question`` to the table in force and wrap the result in an :class:`Answer`."""
        table, release = self._opened.get(kind_slug) or self.table(kind_slug)
        if table is None:
            return Answer(kind=kind_slug, on=self.on, value=None, release=None)
        return Answer(kind=kind_slug, on=self.on, value=question(table), release=release)

    def at(self, on: dt.date) -> CodesetView:
        """A view of the same store on another date."""
        return CodesetView(self.store, on)
