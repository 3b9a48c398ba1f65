"""HCPCS Level II: the CMS fixed-width ANWEB file, its windows and its dates."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders import hcpcs
from cleanclaim.codesets.loaders._common import package_data
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

D = dt.date
FIXTURE = package_data("hcpcs", "HCPC2016_CONTR_ANWEB.txt")
FIXTURE_LINES = FIXTURE.read_text("latin-1").splitlines()
FIXTURE_2026 = package_data("hcpcs", "HCPC2026_JAN_ANWEB_01122026.txt")


def _line(code: str) -> str:
    return next(line for line in FIXTURE_LINES if line.startswith(code))


def _write(tmp_path: Path, lines: list[str], name: str = "HCPC2026_JUL_ANWEB.txt") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="latin-1")
    return path


@pytest.fixture
def store(empty_store: CodesetStore) -> CodesetStore:
    for source in hcpcs.bundled():
        empty_store.install(source.build(), origin="bundled")
    return empty_store


def test_fixture_parses_in_the_official_layout() -> None:
    parsed = hcpcs.parse(FIXTURE, ImportOptions())
    assert parsed.row_count == 44
    assert (parsed.effective_from, parsed.effective_to) == (D(2016, 1, 1), D(2016, 3, 31))
    assert parsed.version == "2016Q1"
    assert all(len(line) == 320 for line in FIXTURE_LINES if line[10] in "37")


def test_2026_fixture_parses_in_the_official_layout() -> None:
    parsed = hcpcs.parse(FIXTURE_2026, ImportOptions())
    assert parsed.row_count == 17
    assert (parsed.effective_from, parsed.effective_to) == (D(2026, 1, 1), D(2026, 3, 31))
    assert parsed.version == "2026Q1"
    assert all(len(line) == 320 for line in FIXTURE_2026.read_text("latin-1").splitlines())


def test_bundled_releases_are_fixtures(store: CodesetStore) -> None:
    releases = store.releases("hcpcs")
    assert [r.name for r in releases] == [
        "HCPCS Level II 2016 Q1 (sample rows)",
        "HCPCS Level II 2026 Q1 (sample rows)",
    ]
    assert all(r.completeness is Completeness.FIXTURE and r.origin == "bundled" for r in releases)


@pytest.mark.parametrize(
    ("code", "short", "added", "terminated", "action"),
    [
        pytest.param("G0438", "Ppps, initial visit", D(2011, 1, 1), None, "N", id="awv-initial"),
        pytest.param("g0439", "Ppps, subseq visit", D(2011, 1, 1), None, "N", id="lower-case"),
        pytest.param("J3301", "Triamcinolone acet inj nos", D(1991, 1, 1), None, "N", id="j-code"),
        pytest.param("J3380", "Injection, vedolizumab", D(2016, 1, 1), None, "A", id="added"),
        pytest.param(
            "G0431",
            "Drug screen multiple class",
            D(2010, 1, 1),
            D(2015, 12, 31),
            "D",
            id="discontinued",
        ),
        pytest.param(
            "C9132", "Kcentra, per i.u.", D(2013, 10, 1), None, "N", id="description-fills-80"
        ),
        pytest.param("A1", "Dressing for one wound", D(2002, 7, 1), None, "N", id="modifier"),
    ],
)
def test_lookup(
    store: CodesetStore, code: str, short: str, added: D, terminated: D | None, action: str
) -> None:
    answer = hcpcs.hcpcs_code(CodesetView(store, D(2016, 2, 1)), code)
    assert answer.value is not None and answer.completeness is Completeness.FIXTURE
    row = answer.value
    assert (row.short_description, row.added, row.terminated, row.action) == (
        short,
        added,
        terminated,
        action,
    )


@pytest.mark.parametrize(
    ("code", "day", "valid"),
    [
        pytest.param("C9136", D(2015, 3, 31), True, id="last-day-before-termination"),
        pytest.param("C9136", D(2015, 4, 1), False, id="day-after-termination"),
        pytest.param("G0431", D(2015, 12, 31), True, id="discontinued-last-day"),
        pytest.param("G0431", D(2016, 1, 1), False, id="discontinued-in-release"),
        pytest.param("J3380", D(2015, 12, 31), False, id="before-add-date"),
        pytest.param("J3380", D(2016, 1, 1), True, id="on-add-date"),
        pytest.param("Z9999", D(2016, 1, 1), False, id="unknown"),
    ],
)
def test_valid_on_honours_add_and_termination_dates(
    store: CodesetStore, code: str, day: D, valid: bool
) -> None:
    release = store.releases("hcpcs")[0]
    assert store.table(release).valid_on(code, day) is valid


@pytest.mark.parametrize(
    ("code", "short", "coverage", "added", "action_effective", "terminated", "action"),
    [
        pytest.param(
            "G0438",
            "Ppps, initial visit",
            "C",
            D(2011, 1, 1),
            D(2026, 1, 1),
            None,
            "P",
            id="awv-payment-change-2026",
        ),
        pytest.param(
            "G2211",
            "Complex e/m visit add on",
            "C",
            D(2021, 1, 1),
            D(2021, 1, 1),
            None,
            "N",
            id="g2211",
        ),
        pytest.param(
            "G0428",
            "Collagen meniscus implant",
            "M",
            D(2010, 5, 25),
            D(2010, 5, 25),
            None,
            "N",
            id="non-covered",
        ),
        pytest.param(
            "G0472",
            "Hep c screen high risk/other",
            "D",
            D(2014, 6, 2),
            D(2016, 1, 1),
            None,
            "N",
            id="special-coverage",
        ),
        pytest.param(
            "J9340",
            "Thiotepa injection",
            "D",
            D(1984, 1, 1),
            D(2025, 7, 1),
            D(2025, 6, 30),
            "N",
            id="terminated-mid-2025",
        ),
        pytest.param(
            "J9341",
            "Inj thiotepa (tepylute) 1 mg",
            "D",
            D(2025, 7, 1),
            D(2025, 7, 1),
            None,
            "N",
            id="added-mid-2025",
        ),
        pytest.param(
            "G0431",
            "Drug screen multiple class",
            "C",
            D(2010, 1, 1),
            D(2016, 1, 1),
            D(2015, 12, 31),
            "N",
            id="long-terminated-still-listed",
        ),
        pytest.param(
            "AB",
            "Aud svs w/o order evry 12mo",
            "C",
            D(2023, 1, 1),
            D(2023, 1, 1),
            None,
            "N",
            id="modifier-with-continuations",
        ),
    ],
)
def test_lookup_2026(
    store: CodesetStore,
    code: str,
    short: str,
    coverage: str,
    added: D,
    action_effective: D,
    terminated: D | None,
    action: str,
) -> None:
    answer = hcpcs.hcpcs_code(CodesetView(store, D(2026, 2, 2)), code)
    assert answer.value is not None and answer.completeness is Completeness.FIXTURE
    row = answer.value
    assert (
        row.short_description,
        row.coverage,
        row.added,
        row.action_effective,
        row.terminated,
        row.action,
    ) == (short, coverage, added, action_effective, terminated, action)


def test_the_date_picks_the_release(store: CodesetStore) -> None:
    old = hcpcs.hcpcs_code(CodesetView(store, D(2016, 2, 1)), "G0438").value
    new = hcpcs.hcpcs_code(CodesetView(store, D(2026, 2, 1)), "G0438").value
    assert old is not None and new is not None
    assert (old.action_effective, old.action) == (D(2011, 1, 1), "N")
    assert (new.action_effective, new.action) == (D(2026, 1, 1), "P")
    assert hcpcs.hcpcs_code(CodesetView(store, D(2016, 2, 1)), "G2211").value is None


@pytest.mark.parametrize(
    ("code", "day", "valid"),
    [
        pytest.param("J9340", D(2025, 6, 30), True, id="replaced-code-last-day"),
        pytest.param("J9340", D(2025, 7, 1), False, id="replaced-code-day-after"),
        pytest.param("J9341", D(2025, 6, 30), False, id="replacement-before-add"),
        pytest.param("J9341", D(2025, 7, 1), True, id="replacement-on-add-date"),
        pytest.param("G2211", D(2026, 3, 31), True, id="open-code"),
    ],
)
def test_valid_on_in_the_2026_file(store: CodesetStore, code: str, day: D, valid: bool) -> None:
    release = store.releases("hcpcs")[1]
    assert release.version == "2026Q1"
    assert store.table(release).valid_on(code, day) is valid


def test_modifier_and_code_tables_are_apart(store: CodesetStore) -> None:
    table = store.table(store.releases("hcpcs")[0])
    assert table.modifier("AD") is not None and table.get("AD") is not None
    assert table.modifier("G0438") is None
    assert "A1" not in table.codes() and "G0438" in table.codes()


def test_no_release_outside_the_fixture_quarter(store: CodesetStore) -> None:
    answer = hcpcs.hcpcs_code(CodesetView(store, D(2026, 7, 1)), "G0438")
    assert answer.value is None and answer.completeness is Completeness.MISSING


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("HCPC2026_JAN_ANWEB.txt", (2026, 1)),
        ("HCPC2026_APR_ANWEB_v2.txt", (2026, 2)),
        ("HCPC2026_JUL_ANWEB_06172026.txt", (2026, 3)),
        ("HCPC2025_OCT_ANWEB.txt", (2025, 4)),
        ("HCPC2016_CONTR_ANWEB.txt", (2016, 1)),
        ("october-2025-alpha-numeric-hcpcs-file.zip", (2025, 4)),
        ("april-2024-alpha-numeric-hcpcs-files.zip", (2024, 2)),
        ("12anweb.zip", (2012, 1)),
        ("hcpcs.txt", None),
    ],
)
def test_quarter_inference(name: str, expected: tuple[int, int] | None) -> None:
    assert hcpcs.infer_quarter(name) == expected


def test_import_infers_the_window_and_is_full(empty_store: CodesetStore, tmp_path: Path) -> None:
    path = _write(tmp_path, [_line("G0438"), _line("G0438002004")])
    release, new = empty_store.import_file("hcpcs", path)
    assert new and release.completeness is Completeness.FULL
    assert (release.effective_from, release.effective_to) == (D(2026, 7, 1), D(2026, 9, 30))
    assert release.version == "2026Q3" and release.name == "HCPCS Level II 2026 Q3"


def test_reimport_is_a_no_op(empty_store: CodesetStore, tmp_path: Path) -> None:
    path = _write(tmp_path, [_line("G0438"), _line("G0439")])
    first, _ = empty_store.import_file("hcpcs", path)
    catalog = empty_store.catalog_path.read_bytes()
    again, new = empty_store.import_file("hcpcs", path)
    assert not new and again == first and empty_store.catalog_path.read_bytes() == catalog


def test_zip_picks_the_anweb_member(empty_store: CodesetStore, tmp_path: Path) -> None:
    path = tmp_path / "january-2016-alpha-numeric-hcpcs-file.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("HCPC2016_recordlayout.txt", "not the data\r\n")
        zf.writestr("HCPC2016_CONTR_ANWEB.txt", FIXTURE.read_bytes())
    release, _ = empty_store.import_file("hcpcs", path)
    assert release.row_count == 44 and release.effective_from == D(2016, 1, 1)


def test_window_must_be_given_when_the_name_says_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, [_line("G0438")], name="codes.txt")
    with pytest.raises(UsageError, match="give --effective-from"):
        hcpcs.parse(path, ImportOptions())
    parsed = hcpcs.parse(path, ImportOptions(effective_from=D(2026, 1, 1)))
    assert parsed.effective_from == D(2026, 1, 1) and parsed.effective_to is None


def _set(line: str, start: int, text: str) -> str:
    """Replace 1-based position ``start`` onwards with ``text``."""
    return line[: start - 1] + text + line[start - 1 + len(text) :]


MALFORMED = [
    pytest.param(
        [_set(_line("G0438"), 11, "5")],
        1,
        "unknown record identification code '5' (expected 3, 4, 7 or 8)",
        id="bad-ric",
    ),
    pytest.param(
        [_line("G0438"), _line("G0438")[:128]],
        2,
        "truncated record: 128 characters, a first line needs at least 276",
        id="truncated",
    ),
    pytest.param([_line("G0438")[:8]], 1, "truncated record: 8 characters", id="stub"),
    pytest.param(
        [_set(_line("G0439"), 269, "20111301")],
        1,
        "bad add date '20111301' (expected YYYYMMDD)",
        id="bad-date",
    ),
    pytest.param(
        [_set(_line("G0439"), 285, "2015XX31")],
        1,
        "bad termination date '2015XX31' (expected YYYYMMDD)",
        id="bad-term-date",
    ),
    pytest.param(
        [_line("G0438"), _line("G0439002004")],
        2,
        "continuation line for 'G0439' does not follow its first line",
        id="orphan-continuation",
    ),
    pytest.param([_line("G0438"), _line("G0438")], 2, "code G0438 listed twice", id="duplicate"),
    pytest.param(
        [_set(_line("G0438"), 6, "00A00")], 1, "bad sequence number '00A00'", id="bad-sequence"
    ),
    pytest.param(
        [_set(_line("G0438"), 1, "G-438")], 1, "bad procedure code 'G-438'", id="bad-code"
    ),
    pytest.param(["", "   "], 1, "no HCPCS records in file", id="empty"),
]


@pytest.mark.parametrize(("lines", "line_no", "reason"), MALFORMED)
def test_malformed_files_name_the_line(
    tmp_path: Path, lines: list[str], line_no: int, reason: str
) -> None:
    path = _write(tmp_path, lines)
    with pytest.raises(CodesetFileError) as err:
        hcpcs.parse(path, ImportOptions())
    assert str(err.value) == f"{path}:{line_no}: {reason}"


def test_failed_import_installs_nothing(empty_store: CodesetStore, tmp_path: Path) -> None:
    path = _write(tmp_path, [_set(_line("G0438"), 11, "5")])
    with pytest.raises(CodesetFileError):
        empty_store.import_file("hcpcs", path)
    assert empty_store.releases("hcpcs") == []
