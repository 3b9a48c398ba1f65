"""``codesets update``: download the official files a store is missing, and import them.

For every kind in :data:`~cleanclaim.codesets.sources.SOURCES` the update lists the
editions in force at some date between ``since`` and ``through`` (by default the year
ending on ``through``: Medicare's timely-filing window), skips those already installed
(a non-fixture release starting on the same day, or made from the same file), downloads
the others and imports them with :meth:`CodesetStore.import_file`.

Nothing here raises for a network or server problem: each one becomes a one-line failure
in the report and the update goes on with the next edition. A download that comes back as
CMS's AMA licence page is not imported; the report says how to fetch the file by hand.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import tempfile
import urllib.parse
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.model import Completeness, Release
from cleanclaim.codesets.sources import CMS_BASE, SOURCES, Edition, Source
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.errors import CleanclaimError, UsageError

Progress = Callable[[str], None]

MAX_DOWNLOAD_BYTES = 512 * 1024 * 1024
"""Refuse downloads larger than this (no official code-set file comes close)."""

_SNIFF_BYTES = 512 * 1024
_IMPORT_HINT = "cleanclaim codesets import {kind} <path>"


@dataclass
class KindReport:
    """What the update did for one kind."""

    kind: str
    fetched: list[str] = field(default_factory=list)
    """Release ids imported by this run."""
    present: list[str] = field(default_factory=list)
    """Release ids already installed for the editions in range."""
    skipped: list[str] = field(default_factory=list)
    """Editions left to the user (licence-gated), each with the instruction."""
    failed: list[str] = field(default_factory=list)
    """One line per edition that could not be fetched or imported."""
    notes: list[str] = field(default_factory=list)
    """Information, e.g. an optional update that CMS has not published."""

    def to_json(self) -> dict[str, list[str]]:
        return {
            "fetched": list(self.fetched),
            "present": list(self.present),
            "skipped": list(self.skipped),
            "failed": list(self.failed),
            "notes": list(self.notes),
        }


@dataclass
class UpdateReport:
    """The outcome of one update, per kind."""

    since: dt.date
    through: dt.date
    kinds: dict[str, KindReport] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether nothing failed (skipped licence-gated files are not failures)."""
        return not any(k.failed for k in self.kinds.values())

    @property
    def fetched(self) -> list[str]:
        """Every release id imported by this run."""
        return [rid for k in self.kinds.values() for rid in k.fetched]

    def to_json(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "through": self.through.isoformat(),
            "ok": self.ok,
            "kinds": {slug: k.to_json() for slug, k in self.kinds.items()},
        }

    def lines(self) -> list[str]:
        """A plain-text summary, one line per event."""
        out: list[str] = []
        for slug, k in self.kinds.items():
            out.extend(f"{slug}: fetched {rid}" for rid in k.fetched)
            out.extend(f"{slug}: already present {rid}" for rid in k.present)
            out.extend(f"{slug}: skipped: {msg}" for msg in k.skipped)
            out.extend(f"{slug}: failed: {msg}" for msg in k.failed)
            out.extend(f"{slug}: note: {msg}" for msg in k.notes)
        return out


# -- outcomes of one download ---------------------------------------------------------------


@dataclass(frozen=True)
class _Saved:
    url: str
    path: Path


@dataclass(frozen=True)
class _Licence:
    url: str


@dataclass(frozen=True)
class _Missing:
    urls: tuple[str, ...]


@dataclass(frozen=True)
class _Failed:
    reason: str
    cause: str | None = None
    """Set when the server could not be reached at all (the cause, for later editions)."""


_Outcome = _Saved | _Licence | _Missing | _Failed


def update(
    store: CodesetStore,
    through: dt.date,
    *,
    base_urls: Mapping[str, str] | None = None,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
    since: dt.date | None = None,
    sources: Iterable[Source] | None = None,
    max_bytes: int = MAX_DOWNLOAD_BYTES,
) -> UpdateReport:
    """Fetch and import every missing edition in force between ``since`` and ``through``.

    Args:
        store: the code-set store to complete.
        through: last date of service to cover; editions starting later are not fetched.
        base_urls: overrides of the base URLs, keyed by source key (``"cms"``) or kind slug.
        client: an ``httpx.Client`` to use (the caller closes it); by default one is made
            with the ``http_timeout_s`` setting.
        progress: called with a short message before each download.
        since: first date to cover; default: one year before ``through``.
        sources: the source table (default :data:`~cleanclaim.codesets.sources.SOURCES`).
        max_bytes: largest download accepted.

    Returns:
        The per-kind report. Network and server problems are reported, never raised.
    """
    since = since or _year_before(through)
    if since > through:
        raise UsageError(f"--since {since} is after --through {through}")
    bases = _bases(base_urls)
    report = UpdateReport(since=since, through=through)
    own_client = client is None
    http = client if client is not None else _default_client()
    try:
        with tempfile.TemporaryDirectory(prefix="cleanclaim-update-") as tmp:
            fetcher = _Fetcher(http, Path(tmp), max_bytes, progress)
            for source in SOURCES if sources is None else sources:
                kind_report = report.kinds.setdefault(source.kind, KindReport(source.kind))
                base = bases.get(source.kind) or bases.get(source.base) or CMS_BASE
                _update_kind(store, source, base, since, through, fetcher, kind_report)
    finally:
        if own_client:
            http.close()
    return report


def _update_kind(
    store: CodesetStore,
    source: Source,
    base: str,
    since: dt.date,
    through: dt.date,
    fetcher: _Fetcher,
    out: KindReport,
) -> None:
    installed = store.releases(source.kind)
    landing = base + source.landing
    for edition in sorted(source.editions(since, through), key=lambda e: e.start):
        existing = _installed(installed, edition)
        if existing is not None:
            out.present.append(existing.release_id)
            continue
        label = edition.label
        if source.manual or not edition.paths:
            out.skipped.append(
                f"{label}: CMS publishes this file behind the AMA licence page under a name "
                f"that changes each release; download it from {landing} in a browser, accept "
                f"the licence, then run: {_IMPORT_HINT.format(kind=source.kind)}"
            )
            continue
        outcome = fetcher.fetch(base, edition)
        if isinstance(outcome, _Licence):
            out.skipped.append(
                f"{label}: the download returned the AMA licence page; download "
                f"{outcome.url} in a browser, accept the licence, then run: "
                f"{_IMPORT_HINT.format(kind=source.kind)}"
            )
        elif isinstance(outcome, _Missing):
            tried = ", ".join(outcome.urls)
            if edition.optional:
                out.notes.append(f"{label}: not published (HTTP 404): {tried}")
            else:
                out.failed.append(f"{label}: not found (HTTP 404): {tried}")
        elif isinstance(outcome, _Failed):
            out.failed.append(f"{label}: {outcome.reason}")
        else:
            _import(store, edition, outcome, out)
            installed = store.releases(source.kind)


def _import(store: CodesetStore, edition: Edition, saved: _Saved, out: KindReport) -> None:
    options = ImportOptions(effective_from=edition.start, effective_to=edition.end)
    try:
        release, new = store.import_file(edition.kind, saved.path, options)
    except CleanclaimError as exc:
        out.failed.append(f"{edition.label}: downloaded {saved.url} but could not import it: {exc}")
        return
    except Exception as exc:  # a loader bug must not stop the other kinds
        out.failed.append(
            f"{edition.label}: downloaded {saved.url} but could not import it: "
            f"{type(exc).__name__}: {exc}"
        )
        return
    (out.fetched if new else out.present).append(release.release_id)


def _installed(releases: list[Release], edition: Edition) -> Release | None:
    """A non-fixture release for the edition: same start date, or built from the same file."""
    names = {_file_name(p) for p in edition.paths}
    for release in releases:
        if release.completeness is Completeness.FIXTURE:
            continue
        if release.effective_from == edition.start or release.source in names:
            return release
    return None


class _Fetcher:
    """Downloads candidate URLs into a temporary directory."""

    def __init__(
        self, client: httpx.Client, workdir: Path, max_bytes: int, progress: Progress | None
    ) -> None:
        self.client = client
        self.workdir = workdir
        self.max_bytes = max_bytes
        self.progress = progress
        self._count = 0
        self._down: dict[str, str] = {}

    def fetch(self, base: str, edition: Edition) -> _Outcome:
        if base in self._down:
            return _Failed(f"not tried: {base} could not be reached earlier ({self._down[base]})")
        missing: list[str] = []
        for path in edition.paths:
            url = base + path
            if self.progress is not None:
                self.progress(f"{edition.kind} {edition.label}: downloading {url}")
            self._count += 1
            outcome = self._get(url, self.workdir / str(self._count))
            if isinstance(outcome, _Missing):
                missing.append(url)
                continue
            if isinstance(outcome, _Failed) and outcome.cause is not None:
                self._down[base] = outcome.cause
            return outcome
        return _Missing(tuple(missing))

    def _get(self, url: str, folder: Path) -> _Outcome:
        try:
            with self.client.stream("GET", url, follow_redirects=True) as response:
                if response.status_code in (404, 410):
                    return _Missing((url,))
                if response.status_code >= 400:
                    return _Failed(f"HTTP {response.status_code} from {url}")
                return self._save(url, response, folder)
        except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
            return _Failed(f"cannot download {url}: {_reason(exc)}", cause=_reason(exc))
        except httpx.HTTPError as exc:
            return _Failed(f"cannot download {url}: {_reason(exc)}")
        except OSError as exc:
            return _Failed(f"cannot save {url}: {exc}")

    def _save(self, url: str, response: httpx.Response, folder: Path) -> _Outcome:
        chunks = response.iter_bytes()
        head = b""
        for chunk in chunks:
            head += chunk
            if len(head) >= 1024:
                break
        content_type = response.headers.get("content-type", "").lower()
        if "text/html" in content_type or _looks_like_html(head):
            for chunk in chunks:
                if len(head) >= _SNIFF_BYTES:
                    break
                head += chunk
            text = head.decode("utf-8", errors="replace")
            if _is_licence_page(str(response.url), text):
                return _Licence(url)
            return _Failed(f"{url} returned a web page, not the data file")
        too_large = _Failed(f"{url} is larger than {self.max_bytes} bytes; not imported")
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return too_large
        folder.mkdir()
        dest = folder / _file_name(url)
        size = 0
        with dest.open("wb") as fh:
            for chunk in itertools.chain([head], chunks):
                size += len(chunk)
                if size > self.max_bytes:
                    return too_large
                fh.write(chunk)
        if size == 0:
            return _Failed(f"{url} returned an empty file")
        return _Saved(url, dest)


def _default_client() -> httpx.Client:
    from cleanclaim import __version__
    from cleanclaim.settings import get_settings

    return httpx.Client(
        timeout=get_settings().http_timeout_s,
        headers={"User-Agent": f"cleanclaim/{__version__} (codesets update)"},
    )


def _bases(overrides: Mapping[str, str] | None) -> dict[str, str]:
    from cleanclaim.settings import get_settings

    bases = {"cms": CMS_BASE}
    configured = getattr(get_settings(), "codeset_base_url", None)
    if configured:
        bases["cms"] = str(configured)
    bases.update(overrides or {})
    return {key: value.rstrip("/") for key, value in bases.items()}


def _year_before(day: dt.date) -> dt.date:
    """The day after the same date one year earlier (the year ending on ``day``)."""
    try:
        earlier = day.replace(year=day.year - 1)
    except ValueError:  # February 29
        earlier = dt.date(day.year - 1, 2, 28)
    return earlier + dt.timedelta(days=1)


def _file_name(url_or_path: str) -> str:
    """The file name a URL serves (for ``/license/ama?file=/files/zip/x.zip``: ``x.zip``)."""
    parsed = urllib.parse.urlsplit(url_or_path)
    inner = urllib.parse.parse_qs(parsed.query).get("file")
    name = (inner[0] if inner else parsed.path).rstrip("/").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9._-]", "_", name) or "download"


def _looks_like_html(head: bytes) -> bool:
    start = head.lstrip()[:64].lower()
    return start.startswith((b"<!doctype html", b"<html", b"<head", b"<body"))


def _is_licence_page(final_url: str, text: str) -> bool:
    """Whether an HTML answer is CMS's AMA (CPT) licence click-through."""
    low = text.lower()
    if "/license/ama" in final_url.lower():
        return True
    if "american medical association" in low or "current procedural terminology" in low:
        return True
    return "licen" in low and "accept" in low and "<form" in low


def _reason(exc: Exception) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
