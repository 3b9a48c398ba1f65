"""The report's parts run side by side on PostgreSQL, all on the caller's snapshot, and one
after another in the caller's session elsewhere or when that would change what they see."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from cleanclaim.analytics.monthly.concurrent import Parts
from cleanclaim.storage.db import make_engine

pytestmark = pytest.mark.db

PROBE = sa.Table("concurrent_probe", sa.MetaData(), sa.Column("n", sa.Integer))


@pytest.fixture
def engine(db_url: str) -> Iterator[sa.Engine]:
    engine = make_engine(db_url)
    PROBE.drop(engine, checkfirst=True)
    PROBE.create(engine)
    with engine.begin() as conn:
        conn.execute(PROBE.insert(), [{"n": i} for i in range(3)])
    yield engine
    PROBE.drop(engine)
    engine.dispose()


def _count(s: Session) -> int:
    return int(s.scalar(sa.select(sa.func.count()).select_from(PROBE)) or 0)


def test_values_come_back_in_order_from_each_part(engine: sa.Engine) -> None:
    with Session(engine) as caller:
        parts = Parts(caller)
        results = [parts.add(lambda s, i=i: (i, _count(s))) for i in range(5)]
        parts.run()
        assert [r.value for r in results] == [(i, 3) for i in range(5)]


def test_a_value_before_the_run_is_an_error(engine: sa.Engine) -> None:
    with Session(engine) as caller:
        result = Parts(caller).add(_count)
        with pytest.raises(RuntimeError, match="has not run"):
            _ = result.value


def test_parts_run_on_their_own_sessions_only_on_postgresql(engine: sa.Engine) -> None:
    with Session(engine) as caller:
        _count(caller)
        parts = Parts(caller)
        seen = [parts.add(lambda s: s is caller) for _ in range(3)]
        parts.run()
        on_caller = {r.value for r in seen}
    assert on_caller == ({False} if engine.dialect.name == "postgresql" else {True})


def test_every_part_sees_the_callers_snapshot_not_a_later_commit(engine: sa.Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    other = make_engine(url, busy_timeout_ms=200)

    def commit_then_count(s: Session) -> tuple[bool, int]:
        try:
            with other.begin() as writer:  # another user commits while the report runs
                writer.execute(PROBE.insert(), {"n": 99})
        except sa.exc.OperationalError:
            return False, _count(s)  # SQLite: no writer while the report's read is open
        return True, _count(s)

    with Session(engine) as caller:
        assert _count(caller) == 3
        parts = Parts(caller)
        seen = [parts.add(commit_then_count) for _ in range(4)]
        parts.run()
    committed = engine.dialect.name == "postgresql"
    assert {r.value for r in seen} == {(committed, 3)}
    with Session(engine) as after:
        assert _count(after) == (7 if committed else 3)
    other.dispose()


def test_a_caller_that_has_written_keeps_the_parts_in_its_session(engine: sa.Engine) -> None:
    with Session(engine) as caller:
        caller.execute(PROBE.insert(), {"n": 100})  # not committed
        parts = Parts(caller)
        counts = [parts.add(lambda s: (s is caller, _count(s))) for _ in range(3)]
        parts.run()
        assert {r.value for r in counts} == {(True, 4)}  # its own uncommitted row included
        caller.rollback()


def test_a_failing_part_raises_in_the_caller(engine: sa.Engine) -> None:
    def boom(s: Session) -> int:
        raise ValueError("part failed")

    with Session(engine) as caller:
        parts = Parts(caller)
        parts.add(_count)
        parts.add(boom)
        with pytest.raises(ValueError, match="part failed"):
            parts.run()


def _jit(s: Session) -> str:
    return str(s.scalar(sa.text("SELECT current_setting('jit')")))


@pytest.mark.parametrize("written", [False, True], ids=["side-by-side", "in-the-callers-session"])
def test_parts_run_without_jit_and_the_caller_gets_its_setting_back(
    engine: sa.Engine, written: bool
) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("jit is a PostgreSQL setting")
    with Session(engine) as caller:
        caller.execute(sa.text("SET jit = on"))  # whatever the server's default
        if written:
            caller.execute(PROBE.insert(), {"n": 100})
        parts = Parts(caller)
        seen = [parts.add(_jit) for _ in range(3)]
        parts.run()
        assert {r.value for r in seen} == {"off"}
        assert _jit(caller) == "on"
        caller.rollback()
