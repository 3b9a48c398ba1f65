"""Shared fixtures: isolated settings, a temporary code-set store."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=60,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test gets its own data directory; nothing touches the user's real one."""
    from cleanclaim.settings import reset_settings

    data = tmp_path / "cleanclaim-data"
    monkeypatch.setenv("CLEANCLAIM_DATA_DIR", str(data))
    for name in (
        "CLEANCLAIM_DATABASE_URL",
        "CLEANCLAIM_CODESET_DIR",
        "CLEANCLAIM_USER",
        "CLEANCLAIM_PRACTICE",
    ):
        monkeypatch.delenv(name, raising=False)
    reset_settings()
    yield
    reset_settings()


@pytest.fixture
def empty_store(tmp_path: Path):  # type: ignore[no-untyped-def]
    """A code-set store with nothing in it, not even the bundled releases."""
    from cleanclaim.codesets.store import CodesetStore

    return CodesetStore(tmp_path / "store", include_bundled=False)


@pytest.fixture(scope="session")
def bundled_store(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A store holding every bundled release (built once per session)."""
    from cleanclaim.codesets.store import CodesetStore

    store = CodesetStore(tmp_path_factory.mktemp("bundled") / "store")
    store.releases()
    return store


# -- databases -----------------------------------------------------------------------
#
# Tests that take ``db_url`` run on SQLite always, and also on PostgreSQL when
# CLEANCLAIM_TEST_PG_URL is set. An unreachable PostgreSQL server is then a failure,
# never a skip. Each xdist worker uses its own schema.

PG_URL = os.environ.get("CLEANCLAIM_TEST_PG_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]


def _pg_schema_url(worker: str) -> str:
    import sqlalchemy as sa

    assert PG_URL is not None
    schema = f"t_{worker}".replace("-", "_")
    engine = sa.create_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
    engine.dispose()
    sep = "&" if "?" in PG_URL else "?"
    return f"{PG_URL}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(scope="session")
def _pg_url(worker_id: str) -> str | None:
    return _pg_schema_url(worker_id) if PG_URL else None


@pytest.fixture(params=BACKENDS)
def db_url(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    _pg_url: str | None,
) -> Iterator[str]:
    """A migrated, empty database on each backend; the CLI is pointed at it too."""
    import sqlalchemy as sa

    from cleanclaim.settings import reset_settings
    from cleanclaim.storage.db import dispose_engines, get_engine
    from cleanclaim.storage.migrate import upgrade

    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        assert _pg_url is not None
        url = _pg_url
    monkeypatch.setenv("CLEANCLAIM_DATABASE_URL", url)
    reset_settings()
    engine = get_engine(url)
    upgrade(engine)
    if request.param == "postgresql":
        with engine.begin() as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    sa.text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"
                        " AND tablename <> 'alembic_version'"
                    )
                )
            ]
            if tables:
                conn.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    yield url
    dispose_engines()


@pytest.fixture(autouse=True)
def default_codesets(bundled_store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:  # type: ignore[no-untyped-def]
    """The default code-set store of this test: a hard-linked copy of the session's bundled
    store (releases are written once and the catalogue is replaced, never edited, so the
    copies cannot affect each other)."""
    import shutil

    from cleanclaim.settings import reset_settings

    bundled_store.releases()
    target = tmp_path / "codesets"
    shutil.copytree(bundled_store.root, target, copy_function=os.link)
    monkeypatch.setenv("CLEANCLAIM_CODESET_DIR", str(target))
    reset_settings()
    return target


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], default_codesets: Path):  # type: ignore[no-untyped-def]
    """Run ``cleanclaim ARGS...`` in-process; returns code, stdout and stderr."""
    from tests.clirunner import make_runner

    return make_runner(capsys)
