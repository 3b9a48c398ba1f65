"""PFS relative value file: split headers, kept indicators, and no descriptor text."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import zipfile
from pathlib import Path

import pytest

from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders import pfs
from cleanclaim.codesets.loaders._common import PAYLOAD_FILE, package_data
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

D = dt.date
FIXTURE = package_data("pfs-rvu", "PPRRVU25_JAN.csv")
HEADER_2019 = [
    ",,2019 National Physician Fee Schedule Relative Value File October Release,,,,,,,,,,,,,,,,,,,,"
    ",,,,,,,,",
    ",,,STATUS,MEDICARE,WORK,NON-FAC,NA,FACILITY,NA,MP,NON-FACILITY,FACILITY,PCTC,GLOB,PRE,INTRA,"
    "POST,MULT,BILAT,ASST,CO-,TEAM,ENDO,CONV,DIAGNOSTIC,CALCULATION,FAMILY,PAYMENT,PAYMENT,PAYMENT",
    "HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,PE RVU,INDICATOR,PE RVU,INDICATOR,RVU,TOTAL,TOTAL,IND,"
    "DAYS,OP,OP,OP,PROC,SURG,SURG,SURG,SURG,BASE,FACTOR,PROCEDURES,FLAG,INDICATOR,AMOUNT,AMOUNT,"
    "AMOUNT",
]
#: The 2026 files' header rows: ``PRIC IND`` sits between TEAM SURG and ENDO BASE.
HEADER_2026 = [
    ",,2026 National Physician Fee Schedule Relative Value File January Release,,,,,,,,,,,,,,,,,"
    ",,,,,,,,,,,,,,",
    ",,,STATUS,MEDICARE,WORK,NON-FAC,NA,FACILITY,NA,MP,NON-FACILITY,FACILITY,PCTC,GLOB,PRE,INTRA,"
    "POST,MULT,BILAT,ASST,CO-,TEAM,PRIC,ENDO,CONV,DIAGNOSTIC,CALCULATION,FAMILY,PAYMENT,PAYMENT,"
    "PAYMENT",
    "HCPCS,MOD,DESCRIPTION,CODE,PAYMENT,RVU,PE RVU,INDICATOR,PE RVU,INDICATOR,RVU,TOTAL,TOTAL,IND,"
    "DAYS,OP,OP,OP,PROC,SURG,SURG,SURG,SURG,IND,BASE,FACTOR,PROCEDURES,FLAG,INDICATOR,AMOUNT,"
    "AMOUNT,AMOUNT",
]
SECRET = "SYNTHETIC DESCRIPTOR TEXT"
ROW_2019 = (
    f"20610,,{SECRET},A,,0.79,0.90,,0.30,,0.09,1.78,1.18,0,000,0.10,0.80,0.10,2,1,1,0,0,,"
    "36.0391,09,0,99,0.00,0.00,0.00"
)


def _fixture_rows() -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(FIXTURE.read_text("latin-1"))))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "HCPCS") + 1
    return [r for r in rows[start:] if r and r[0]]


def _write(tmp_path: Path, lines: list[str], name: str = "PPRRVU19_OCT.csv") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join(lines) + "\r\n", encoding="latin-1")
    return path


@pytest.fixture
def store(empty_store: CodesetStore) -> CodesetStore:
    for source in pfs.bundled():
        empty_store.install(source.build(), origin="bundled")
    return empty_store


def test_fixture_release(store: CodesetStore) -> None:
    (release,) = store.releases("pfs-rvu")
    assert release.completeness is Completeness.FIXTURE and release.row_count == 46
    assert (release.effective_from, release.effective_to) == (D(2025, 1, 1), D(2025, 3, 31))
    assert release.version == "2025Q1"
    assert release.name == "PFS relative values 2025 Q1 (sample rows)"


def test_fixture_descriptor_column_is_blank() -> None:
    rows = _fixture_rows()
    assert len(rows) == 46 and all(r[2] == "" for r in rows)


def test_fixture_totals_match_cms_components() -> None:
    """Work + PE + MP add up to CMS's own totals on every copied row (no typing slips)."""
    for r in _fixture_rows():
        work, nonfac_pe, fac_pe, mp = float(r[5]), float(r[6]), float(r[8]), float(r[10])
        assert work + nonfac_pe + mp == pytest.approx(float(r[11]), abs=0.011), r[:2]
        assert work + fac_pe + mp == pytest.approx(float(r[12]), abs=0.011), r[:2]


@pytest.mark.parametrize(
    ("code", "modifier", "glob", "mult", "bilat", "asst", "co", "team", "pctc", "work"),
    [
        pytest.param("27447", "", "090", "2", "1", "2", "1", "0", "0", 19.60, id="90-day"),
        pytest.param("10080", "", "010", "2", "0", "1", "0", "0", "0", 1.22, id="10-day"),
        pytest.param("20610", "", "000", "2", "1", "1", "0", "0", "0", 0.79, id="0-day-bilat-1"),
        pytest.param("69210", "", "000", "2", "2", "1", "0", "0", "0", 0.61, id="bilat-2"),
        pytest.param("70332", "", "XXX", "0", "3", "0", "0", "0", "1", 0.54, id="bilat-3"),
        pytest.param("29881", "", "090", "3", "1", "0", "0", "0", "0", 7.03, id="endoscopy"),
        pytest.param("11045", "", "ZZZ", "0", "0", "0", "0", "0", "0", 0.50, id="add-on"),
        pytest.param("G2211", "", "ZZZ", "0", "0", "0", "0", "0", "0", 0.33, id="level-2-add-on"),
        pytest.param("59400", "", "MMM", "2", "0", "1", "0", "0", "0", 37.00, id="maternity"),
        pytest.param("20999", "", "YYY", "2", "0", "0", "1", "1", "0", 0.00, id="carrier-priced"),
        pytest.param("71046", "26", "XXX", "0", "0", "0", "0", "0", "1", 0.22, id="pc-row"),
        pytest.param("71046", "tc", "XXX", "0", "0", "0", "0", "0", "1", 0.00, id="tc-row"),
        pytest.param("44388", "53", "000", "2", "0", "1", "0", "0", "0", 1.36, id="reduced-row"),
        pytest.param("36415", "", "XXX", "9", "9", "9", "9", "9", "9", 0.00, id="not-on-pfs"),
    ],
)
def test_entries(
    store: CodesetStore,
    code: str,
    modifier: str,
    glob: str,
    mult: str,
    bilat: str,
    asst: str,
    co: str,
    team: str,
    pctc: str,
    work: float,
) -> None:
    answer = pfs.pfs_entry(CodesetView(store, D(2025, 2, 3)), code, modifier)
    entry = answer.value
    assert entry is not None and answer.completeness is Completeness.FIXTURE
    assert (
        entry.global_days,
        entry.mult_proc,
        entry.bilateral,
        entry.assistant,
        entry.co_surgeon,
        entry.team_surgery,
        entry.pctc,
    ) == (glob, mult, bilat, asst, co, team, pctc)
    assert entry.work_rvu == pytest.approx(work)


@pytest.mark.parametrize(
    ("code", "status"),
    [
        pytest.param("99213", "A", id="active"),
        pytest.param("20999", "C", id="carrier-priced"),
        pytest.param("00790", "J", id="anesthesia"),
        pytest.param("1036F", "M", id="measurement"),
        pytest.param("99381", "N", id="non-covered"),
        pytest.param("36415", "X", id="statutory-exclusion"),
    ],
)
def test_status_codes(store: CodesetStore, code: str, status: str) -> None:
    entry = pfs.pfs_entry(CodesetView(store, D(2025, 3, 31)), code).value
    assert entry is not None and entry.status == status


def test_global_period_and_modifiers(store: CodesetStore) -> None:
    table = store.table(store.releases("pfs-rvu")[0])
    assert table.get("29881").global_period == 90
    assert table.get("99213").global_period is None
    assert table.modifiers("71046") == ["", "26", "TC"]
    assert table.modifiers("44388") == ["", "53"]
    assert table.get("99213", "25") is None


def test_no_answer_outside_the_fixture_quarter(store: CodesetStore) -> None:
    answer = pfs.pfs_entry(CodesetView(store, D(2026, 2, 2)), "99213")
    assert answer.value is None and answer.completeness is Completeness.MISSING


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("PPRRVU26_JAN.csv", (2026, 1)),
        ("PPRRVU25_APR.csv", (2025, 2)),
        ("PPRRVU25_JAN.csv", (2025, 1)),
        ("PPRRVU2026_Jul_nonQPP.csv", (2026, 3)),
        ("PPRRVU2026_Oct_QPP.csv", (2026, 4)),
        ("RVU26A.zip", (2026, 1)),
        ("rvu26b-updated-03-10-2026.zip", (2026, 2)),
        ("RVU24AR.zip", (2024, 1)),
        ("rvu25d.zip", (2025, 4)),
        ("fees.csv", None),
    ],
)
def test_quarter_inference(name: str, expected: tuple[int, int] | None) -> None:
    assert pfs.infer_quarter(name) == expected


def test_older_header_without_pricing_indicator(tmp_path: Path) -> None:
    parsed = pfs.parse(_write(tmp_path, [*HEADER_2019, ROW_2019]), ImportOptions())
    (entry,) = parsed.payload
    assert (entry.code, entry.global_days, entry.bilateral) == ("20610", "000", "1")
    assert (parsed.effective_from, parsed.version) == (D(2019, 10, 1), "2019Q4")


def test_2026_header_with_pricing_indicator(tmp_path: Path) -> None:
    """Synthetic row in the 2026 layout: an extra column does not shift the kept ones."""
    cells = ROW_2019.split(",")
    row = ",".join([*cells[:23], "9", *cells[23:]])
    path = _write(tmp_path, [*HEADER_2026, row], name="PPRRVU2026_Jan_nonQPP.csv")
    (entry,) = pfs.parse(path, ImportOptions()).payload
    assert (entry.code, entry.global_days, entry.bilateral, entry.team_surgery) == (
        "20610",
        "000",
        "1",
        "0",
    )


def test_descriptor_is_never_stored(empty_store: CodesetStore, tmp_path: Path) -> None:
    release, _ = empty_store.import_file("pfs-rvu", _write(tmp_path, [*HEADER_2019, ROW_2019]))
    assert release.data_dir is not None
    stored = gzip.decompress((empty_store.root / release.data_dir / PAYLOAD_FILE).read_bytes())
    assert SECRET.encode() not in stored and b"20610" in stored
    assert not hasattr(empty_store.table(release).get("20610"), "description")


def test_zip_prefers_the_non_qp_file(empty_store: CodesetStore, tmp_path: Path) -> None:
    path = tmp_path / "rvu26c.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("GPCI2026.csv", "not,this\n")
        zf.writestr("PPRRVU2026_Jul_QPP.csv", "\r\n".join([*HEADER_2019, ROW_2019]))
        zf.writestr("PPRRVU2026_Jul_nonQPP.csv", FIXTURE.read_bytes())
    release, _ = empty_store.import_file("pfs-rvu", path)
    assert release.row_count == 46 and release.effective_from == D(2026, 7, 1)


def test_reimport_is_a_no_op(empty_store: CodesetStore, tmp_path: Path) -> None:
    path = _write(tmp_path, [*HEADER_2019, ROW_2019])
    first, _ = empty_store.import_file("pfs-rvu", path)
    again, new = empty_store.import_file("pfs-rvu", path)
    assert not new and again == first


def test_window_needed_when_the_name_says_nothing(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="relative value file from its name"):
        pfs.parse(_write(tmp_path, [*HEADER_2019, ROW_2019], name="fees.csv"), ImportOptions())


def _row(**changes: str) -> str:
    cells = ROW_2019.split(",")
    index = {"code": 0, "status": 3, "work": 5, "glob": 14, "bilat": 19}
    for key, value in changes.items():
        cells[index[key]] = value
    return ",".join(cells)


@pytest.mark.parametrize(
    ("lines", "line", "reason"),
    [
        pytest.param(["a,b,c", "1,2,3"], 1, "no header row starting with HCPCS", id="no-header"),
        pytest.param(
            [*HEADER_2019[:2], HEADER_2019[2].replace("DAYS", "LENGTH"), ROW_2019],
            3,
            "missing column 'GLOB DAYS' in header",
            id="missing-column",
        ),
        pytest.param([*HEADER_2019, _row(glob="045")], 4, "bad global days '045'", id="bad-global"),
        pytest.param(
            [*HEADER_2019, _row(bilat="X")], 4, "bad BILAT SURG indicator 'X'", id="bad-indicator"
        ),
        pytest.param([*HEADER_2019, _row(work="1.2.3")], 4, "bad work RVU '1.2.3'", id="bad-work"),
        pytest.param([*HEADER_2019, _row(status="")], 4, "bad status code ''", id="no-status"),
        pytest.param([*HEADER_2019, _row(code="2061")], 4, "bad HCPCS code '2061'", id="bad-code"),
        pytest.param(
            [*HEADER_2019, "20610,,x,A,,0.79"],
            4,
            "expected at least 23 fields, found 6",
            id="short-row",
        ),
        pytest.param(
            [*HEADER_2019, ROW_2019, ROW_2019], 5, "code 20610 listed twice", id="duplicate"
        ),
        pytest.param(HEADER_2019, 4, "no rows after the header", id="no-rows"),
    ],
)
def test_malformed(tmp_path: Path, lines: list[str], line: int, reason: str) -> None:
    path = _write(tmp_path, lines)
    with pytest.raises(CodesetFileError) as err:
        pfs.parse(path, ImportOptions())
    assert str(err.value) == f"{path}:{line}: {reason}"
