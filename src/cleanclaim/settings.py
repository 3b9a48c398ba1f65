"""One settings object, read from ``CLEANCLAIM_*`` environment variables.

Nothing here touches the disk at import time; :func:`get_settings` builds the object on
first use and caches it. Tests call :func:`reset_settings` after changing the environment.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("cleanclaim", appauthor=False))


class Settings(BaseSettings):
    """Runtime settings. Every field can be set as ``CLEANCLAIM_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="CLEANCLAIM_", extra="ignore")

    data_dir: Path = Field(default_factory=_default_data_dir)
    """Where the embedded database and the code-set store live."""

    database_url: str | None = None
    """SQLAlchemy URL. Default: a SQLite file ``cleanclaim.db`` in ``data_dir``."""

    codeset_dir: Path | None = None
    """Code-set store. Default: ``data_dir / "codesets"``."""

    practice: str = "default"
    """The practice (tenant) the command line acts for unless ``--practice`` is given."""

    user: str = "system"
    """The user the command line acts as unless ``--user`` is given."""

    sqlite_busy_timeout_ms: int = 30_000
    """How long a SQLite writer waits for a lock before failing."""

    max_x12_file_bytes: int = 2 * 1024**3
    """Largest X12 file accepted for ingest."""

    max_segment_bytes: int = 1024 * 1024
    """Longest single X12 segment accepted."""

    http_timeout_s: float = 60.0
    """Timeout for ``codesets update`` downloads."""

    codeset_base_url: str | None = None
    """Mirror to fetch official code-set files from instead of their public sites."""

    def resolved_database_url(self) -> str:
        """The database URL to use, with the SQLite default filled in."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'cleanclaim.db'}"

    def resolved_codeset_dir(self) -> Path:
        """The code-set store directory."""
        return self.codeset_dir if self.codeset_dir is not None else self.data_dir / "codesets"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment."""
    return Settings()


def reset_settings() -> None:
    """Forget the cached settings (after the environment changed)."""
    get_settings.cache_clear()
