"""NCCI PTP loader, compiled index and modifier logic.

Shipped fixture rows are in ``codesets/data/ncci-ptp-*``; boundary and error cases write
their own small files in the CMS layout (synthetic rows, made for the test).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest

from cleanclaim.codesets.coverage import coverage
from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders import ncci_ptp
from cleanclaim.codesets.loaders._common import package_data
from cleanclaim.codesets.loaders._ptp_index import INDEX_FILE, PtpEdit, PtpTable
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetError, CodesetFileError, UsageError

PRA = "ncci-ptp-practitioner"
OPH = "ncci-ptp-hospital"
PREAMBLE = [
    "CPT only copyright 2025 American Medical Association.  All rights reserved.",
    "Column1/Column2 Edits",
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale",
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t",
    "\t\t\t\t*=no data\t1=allowed\t",
    "\t\t\t\t\t9=not applicable\t",
]
FIRST_ROW_LINE = len(PREAMBLE) + 1
ROWS = [
    "20610\t76942\t\t20150101\t*\t0\tCPT Manual or CMS manual coding instruction",
    "29880\t29881\t\t20120101\t20241231\t1\tStandards of medical/surgical practice",
    "93294\t93296\t\t20090101\t20090101\t9\tMisuse of Column Two code with Column One code",
    "96372\t99213\t\t20130101\t*\t1\tCPT Manual or CMS manual coding instruction",
]


def ptp_text(rows: list[str], preamble: list[str] = PREAMBLE) -> bytes:
    return ("\r\n".join(preamble + rows) + "\r\n").encode("latin-1")


def write_ptp(tmp_path: Path, name: str = "ccipra-v322r0.txt", rows: list[str] = ROWS) -> Path:
    path = tmp_path / name
    path.write_bytes(ptp_text(rows))
    return path


def zip_of(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def table_of(tmp_path: Path, rows: list[str] = ROWS) -> PtpTable:
    parsed = ncci_ptp.parse(write_ptp(tmp_path, rows=rows), ImportOptions(), PRA)
    dest = tmp_path / "compiled"
    dest.mkdir()
    ncci_ptp.write(parsed, dest)
    return PtpTable(dest / INDEX_FILE)


def fixture_store(root: Path) -> CodesetStore:
    store = CodesetStore(root, include_bundled=False)
    for source in ncci_ptp.bundled():
        store.install(source.build(), origin="bundled")
    return store


# -- quarter and version -------------------------------------------------------------------

QUARTERS = [
    ("medicare-ncci-2026q2-practitioner-ptp-edits-ccipra-v321r0-f1.zip", (2026, 2)),
    ("ccipra-v321r0-f1.txt", (2026, 2)),
    ("ccipra-v320r0-f4.txt", (2026, 1)),
    ("ccioph-v322r0-f2.txt", (2026, 3)),
    ("ccioph-v323r0-f1.TXT", (2026, 4)),
    ("ccipra-v301r0-f1.txt", (2024, 2)),
    ("ccipra-v330r1-f3.txt", (2027, 1)),
    ("medicare-ncci-2025q4-hospital-ptp-edits.zip", (2025, 4)),
    ("ccipra-v324r0.txt", None),
    ("ptp-edits.txt", None),
]


@pytest.mark.parametrize(("name", "expected"), QUARTERS, ids=[q[0] for q in QUARTERS])
def test_quarter_of_file_names(name: str, expected: tuple[int, int] | None) -> None:
    assert ncci_ptp.quarter_of(name) == expected


def test_window_is_the_calendar_quarter_of_the_version(tmp_path: Path) -> None:
    parsed = ncci_ptp.parse(write_ptp(tmp_path, "ccipra-v321r0.txt"), ImportOptions(), PRA)
    assert (parsed.effective_from, parsed.effective_to) == (
        dt.date(2026, 4, 1),
        dt.date(2026, 6, 30),
    )
    assert parsed.version == "v32.1r0"
    assert parsed.completeness is Completeness.FULL
    assert parsed.row_count == len(ROWS)


def test_name_without_quarter_needs_effective_from(tmp_path: Path) -> None:
    path = write_ptp(tmp_path, "my-edits.txt")
    with pytest.raises(UsageError, match="give --effective-from"):
        ncci_ptp.parse(path, ImportOptions(), PRA)
    parsed = ncci_ptp.parse(
        path,
        ImportOptions(effective_from=dt.date(2026, 7, 1), effective_to=dt.date(2026, 9, 30)),
        PRA,
    )
    assert parsed.effective_to == dt.date(2026, 9, 30)


def test_names_that_disagree_on_the_quarter_are_refused(tmp_path: Path) -> None:
    path = zip_of(
        tmp_path / "medicare-ncci-2026q1-practitioner.zip", {"ccipra-v321r0.txt": ptp_text(ROWS)}
    )
    with pytest.raises(UsageError, match=r"several quarters \(2026 Q1, 2026 Q2\)"):
        ncci_ptp.parse(path, ImportOptions(), PRA)


def test_hospital_file_given_as_practitioner_is_refused(tmp_path: Path) -> None:
    path = write_ptp(tmp_path, "ccioph-v322r0-f1.txt")
    with pytest.raises(UsageError) as info:
        ncci_ptp.parse(path, ImportOptions(), PRA)
    assert str(info.value) == (
        "ccioph-v322r0-f1.txt is the outpatient hospital table (ccioph); "
        "import it as ncci-ptp-hospital"
    )


# -- parts and zips ---------------------------------------------------------------------------


def test_zip_of_all_four_parts_is_full(tmp_path: Path) -> None:
    members = {f"ccipra-v321r0-f{n}.txt": ptp_text([ROWS[n - 1]]) for n in range(1, 5)}
    path = zip_of(tmp_path / "parts.zip", members)
    parsed = ncci_ptp.parse(path, ImportOptions(), PRA)
    assert parsed.completeness is Completeness.FULL
    assert parsed.row_count == 4


def test_zip_of_the_four_part_zips_is_full(tmp_path: Path) -> None:
    inner = {}
    for n in range(1, 5):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr(f"ccipra-v321r0-f{n}.txt", ptp_text([ROWS[n - 1]]))
            zf.writestr(f"ccipra-v321r0-f{n}.xlsx", b"not read")
        inner[f"medicare-ncci-2026q2-practitioner-ptp-edits-ccipra-v321r0-f{n}.zip"] = (
            buf.getvalue()
        )
    parsed = ncci_ptp.parse(zip_of(tmp_path / "all.zip", inner), ImportOptions(), PRA)
    assert (parsed.completeness, parsed.row_count) == (Completeness.FULL, 4)


def test_some_parts_only_is_partial_and_says_which_are_missing(tmp_path: Path) -> None:
    members = {f"ccipra-v321r0-f{n}.txt": ptp_text([ROWS[n - 1]]) for n in (1, 3)}
    parsed = ncci_ptp.parse(zip_of(tmp_path / "two.zip", members), ImportOptions(), PRA)
    assert parsed.completeness is Completeness.PARTIAL
    assert parsed.notes.startswith("holds only part(s) f1, f3; missing f2, f4.")


def test_one_part_file_is_partial(tmp_path: Path) -> None:
    parsed = ncci_ptp.parse(write_ptp(tmp_path, "ccipra-v321r0-f2.txt"), ImportOptions(), PRA)
    assert parsed.completeness is Completeness.PARTIAL


def test_same_part_twice_is_an_error(tmp_path: Path) -> None:
    members = {"a/ccipra-v321r0-f1.txt": ptp_text(ROWS), "b/ccipra-v321r0-f1.txt": ptp_text(ROWS)}
    path = zip_of(tmp_path / "dup.zip", members)
    with pytest.raises(CodesetFileError) as info:
        ncci_ptp.parse(path, ImportOptions(), PRA)
    assert str(info.value) == f"{path}: the zip holds the same part more than once"


def test_truncated_zip_is_reported_as_damaged(tmp_path: Path) -> None:
    good = zip_of(tmp_path / "good.zip", {"ccipra-v321r0-f1.txt": ptp_text(ROWS)})
    path = tmp_path / "ccipra-v321r0.zip"
    path.write_bytes(good.read_bytes()[:-30])
    with pytest.raises(CodesetFileError) as info:
        ncci_ptp.parse(path, ImportOptions(), PRA)
    assert str(info.value) == f"{path}: damaged or truncated zip file: File is not a zip file"


# -- malformed files: exact path:line: reason ---------------------------------------------------

BAD_ROWS = [
    ("six-fields", "20610\t76942\t\t20150101\t*\t0", "expected 7 tab-separated fields, found 6"),
    (
        "eight-fields",
        "20610\t76942\t\t20150101\t*\t0\tx\ty",
        "expected 7 tab-separated fields, found 8",
    ),
    (
        "short-date",
        "20610\t76942\t\t2015010\t*\t0\tr",
        "bad effective date '2015010' (expected YYYYMMDD)",
    ),
    (
        "impossible-date",
        "20610\t76942\t\t20151301\t*\t0\tr",
        "bad effective date '20151301' (expected YYYYMMDD)",
    ),
    (
        "iso-deletion",
        "20610\t76942\t\t20150101\t2024-12-31\t0\tr",
        "bad deletion date '2024-12-31' (expected YYYYMMDD)",
    ),
    (
        "deleted-before-effective",
        "20610\t76942\t\t20150101\t20141231\t0\tr",
        "deletion date 20141231 is before effective date 20150101",
    ),
    (
        "indicator-2",
        "20610\t76942\t\t20150101\t*\t2\tr",
        "bad modifier indicator '2' (expected 0, 1 or 9)",
    ),
    (
        "indicator-blank",
        "20610\t76942\t\t20150101\t*\t\tr",
        "bad modifier indicator '' (expected 0, 1 or 9)",
    ),
    (
        "short-code",
        "2061\t76942\t\t20150101\t*\t0\tr",
        "bad column 1 code '2061' (expected 5 letters/digits)",
    ),
    (
        "blank-column-2",
        "20610\t\t\t20150101\t*\t0\tr",
        "bad column 2 code '' (expected 5 letters/digits)",
    ),
    (
        "bad-prior-mark",
        "20610\t76942\tY\t20150101\t*\t0\tr",
        "bad 'in existence prior to 1996' mark 'Y' (expected * or blank)",
    ),
]


@pytest.mark.parametrize(
    ("row", "reason"), [(r, m) for _, r, m in BAD_ROWS], ids=[i for i, _, _ in BAD_ROWS]
)
def test_malformed_row_names_file_and_line(tmp_path: Path, row: str, reason: str) -> None:
    path = write_ptp(tmp_path, rows=[ROWS[0], row])
    with pytest.raises(CodesetFileError) as info:
        ncci_ptp.parse(path, ImportOptions(), PRA)
    assert str(info.value) == f"{path}:{FIRST_ROW_LINE + 1}: {reason}"


def test_missing_header(tmp_path: Path) -> None:
    path = tmp_path / "ccipra-v321r0.txt"
    path.write_bytes(b"20610\t76942\t\t20150101\t*\t0\tr\r\n")
    with pytest.raises(CodesetFileError) as info:
        ncci_ptp.parse(path, ImportOptions(), PRA)
    assert str(info.value) == (
        f"{path}:1: not an NCCI PTP file: no header row starting 'Column 1<TAB>Column 2'"
    )


def test_header_without_rows(tmp_path: Path) -> None:
    path = write_ptp(tmp_path, rows=[])
    with pytest.raises(CodesetFileError) as info:
        ncci_ptp.parse(path, ImportOptions(), PRA)
    assert str(info.value) == f"{path}:3: no edit rows after the header"


def test_error_inside_a_zip_names_the_member(tmp_path: Path) -> None:
    path = zip_of(tmp_path / "q.zip", {"ccipra-v321r0-f1.txt": ptp_text([ROWS[0], "20610\t76942"])})
    with pytest.raises(CodesetFileError) as info:
        ncci_ptp.parse(path, ImportOptions(), PRA)
    assert str(info.value) == (
        f"{path}!ccipra-v321r0-f1.txt:{FIRST_ROW_LINE + 1}: "
        "expected 7 tab-separated fields, found 2"
    )


def test_latin1_rationale_and_blank_lines_are_accepted(tmp_path: Path) -> None:
    rows = [ROWS[0] + " \x85 caf\xe9", "", ROWS[1], "\t\t\t\t\t\t"]
    table = table_of(tmp_path, rows)
    (edit,) = table.edits("20610", "76942", dt.date(2020, 1, 1))
    assert edit.rationale == "CPT Manual or CMS manual coding instruction \x85 caf\xe9"


# -- dates and orders ---------------------------------------------------------------------------

BOUNDARIES = [
    ("day-before-effective", "20610", "76942", dt.date(2014, 12, 31), 0),
    ("effective-day", "20610", "76942", dt.date(2015, 1, 1), 1),
    ("active-star-far-future", "20610", "76942", dt.date(2040, 1, 1), 1),
    ("day-before-deletion", "29880", "29881", dt.date(2024, 12, 30), 1),
    ("deletion-day-is-included", "29880", "29881", dt.date(2024, 12, 31), 1),
    ("day-after-deletion", "29880", "29881", dt.date(2025, 1, 1), 0),
    ("retroactive-deletion-day", "93294", "93296", dt.date(2009, 1, 1), 1),
    ("retroactive-deletion-next-day", "93294", "93296", dt.date(2009, 1, 2), 0),
    ("no-edit-between-codes", "20610", "99213", dt.date(2020, 1, 1), 0),
]


@pytest.mark.parametrize(
    ("a", "b", "day", "count"), [c[1:] for c in BOUNDARIES], ids=[c[0] for c in BOUNDARIES]
)
def test_row_dates_decide_whether_an_edit_applies(
    tmp_path: Path, a: str, b: str, day: dt.date, count: int
) -> None:
    table = table_of(tmp_path)
    assert len(table.edits(a, b, day)) == count
    assert len(table.edits(b, a, day)) == count


def test_both_orders_return_the_same_column_one_row(tmp_path: Path) -> None:
    table = table_of(tmp_path)
    day = dt.date(2026, 5, 1)
    expected = [
        PtpEdit(
            "96372",
            "99213",
            dt.date(2013, 1, 1),
            None,
            1,
            "CPT Manual or CMS manual coding instruction",
            False,
        )
    ]
    assert table.edits("96372", "99213", day) == expected
    assert table.edits("99213", "96372", day) == expected


def test_a_pair_deleted_and_added_again_keeps_both_rows(tmp_path: Path) -> None:
    rows = ["11042\t97597\t\t20100101\t20121231\t0\tr", "11042\t97597\t\t20140101\t*\t1\tr"]
    table = table_of(tmp_path, rows)
    assert [e.modifier_indicator for e in table.edits("97597", "11042", dt.date(2011, 6, 1))] == [0]
    assert table.edits("11042", "97597", dt.date(2013, 6, 1)) == []
    assert [e.modifier_indicator for e in table.edits("11042", "97597", dt.date(2015, 1, 1))] == [1]
    assert len(table.rows_for("11042")) == 2


def test_damaged_index_is_a_codeset_error(tmp_path: Path) -> None:
    path = tmp_path / INDEX_FILE
    path.write_bytes(b"not an index at all")
    with pytest.raises(CodesetError, match="not a cleanclaim PTP index"):
        PtpTable(path)


# -- modifiers ---------------------------------------------------------------------------------


def edit(c1: str, c2: str, indicator: int) -> PtpEdit:
    return PtpEdit(c1, c2, dt.date(2015, 1, 1), None, indicator)


BYPASS = [
    ("ind0-59-on-column2", edit("20610", "76942", 0), [], ["59"], False),
    ("ind0-no-modifiers", edit("20610", "76942", 0), [], [], False),
    ("ind1-59-on-column2", edit("29880", "29881", 1), [], ["59"], True),
    ("ind1-XS-on-column1", edit("29880", "29881", 1), ["XS"], [], True),
    ("ind1-lower-case-rt", edit("29880", "29881", 1), [], ["rt"], True),
    ("ind1-no-modifiers", edit("29880", "29881", 1), [], [], False),
    ("ind1-non-ncci-modifiers", edit("29880", "29881", 1), ["22"], ["76", "51"], False),
    ("ind1-25-between-procedures", edit("29880", "29881", 1), ["25"], [], False),
    ("ind1-25-on-em-line", edit("96372", "99213", 1), [], ["25"], True),
    ("ind1-57-em-in-column1", edit("99214", "20610", 1), ["57"], [], True),
    ("ind9-ignored", edit("93294", "93296", 9), [], [], True),
]


@pytest.mark.parametrize(
    ("ptp", "mods_a", "mods_b", "expected"), [c[1:] for c in BYPASS], ids=[c[0] for c in BYPASS]
)
def test_bypassable(ptp: PtpEdit, mods_a: list[str], mods_b: list[str], expected: bool) -> None:
    assert ncci_ptp.bypassable(ptp, mods_a, mods_b) is expected
    assert ncci_ptp.bypassable(ptp, mods_b, mods_a) is expected


def test_ncci_associated_modifiers() -> None:
    mods = ncci_ptp.NCCI_ASSOCIATED_MODIFIERS
    assert {"59", "XE", "XS", "XP", "XU", "25", "91", "LT", "RT", "F9", "T9", "E4"} <= mods
    assert not {"22", "50", "51", "76", "77"} & mods
    assert len(mods) == 44


# -- the store, the facade and the shipped fixture ----------------------------------------------


def test_shipped_fixtures_parse_as_fixture_releases() -> None:
    releases = {s.kind: s.build() for s in ncci_ptp.bundled()}
    assert set(releases) == {PRA, OPH}
    for parsed in releases.values():
        assert parsed.completeness is Completeness.FIXTURE
        assert (parsed.effective_from, parsed.effective_to) == (
            dt.date(2026, 7, 1),
            dt.date(2026, 9, 30),
        )
    assert releases[PRA].row_count == 12
    assert releases[OPH].row_count == 6
    assert (package_data(PRA, "README.md")).exists()


def test_facade_answers_from_the_fixture_and_reports_gaps(tmp_path: Path) -> None:
    store = fixture_store(tmp_path / "store")
    answer = ncci_ptp.ptp_edits(CodesetView(store, dt.date(2026, 8, 3)), PRA, " 99213", "96372 ")
    assert answer.completeness is Completeness.FIXTURE
    assert answer.value is not None and [(e.column1, e.column2) for e in answer.value] == [
        ("96372", "99213")
    ]
    none = ncci_ptp.ptp_edits(CodesetView(store, dt.date(2026, 8, 3)), PRA, "99213", "36415")
    assert none.value is None and not none.authoritative
    gap = ncci_ptp.ptp_edits(CodesetView(store, dt.date(2026, 2, 3)), PRA, "99213", "96372")
    assert gap.completeness is Completeness.MISSING and gap.value is None


def test_facade_refuses_other_kinds(tmp_path: Path) -> None:
    store = fixture_store(tmp_path / "store")
    with pytest.raises(UsageError, match="not an NCCI PTP kind"):
        ncci_ptp.ptp_edits(CodesetView(store, dt.date(2026, 8, 3)), "mue-dme", "a", "b")


def test_coverage_shows_the_quarters_the_fixture_does_not_cover(tmp_path: Path) -> None:
    store = fixture_store(tmp_path / "store")
    report = coverage(store, dt.date(2026, 1, 1), dt.date(2026, 12, 31), kinds=(PRA,))
    assert [g.to_json() for g in report.gaps] == [
        {"codeset": PRA, "from": "2026-01-01", "to": "2026-06-30"},
        {"codeset": PRA, "from": "2026-10-01", "to": "2026-12-31"},
    ]


def test_reimport_of_the_same_file_is_a_no_op(tmp_path: Path) -> None:
    store = CodesetStore(tmp_path / "store", include_bundled=False)
    path = write_ptp(tmp_path, "ccipra-v321r0.txt")
    first, new = store.import_file(PRA, path)
    again, new_again = store.import_file(PRA, path)
    assert (new, new_again) == (True, False)
    assert again == first
    assert len(store.releases(PRA)) == 1
    table = store.table(first)
    assert table.edits("76942", "20610", dt.date(2026, 5, 1))[0].column1 == "20610"
