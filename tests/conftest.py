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
    for name in ("CLEANCLAIM_DATABASE_URL", "CLEANCLAIM_CODESET_DIR", "CLEANCLAIM_USER",
                 "CLEANCLAIM_PRACTICE"):
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
