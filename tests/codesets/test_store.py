"""The code-set store, views and coverage, exercised through the curated-list loader."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from cleanclaim.codesets.coverage import coverage, uncovered
from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

D = dt.date

POS_CSV = """code,effective_from,effective_to,summary,facility,telehealth
11,2015-10-01,,Office,non-facility,no
02,2016-01-01,,Telehealth outside the home,either,yes
10,2022-01-01,,Telehealth in the home,either,yes
"""


def _csv(tmp_path: Path, text: str = POS_CSV, name: str = "pos.csv") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_import_then_lookup_by_date(empty_store: CodesetStore, tmp_path: Path) -> None:
    release, new = empty_store.import_file("pos", _csv(tmp_path))
    assert new and release.row_count == 3 and release.completeness is Completeness.FULL
    before = CodesetView(empty_store, D(2021, 12, 31))
    after = CodesetView(empty_store, D(2022, 1, 1))
    assert before.ask("pos", lambda t: t.get("10", before.on)).value is None
    answer = after.ask("pos", lambda t: t.get("10", after.on))
    assert answer.value is not None and answer.value.attrs["telehealth"] == "yes"
    assert answer.completeness is Completeness.FULL and answer.authoritative


def test_reimport_changes_nothing(empty_store: CodesetStore, tmp_path: Path) -> None:
    path = _csv(tmp_path)
    first, _ = empty_store.import_file("pos", path)
    catalog = empty_store.catalog_path.read_bytes()
    again, new = empty_store.import_file("pos", path)
    assert not new and again == first
    assert empty_store.catalog_path.read_bytes() == catalog
    # Same content under another name is the same release.
    _, new = empty_store.import_file("pos", _csv(tmp_path, name="copy.csv"))
    assert not new


def test_failed_import_leaves_previous_release_intact(
    empty_store: CodesetStore, tmp_path: Path
) -> None:
    empty_store.import_file("pos", _csv(tmp_path))
    catalog = empty_store.catalog_path.read_bytes()
    bad = _csv(tmp_path, POS_CSV + "12,2015-13-01,,Home,either,no\n", "bad.csv")
    with pytest.raises(CodesetFileError) as err:
        empty_store.import_file("pos", bad)
    assert str(err.value) == f"{bad}:5: bad date '2015-13-01' (expected YYYY-MM-DD)"
    assert empty_store.catalog_path.read_bytes() == catalog
    assert not [p for p in os.listdir(empty_store.root) if p.startswith(".import-")]


def test_no_release_answers_missing(empty_store: CodesetStore) -> None:
    view = CodesetView(empty_store, D(2026, 5, 1))
    answer = view.ask("pos", lambda t: t.get("11", view.on))
    assert answer.value is None and answer.release is None
    assert answer.completeness is Completeness.MISSING
    assert answer.source == "no pos release covers 2026-05-01"


def test_most_complete_release_wins(empty_store: CodesetStore, tmp_path: Path) -> None:
    empty_store.import_file(
        "pos", _csv(tmp_path, name="a.csv"), ImportOptions(completeness="fixture")
    )
    full = POS_CSV + "12,2015-10-01,,Home,either,no\n"
    empty_store.import_file("pos", _csv(tmp_path, full, "b.csv"))
    view = CodesetView(empty_store, D(2026, 5, 1))
    assert view.release("pos") is not None
    assert view.release("pos").completeness is Completeness.FULL  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("kind", "message"),
    [
        pytest.param(
            "cpt4", "unknown code set kind 'cpt4'; known kinds: icd10cm, hcpcs", id="unknown-kind"
        ),
    ],
)
def test_usage_errors(empty_store: CodesetStore, tmp_path: Path, kind: str, message: str) -> None:
    with pytest.raises(UsageError) as err:
        empty_store.import_file(kind, _csv(tmp_path))
    assert str(err.value).startswith(message)


def test_missing_file(empty_store: CodesetStore, tmp_path: Path) -> None:
    with pytest.raises(UsageError) as err:
        empty_store.import_file("pos", tmp_path / "nope.csv")
    assert str(err.value) == f"{tmp_path / 'nope.csv'}: no such file"


def test_unreadable_catalog_is_a_clear_error(tmp_path: Path) -> None:
    store = CodesetStore(tmp_path, include_bundled=False)
    store.catalog_path.write_text("{not json")
    with pytest.raises(Exception) as err:
        store.releases()
    assert "catalogue is unreadable" in str(err.value)


@pytest.mark.parametrize(
    ("windows", "expected"),
    [
        pytest.param([], [("2026-01-01", "2026-12-31")], id="nothing"),
        pytest.param([("2026-01-01", "2026-12-31")], [], id="exact"),
        pytest.param(
            [("2026-04-01", "2026-06-30")],
            [("2026-01-01", "2026-03-31"), ("2026-07-01", "2026-12-31")],
            id="middle",
        ),
        pytest.param([("2025-10-01", "2026-09-30"), ("2026-10-01", None)], [], id="open-ended"),
        pytest.param(
            [("2026-01-01", "2026-03-31"), ("2026-02-01", "2026-05-31")],
            [("2026-06-01", "2026-12-31")],
            id="overlap",
        ),
    ],
)
def test_uncovered(windows: list[tuple[str, str | None]], expected: list[tuple[str, str]]) -> None:
    from cleanclaim.codesets.model import Release

    releases = [
        Release(
            "pos",
            "x",
            "1",
            D.fromisoformat(a),
            D.fromisoformat(b) if b else None,
            "s",
            "h",
            1,
            Completeness.FULL,
        )
        for a, b in windows
    ]
    got = uncovered(releases, D(2026, 1, 1), D(2026, 12, 31))
    assert [(a.isoformat(), b.isoformat()) for a, b in got] == expected


def test_coverage_json_shape(empty_store: CodesetStore, tmp_path: Path) -> None:
    empty_store.import_file(
        "pos", _csv(tmp_path), ImportOptions(effective_from=D(2026, 1, 1), completeness="fixture")
    )
    data = coverage(empty_store, D(2026, 1, 1), D(2026, 12, 31)).to_json()
    json.dumps(data)
    pos = [c for c in data["codesets"] if c["name"] == "pos"]
    assert pos and pos[0]["completeness"] == "fixture"
    assert {"codeset": "icd10cm", "from": "2026-01-01", "to": "2026-12-31"} in data["gaps"]
    assert not [g for g in data["gaps"] if g["codeset"] == "pos"]
