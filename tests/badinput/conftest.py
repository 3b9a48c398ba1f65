"""Fixtures of the bad-input tests: the ingest tests' actor, ingest runner and row counts."""

from __future__ import annotations

from tests.ingest.conftest import Counts, Ingest, counts, ingest, who

__all__ = ["Counts", "Ingest", "counts", "ingest", "who"]
