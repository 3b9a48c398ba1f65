"""CV101 coverage-policy: NCDs, LCD articles by MAC jurisdiction, and missing data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import zipfile
from pathlib import Path
from typing import Any

import pytest

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders._common import package_data
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.model import ClaimResult, Finding, NotChecked
from cleanclaim.edits.rules.coverage_policy import CoveragePolicy
from cleanclaim.payers.registry import PayerTerms

CV101 = CoveragePolicy()
ARTICLE = "LCD article A56798 (Billing and Coding: Vitamin D Assay Testing; LCD L33996)"
LCD_SAMPLE = "mcd-lcd: only fixture data (MCD LCD articles (cleanclaim sample of real rows))"
NCD_SAMPLE = "ncd: only fixture data (MCD lab NCD code lists (cleanclaim sample of real rows))"


def _claim(code: str, *dx: str, dos: str = "2026-05-04", modifiers: tuple[str, ...] = ()) -> Claim:
    return build(ExClaim(lines=(ExLine(code, modifiers=modifiers),), dx=dx, dos=dos))


def _scrub(store: CodesetStore, claim: Claim, payer: PayerTerms) -> ClaimResult:
    return Scrubber(store, selection=Selection(select=frozenset({"CV101"}))).scrub(
        claim, payer=payer
    )


def _zip(tmp_path: Path, folder: Path, name: str) -> Path:
    path = tmp_path / name
    with zipfile.ZipFile(path, "w") as zf:
        for member in sorted(folder.glob("*.csv")):
            zf.write(member, member.name)
    return path


@pytest.fixture
def j15(medicare: PayerTerms) -> PayerTerms:
    return dataclasses.replace(medicare, mac_jurisdiction="J15")


@pytest.fixture
def full_store(tmp_path: Path, empty_store: CodesetStore) -> CodesetStore:
    """NCD sample and article sample imported as FULL, the article with Z00.00 added to its
    list of codes that do not support medical necessity."""
    folder = tmp_path / "article"
    shutil.copytree(package_data("mcd-lcd"), folder)
    noncovered = folder / "article_x_icd10_noncovered.csv"
    noncovered.write_text(noncovered.read_text("utf-8") + "56798,,Z00.00,,1,,,1,\r\n", "utf-8")
    full = ImportOptions(effective_from=dt.date(2024, 1, 1), completeness="full")
    empty_store.import_file("mcd-lcd", _zip(tmp_path, folder, "current_article.zip"), full)
    empty_store.import_file("ncd", _zip(tmp_path, package_data("ncd"), "ncd.zip"), full)
    return empty_store


# -- NCDs --------------------------------------------------------------------------------------


@pytest.mark.parametrize("modifier", ["GA", "GX", "GY", "GZ"])
def test_liability_modifiers_skip_the_line(
    bundled_store: CodesetStore, medicare: PayerTerms, modifier: str
) -> None:
    result = _scrub(bundled_store, _claim("83036", "Z0000", modifiers=(modifier,)), medicare)
    assert result.findings == []


@pytest.mark.parametrize(
    ("payer_type", "applies"),
    [
        pytest.param("medicare-ffs", True, id="medicare-ffs"),
        pytest.param("medicare-advantage", True, id="medicare-advantage"),
        pytest.param("commercial", False, id="commercial"),
        pytest.param("medicaid-mco", False, id="medicaid-mco"),
    ],
)
def test_payer_types(
    bundled_store: CodesetStore, medicare: PayerTerms, payer_type: str, applies: bool
) -> None:
    payer = dataclasses.replace(medicare, type=payer_type)
    result = _scrub(bundled_store, _claim("83036", "Z0000"), payer)
    assert bool(result.findings) is applies


def test_ncd_message(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    result = _scrub(bundled_store, _claim("83036", "Z0000"), medicare)
    (finding,) = result.findings
    assert finding.message == (
        "83036 on 2026-05-04: NCD 190.21 (Glycated Hemoglobin/Glycated Protein) lists Z00.00 "
        "as not covered or not supporting medical necessity"
    )
    assert finding.fix.startswith("Code the documented indication")
    assert [c.reason for c in result.coverage] == [
        NCD_SAMPLE,
        "LCD articles not checked: no MAC jurisdiction on the practice record or the payer entry",
    ]


def test_ncd_still_runs_without_article_data(
    tmp_path: Path, empty_store: CodesetStore, j15: PayerTerms
) -> None:
    empty_store.import_file(
        "ncd",
        _zip(tmp_path, package_data("ncd"), "ncd.zip"),
        ImportOptions(effective_from=dt.date(2026, 1, 1), completeness="full"),
    )
    result = _scrub(empty_store, _claim("83036", "Z0000"), j15)
    assert [f.line for f in result.findings] == [1]
    assert [c.reason for c in result.coverage] == [
        "mcd-lcd: no release covers 2026-05-04; LCD articles not checked (import the MCD "
        "article download)"
    ]


def test_without_ncd_data_the_check_is_a_gap(empty_store: CodesetStore, j15: PayerTerms) -> None:
    result = _scrub(empty_store, _claim("83036", "Z0000"), j15)
    assert result.findings == []
    assert [c.reason for c in result.coverage] == [
        "ncd: no release covers 2026-05-04; import it to run this check"
    ]


# -- LCD articles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dx", "reasons"),
    [
        pytest.param(("E559",), [NCD_SAMPLE, LCD_SAMPLE], id="covered"),
        pytest.param(
            ("I10",),
            [
                NCD_SAMPLE,
                LCD_SAMPLE,
                f"82306 on 2026-05-04: I10 not on the "
                f"covered list of {ARTICLE} in MCD LCD articles (cleanclaim sample of real "
                "rows) (fixture), which is not complete",
            ],
            id="not-on-the-sample-list",
        ),
    ],
)
def test_article_on_sample_data(
    bundled_store: CodesetStore, j15: PayerTerms, dx: tuple[str, ...], reasons: list[str]
) -> None:
    result = _scrub(bundled_store, _claim("82306", *dx), j15)
    assert result.findings == []
    assert [c.reason for c in result.coverage] == reasons


@pytest.mark.parametrize(
    ("dx", "message"),
    [
        pytest.param(("E559",), None, id="covered"),
        pytest.param(("Z0000", "E8411"), None, id="one-covered-is-enough"),
        pytest.param(
            ("I10",),
            f"82306 on 2026-05-04: {ARTICLE} does not list I10 as covered",
            id="not-covered",
        ),
        pytest.param(
            ("Z0000",),
            f"82306 on 2026-05-04: {ARTICLE} lists Z00.00 as not covered "
            "or not supporting medical necessity",
            id="listed-noncovered",
        ),
    ],
)
def test_article_on_full_data(
    full_store: CodesetStore, j15: PayerTerms, dx: tuple[str, ...], message: str | None
) -> None:
    claim = build(ExClaim(lines=(ExLine("82306", dx=tuple(range(1, len(dx) + 1))),), dx=dx))
    result = _scrub(full_store, claim, j15)
    assert [f.message for f in result.findings] == ([message] if message else [])
    assert result.coverage == []


@pytest.mark.parametrize(
    ("dos", "flagged"),
    [
        pytest.param("2024-11-27", False, id="day-before-article-revision"),
        pytest.param("2024-11-28", True, id="first-day-of-article-revision"),
    ],
)
def test_article_effective_date(
    full_store: CodesetStore, j15: PayerTerms, dos: str, flagged: bool
) -> None:
    result = _scrub(full_store, _claim("82306", "I10", dos=dos), j15)
    assert bool(result.findings) is flagged


def _direct(
    store: CodesetStore, claim: Claim, payer: PayerTerms, **options: Any
) -> tuple[list[Finding], list[str]]:
    ctx = RuleContext(store=store, payer=payer, options=dict(options))
    items = list(CV101.check(claim, ctx))
    return (
        [i for i in items if isinstance(i, Finding)],
        [i.reason for i in items if isinstance(i, NotChecked)],
    )


@pytest.mark.parametrize(
    ("option", "payer_value", "flagged"),
    [
        pytest.param("J15", None, True, id="practice-record"),
        pytest.param("J15", "JH", True, id="practice-record-wins"),
        pytest.param(None, "J - 15", True, id="payer-entry"),
        pytest.param("JH", "J15", False, id="other-jurisdiction"),
        pytest.param("15101", None, True, id="contractor-number"),
    ],
)
def test_jurisdiction_sources(
    full_store: CodesetStore,
    medicare: PayerTerms,
    option: str | None,
    payer_value: str | None,
    flagged: bool,
) -> None:
    payer = dataclasses.replace(medicare, mac_jurisdiction=payer_value)
    options = {"mac_jurisdiction": option} if option else {}
    findings, _ = _direct(full_store, _claim("82306", "I10"), payer, **options)
    assert bool(findings) is flagged


def test_unknown_jurisdiction(full_store: CodesetStore, medicare: PayerTerms) -> None:
    findings, reasons = _direct(
        full_store, _claim("82306", "I10"), medicare, mac_jurisdiction="J99"
    )
    assert findings == []
    assert reasons == [
        "LCD articles not checked: unknown MAC jurisdiction 'J99'; use e.g. JH, "
        "JL, J15 or a five-digit contractor number"
    ]
