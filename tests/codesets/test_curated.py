"""The shipped place-of-service, CARC and RARC lists: content, dates and completeness."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from cleanclaim.codesets.loaders import curated
from cleanclaim.codesets.loaders._common import package_data
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView

D = dt.date
CURRENT_POS = (
    [f"{n:02d}" for n in range(1, 28)]
    + ["31", "32", "33", "34", "41", "42"]
    + [str(n) for n in range(49, 59)]
    + ["60", "61", "62", "65", "66", "71", "72", "81", "99"]
)


def _rows(kind: str) -> list[dict[str, str]]:
    text = package_data(f"{kind}.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture
def store(empty_store: CodesetStore) -> CodesetStore:
    for source in curated.bundled():
        empty_store.install(source.build(), origin="bundled")
    return empty_store


def _get(store: CodesetStore, kind: str, code: str, on: D) -> curated.CuratedCode | None:
    view = CodesetView(store, on)
    return view.ask(kind, lambda t: t.get(code, on)).value


@pytest.mark.parametrize(
    ("kind", "completeness"),
    [
        pytest.param("pos", Completeness.FULL, id="pos-full"),
        pytest.param("carc", Completeness.PARTIAL, id="carc-partial"),
        pytest.param("rarc", Completeness.PARTIAL, id="rarc-partial"),
    ],
)
def test_bundled_completeness(store: CodesetStore, kind: str, completeness: Completeness) -> None:
    (release,) = store.releases(kind)
    assert release.completeness is completeness and release.origin == "bundled"
    assert release.effective_to is None


def test_every_current_pos_code_is_listed(store: CodesetStore) -> None:
    missing = [c for c in CURRENT_POS if _get(store, "pos", c, D(2026, 1, 1)) is None]
    assert missing == []


@pytest.mark.parametrize(
    ("code", "day", "present", "telehealth", "facility"),
    [
        pytest.param("10", D(2021, 12, 31), False, None, None, id="pos10-before"),
        pytest.param("10", D(2022, 1, 1), True, "yes", "non-facility", id="pos10-from"),
        pytest.param("02", D(2015, 12, 31), False, None, None, id="pos02-before"),
        pytest.param("02", D(2016, 1, 1), True, "yes", "facility", id="pos02-from"),
        pytest.param("19", D(2015, 12, 31), False, None, None, id="pos19-before"),
        pytest.param("19", D(2016, 1, 1), True, "no", "facility", id="pos19-from"),
        pytest.param("27", D(2023, 9, 30), False, None, None, id="pos27-before"),
        pytest.param("27", D(2023, 10, 1), True, "no", "non-facility", id="pos27-from"),
        pytest.param("66", D(2024, 7, 31), False, None, None, id="pos66-before"),
        pytest.param("66", D(2024, 8, 1), True, "no", "non-facility", id="pos66-from"),
        pytest.param("11", D(2026, 5, 1), True, "no", "non-facility", id="office"),
        pytest.param("11", D(2015, 9, 30), False, None, None, id="before-list-starts"),
    ],
)
def test_pos_by_date(
    store: CodesetStore,
    code: str,
    day: D,
    present: bool,
    telehealth: str | None,
    facility: str | None,
) -> None:
    row = _get(store, "pos", code, day)
    assert (row is not None) is present
    if row is not None:
        assert (row.attrs["telehealth"], row.attrs["facility"]) == (telehealth, facility)


@pytest.mark.parametrize(
    ("code", "day", "fragment"),
    [
        pytest.param("02", D(2021, 12, 31), "single telehealth code", id="pos02-old-meaning"),
        pytest.param("02", D(2022, 1, 1), "other than home", id="pos02-renamed"),
        pytest.param("22", D(2015, 12, 31), "before the on/off campus split", id="pos22-old"),
        pytest.param("22", D(2016, 1, 1), "on the main campus", id="pos22-renamed"),
    ],
)
def test_pos_renames_are_dated(store: CodesetStore, code: str, day: D, fragment: str) -> None:
    row = _get(store, "pos", code, day)
    assert row is not None and fragment in row.summary


def test_deactivated_carc(store: CodesetStore) -> None:
    assert _get(store, "carc", "17", D(2009, 6, 30)) is not None
    assert _get(store, "carc", "17", D(2009, 7, 1)) is None
    release = store.releases("carc")[0]
    row = store.table(release).any_row("17")
    assert row is not None and row.effective_to == D(2009, 6, 30)


@pytest.mark.parametrize(
    ("kind", "code"),
    [
        pytest.param("carc", "45", id="carc-45"),
        pytest.param("carc", "CO45", id="not-a-code"),
        pytest.param("carc", "A1", id="carc-a1"),
        pytest.param("carc", "b7", id="carc-lower-case"),
        pytest.param("rarc", "N362", id="rarc-n362"),
        pytest.param("rarc", "MA130", id="rarc-ma130"),
    ],
)
def test_common_codes(store: CodesetStore, kind: str, code: str) -> None:
    row = _get(store, kind, code, D(2026, 1, 1))
    assert (row is not None) is (code != "CO45")


@pytest.mark.parametrize("kind", ["pos", "carc", "rarc"])
def test_list_hygiene(kind: str) -> None:
    rows = _rows(kind)
    assert rows, kind
    by_code: dict[str, list[tuple[D, D | None]]] = {}
    for row in rows:
        start = D.fromisoformat(row["effective_from"])
        stop = D.fromisoformat(row["effective_to"]) if row["effective_to"] else None
        assert stop is None or stop >= start, row
        assert 0 < len(row["summary"]) <= 100, row
        spans = by_code.setdefault(row["code"], [])
        for other_start, other_stop in spans:  # no two rows of a code overlap
            assert (stop is not None and stop < other_start) or (
                other_stop is not None and other_stop < start
            ), row
        spans.append((start, stop))
        if kind == "pos":
            assert row["facility"] in ("facility", "non-facility", "either"), row
            assert row["telehealth"] in ("yes", "no"), row


@pytest.mark.parametrize(
    ("kind", "minimum"),
    [pytest.param("carc", 150, id="carc"), pytest.param("rarc", 100, id="rarc")],
)
def test_list_sizes(kind: str, minimum: int) -> None:
    assert len({r["code"] for r in _rows(kind)}) >= minimum
