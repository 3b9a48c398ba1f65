"""Helpers shared by the loaders: hashing, zip members, line reading, quarters, payloads."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanclaim.errors import CodesetFileError, UsageError

PAYLOAD_FILE = "rows.json.gz"


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    """Hex SHA-256 of a string."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SourceText:
    """One text member of an official file: its display name and decoded lines."""

    name: str
    text: str

    def lines(self) -> Iterator[tuple[int, str]]:
        """``(line_number, line)`` pairs, 1-based, without line endings."""
        for number, line in enumerate(io.StringIO(self.text), start=1):
            yield number, line.rstrip("\r\n")


def read_members(
    path: Path, pattern: str = r".*\.(txt|csv)$", encoding: str = "latin-1"
) -> list[SourceText]:
    """Text members of ``path``: the file itself, or the matching members of a zip.

    Official CMS files ship as zips holding one or more text files; a user may also hand
    over the extracted text. Text is decoded as ``encoding`` (latin-1 cannot fail).
    """
    if zipfile.is_zipfile(path):
        out: list[SourceText] = []
        try:
            with zipfile.ZipFile(path) as zf:
                for info in zf.infolist():
                    if info.is_dir() or not re.search(pattern, info.filename, re.IGNORECASE):
                        continue
                    raw = zf.read(info)
                    out.append(SourceText(f"{path}!{info.filename}", raw.decode(encoding)))
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise CodesetFileError(path, f"damaged zip file: {exc}") from exc
        if not out:
            raise CodesetFileError(path, f"zip holds no member matching {pattern}")
        return out
    return [SourceText(str(path), path.read_bytes().decode(encoding))]


def quarter_window(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a calendar quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"quarter {quarter}")
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end - dt.timedelta(days=1)


def fiscal_year_window(fy: int) -> tuple[dt.date, dt.date]:
    """A federal fiscal year: October 1 of the year before to September 30."""
    return dt.date(fy - 1, 10, 1), dt.date(fy, 9, 30)


def parse_yyyymmdd(text: str, *, path: str, line: int) -> dt.date:
    """A ``YYYYMMDD`` date, or a clear file:line error."""
    try:
        return dt.date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except (ValueError, IndexError):
        raise CodesetFileError(path, f"bad date {text!r} (expected YYYYMMDD)", line=line) from None


def parse_iso(text: str, *, path: str, line: int) -> dt.date:
    """An ISO date, or a clear file:line error."""
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise CodesetFileError(
            path, f"bad date {text!r} (expected YYYY-MM-DD)", line=line
        ) from None


def require_window(
    start: dt.date | None, end: dt.date | None, what: str
) -> tuple[dt.date, dt.date | None]:
    """Fail with a usage error when the effective window cannot be known."""
    if start is None:
        raise UsageError(
            f"cannot tell the effective dates of this {what} file from its name; "
            "give --effective-from (and --effective-to)"
        )
    if end is not None and end < start:
        raise UsageError(f"--effective-to {end} is before --effective-from {start}")
    return start, end


def write_payload(dest: Path, payload: Any) -> None:
    """Write a JSON payload (gzip-compressed) into a release directory."""
    with gzip.open(dest / PAYLOAD_FILE, "wt", encoding="utf-8", compresslevel=3) as fh:
        json.dump(payload, fh, separators=(",", ":"))


def read_payload(data_dir: Path) -> Any:
    """Inverse of :func:`write_payload`."""
    with gzip.open(data_dir / PAYLOAD_FILE, "rt", encoding="utf-8") as fh:
        return json.load(fh)


def package_data(*parts: str) -> Path:
    """Path of a file shipped inside ``cleanclaim/codesets/data``."""
    return Path(__file__).resolve().parent.parent.joinpath("data", *parts)
