"""The database layer on every backend: migrations, pragmas, tenancy, audit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from cleanclaim.errors import NotFoundError, UsageError
from cleanclaim.storage import db as storage_db
from cleanclaim.storage.accounts import actor, add_practice, add_user, get_practice
from cleanclaim.storage.db import (
    by_keys,
    get_engine,
    is_sqlite,
    read_rows,
    refresh_statistics,
    session_scope,
)
from cleanclaim.storage.migrate import current_revision, head_revision, upgrade
from cleanclaim.storage.models import AuditEvent, Practice


def test_migrated_to_head(db_url: str) -> None:
    assert current_revision(get_engine(db_url)) == head_revision()
    # Upgrading again is a no-op.
    assert upgrade(get_engine(db_url)) == head_revision()


def test_sqlite_pragmas(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert is_sqlite(url)
    with get_engine(url).connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL


def test_default_practice_created_on_first_use(db_url: str) -> None:
    with session_scope(get_engine(db_url)) as s:
        p = get_practice(s, "default")
        assert p.name == "Default practice"
    with session_scope(get_engine(db_url)) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Practice)) == 1


def test_unknown_practice_is_not_created(db_url: str) -> None:
    with session_scope(get_engine(db_url)) as s, pytest.raises(NotFoundError) as err:
        get_practice(s, "northside")
    assert str(err.value) == (
        "no practice 'northside'; create it with: cleanclaim practices add northside"
    )


def test_changes_record_who_made_them(db_url: str) -> None:
    engine = get_engine(db_url)
    with session_scope(engine) as s:
        add_user(s, name="ana", roles=["manager"], by="system")
        add_practice(
            s,
            key="northside",
            name="Northside Family Medicine",
            by="ana",
            billing_npis=["1234567893"],
            state="or",
            mac_jurisdiction="JF",
        )
    with session_scope(engine) as s:
        p = get_practice(s, "northside")
        assert (p.created_by, p.updated_by, p.state) == ("ana", "ana", "OR")
        events = s.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        assert [(e.user_name, e.action, e.entity, e.entity_key) for e in events] == [
            ("system", "create", "user", "ana"),
            ("ana", "create", "practice", "northside"),
        ]
        a = actor(s, "ana", "northside")
        assert (a.user, a.practice_key, a.practice_id) == ("ana", "northside", p.id)


@pytest.mark.parametrize(
    ("roles", "message"),
    [
        pytest.param(
            ["coder", "wizard"],
            "unknown role(s) wizard; roles are: manager, coder, "
            "biller, provider, compliance, admin",
            id="unknown-role",
        ),
    ],
)
def test_bad_roles(db_url: str, roles: list[str], message: str) -> None:
    with session_scope(get_engine(db_url)) as s, pytest.raises(UsageError) as err:
        add_user(s, name="bo", roles=roles, by="system")
    assert str(err.value) == message


def test_failed_transaction_writes_nothing(db_url: str) -> None:
    engine = get_engine(db_url)
    with pytest.raises(UsageError), session_scope(engine) as s:
        add_practice(s, key="east", name="East", by="system")
        add_practice(s, key="east", name="East again", by="system")
    with session_scope(engine) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(Practice)) == 0
        assert s.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_refresh_statistics_after_a_bulk_load(db_url: str) -> None:
    engine = get_engine(db_url)
    with session_scope(engine) as s:
        for key in ("northside", "southside", "eastside"):
            add_practice(s, key=key, name=key.title(), by="system")
        practices = s.scalar(sa.select(sa.func.count()).select_from(Practice))
    postgres = engine.dialect.name == "postgresql"
    assert refresh_statistics(engine) is postgres
    if postgres:  # the planner now knows the table's size (-1: never analysed)
        with engine.connect() as conn:
            tuples = conn.exec_driver_sql(
                "SELECT reltuples FROM pg_class WHERE oid = 'practice'::regclass"
            ).scalar()
        assert tuples == practices


@pytest.fixture
def practices_by_key(db_url: str, monkeypatch: pytest.MonkeyPatch) -> sa.Engine:
    """Three practices to read by key, in ``IN`` lists of two where there are lists."""
    monkeypatch.setattr(storage_db, "KEYS_PER_LIST", 2)
    engine = get_engine(db_url)
    with session_scope(engine) as s:
        for key in ("northside", "eastside", "westside"):
            add_practice(s, key=key, name=key.title(), by="system")
    return engine


def _read(engine: sa.Engine, wanted: list[str], **kw: Any) -> tuple[int, list[str]]:
    """How many conditions :func:`by_keys` made, and the keys they found."""
    with session_scope(engine) as s:
        conditions = by_keys(s, Practice.key, wanted, **kw)
        found = sorted(k for c in conditions for k in s.scalars(sa.select(Practice.key).where(c)))
    return len(conditions), found


@pytest.mark.parametrize("wanted", [[], ["eastside"], ["a", "eastside", "northside", "z", "x"]],
                         ids=["none", "one", "more-than-a-list"])  # fmt: skip
def test_reads_by_key_find_every_row_asked_for(
    practices_by_key: sa.Engine, wanted: list[str]
) -> None:
    n, found = _read(practices_by_key, wanted)
    assert found == sorted(set(wanted) & {"northside", "eastside"})
    # PostgreSQL sends one array, however many keys; elsewhere IN lists of two.
    postgres = practices_by_key.dialect.name == "postgresql"
    assert n == (min(1, len(wanted)) if postgres else -(-len(wanted) // 2))


def test_reads_by_key_join_a_selection_instead_of_many_lists(practices_by_key: sa.Engine) -> None:
    every = sa.select(Practice.key)  # more than asked for: the caller keeps what it wants
    n, found = _read(practices_by_key, ["eastside", "northside", "z"], selection=every)
    assert n == 1
    assert {"eastside", "northside"} <= set(found)
    if practices_by_key.dialect.name == "postgresql":  # the array itself, not the selection
        assert found == ["eastside", "northside"]


def test_read_rows_fetch_every_row_after_flushing_pending_changes(
    practices_by_key: sa.Engine,
) -> None:
    with session_scope(practices_by_key) as s:
        east = s.scalars(sa.select(Practice).where(Practice.key == "eastside")).one()
        east.name = "East Side"  # pending: the read must see it, as the ORM's would
        query = sa.select(Practice.key, Practice.name).where(
            Practice.key.in_(["eastside", "westside"])
        )
        rows = read_rows(s, query.order_by(Practice.key))
        s.rollback()
    assert [tuple(r) for r in rows] == [("eastside", "East Side"), ("westside", "Westside")]
