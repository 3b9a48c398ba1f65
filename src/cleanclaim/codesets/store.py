"""The code-set store: a directory of compiled releases and a catalogue.

Layout::

    <root>/catalog.json                    every installed release (metadata only)
    <root>/<kind>/<version>-<sha12>/       one release's compiled data, written once
    <root>/.lock                           serialises writers

Code sets are public reference data shared by every practice, so they live beside the
database rather than in it; a multi-user deployment points ``CLEANCLAIM_CODESET_DIR`` at
shared storage. An import parses the official file once, writes the compiled data into a
temporary directory, renames it into place and only then rewrites the catalogue (by atomic
replace). A failure at any point leaves the previous catalogue and releases untouched.
Importing a file whose hash is already installed for that kind changes nothing.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cleanclaim.codesets.kinds import BundledSource, ImportOptions, all_kinds, kind
from cleanclaim.codesets.model import ParsedRelease, Release
from cleanclaim.errors import CodesetError, UsageError

CATALOG_VERSION = 1


class CodesetStore:
    """Installed releases and their compiled data, under one directory."""

    def __init__(self, root: Path, *, include_bundled: bool = True) -> None:
        self.root = Path(root)
        self.include_bundled = include_bundled
        self._tables: dict[str, Any] = {}
        self._catalog: list[Release] | None = None
        self._bundled_checked = False

    # -- catalogue -------------------------------------------------------------------

    @property
    def catalog_path(self) -> Path:
        return self.root / "catalog.json"

    def _read_catalog(self) -> list[Release]:
        if not self.catalog_path.exists():
            return []
        try:
            data = json.loads(self.catalog_path.read_text("utf-8"))
            return [Release.from_json(r) for r in data["releases"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise CodesetError(f"{self.catalog_path}: catalogue is unreadable: {exc}") from exc

    def _write_catalog(self, releases: list[Release]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        payload = {
            "version": CATALOG_VERSION,
            "releases": [r.to_json() for r in sorted(releases, key=_sort_key)],
        }
        fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".catalog-", suffix=".json")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(payload, fh, indent=1)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.catalog_path)
        self._catalog = sorted(releases, key=_sort_key)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock, fcntl.LOCK_UN)

    def releases(self, kind_slug: str | None = None) -> list[Release]:
        """Installed releases, optionally of one kind (bundled ones are installed first)."""
        self._ensure_bundled()
        if self._catalog is None:
            self._catalog = self._read_catalog()
        if kind_slug is None:
            return list(self._catalog)
        return [r for r in self._catalog if r.kind == kind_slug]

    # -- installing ------------------------------------------------------------------

    def import_file(
        self, kind_slug: str, path: Path, options: ImportOptions | None = None
    ) -> tuple[Release, bool]:
        """Parse an official file and install it. Returns the release and whether it is new."""
        spec = kind(kind_slug)
        path = Path(path)
        if not path.exists():
            raise UsageError(f"{path}: no such file")
        if not path.is_file():
            raise UsageError(f"{path}: not a file")
        module = spec.load_module()
        parsed: ParsedRelease = module.parse(path, options or ImportOptions(), kind_slug)
        return self.install(parsed, origin="imported")

    def install(self, parsed: ParsedRelease, *, origin: str) -> tuple[Release, bool]:
        """Install a parsed release unless one with the same kind and hash exists."""
        with self._locked():
            current = self._read_catalog()
            for existing in current:
                if existing.kind == parsed.kind and existing.sha256 == parsed.sha256:
                    self._catalog = current
                    return existing, False
            module = kind(parsed.kind).load_module()
            rel_dir = f"{parsed.kind}/{_safe(parsed.version)}-{parsed.sha256[:12]}"
            final = self.root / rel_dir
            tmp = Path(tempfile.mkdtemp(dir=self.root, prefix=".import-"))
            try:
                module.write(parsed, tmp)
                final.parent.mkdir(parents=True, exist_ok=True)
                if final.exists():
                    shutil.rmtree(final)
                os.replace(tmp, final)
            except BaseException:
                shutil.rmtree(tmp, ignore_errors=True)
                raise
            release = Release(
                kind=parsed.kind,
                name=parsed.name,
                version=parsed.version,
                effective_from=parsed.effective_from,
                effective_to=parsed.effective_to,
                source=parsed.source,
                sha256=parsed.sha256,
                row_count=parsed.row_count,
                completeness=parsed.completeness,
                origin=origin,
                data_dir=rel_dir,
                imported_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                notes=parsed.notes,
            )
            self._write_catalog([*current, release])
            return release, True

    def _ensure_bundled(self) -> None:
        if self._bundled_checked or not self.include_bundled:
            return
        self._bundled_checked = True
        installed = {(r.kind, r.sha256) for r in self._read_catalog()}
        for source in bundled_sources():
            if (source.kind, source.sha256) in installed:
                continue
            parsed = source.build()
            self.install(parsed, origin="bundled" if "package" not in parsed.extra else "package")
        self._catalog = None

    # -- reading ---------------------------------------------------------------------

    def table(self, release: Release) -> Any:
        """The opened lookup table of a release (opened once per store)."""
        if release.data_dir is None:
            raise CodesetError(f"release {release.release_id} has no data directory")
        cached = self._tables.get(release.data_dir)
        if cached is not None:
            return cached
        data_dir = self.root / release.data_dir
        if not data_dir.is_dir():
            raise CodesetError(
                f"{data_dir}: data of release {release.name} is missing; import it again"
            )
        table = kind(release.kind).load_module().open_table(data_dir, release)
        self._tables[release.data_dir] = table
        return table


def bundled_sources() -> list[BundledSource]:
    """Every release the package ships, across kinds (modules imported on demand)."""
    sources: list[BundledSource] = []
    seen: set[str] = set()
    for spec in all_kinds():
        if spec.module is None or spec.module in seen:
            continue
        seen.add(spec.module)
        module = spec.load_module()
        provider = getattr(module, "bundled", None)
        if provider is not None:
            sources.extend(provider())
    return sources


def _safe(text: str) -> str:
    return "".join(c if c.isalnum() or c in "._-" else "_" for c in text)


def _sort_key(r: Release) -> tuple[str, dt.date, str]:
    return (r.kind, r.effective_from, r.version)


_default_store: CodesetStore | None = None


def default_store() -> CodesetStore:
    """The store named by the settings (created on first use)."""
    global _default_store
    from cleanclaim.settings import get_settings

    root = get_settings().resolved_codeset_dir()
    if _default_store is None or _default_store.root != root:
        _default_store = CodesetStore(root)
    return _default_store
