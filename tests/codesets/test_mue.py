"""MUE loader: the three CMS tables, MAI parsing, windows from file names, errors."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders import mue
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

PRA = "mue-practitioner"
NOTICE = (
    '"CPT codes, descriptions and other data only are copyright 2025 American Medical '
    'Association. All rights reserved.\r\n\r\nCPT is a registered trademark.",,,'
)
HEADER = (
    '"HCPCS/\r\nCPT Code","{setting} Services MUE Values","MUE Adjudication Indicator",'
    '"MUE Rationale"'
)
ROWS = [
    '33935,1,"2 Date of Service Edit: Policy","Anatomic Consideration"',
    'J1100,30,"1 Line Edit","Clinical: Data"',
]
HEADER_LINE = 4  # the notice spans lines 1-3; the header record ends on line 5
FIRST_ROW_LINE = 6


def mue_csv(rows: list[str], setting: str = "Practitioner", header: str = HEADER) -> bytes:
    return ("\r\n".join([NOTICE, header.format(setting=setting), *rows]) + "\r\n").encode("latin-1")


def write_mue(
    tmp_path: Path,
    rows: list[str] = ROWS,
    name: str = "MCR_MUE_PractitionerServices_Eff_10-01-2026.csv",
    setting: str = "Practitioner",
) -> Path:
    path = tmp_path / name
    path.write_bytes(mue_csv(rows, setting))
    return path


def fixture_store(root: Path) -> CodesetStore:
    store = CodesetStore(root, include_bundled=False)
    for source in mue.bundled():
        store.install(source.build(), origin="bundled")
    return store


def test_parses_rows_and_the_quarter_from_the_name(tmp_path: Path) -> None:
    parsed = mue.parse(write_mue(tmp_path), ImportOptions(), PRA)
    assert (parsed.effective_from, parsed.effective_to) == (
        dt.date(2026, 10, 1),
        dt.date(2026, 12, 31),
    )
    assert parsed.completeness is Completeness.FULL
    assert parsed.payload == [
        mue.MueLimit("33935", 1, 2, "Anatomic Consideration"),
        mue.MueLimit("J1100", 30, 1, "Clinical: Data"),
    ]


MAIS = [
    ("line-edit", "1 Line Edit", 1),
    ("policy", "2 Date of Service Edit: Policy", 2),
    ("clinical", "3 Date of Service Edit: Clinical", 3),
    ("digit-only", "3", 3),
    ("leading-space", " 2 Date of Service Edit: Policy", 2),
]


@pytest.mark.parametrize(("text", "mai"), [m[1:] for m in MAIS], ids=[m[0] for m in MAIS])
def test_mai_is_the_first_character(tmp_path: Path, text: str, mai: int) -> None:
    parsed = mue.parse(
        write_mue(tmp_path, [f'36415,2,"{text}","Clinical: Data"']), ImportOptions(), PRA
    )
    assert parsed.payload[0].mai == mai
    assert parsed.payload[0].per_date_of_service is (mai != 1)


WINDOWS = [
    ("q4", "MCR_MUE_PractitionerServices_Eff_10-01-2026.csv", "2026-10-01", "2026-12-31"),
    ("q1", "MCR_MUE_PractitionerServices_Eff_01-01-2027.csv", "2027-01-01", "2027-03-31"),
    ("q3", "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv", "2026-07-01", "2026-09-30"),
    ("mid-quarter", "MCR_MUE_PractitionerServices_Eff_04-16-2025.csv", "2025-04-16", "2025-06-30"),
]


@pytest.mark.parametrize(
    ("name", "start", "end"), [w[1:] for w in WINDOWS], ids=[w[0] for w in WINDOWS]
)
def test_window_from_the_eff_date(tmp_path: Path, name: str, start: str, end: str) -> None:
    parsed = mue.parse(write_mue(tmp_path, name=name), ImportOptions(), PRA)
    assert (parsed.effective_from.isoformat(), parsed.effective_to) == (
        start,
        dt.date.fromisoformat(end),
    )


def test_name_without_date_needs_effective_from(tmp_path: Path) -> None:
    path = write_mue(tmp_path, name="mue.csv")
    with pytest.raises(UsageError, match="give --effective-from"):
        mue.parse(path, ImportOptions(), PRA)
    parsed = mue.parse(path, ImportOptions(effective_from=dt.date(2026, 1, 1)), PRA)
    assert (parsed.effective_from, parsed.effective_to) == (dt.date(2026, 1, 1), None)


BAD = [
    (
        "mai-4",
        '36415,2,"4 Something","r"',
        "bad MUE adjudication indicator '4 Something' (expected text starting 1, 2 or 3)",
    ),
    (
        "mai-words",
        '36415,2,"Line Edit","r"',
        "bad MUE adjudication indicator 'Line Edit' (expected text starting 1, 2 or 3)",
    ),
    (
        "mai-blank",
        '36415,2,"","r"',
        "bad MUE adjudication indicator '' (expected text starting 1, 2 or 3)",
    ),
    (
        "mai-12",
        '36415,2,"12 x","r"',
        "bad MUE adjudication indicator '12 x' (expected text starting 1, 2 or 3)",
    ),
    ("value-text", '36415,two,"3 x","r"', "bad MUE value 'two' (expected a whole number)"),
    ("value-negative", '36415,-1,"3 x","r"', "bad MUE value '-1' (expected a whole number)"),
    ("short-code", '3641,2,"3 x","r"', "bad code '3641'"),
    ("too-few-fields", "36415,2", "expected 4 fields, found 2"),
    (
        "duplicate",
        '33935,1,"2 x","r"',
        f"code 33935 appears twice (first at line {FIRST_ROW_LINE})",
    ),
]


@pytest.mark.parametrize(("row", "reason"), [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_malformed_rows_name_file_and_line(tmp_path: Path, row: str, reason: str) -> None:
    path = write_mue(tmp_path, [ROWS[0], row])
    with pytest.raises(CodesetFileError) as info:
        mue.parse(path, ImportOptions(), PRA)
    assert str(info.value) == f"{path}:{FIRST_ROW_LINE + 1}: {reason}"


def test_missing_header(tmp_path: Path) -> None:
    path = tmp_path / "MCR_MUE_PractitionerServices_Eff_10-01-2026.csv"
    path.write_bytes(b"36415,2,3,r\r\n")
    with pytest.raises(CodesetFileError) as info:
        mue.parse(path, ImportOptions(), PRA)
    assert str(info.value) == f"{path}:1: not an MUE file: no header row starting 'HCPCS/CPT Code'"


def test_missing_column(tmp_path: Path) -> None:
    path = tmp_path / "MCR_MUE_PractitionerServices_Eff_10-01-2026.csv"
    header = '"HCPCS/CPT Code","{setting} Services MUE Values","MUE Rationale"'
    path.write_bytes(mue_csv(['36415,2,"r"'], header=header))
    with pytest.raises(CodesetFileError) as info:
        mue.parse(path, ImportOptions(), PRA)
    assert str(info.value) == (
        f"{path}:{HEADER_LINE}: missing column 'mueadjudicationindicator' in the header"
    )


def test_no_rows(tmp_path: Path) -> None:
    path = write_mue(tmp_path, [])
    with pytest.raises(CodesetFileError) as info:
        mue.parse(path, ImportOptions(), PRA)
    assert str(info.value) == f"{path}:{HEADER_LINE + 1}: no MUE rows after the header"


def test_other_setting_is_refused(tmp_path: Path) -> None:
    path = write_mue(
        tmp_path,
        name="MCR_MUE_OutpatientHospitalServices_Eff_10-01-2026.csv",
        setting="Outpatient Hospital",
    )
    with pytest.raises(UsageError) as info:
        mue.parse(path, ImportOptions(), PRA)
    assert str(info.value) == (
        "MCR_MUE_OutpatientHospitalServices_Eff_10-01-2026.csv is the Outpatient Hospital MUE "
        "table; import it as mue-hospital"
    )
    renamed = tmp_path / "table.csv"
    renamed.write_bytes(path.read_bytes())
    with pytest.raises(UsageError, match="import it as mue-hospital"):
        mue.parse(renamed, ImportOptions(effective_from=dt.date(2026, 1, 1)), PRA)


def test_zip_with_the_table_and_a_changes_file(tmp_path: Path) -> None:
    path = tmp_path / "medicare-ncci-2026q4-practitioner-services-mue-table.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("MCR_MUE_PractitionerServices_Eff_10-01-2026.csv", mue_csv(ROWS))
        zf.writestr("MCR_MUE_PractitionerServices_Changes_Eff_10-01-2026.csv", b"x")
        zf.writestr("MCR_MUE_PractitionerServices_Eff_10-01-2026.xlsx", b"x")
    parsed = mue.parse(path, ImportOptions(), PRA)
    assert parsed.row_count == 2 and parsed.effective_from == dt.date(2026, 10, 1)


def test_truncated_zip(tmp_path: Path) -> None:
    path = tmp_path / "mue.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("MCR_MUE_PractitionerServices_Eff_10-01-2026.csv", mue_csv(ROWS))
    path.write_bytes(path.read_bytes()[:40])
    with pytest.raises(CodesetFileError) as info:
        mue.parse(path, ImportOptions(), PRA)
    assert str(info.value) == f"{path}: damaged or truncated zip file: File is not a zip file"


def test_shipped_fixtures() -> None:
    built = {s.kind: s.build() for s in mue.bundled()}
    assert {k: p.row_count for k, p in built.items()} == {
        "mue-practitioner": 5,
        "mue-hospital": 2,
        "mue-dme": 4,
    }
    for parsed in built.values():
        assert parsed.completeness is Completeness.FIXTURE
        assert parsed.effective_from == dt.date(2026, 7, 1)


def test_facade(tmp_path: Path) -> None:
    store = fixture_store(tmp_path / "store")
    view = CodesetView(store, dt.date(2026, 8, 3))
    answer = mue.mue_limit(view, PRA, " g0121")
    assert answer.value == mue.MueLimit("G0121", 1, 2, "Anatomic Consideration")
    assert answer.completeness is Completeness.FIXTURE
    absent = mue.mue_limit(view, "mue-dme", "99213")
    assert absent.value is None and not absent.authoritative
    assert mue.mue_limit(view.at(dt.date(2026, 10, 1)), PRA, "G0121").completeness is (
        Completeness.MISSING
    )
    with pytest.raises(UsageError, match="not an MUE kind"):
        mue.mue_limit(view, "ncci-ptp-hospital", "G0121")


def test_reimport_is_a_no_op(tmp_path: Path) -> None:
    store = CodesetStore(tmp_path / "store", include_bundled=False)
    path = write_mue(tmp_path)
    first, new = store.import_file(PRA, path)
    second, new_again = store.import_file(PRA, path)
    assert (new, new_again, second) == (True, False, first)
    assert store.table(first).get("j1100") == mue.MueLimit("J1100", 30, 1, "Clinical: Data")
