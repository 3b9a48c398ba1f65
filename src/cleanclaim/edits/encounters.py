"""Encounter documentation sidecar: what the record supports for each claim's E/M visit.

A sidecar is a CSV or JSON file keyed by claim id (CLM01). Each entry gives the three
medical decision making elements (``problems``, ``data``, ``risk``: straightforward, low,
moderate or high) and/or the practitioner's ``total_minutes`` on the date of the encounter,
and optionally the ``date`` of the encounter. See docs/encounters.md for the format.

:func:`load` validates the whole file and raises :class:`~cleanclaim.errors.InputError`
naming the file and the line (CSV) or the entry (JSON) on the first problem. Rule EM101
reads the result from ``RuleContext.options["encounters"]``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cleanclaim.edits.mdm import ELEMENTS, LEVEL_WORDS, MdmLevel, mdm_level, parse_level
from cleanclaim.errors import InputError, UsageError

COLUMNS = ("claim_id", "date", *ELEMENTS, "total_minutes")
"""Accepted CSV columns (and JSON keys); ``claim_id`` is required in CSV and JSON lists."""

MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class Encounter:
    """What the documentation of one encounter supports."""

    claim_id: str
    problems: MdmLevel | None = None
    data: MdmLevel | None = None
    risk: MdmLevel | None = None
    total_minutes: int | None = None
    date: dt.date | None = None

    @property
    def mdm(self) -> MdmLevel | None:
        """The MDM level (2 of 3 elements), or ``None`` when the elements are not given."""
        if self.problems is None or self.data is None or self.risk is None:
            return None
        return mdm_level(self.problems, self.data, self.risk)

    def describe(self) -> str:
        """The documentation in a few words (no PHI)."""
        parts = []
        mdm = self.mdm
        if mdm is not None:
            assert self.problems and self.data and self.risk
            parts.append(
                f"MDM {mdm.label}: problems {self.problems.label}, data {self.data.label}, "
                f"risk {self.risk.label}"
            )
        if self.total_minutes is not None:
            parts.append(f"total time {self.total_minutes} min")
        return "; ".join(parts) or "no MDM and no time"


def _entry(raw: Mapping[str, Any], claim_id: str, fail: Any) -> Encounter:
    unknown = sorted(set(raw) - set(COLUMNS))
    if unknown:
        raise fail(f"unknown field(s) {', '.join(unknown)}; expected {', '.join(COLUMNS)}")
    levels: dict[str, MdmLevel | None] = {}
    for name in ELEMENTS:
        value = raw.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            levels[name] = None
            continue
        level = parse_level(value) if isinstance(value, str) else None
        if level is None:
            raise fail(f"{name}: {value!r} is not one of {', '.join(LEVEL_WORDS)}")
        levels[name] = level
    given = [n for n in ELEMENTS if levels[n] is not None]
    if given and len(given) != len(ELEMENTS):
        missing = [n for n in ELEMENTS if levels[n] is None]
        raise fail(f"give all three MDM elements or none; missing {', '.join(missing)}")
    minutes = _minutes(raw.get("total_minutes"), fail)
    day = _date(raw.get("date"), fail)
    if not given and minutes is None:
        raise fail("give the MDM elements (problems, data, risk), total_minutes, or both")
    return Encounter(
        claim_id=claim_id,
        problems=levels["problems"],
        data=levels["data"],
        risk=levels["risk"],
        total_minutes=minutes,
        date=day,
    )


def _minutes(value: Any, fail: Any) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise fail(f"total_minutes: {value!r} is not a whole number of minutes")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value.strip())
    else:
        raise fail(f"total_minutes: {value!r} is not a whole number of minutes")
    if not 0 <= number <= MAX_MINUTES:
        raise fail(f"total_minutes: {number} is outside 0-{MAX_MINUTES}")
    return number


def _date(value: Any, fail: Any) -> dt.date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise fail(f"date: {value!r} is not a date (expected YYYY-MM-DD)") from None


def _load_csv(path: Path, text: str) -> dict[str, Encounter]:
    reader = csv.DictReader(text.splitlines())
    header = reader.fieldnames or []
    if "claim_id" not in header:
        raise InputError(path, "the header has no claim_id column", line=1)
    out: dict[str, Encounter] = {}
    for number, row in enumerate(reader, start=2):

        def fail(reason: str, n: int = number) -> InputError:
            return InputError(path, reason, line=n)

        if None in row:
            raise fail("more values than header columns")
        claim_id = (row.get("claim_id") or "").strip()
        if not claim_id:
            if not any((v or "").strip() for v in row.values()):
                continue  # blank line
            raise fail("claim_id is empty")
        if claim_id in out:
            raise fail(f"claim {claim_id!r} appears twice")
        fields = {k: v for k, v in row.items() if k != "claim_id"}
        out[claim_id] = _entry(fields, claim_id, fail)
    return out


def _load_json(path: Path, text: str) -> dict[str, Encounter]:
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON: {exc.msg}", line=exc.lineno) from None
    items: list[tuple[str, str, Any]] = []
    if isinstance(doc, dict):
        items = [(str(k), f"entry {k!r}", v) for k, v in doc.items()]
    elif isinstance(doc, list):
        for index, raw in enumerate(doc):
            claim_id = raw.get("claim_id") if isinstance(raw, dict) else None
            if not isinstance(claim_id, str) or not claim_id.strip():
                raise InputError(path, f"[{index}]: claim_id must be a non-empty string")
            items.append((claim_id.strip(), f"[{index}]", raw))
    else:
        raise InputError(path, "expected an object keyed by claim id, or a list of entries")
    out: dict[str, Encounter] = {}
    for claim_id, where, raw in items:

        def fail(reason: str, w: str = where) -> InputError:
            return InputError(path, f"{w}: {reason}")

        if not isinstance(raw, dict):
            raise fail("expected an object")
        if claim_id in out:
            raise fail(f"claim {claim_id!r} appears twice")
        fields = dict(raw)
        if "claim_id" in fields and str(fields.pop("claim_id")).strip() != claim_id:
            raise fail("claim_id differs from the key")
        out[claim_id] = _entry(fields, claim_id, fail)
    return out


def load(path: Path) -> dict[str, Encounter]:
    """Read an encounter sidecar (``.csv`` or ``.json``): claim id -> :class:`Encounter`."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(path, f"not UTF-8 text ({exc.reason})") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _load_csv(path, text)
    if suffix == ".json":
        return _load_json(path, text)
    raise UsageError(f"{path}: encounter files must end in .csv or .json")
