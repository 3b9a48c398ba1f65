"""The monthly report benchmark's databases: build (the demo pipeline), replicate, locate.

Used by ``bench_report.py`` (see its docstring); each function runs in a child process of
that script, pointed at one database by :func:`env`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

PG_PREFIX = "cleanclaim_bench_report"


def env(work: str, url: str) -> None:
    """Point the settings at this run's database and code-set store (in a child process)."""
    os.environ["CLEANCLAIM_DATA_DIR"] = str(Path(work) / "data")
    os.environ["CLEANCLAIM_CODESET_DIR"] = str(Path(work) / "codesets")
    os.environ["CLEANCLAIM_DATABASE_URL"] = url


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- databases -----------------------------------------------------------------------------


def db_url(backend: str, work: str, pg_url: str, size: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{Path(work) / f'sqlite-{size}.db'}"
    return pg_url.rsplit("/", 1)[0] + f"/{PG_PREFIX}_{size}"


def _pg_admin(pg_url: str) -> Any:
    import sqlalchemy as sa

    return sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")


def pg_exists(pg_url: str, size: str) -> bool:
    import sqlalchemy as sa

    admin = _pg_admin(pg_url)
    try:
        with admin.connect() as conn:
            q = sa.text("SELECT 1 FROM pg_database WHERE datname = :n")
            return conn.scalar(q, {"n": f"{PG_PREFIX}_{size}"}) is not None
    finally:
        admin.dispose()


def pg_drop(pg_url: str, size: str) -> None:
    import sqlalchemy as sa

    admin = _pg_admin(pg_url)
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f"DROP DATABASE IF EXISTS {PG_PREFIX}_{size} WITH (FORCE)"))
    finally:
        admin.dispose()


def _pg_create(pg_url: str, size: str, template: str | None = None) -> None:
    import sqlalchemy as sa

    pg_drop(pg_url, size)
    admin = _pg_admin(pg_url)
    try:
        with admin.connect() as conn:
            extra = f" TEMPLATE {PG_PREFIX}_{template}" if template else ""
            conn.execute(sa.text(f"CREATE DATABASE {PG_PREFIX}_{size}{extra}"))
    finally:
        admin.dispose()


def marker(work: str, backend: str, size: str) -> Path:
    return Path(work) / f"{backend}-{size}.json"


def ready(work: str, backend: str, size: str, pg_url: str, want: dict[str, Any]) -> bool:
    """Whether an earlier run left this database, built with the same options."""
    done = marker(work, backend, size)
    if not done.exists():
        return False
    if json.loads(done.read_text()).get("options") != want:
        return False
    if backend == "sqlite":
        return (Path(work) / f"sqlite-{size}.db").exists()
    return pg_exists(pg_url, size)


def phase_build(backend: str, work: str, pg_url: str, months: str, per_month: str
                ) -> dict[str, Any]:  # fmt: skip
    """The 1x database: the demo practice through the real pipeline."""
    from cleanclaim.analytics.demo_run import DemoOptions, run_demo

    size = "1x"
    if backend == "sqlite":
        (Path(work) / "sqlite-1x.db").unlink(missing_ok=True)
    else:
        _pg_create(pg_url, size)
    env(work, db_url(backend, work, pg_url, size))
    start = time.perf_counter()

    def progress(step: str, done: int, total: int) -> None:
        if total == 0 or done % 50 == 0:
            say(f"{backend} 1x {time.perf_counter() - start:7.0f} s  {step} {done}/{total}")

    opts = DemoOptions(months=int(months), claims_per_month=int(per_month))
    result = run_demo(Path(work) / "demo", opts, progress=progress)
    if backend == "postgresql":
        analyze(db_url(backend, work, pg_url, size))
    return {"seconds": result.seconds, "wall_s": time.perf_counter() - start,
            "files": result.files_ingested + result.files_already_known}  # fmt: skip


def phase_replicate(backend: str, work: str, pg_url: str, scale: str) -> dict[str, Any]:
    """The 10x database: a copy of the 1x one, replicated inside the database."""
    from _replicate import replicate
    from cleanclaim.storage.db import make_engine

    size = f"{scale}x"
    if backend == "sqlite":
        _sqlite_copy(Path(work) / "sqlite-1x.db", Path(work) / f"sqlite-{size}.db")
    else:
        _pg_create(pg_url, size, template="1x")
    url = db_url(backend, work, pg_url, size)
    start = time.perf_counter()
    engine = make_engine(url)
    copied = replicate(engine, practice_id(engine), int(scale) - 1, log=say)
    engine.dispose()
    if backend == "postgresql":
        analyze(url)
    return {"rows_added": copied, "wall_s": time.perf_counter() - start}


def _sqlite_copy(src: Path, dest: Path) -> None:
    """Copy a SQLite database, WAL included (the backup API)."""
    import sqlite3

    dest.unlink(missing_ok=True)
    with sqlite3.connect(src) as a, sqlite3.connect(dest) as b:
        a.backup(b)
    a.close()
    b.close()


def analyze(url: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    engine.dispose()


def practice_id(engine: Any) -> int:
    from sqlalchemy import select

    from cleanclaim.analytics.demo_run import DEMO_PRACTICE
    from cleanclaim.storage.models import Practice

    with engine.connect() as conn:
        return int(conn.scalar(select(Practice.id).where(Practice.key == DEMO_PRACTICE)))
