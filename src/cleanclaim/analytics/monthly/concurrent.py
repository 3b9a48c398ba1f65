"""Run the report's independent reads side by side, all seeing one snapshot of the data.

On PostgreSQL the parts of the report that only read (the trend counts, the denial
episodes, the month's denials, the scrubs, HCC recapture, the work queue) are independent:
:class:`Parts` runs them on :data:`WORKERS` extra connections, each in a ``REPEATABLE
READ, READ ONLY`` transaction that imports the snapshot of the caller's transaction
(``pg_export_snapshot``, as ``pg_dump --jobs`` does). Every part therefore sees exactly the
data the caller's session sees, as if they had run one after another in it, while the
server works on one part and Python on another. Elsewhere (SQLite: one writer, and all the
work is this process's CPU anyway), on a standby (no snapshot can be exported), or when the
caller's transaction has written (other connections would not see its uncommitted rows),
the parts run one after another in the caller's session. The results are the same either
way; a part's exception is raised in the caller.

On PostgreSQL the parts run with just-in-time compilation off (``jit``, for their
transactions only; the caller's setting is restored after). The report's queries are index
probes and grouped scans of a few hundred thousand rows at most: above ``jit_above_cost``
the server compiled each of them anew, in every parallel worker too, for about 50 ms of
CPU a query at a million claim lines, more than it saved in executing them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

__all__ = ["WORKERS", "Parts", "Result"]

WORKERS = 2
"""Extra connections at most: the report's parts are about half server time, half Python."""

T = TypeVar("T")


class Result(Generic[T]):
    """What one part returned, once :meth:`Parts.run` has run."""

    def __init__(self, part: Callable[[Session], T]) -> None:
        self.part = part
        self._value: T | None = None
        self._done = False

    def _run(self, session: Session) -> None:
        self._value, self._done = self.part(session), True

    @property
    def value(self) -> T:
        if not self._done:
            raise RuntimeError("Parts.run() has not run this part")
        return self._value  # type: ignore[return-value]  # T may itself allow None


class Parts:
    """Independent reads of one report: :meth:`add` each, then :meth:`run` them all."""

    def __init__(self, session: Session, workers: int | None = None) -> None:
        self.session = session
        self.workers = WORKERS if workers is None else workers
        self.results: list[Result[Any]] = []

    def add(self, part: Callable[[Session], T]) -> Result[T]:
        """Register ``part`` (called with a session); its value is there after :meth:`run`."""
        result = Result(part)
        self.results.append(result)
        return result

    def run(self) -> None:
        """Run every part, side by side when the backend allows (module docstring); the
        first exception of a part is raised here, after the others have finished."""
        todo = [r for r in self.results if not r._done]
        n = min(self.workers, len(todo))
        with _no_jit(self.session), _snapshot_sessions(self.session, n if n > 1 else 0) as sessions:
            if not sessions:
                for result in todo:
                    result._run(self.session)
                return
            free = list(sessions)

            def run(result: Result[Any]) -> None:
                own = free.pop()  # list.pop is atomic: each running part has its own session
                try:
                    result._run(own)
                finally:
                    free.append(own)

            with ThreadPoolExecutor(max_workers=len(sessions)) as pool:
                futures = [pool.submit(run, result) for result in todo]
            for future in futures:
                future.result()


@contextmanager
def _no_jit(session: Session) -> Iterator[None]:
    """On PostgreSQL, ``jit`` off in the session's transaction, then as it was."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        yield
        return
    before = conn.exec_driver_sql("SELECT current_setting('jit')").scalar_one()
    conn.exec_driver_sql("SELECT set_config('jit', 'off', true)")
    yield
    # Not after an error: the transaction may have failed, and the setting ends with it.
    conn.exec_driver_sql("SELECT set_config('jit', %(v)s, true)", {"v": before})


@contextmanager
def _snapshot_sessions(session: Session, n: int) -> Iterator[list[Session]]:
    """``n`` read-only sessions on the snapshot of ``session``'s transaction, or ``[]``
    (not PostgreSQL; a standby, where no snapshot can be exported; or a transaction that
    has written: the other connections would not see its uncommitted rows)."""
    conn = session.connection()
    if (
        n < 2
        or conn.dialect.name != "postgresql"
        or session.new
        or session.dirty
        or session.deleted
    ):
        yield []
        return
    standby, wrote = conn.exec_driver_sql(
        "SELECT pg_is_in_recovery(), pg_current_xact_id_if_assigned() IS NOT NULL"
    ).one()
    if standby or wrote:
        yield []
        return
    snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
    with ExitStack() as stack:
        sessions = []
        for _ in range(n):
            worker = stack.enter_context(conn.engine.connect())
            worker.execution_options(isolation_level="REPEATABLE READ")
            worker.exec_driver_sql(f"SET TRANSACTION SNAPSHOT '{snapshot}'")
            worker.exec_driver_sql("SET TRANSACTION READ ONLY")
            worker.exec_driver_sql("SET LOCAL jit = off")
            sessions.append(stack.enter_context(Session(bind=worker)))
        yield sessions
