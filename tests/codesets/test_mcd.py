"""MCD downloads: LCD articles (``mcd-lcd``) and lab NCD code lists (``ncd``)."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from pathlib import Path

import pytest

from cleanclaim.codesets import store as store_module
from cleanclaim.codesets.kinds import ImportOptions, kind
from cleanclaim.codesets.loaders import mcd
from cleanclaim.codesets.loaders._common import package_data
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

D = dt.date
LCD_FIXTURE = package_data("mcd-lcd")
NCD_FIXTURE = package_data("ncd")
ON = ImportOptions(effective_from=D(2026, 1, 1))
CODES_HEADER = "NCD_mnl_sect,list,code,description"


@pytest.fixture
def fixture_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CodesetStore:
    """A store holding only this module's bundled fixtures, installed the normal way."""
    monkeypatch.setattr(store_module, "bundled_sources", mcd.bundled)
    store = CodesetStore(tmp_path / "store")
    store.releases()
    return store


def _copy(tmp_path: Path, folder: Path) -> Path:
    dest = tmp_path / folder.name
    shutil.copytree(folder, dest)
    return dest


def _zip(tmp_path: Path, folder: Path, name: str, inner: str | None = None) -> Path:
    """``folder``'s CSVs zipped as CMS ships them (optionally inside an inner zip)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for member in sorted(folder.glob("*.csv")):
            zf.write(member, member.name)
    path = tmp_path / name
    if inner is None:
        path.write_bytes(buffer.getvalue())
        return path
    with zipfile.ZipFile(path, "w") as outer:
        outer.writestr(inner, buffer.getvalue())
        outer.writestr("readme_first.txt", "not a csv")
    return path


def _codes(tmp_path: Path, *rows: str, name: str = "lab_ncd_codes.csv") -> Path:
    path = tmp_path / name
    path.write_text("\r\n".join([CODES_HEADER, *rows]) + "\r\n", encoding="utf-8")
    return path


# -- kinds and bundled fixtures --------------------------------------------------------------


def test_both_kinds_use_this_module() -> None:
    assert kind("mcd-lcd").module == kind("ncd").module == "cleanclaim.codesets.loaders.mcd"


def test_bundled_fixtures(fixture_store: CodesetStore) -> None:
    summary = sorted(
        (r.kind, r.effective_from, r.effective_to, r.completeness, r.origin, r.row_count)
        for r in fixture_store.releases()
    )
    assert summary == [
        ("mcd-lcd", D(2025, 8, 7), D(2026, 9, 30), Completeness.FIXTURE, "bundled", 4),
        ("ncd", D(2025, 10, 1), D(2026, 9, 30), Completeness.FIXTURE, "bundled", 23),
    ]


def test_fixture_ncd_policies(fixture_store: CodesetStore) -> None:
    answer = mcd.ncd_policies(CodesetView(fixture_store, D(2026, 5, 4)), "80061")
    assert answer.completeness is Completeness.FIXTURE and not answer.authoritative
    (policy,) = answer.value or []
    assert (policy.key, policy.title, policy.version, policy.start, policy.end) == (
        "NCD 190.23",
        "Lipid Testing",
        "2",
        D(2005, 1, 1),
        None,
    )
    assert policy.label == "NCD 190.23 (Lipid Testing)"
    assert policy.covered == {"E7800", "E782", "E785"}
    assert policy.noncovered == {"Z0000", "Z0001"}


def test_fixture_article_takes_its_lcds_contractors(fixture_store: CodesetStore) -> None:
    answer = mcd.lcd_policies(CodesetView(fixture_store, D(2026, 5, 4)), "82306", "J15")
    (policy,) = answer.value or []
    assert (policy.key, policy.contractors, policy.lcds, policy.start) == (
        "A56798",
        ("15101",),
        ("L33996",),
        D(2024, 11, 28),
    )
    assert policy.label == (
        "LCD article A56798 (Billing and Coding: Vitamin D Assay Testing; LCD L33996)"
    )


@pytest.mark.parametrize(
    ("jurisdiction", "found"),
    [
        pytest.param("J15", True, id="j15"),
        pytest.param("J - 15", True, id="mcd-spelling"),
        pytest.param("15101", True, id="contractor-number"),
        pytest.param("15202", False, id="other-contractor-number"),
        pytest.param("JH", False, id="other-jurisdiction"),
    ],
)
def test_articles_by_jurisdiction(
    fixture_store: CodesetStore, jurisdiction: str, found: bool
) -> None:
    answer = mcd.lcd_policies(CodesetView(fixture_store, D(2026, 5, 4)), "82306", jurisdiction)
    assert bool(answer.value) is found


def test_unknown_jurisdiction_is_a_usage_error(fixture_store: CodesetStore) -> None:
    with pytest.raises(UsageError) as err:
        mcd.lcd_policies(CodesetView(fixture_store, D(2026, 5, 4)), "82306", "J99")
    assert str(err.value) == (
        "unknown MAC jurisdiction 'J99'; use e.g. JH, JL, J15 or a five-digit contractor number"
    )


@pytest.mark.parametrize(
    "day",
    [pytest.param(D(2025, 8, 6), id="before-window"), pytest.param(D(2026, 10, 1), id="after")],
)
def test_no_release_outside_the_fixture_windows(fixture_store: CodesetStore, day: D) -> None:
    view = CodesetView(fixture_store, day)
    answer = mcd.lcd_policies(view, "82306", "J15")
    assert (answer.value, answer.completeness) == (None, Completeness.MISSING)


# -- jurisdictions ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "prefixes"),
    [
        pytest.param("JH", ("04", "07"), id="jh"),
        pytest.param("j-h", ("04", "07"), id="lower-dash"),
        pytest.param("J6", ("06",), id="j6"),
        pytest.param("J - 06", ("06",), id="mcd-spelling"),
        pytest.param("JK", ("13", "14"), id="jk"),
        pytest.param("12502", ("12502",), id="contractor-number"),
        pytest.param("JX", None, id="unknown-letter"),
        pytest.param("Novitas", None, id="a-name"),
    ],
)
def test_contractor_prefixes(text: str, prefixes: tuple[str, ...] | None) -> None:
    assert mcd.contractor_prefixes(text) == prefixes


# -- policies --------------------------------------------------------------------------------


def _policy(**kw: object) -> mcd.Policy:
    base: dict[str, object] = {
        "key": "NCD 190.99",
        "title": "",
        "version": "1",
        "start": None,
        "end": None,
        "procedures": frozenset({"80061"}),
    }
    base.update(kw)
    return mcd.Policy(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("covered", "noncovered", "dx", "verdict"),
    [
        pytest.param({"E785"}, {"Z0000"}, ["E785"], "covered", id="covered"),
        pytest.param({"E785"}, {"Z0000"}, ["Z0000", "E785"], "covered", id="one-covered-wins"),
        pytest.param({"E785"}, {"Z0000"}, ["Z00.00"], "noncovered", id="noncovered-dotted"),
        pytest.param({"E785"}, {"Z0000"}, ["Z0000", "I10"], "unlisted", id="mixed"),
        pytest.param(set(), {"Z0000"}, ["I10"], "open", id="no-covered-list"),
        pytest.param({"E0800-E089"}, set(), ["E0865"], "covered", id="range"),
        pytest.param({"E0800-E089"}, set(), ["E08649"], "covered", id="range-deep-child"),
        pytest.param({"E0800-E089"}, set(), ["E090"], "unlisted", id="past-range"),
    ],
)
def test_judge(covered: set[str], noncovered: set[str], dx: list[str], verdict: str) -> None:
    policy = _policy(covered=frozenset(covered), noncovered=frozenset(noncovered))
    assert policy.judge(dx) == verdict


def test_governing_takes_dates_and_latest_version() -> None:
    table = mcd.CoverageTable(
        [
            _policy(version="1", start=D(2020, 1, 1), end=D(2025, 12, 31)),
            _policy(version="2", start=D(2026, 1, 1)),
            _policy(version="3", start=D(2026, 1, 1), title="newer"),
            _policy(key="NCD 190.98", end=dt.date.min),  # retired
        ]
    )
    assert [p.version for p in table.governing("80061", D(2025, 12, 31))] == ["1"]
    assert [p.version for p in table.governing("80061", D(2026, 1, 1))] == ["3"]
    assert table.governing("80062", D(2026, 1, 1)) == []


def test_policy_json_round_trip() -> None:
    policy = _policy(
        start=D(2026, 1, 1),
        contractors=("15101",),
        lcds=("L33996",),
        covered=frozenset({"E785", "E0800-E089"}),
        noncovered=frozenset({"Z0000"}),
    )
    assert mcd.Policy.from_json(policy.to_json()) == policy


# -- reading user files ----------------------------------------------------------------------


def test_article_download_as_cms_ships_it(tmp_path: Path) -> None:
    path = _zip(
        tmp_path, LCD_FIXTURE, "current_article_2026-05-01.zip", inner="current_article_csv.zip"
    )
    parsed = mcd.parse(path, ImportOptions(), "mcd-lcd")
    assert (parsed.effective_from, parsed.effective_to, parsed.version) == (
        D(2026, 5, 1),
        None,
        "2026-05-01",
    )
    assert parsed.completeness is Completeness.PARTIAL
    assert parsed.notes == "only 4 code rows: looks like a sample"
    assert [p.key for p in parsed.payload] == ["A56798"]


def test_import_through_the_store(tmp_path: Path, empty_store: CodesetStore) -> None:
    path = _zip(tmp_path, NCD_FIXTURE, "ncd.zip", inner="ncd_csv.zip")
    options = ImportOptions(effective_from=D(2026, 4, 1), completeness="full")
    release, new = empty_store.import_file("ncd", path, options)
    assert new and release.completeness is Completeness.FULL and release.row_count == 23
    answer = mcd.ncd_policies(CodesetView(empty_store, D(2026, 4, 1)), "83036")
    assert answer.authoritative and [p.key for p in answer.value or []] == ["NCD 190.21"]


def test_code_list_alone_has_no_titles_or_dates(tmp_path: Path) -> None:
    path = _codes(
        tmp_path,
        "190.22,hcpcs,84443,",
        "190.22,covered,E03.9,Hypothyroidism",
        "190.22,denied,Z00.00,",
    )
    (policy,) = mcd.parse(path, ON, "ncd").payload
    assert (policy.key, policy.title, policy.start, policy.procedures, policy.noncovered) == (
        "NCD 190.22",
        "",
        None,
        {"84443"},
        {"Z0000"},
    )


@pytest.mark.parametrize(
    ("name", "window"),
    [
        pytest.param("lab_ncd_codes_20260501.csv", (D(2026, 5, 1), None), id="yyyymmdd"),
        pytest.param("lab_ncd_codes_2026q2.csv", (D(2026, 4, 1), D(2026, 6, 30)), id="quarter"),
        pytest.param(
            "q3-2026-lab_ncd_codes.csv", (D(2026, 7, 1), D(2026, 9, 30)), id="quarter-first"
        ),
    ],
)
def test_window_from_name(tmp_path: Path, name: str, window: tuple[D, D | None]) -> None:
    path = _codes(tmp_path, "190.22,hcpcs,84443,", name=name)
    parsed = mcd.parse(path, ImportOptions(), "ncd")
    assert (parsed.effective_from, parsed.effective_to) == window


def test_window_needs_a_date(tmp_path: Path) -> None:
    path = _codes(tmp_path, "190.22,hcpcs,84443,")
    with pytest.raises(UsageError) as err:
        mcd.parse(path, ImportOptions(), "ncd")
    assert str(err.value) == (
        "cannot tell the effective dates of this MCD file from its name; "
        "give --effective-from (and --effective-to)"
    )


def test_parse_refuses_other_kinds(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="does not read 'hac'"):
        mcd.parse(_codes(tmp_path, "190.22,hcpcs,84443,"), ON, "hac")


def _edit(folder: Path, name: str, old: str, new: str) -> None:
    path = folder / name
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "old", "new", "reason"),
    [
        pytest.param(
            "article_x_icd10_covered.csv",
            "E84.11",
            "E84-11-1",
            "3: bad ICD-10-CM code 'E84-11-1'",
            id="bad-icd10",
        ),
        pytest.param(
            "article_x_icd10_covered.csv",
            "E84.11",
            "8411",
            "3: bad ICD-10-CM code '8411'",
            id="numeric-icd10",
        ),
        pytest.param(
            "article_x_hcpc_code.csv",
            "82306",
            "8230",
            "2: bad HCPCS/CPT code '8230'",
            id="bad-hcpcs",
        ),
        pytest.param(
            "article_x_hcpc_code.csv",
            "56798,,82306",
            "56799,,82306",
            "2: article 56799 version ? is not in article.csv",
            id="unknown-article",
        ),
        pytest.param(
            "article.csv",
            "2024-11-28",
            "28.11.2024",
            "2: bad date '28.11.2024' (expected YYYY-MM-DD or MM/DD/YYYY)",
            id="bad-date",
        ),
        pytest.param(
            "article.csv", "56798,", "A56798,", "2: bad article_id 'A56798'", id="bad-article-id"
        ),
        pytest.param(
            "lcd_x_contractor.csv",
            "239,,1",
            "240,,1",
            "2: contractor 240 version 1 is not in contractor.csv",
            id="unknown-contractor",
        ),
        pytest.param(
            "article_x_hcpc_code.csv",
            "article_id,",
            "articleid,",
            "1: no article_id column in the header",
            id="missing-column",
        ),
        pytest.param(
            "article_x_hcpc_code.csv",
            "56798,,82306,,1,,,,",
            "56798,,82306,,1,,,",
            "2: expected 9 fields, found 8",
            id="short-row",
        ),
    ],
)
def test_malformed_article_download(
    tmp_path: Path, name: str, old: str, new: str, reason: str
) -> None:
    folder = _copy(tmp_path, LCD_FIXTURE)
    _edit(folder, name, old, new)
    with pytest.raises(CodesetFileError) as err:
        mcd.parse(folder, ON, "mcd-lcd")
    assert str(err.value) == f"{folder / name}:{reason}"


def test_missing_table(tmp_path: Path) -> None:
    folder = _copy(tmp_path, LCD_FIXTURE)
    (folder / "contractor.csv").unlink()
    with pytest.raises(CodesetFileError) as err:
        mcd.parse(folder, ON, "mcd-lcd")
    assert str(err.value).endswith(
        ": an MCD article download needs contractor.csv (found: "
        "article.csv, article_related_documents.csv, "
        "article_x_contractor.csv, article_x_hcpc_code.csv, "
        "article_x_icd10_covered.csv, article_x_icd10_noncovered.csv, "
        "lcd.csv, lcd_x_contractor.csv)"
    )


@pytest.mark.parametrize(
    ("rows", "reason"),
    [
        pytest.param(
            ["190.22,hcpcs,84443,", "190.22,maybe,E03.9,"],
            "3: list must be hcpcs, covered, noncovered or denied, found 'maybe'",
            id="bad-list",
        ),
        pytest.param(
            ["NCD190,hcpcs,84443,"], "2: bad NCD manual section 'NCD190'", id="bad-section"
        ),
        pytest.param(
            ['190.22,covered,E03.9,"Hypothyroidism,', 'unspecified"', "190.22,covered,E03,9,"],
            "4: expected 4 fields, found 5",
            id="line-after-a-two-line-field",
        ),
    ],
)
def test_malformed_code_list(tmp_path: Path, rows: list[str], reason: str) -> None:
    path = _codes(tmp_path, *rows)
    with pytest.raises(CodesetFileError) as err:
        mcd.parse(path, ON, "ncd")
    assert str(err.value) == f"{path}:{reason}"


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "lab_ncd_codes.csv"
    path.write_text("", encoding="utf-8")
    with pytest.raises(CodesetFileError) as err:
        mcd.parse(path, ON, "ncd")
    assert str(err.value) == f"{path}:1: empty file"


def test_truncated_zip(tmp_path: Path) -> None:
    good = _zip(tmp_path, NCD_FIXTURE, "ncd.zip")
    bad = tmp_path / "ncd-truncated.zip"
    bad.write_bytes(good.read_bytes()[:100])
    with pytest.raises(CodesetFileError) as err:
        mcd.parse(bad, ON, "ncd")
    assert str(err.value) == f"{bad}: not a readable zip file (damaged or truncated?)"


def test_zip_with_a_corrupt_member(tmp_path: Path) -> None:
    good = _zip(tmp_path, NCD_FIXTURE, "ncd.zip")
    data = bytearray(good.read_bytes())
    data[60] ^= 0xFF  # inside the first member's data: its CRC no longer matches
    bad = tmp_path / "ncd-corrupt.zip"
    bad.write_bytes(bytes(data))
    with pytest.raises(CodesetFileError) as err:
        mcd.parse(bad, ON, "ncd")
    assert str(err.value).startswith(f"{bad}: damaged zip file: ")


def test_retired_ncd_is_never_in_force(tmp_path: Path) -> None:
    folder = _copy(tmp_path, NCD_FIXTURE)
    _edit(
        folder,
        "ncd_trkg.csv",
        "Lipid Testing,2005-01-01,2005-03-11,",
        "Lipid Testing - RETIRED,2005-01-01,2005-03-11,2004-12-31",
    )
    table = mcd.CoverageTable(mcd.parse(folder, ON, "ncd").payload)
    assert table.governing("80061", D(2026, 1, 1)) == []
    assert [p.key for p in table.governing("83036", D(2026, 1, 1))] == ["NCD 190.21"]
