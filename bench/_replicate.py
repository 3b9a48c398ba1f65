"""Replicate every row a practice owns inside its database, for benchmarks at scale.

``replicate(engine, practice_id, copies)`` appends ``copies`` copies of each practice-owned
row with ``INSERT ... SELECT``, table by table in foreign-key order. Copy ``k`` (1-based)
of a row of table ``t`` gets id ``id + k * max_id(t)``; every integer foreign key is
shifted the same way for its target table (self references included), so the copies form
``copies`` more disjoint practices' worth of data under the same practice. Text keys that
must stay unique or must not join across copies get a per-copy mark: claim numbers
(CLM01/CLP01), claim keys and payer claim numbers a ``-rK`` suffix; the 64-character hex
hashes (patient keys, file and remittance hashes) a first character ``g`` .. ``o`` that no
hex string has. Dates, amounts, codes, payers and people are unchanged. Ids inside JSON
(``appeal.denial_ids``) are remapped in Python. On PostgreSQL the id sequences are moved
past the new rows.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

SKIP = frozenset(
    {
        "practice",
        "app_user",
        "payer",
        "audit_event",
        "patient_key_salt",
        "denial_episode",
        "derived_state",
        "hcc_recapture_month",
    }
)
"""Tables not replicated: not practice rows, one row per practice, or rows derived from the
others (stored again from the replicated data, ``episode_store.refresh_episodes``)."""
SUFFIXED = frozenset(
    {"clm01", "clp01", "claim_key", "payer_claim_number", "original_reference", "claim"}
)
"""Text columns that carry a claim identity; ``work_log.claim_id`` (CLM01) too."""
HEX64 = frozenset({"patient_key", "sha256", "business_key"})
CLAIM_IDS = frozenset({("claim_fact", "family_id")})
"""Integer columns that hold a claim id without a foreign key: shifted like one."""


def _tables() -> list[Any]:
    from cleanclaim.storage.models import Base  # imports every table module

    return [
        t
        for t in Base.metadata.sorted_tables
        if t.name not in SKIP and "practice_id" in t.columns and len(t.primary_key.columns) == 1
    ]


def _key(table: Any) -> str:
    """The primary key column: ``id``, or a foreign key (``claim_fact.claim_id``)."""
    return str(next(iter(table.primary_key.columns)).name)


def _target(column: Any) -> str:
    """The table a foreign key column points at."""
    return str(next(iter(column.foreign_keys)).column.table.name)


def _expr(table: Any, column: Any, k: int, offsets: dict[str, int]) -> str:
    """The SELECT expression giving ``column`` of copy ``k``."""
    name = column.name
    q = f'"{name}"'
    if name == "id" and table.name in offsets:
        return f"id + {k * offsets[table.name]}"
    if column.foreign_keys and _target(column) != "practice":
        return f"{q} + {k * offsets[_target(column)]}"
    if (table.name, name) in CLAIM_IDS:
        return f"{q} + {k * offsets['claim']}"
    if name in SUFFIXED or (table.name == "work_log" and name == "claim_id"):
        return f"{q} || '-r{k}'"
    if name in HEX64:
        return f"'{chr(ord('f') + k)}' || substr({q}, 2)"
    return q


def replicate(
    engine: Any, practice_id: int, copies: int, *, log: Callable[[str], None] = print
) -> int:
    """Append ``copies`` copies of the practice's rows (module docstring); rows added."""
    from sqlalchemy import text

    if not 1 <= copies <= 9:
        raise ValueError("copies must be 1..9 (one hex-free first character per copy)")
    tables = _tables()
    with engine.connect() as conn:
        offsets = {
            t.name: int(conn.scalar(text(f"SELECT coalesce(max(id), 0) FROM {t.name}")))
            for t in tables
            if _key(t) == "id"
        }
    added = 0
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            _bulk_pragmas(conn)
        for table in tables:
            cols = list(table.columns)
            names = ", ".join(f'"{c.name}"' for c in cols)
            key = _key(table)
            owner = table.name if key == "id" else _target(table.c[key])
            top = offsets[owner]
            where = f"WHERE practice_id = :p AND {key} <= {top} ORDER BY {key}"
            for k in range(1, copies + 1):
                exprs = ", ".join(_expr(table, c, k, offsets) for c in cols)
                sql = f"INSERT INTO {table.name} ({names}) SELECT {exprs} FROM {table.name} {where}"
                with conn.begin():
                    added += conn.execute(text(sql), {"p": practice_id}).rowcount or 0
            if table.name == "appeal":
                with conn.begin():
                    _remap_appeals(conn, table, practice_id, offsets, copies)
            log(f"replicated {table.name}: {added:,} rows added so far")
        if engine.dialect.name == "sqlite":
            broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
            conn.rollback()
            if broken:
                raise RuntimeError(f"replication broke foreign keys: {broken[:5]}")
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            for table in tables:
                if _key(table) != "id":
                    continue
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                        f"(SELECT coalesce(max(id), 1) FROM {table.name}))"
                    )
                )
    return added


def _bulk_pragmas(conn: Any) -> None:
    """SQLite, this connection: a 1 GB page cache (the indexes stay in memory while rows are
    appended), no fsync (scratch data, rebuilt if a crash spoils it) and foreign keys checked
    once at the end (``PRAGMA foreign_key_check``) rather than per row: a row inserted before
    the row it references (``denial.superseded_by`` points forward) would otherwise make
    SQLite scan the unindexed referencing column for every later insert."""
    cur = conn.connection.dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys = OFF")
    cur.execute("PRAGMA cache_size = -1000000")
    cur.execute("PRAGMA synchronous = OFF")
    cur.close()


def _remap_appeals(
    conn: Any, table: Any, practice_id: int, offsets: dict[str, int], copies: int
) -> None:
    """Shift the denial ids listed in each copied appeal's JSON to that copy's denials."""
    from sqlalchemy import select

    step, denial_step = offsets["appeal"], offsets["denial"]
    rows = conn.execute(
        select(table.c.id, table.c.denial_ids).where(
            table.c.practice_id == practice_id, table.c.id > step
        )
    ).all()
    for row_id, ids in rows:
        k = (row_id - 1) // step
        if not ids or k < 1 or k > copies:
            continue
        new = [int(i) + k * denial_step for i in ids]
        conn.execute(table.update().where(table.c.id == row_id).values(denial_ids=new))
