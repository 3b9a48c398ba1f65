"""Ingest X12 files (837P, 837I, 835, 999, 277CA) into the database.

**Atomicity.** One file is one database transaction; inside it, each interchange is a
SAVEPOINT and each transaction set a nested SAVEPOINT. A set that is damaged (its envelope
says so, or its content raises :class:`~cleanclaim.errors.X12Error`) is rolled back alone
and quarantined with its reason, the 1-based segment position in the file and its raw text;
the other sets stay. An interchange whose envelope is damaged
(:attr:`~cleanclaim.x12.envelope.InterchangeSummary.ok` false, or a fatal reader error
inside it) is rolled back whole and every set of it is quarantined. Nothing is half-written.
Memory stays bounded by one transaction set: rows are flushed and dropped from the session
after each set, and the raw text of a damaged interchange's sets is read again from the file.

**Idempotency.** A file is identified by its SHA-256 within the practice (unique
constraint): the same bytes again, under any name, store nothing and report
``duplicate: true`` with the counts of the first ingest. Two concurrent ingests of one file
leave one copy: the second one waits for the first's transaction and then finds the file
(or fails on the unique constraint, which is reported the same way). Inside a file, claims
and remittances are deduplicated by their business keys (see :mod:`.lifecycle` and
:mod:`.matching`).

**Scrub on ingest.** Every new claim version is scrubbed as it is stored (run by run, see
:func:`on_claims_stored`), and its findings are kept as that version's pre-submission
record, which denial root cause links each denial to.
"""

from __future__ import annotations

import hashlib
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cleanclaim.claims.ingest_run import (
    FileIngest,
    FileReport,
    Progress,
    Quarantined,
    file_kind,
    stored_report,
)
from cleanclaim.claims.model import Claim
from cleanclaim.errors import StorageError, UsageError
from cleanclaim.storage.accounts import Actor
from cleanclaim.storage.db import get_engine, session_scope
from cleanclaim.storage.tables_x12 import ClaimRow
from cleanclaim.x12.gctune import bulk_parsing

__all__ = [
    "FileReport",
    "Progress",
    "Quarantined",
    "check_input",
    "file_kind",
    "ingest_file",
    "ingest_files",
    "on_claim_stored",
    "on_claims_stored",
    "sha256_of",
]

_CHUNK = 1024 * 1024
_SQLITE_CACHE_KIB = 64 * 1024
"""The SQLite page cache of an ingest's connection (see :func:`_page_cache`)."""


def on_claims_stored(session: Session, stored: list[tuple[ClaimRow, Claim]]) -> None:
    """Called with every run of new claim versions, right after they are stored: scrubs
    them and keeps the findings as each version's pre-submission record.

    The claim rows and their lines exist (their lifecycle events are written when the set
    ends). It runs inside the transaction set's savepoint, so whatever it writes commits or
    rolls back with the set. One scrubber serves a whole file (a session), so claims earlier
    in the file count as history for later ones; each version sees the stored claims before
    it, as if the versions were scrubbed one by one. Rule problems are stored as coverage
    entries, never raised: raising :class:`~cleanclaim.errors.X12Error` would quarantine
    the whole set.
    """
    if not stored:
        return
    from cleanclaim.codesets.store import default_store
    from cleanclaim.edits.stored import StoredScrubber

    scrubber = _SCRUBBERS.get(session)
    if scrubber is None:
        first = stored[0][0]
        scrubber = StoredScrubber(
            session,
            first.practice_id,
            default_store(),
            user=first.created_by,
            trigger="ingest",
        )
        _SCRUBBERS[session] = scrubber
    scrubber.scrub_run(stored)


def on_claim_stored(session: Session, claim_row: ClaimRow, claim: Claim) -> None:
    """:func:`on_claims_stored` for one new claim version."""
    on_claims_stored(session, [(claim_row, claim)])


def _no_scrub(session: Session, stored: list[tuple[ClaimRow, Claim]]) -> None:
    """The hook when ingest is told not to scrub."""


_SCRUBBERS: weakref.WeakKeyDictionary[Session, Any] = weakref.WeakKeyDictionary()


def sha256_of(path: Path, progress: Progress | None = None) -> str:
    """The SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
            if progress:
                progress("hash", len(chunk))
    return digest.hexdigest()


def check_input(path: Path, max_bytes: int | None = None) -> int:
    """The file's size; a usage error when it is missing, not a file, or over the cap."""
    from cleanclaim.settings import get_settings

    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if not path.is_file():
        raise UsageError(f"{path}: not a file")
    size = path.stat().st_size
    cap = max_bytes if max_bytes is not None else get_settings().max_x12_file_bytes
    if size > cap:
        raise UsageError(
            f"{path}: {size} bytes is over the limit of {cap} (CLEANCLAIM_MAX_X12_FILE_BYTES)"
        )
    return size


def ingest_file(
    path: Path,
    actor: Actor,
    *,
    engine: Engine | None = None,
    progress: Progress | None = None,
    max_segment_bytes: int | None = None,
    scrub: bool = True,
) -> FileReport:
    """Ingest one X12 file for ``actor``; see the module docstring for the guarantees.

    With ``scrub`` (the default) every new 837 claim version is scrubbed as it is stored,
    and its findings are kept as that version's pre-submission record.
    """
    from cleanclaim.settings import get_settings

    size = check_input(path)
    sha = sha256_of(path, progress)
    engine = engine or get_engine()
    msb = max_segment_bytes or get_settings().max_segment_bytes
    try:
        with bulk_parsing(), session_scope(engine) as session, _page_cache(session):
            hook = on_claims_stored if scrub else _no_scrub
            return FileIngest(session, actor, path, sha, size, progress, msb, hook).run()
    except StorageError as exc:
        if not isinstance(exc.__cause__, IntegrityError):
            raise
        with session_scope(engine) as session:  # a concurrent ingest stored the file first
            report = stored_report(session, actor, path, sha)
        if report is None:
            raise
        return report


@contextmanager
def _page_cache(session: Session) -> Iterator[None]:
    """On SQLite, a larger page cache for the file's transaction, the previous size after.

    With the default (2 MiB) the indexed look-ups of a file read the same pages of a large
    database again and again; the cache only changes how often pages are read, not how
    they are written or synced.
    """
    conn = session.connection()
    if conn.dialect.name != "sqlite":
        yield
        return
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar()
    conn.exec_driver_sql(f"PRAGMA cache_size=-{_SQLITE_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size={int(before or -2000)}")


def ingest_files(
    paths: list[Path],
    actor: Actor,
    *,
    engine: Engine | None = None,
    progress: Progress | None = None,
) -> list[FileReport]:
    """Ingest several files, one after the other (each file is its own transaction)."""
    for path in paths:
        check_input(path)
    return [ingest_file(p, actor, engine=engine, progress=progress) for p in paths]
