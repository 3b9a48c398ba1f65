"""Claim versions and lifecycle states, and storing 837 claims as versions.

**Versions.** Claims are grouped in families by practice, billing NPI and CLM01. Each
stored version gets an internal :attr:`~cleanclaim.storage.tables_x12.ClaimRow.claim_key`
(unique per practice + billing NPI + CLM01 + version, safe to show and log):

* ``original``: the first version of a family (frequency 1, or any code with no family);
* ``resubmission``: frequency 1 (or another non-7/8 code) again with new content, typically
  after a rejection: a new version;
* ``replacement``: frequency 7 with REF*F8; linked to the version it replaces (the one whose
  payer claim number is the REF*F8, else the family's latest), which gets a ``replaced``
  event but keeps its status until the payer reverses it;
* ``void``: frequency 8; linked the same way, and the voided version is ``closed``.

The same claim sent again (same billing NPI, CLM01, frequency and content hash) is a
duplicate and stores nothing.

**States.** ``scrubbed`` -> ``submitted`` -> ``accepted`` | ``rejected`` (999, 277CA) ->
``paid`` | ``denied`` | ``partially_paid`` (835) -> ``appealed`` -> ``closed``. Each change is
a :class:`~cleanclaim.storage.tables_x12.ClaimEvent` with the time, the source and a
detail. News that arrives late (a 999 after the 835) is recorded but does not move the
status backwards; only a payment reversal (835 CLP02=22) does, back to ``accepted``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import secrets
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from pydantic import TypeAdapter
from sqlalchemy import Table, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cleanclaim.claims.model import Claim
from cleanclaim.storage.tables_x12 import ClaimEvent, ClaimRow, PatientKeySalt

STATES = (
    "scrubbed",
    "submitted",
    "accepted",
    "rejected",
    "paid",
    "denied",
    "partially_paid",
    "appealed",
    "closed",
)
T = TypeVar("T")
RANK = {
    "scrubbed": 0,
    "submitted": 1,
    "accepted": 2,
    "rejected": 2,
    "paid": 3,
    "denied": 3,
    "partially_paid": 3,
    "appealed": 4,
    "closed": 5,
}


@dataclass
class IngestContext:
    """What the storing functions need: the session, who acts for which practice, the file."""

    session: Session
    practice_id: int
    user: str
    file_id: int
    path_name: str
    salt: str = ""
    payer_aliases: dict[str, frozenset[str]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    """Lifecycle events not written yet (see :func:`flush_events`)."""


# -- keys ------------------------------------------------------------------------------------


def claim_key_for(practice_id: int, billing_npi: str, clm01: str, version: int) -> str:
    """The internal key of one claim version (deterministic, no PHI in clear)."""
    raw = f"{practice_id}|{billing_npi}|{clm01}|{version}".encode()
    return "c-" + hashlib.sha256(raw).hexdigest()[:16]


def ensure_salt(session: Session, practice_id: int, user: str) -> str:
    """The practice's patient-key salt, created on first use (safe under concurrency)."""
    query = select(PatientKeySalt.salt).where(PatientKeySalt.practice_id == practice_id)
    salt = session.scalar(query)
    if salt is not None:
        return salt
    savepoint = session.begin_nested()
    try:
        session.add(
            PatientKeySalt(practice_id=practice_id, salt=secrets.token_hex(32), created_by=user)
        )
        session.flush()
        savepoint.commit()
    except IntegrityError:
        savepoint.rollback()
    salt = session.scalar(query)
    assert salt is not None
    return salt


def patient_key(salt: str, claim: Claim) -> str | None:
    """HMAC-SHA256 of the patient's member id and birth date (``None`` when both are unknown)."""
    member = claim.patient.member_id or claim.subscriber.member_id or ""
    birth = claim.patient.birth_date
    if not member and birth is None:
        return None
    text = f"{member.strip().upper()}|{birth.isoformat() if birth else ''}"
    return hmac.new(salt.encode(), text.encode(), hashlib.sha256).hexdigest()


@functools.cache
def _claim_adapter() -> TypeAdapter[Claim]:
    return TypeAdapter(Claim)


def to_jsonable(claim: Claim) -> dict[str, Any]:
    """The claim as JSON-ready data (decimals as strings, dates in ISO form)."""
    data: dict[str, Any] = _claim_adapter().dump_python(claim, mode="json")
    return data


# -- states ----------------------------------------------------------------------------------


def transition(
    ctx: IngestContext,
    row: ClaimRow,
    to_status: str,
    event: str,
    *,
    source_kind: str,
    occurred_on: dt.date | None,
    ack_id: int | None = None,
    remit_claim_id: int | None = None,
    detail: dict[str, Any] | None = None,
    force: bool = False,
) -> None:
    """Record ``event`` on ``row`` and move it to ``to_status`` unless that goes backwards.

    ``force`` allows a move backwards (a payment reversal), but never out of ``closed``.
    The event is queued in ``ctx.events``; :func:`flush_events` writes the queue.
    """
    before = row.status
    info = dict(detail or {})
    moves = RANK[to_status] >= RANK[before] or (force and before != "closed")
    if moves:
        row.status = to_status
        row.updated_by = ctx.user
    elif to_status != before:
        info["reported_status"] = to_status
    ctx.events.append(
        event_row(
            ctx,
            row.id,
            event,
            before,
            row.status,
            occurred_on,
            source_kind,
            info,
            ack_id=ack_id,
            remit_claim_id=remit_claim_id,
        )
    )


def event_row(
    ctx: IngestContext,
    claim_id: int,
    event: str,
    before: str,
    after: str,
    occurred_on: dt.date | None,
    source_kind: str,
    detail: dict[str, Any],
    *,
    ack_id: int | None = None,
    remit_claim_id: int | None = None,
) -> dict[str, Any]:
    return {
        "practice_id": ctx.practice_id,
        "claim_id": claim_id,
        "event": event,
        "from_status": before,
        "to_status": after,
        "occurred_on": occurred_on,
        "source_kind": source_kind,
        "source_file_id": ctx.file_id,
        "source_ack_id": ack_id,
        "source_remit_claim_id": remit_claim_id,
        "detail": detail,
        "created_by": ctx.user,
    }


def table_of(model: type[Any]) -> Table:
    """The Core table of a model (Core executemany skips the ORM's per-row work)."""
    return cast(Table, model.__table__)


def flush_events(ctx: IngestContext) -> None:
    """Write the queued lifecycle events (one bulk insert)."""
    if ctx.events:
        ctx.session.execute(insert(table_of(ClaimEvent)), ctx.events)
        ctx.events = []


def bulk_insert(
    session: Session, table: type[Any], rows: list[dict[str, Any]], key: str
) -> list[int]:
    """Insert ``rows`` (one executemany) and return their ids, in order, looked up by the
    unique column ``key`` (batched RETURNING is not ordered on every backend)."""
    if not rows:
        return []
    session.execute(insert(table_of(table)), rows)
    column = getattr(table, key)
    ids: dict[Any, int] = {}
    values = [r[key] for r in rows]
    for start in range(0, len(values), RUN):
        chunk = values[start : start + RUN]
        query = select(column, table.id).where(
            table.practice_id == rows[0]["practice_id"], column.in_(chunk)
        )
        ids.update({k: i for k, i in session.execute(query)})
    return [ids[v] for v in values]


def insert_returning_ids(
    session: Session, table: type[Any], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` (one batched INSERT ... RETURNING) and return their ids in order."""
    if not rows:
        return []
    core = table_of(table)
    query = insert(core).returning(core.c.id, sort_by_parameter_order=True)
    return list(session.execute(query, rows).scalars())


# -- storing 837 claims ----------------------------------------------------------------------


RUN = 500
"""Claims stored per batch (one query for their families, one bulk insert)."""


def runs(items: Sequence[T], key: Callable[[T], Hashable]) -> Iterator[list[T]]:
    """Consecutive batches of at most :data:`RUN` items in which no ``key`` repeats.

    Items of one batch are independent (an item never depends on an earlier one of the
    same batch), so a batch can be looked up and inserted at once.
    """
    run: list[T] = []
    keys: set[Hashable] = set()
    for item in items:
        k = key(item)
        if k in keys or len(run) >= RUN:
            yield run
            run, keys = [], set()
        run.append(item)
        keys.add(k)
    if run:
        yield run
