"""NUCC provider taxonomy: versions, windows and the kept columns."""

from __future__ import annotations

import datetime as dt
import gzip
from pathlib import Path

import pytest

from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders import nucc
from cleanclaim.codesets.loaders._common import PAYLOAD_FILE
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

D = dt.date
HEADER = "Code,Grouping,Classification,Specialization,Definition,Notes,Display Name,Section"
ROW = (
    '207Q00000X,Allopathic & Osteopathic Physicians,Family Medicine,,"A long, quoted '
    'definition",Some notes,Family Medicine Physician,Individual'
)


def _write(tmp_path: Path, lines: list[str], name: str = "nucc_taxonomy_250.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def store(empty_store: CodesetStore) -> CodesetStore:
    for source in nucc.bundled():
        empty_store.install(source.build(), origin="bundled")
    return empty_store


def test_fixture_release(store: CodesetStore) -> None:
    (release,) = store.releases("nucc-taxonomy")
    assert release.completeness is Completeness.FIXTURE and release.row_count == 34
    assert release.version == "25.1"
    assert (release.effective_from, release.effective_to) == (D(2025, 7, 1), D(2025, 12, 31))


@pytest.mark.parametrize(
    ("code", "classification", "specialization", "display", "section", "deactivated"),
    [
        pytest.param(
            "207Q00000X",
            "Family Medicine",
            "",
            "Family Medicine Physician",
            "Individual",
            False,
            id="family-medicine",
        ),
        pytest.param(
            "207R00000X",
            "Internal Medicine",
            "",
            "Internal Medicine Physician",
            "Individual",
            False,
            id="internal-medicine",
        ),
        pytest.param(
            "207RC0000X",
            "Internal Medicine",
            "Cardiovascular Disease",
            "Cardiovascular Disease Physician",
            "Individual",
            False,
            id="cardiology",
        ),
        pytest.param(
            "2084P0800X",
            "Psychiatry & Neurology",
            "Psychiatry",
            "Psychiatry Physician",
            "Individual",
            False,
            id="psychiatry",
        ),
        pytest.param(
            "363l00000x",
            "Nurse Practitioner",
            "",
            "Nurse Practitioner",
            "Individual",
            False,
            id="np-lower-case",
        ),
        pytest.param(
            "261QF0400X",
            "Clinic/Center",
            "Federally Qualified Health Center (FQHC)",
            "Federally Qualified Health Center (FQHC)",
            "Non-Individual",
            False,
            id="fqhc",
        ),
        pytest.param(
            "287300000X",
            "Christian Science Sanitorium",
            "",
            "Deactivated - Christian Science Sanitorium",
            "Non-Individual",
            True,
            id="deactivated",
        ),
    ],
)
def test_lookup(
    store: CodesetStore,
    code: str,
    classification: str,
    specialization: str,
    display: str,
    section: str,
    deactivated: bool,
) -> None:
    answer = nucc.taxonomy(CodesetView(store, D(2025, 9, 1)), code)
    row = answer.value
    assert row is not None and answer.completeness is Completeness.FIXTURE
    assert (
        row.classification,
        row.specialization,
        row.display_name,
        row.section,
        row.deactivated,
    ) == (classification, specialization, display, section, deactivated)


def test_no_version_outside_the_window(store: CodesetStore) -> None:
    answer = nucc.taxonomy(CodesetView(store, D(2025, 6, 30)), "207Q00000X")
    assert answer.completeness is Completeness.MISSING


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("nucc_taxonomy_251.csv", ("25.1", D(2025, 7, 1), D(2025, 12, 31))),
        ("nucc_taxonomy_250.csv", ("25.0", D(2025, 1, 1), D(2025, 6, 30))),
        ("NUCC_Taxonomy_241.csv", ("24.1", D(2024, 7, 1), D(2024, 12, 31))),
        ("nucc_taxonomy_252.csv", None),
        ("taxonomy.csv", None),
    ],
)
def test_version_inference(name: str, expected: tuple[str, D, D] | None) -> None:
    assert nucc.version_window(name) == expected


def test_definition_and_notes_are_not_stored(empty_store: CodesetStore, tmp_path: Path) -> None:
    release, new = empty_store.import_file("nucc-taxonomy", _write(tmp_path, [HEADER, ROW]))
    assert new and release.completeness is Completeness.FULL and release.version == "25.0"
    assert release.data_dir is not None
    stored = gzip.decompress((empty_store.root / release.data_dir / PAYLOAD_FILE).read_bytes())
    assert b"quoted" not in stored and b"Some notes" not in stored
    again, new = empty_store.import_file("nucc-taxonomy", _write(tmp_path, [HEADER, ROW]))
    assert not new and again == release


def test_window_needed_when_the_name_says_nothing(tmp_path: Path) -> None:
    path = _write(tmp_path, [HEADER, ROW], name="taxonomy.csv")
    with pytest.raises(UsageError, match="NUCC taxonomy file from its name"):
        nucc.parse(path, ImportOptions())


def test_cp1252_file_is_read(tmp_path: Path) -> None:
    path = tmp_path / "nucc_taxonomy_250.csv"
    path.write_bytes(
        (HEADER + "\n" + ROW.replace("Some notes", "Alzheimer\x92s") + "\n").encode("latin-1")
    )
    assert nucc.parse(path, ImportOptions()).row_count == 1


@pytest.mark.parametrize(
    ("lines", "line", "reason"),
    [
        pytest.param([], 1, "empty file", id="empty"),
        pytest.param(
            ["Code,Display Name", "207Q00000X,X"],
            1,
            "missing column 'Grouping' in header",
            id="missing-column",
        ),
        pytest.param(
            [HEADER, ROW.replace("207Q00000X", "207Q0000X")],
            2,
            "bad taxonomy code '207Q0000X' (expected 10 characters ending in X)",
            id="bad-code",
        ),
        pytest.param([HEADER, "207Q00000X,A,B"], 2, "expected 8 fields, found 3", id="field-count"),
        pytest.param([HEADER, ROW, ROW], 3, "code 207Q00000X listed twice", id="duplicate"),
        pytest.param([HEADER], 2, "no rows after the header", id="no-rows"),
    ],
)
def test_malformed(tmp_path: Path, lines: list[str], line: int, reason: str) -> None:
    path = tmp_path / "nucc_taxonomy_250.csv"
    path.write_text("".join(f"{x}\n" for x in lines), encoding="utf-8")
    with pytest.raises(CodesetFileError) as err:
        nucc.parse(path, ImportOptions())
    assert str(err.value) == f"{path}:{line}: {reason}"
