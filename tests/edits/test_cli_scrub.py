"""``cleanclaim scrub|rules|rule``: JSON contract, status precedence, exit codes, CSV.

Files are generated 837s (``cleanclaim.edits.examples.to_x12``). Most tests use a small
fake catalogue (tests/edits/_scrubkit.py) so that they control which finding appears;
the old-claims tests use the real catalogue.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.clirunner import Result
from tests.edits._scrubkit import (
    CLEAN,
    GAP,
    INFO,
    LATE,
    WARN,
    WARN_AND_GAP,
    claim,
    use_bundled_codesets,
    use_fake_catalogue,
    write_837,
)

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import ExClaim, ExLine, to_x12
from cleanclaim.edits.model import Category

Run = Callable[..., Result]
CATEGORIES = {c.value for c in Category}


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore) -> None:
    use_bundled_codesets(monkeypatch, bundled_store.root)
    use_fake_catalogue(monkeypatch)


def _json(result: Result) -> dict[str, object]:
    data = json.loads(result.out)
    assert isinstance(data, dict)
    return data


# -- JSON contract ----------------------------------------------------------------------------


def test_json_contract(fake: None, cli: Run, tmp_path: Path) -> None:
    path = write_837(tmp_path / "batch.837", CLEAN, LATE, WARN, INFO, GAP)
    result = cli("scrub", str(path), "--format", "json")
    assert result.code == 1, result.err
    data = _json(result)
    assert set(data) >= {"claims", "coverage", "summary"}
    claims = data["claims"]
    assert isinstance(claims, list)
    assert [c["claim_id"] for c in claims] == ["CLEAN1", "LATE1", "WARN1", "INFO1", "GAP1"]
    for c in claims:
        assert set(c) == {"claim_id", "claim_key", "status", "findings"}
        assert c["claim_key"] is None  # a preview stores nothing
        assert c["status"] in {"flagged", "incomplete", "clean"}
        for f in c["findings"]:
            assert set(f) == {"rule", "category", "severity", "line", "message", "fix", "citation"}
            assert f["category"] in CATEGORIES
            assert f["severity"] in {"error", "warning", "info"}
            assert f["line"] is None or (isinstance(f["line"], int) and f["line"] >= 1)
            assert all(isinstance(f[k], str) and f[k] for k in ("message", "fix", "citation"))
    late = claims[1]["findings"][0]
    assert (late["rule"], late["category"], late["severity"], late["line"]) == (
        "TF101",
        "timely-filing",
        "error",
        1,
    )
    assert late["citation"] == "42 CFR 424.44, time limits for submitting claims (2024-10-01)"
    assert data["coverage"] == [
        {"claim_id": "GAP1", "check": "ZZ903", "reason": "ZG lines cannot be checked"}
    ]
    assert data["summary"] == {
        "category": {"timely-filing": 1, "modifier": 1, "structure": 1},
        "severity": {"error": 1, "warning": 1, "info": 1},
        "status": {"flagged": 2, "incomplete": 1, "clean": 2},
    }


STATUSES = [
    pytest.param(CLEAN, "clean", id="no-finding-is-clean"),
    pytest.param(INFO, "clean", id="info-never-flags"),
    pytest.param(GAP, "incomplete", id="coverage-entry-is-incomplete"),
    pytest.param(WARN, "flagged", id="warning-flags"),
    pytest.param(LATE, "flagged", id="error-flags"),
    pytest.param(WARN_AND_GAP, "flagged", id="flagged-beats-incomplete"),
    pytest.param(
        claim("INFOGAP", ExLine("99213", modifiers=("ZI", "ZG"))),
        "incomplete",
        id="incomplete-beats-info",
    ),
]


@pytest.mark.parametrize(("spec", "status"), STATUSES)
def test_status_precedence(
    fake: None, cli: Run, tmp_path: Path, spec: ExClaim, status: str
) -> None:
    result = cli("scrub", str(write_837(tmp_path / "one.837", spec)), "--format", "json")
    (found,) = _json(result)["claims"]  # type: ignore[misc]
    assert found["status"] == status


# -- exit codes -------------------------------------------------------------------------------

EXIT_CODES = [
    pytest.param([CLEAN], [], 0, id="clean-exits-0"),
    pytest.param([INFO], ["--fail-on", "warning"], 0, id="info-never-fails"),
    pytest.param([GAP], ["--fail-on", "warning"], 0, id="incomplete-does-not-fail"),
    pytest.param([WARN], [], 0, id="warning-below-default-error-level"),
    pytest.param([WARN], ["--fail-on", "warning"], 1, id="warning-fails-on-warning"),
    pytest.param([LATE], [], 1, id="error-fails-by-default"),
    pytest.param([LATE], ["--fail-on", "warning"], 1, id="error-fails-on-warning"),
    pytest.param([CLEAN, LATE], ["--fail-on", "error"], 1, id="one-bad-claim-fails-the-file"),
]


@pytest.mark.parametrize(("specs", "args", "code"), EXIT_CODES)
@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_exit_codes(
    fake: None,
    cli: Run,
    tmp_path: Path,
    specs: list[ExClaim],
    args: list[str],
    code: int,
    fmt: str,
) -> None:
    path = write_837(tmp_path / "f.837", *specs)
    result = cli("scrub", str(path), "--format", fmt, *args)
    assert (result.code, result.err) == (code, "")


USAGE = [
    pytest.param(["scrub"], "error: give an 837 FILE to preview, or --db to scrub", id="nothing"),
    pytest.param(
        ["scrub", "{file}", "--db"], "error: give an 837 FILE or --db, not both", id="both"
    ),
    pytest.param(["scrub", "{missing}"], "error: {missing}: no such file", id="missing-file"),
    pytest.param(
        ["scrub", "{file}", "--since", "2026-01-01"],
        "error: --since only applies with --db",
        id="since-without-db",
    ),
    pytest.param(
        ["scrub", "--db", "--since", "2026-13-01"],
        "error: --since: '2026-13-01' is not a date (expected YYYY-MM-DD)",
        id="bad-since",
    ),
    pytest.param(["scrub", "{file}", "--fail-on", "info"], "error: Invalid value", id="fail-on"),
    pytest.param(["scrub", "{file}", "--format", "xml"], "error: Invalid value", id="format"),
    pytest.param(
        ["scrub", "{file}", "--select", "QQ999"],
        "error: --select QQ999: matches no rule",
        id="select-unknown",
    ),
    pytest.param(
        ["scrub", "{file}", "--ignore", "nonsense-category"],
        "error: --ignore nonsense-category: matches no rule",
        id="ignore-unknown",
    ),
    pytest.param(["scrub", "{text}"], "error: {text}: no 837P/837I", id="not-an-837"),
]


@pytest.mark.parametrize(("args", "message"), USAGE)
def test_usage_errors_exit_2(
    fake: None, cli: Run, tmp_path: Path, args: list[str], message: str
) -> None:
    names = {
        "file": str(write_837(tmp_path / "f.837", CLEAN)),
        "missing": str(tmp_path / "nope.837"),
        "text": str(_an_835ish(tmp_path / "x.txt")),
    }
    result = cli(*(a.format(**names) for a in args))
    assert result.code == 2
    assert result.err.startswith(message.format(**names)), result.err
    assert len(result.err.strip().splitlines()) == 1


def _an_835ish(path: Path) -> Path:
    """A valid interchange whose only set is not an 837 (ST*999)."""
    text = to_x12(CLEAN)
    start, end = text.index("ST*837"), text.index("SE*")
    body = "ST*999*0001*005010X231A1~AK1*HC*1*005010X222A1~AK9*A*1*1*1~"
    text = text[:start] + body + "SE*4*0001~" + text[text.index("~", end) + 1 :]
    path.write_text(text.replace("GS*HC*", "GS*FA*"), "latin-1")
    return path


def test_damaged_set_is_reported_and_fails(fake: None, cli: Run, tmp_path: Path) -> None:
    text = to_x12(CLEAN).replace("SE*", "SE*9", 1)  # wrong segment count
    path = tmp_path / "bad.837"
    path.write_text(text + to_x12(claim("OK2")), "latin-1")
    result = cli("scrub", str(path), "--format", "json")
    data = _json(result)
    assert result.code == 1
    assert [c["claim_id"] for c in data["claims"]] == ["OK2"]  # type: ignore[union-attr]
    (problem,) = data["problems"]  # type: ignore[misc]
    assert problem["set"] == "0001" and "segment count" in problem["reason"]


# -- selection ----------------------------------------------------------------------------------

SELECTION = [
    pytest.param([], ["TF101", "ZZ901"], id="default-all-stable"),
    pytest.param(["--select", "TF101"], ["TF101"], id="select-code"),
    pytest.param(["--select", "ZZ"], ["ZZ901"], id="select-prefix"),
    pytest.param(["--select", "timely-filing"], ["TF101"], id="select-category"),
    pytest.param(["--ignore", "modifier"], ["TF101"], id="ignore-category"),
    pytest.param(["--ignore", "TF101,ZZ901"], [], id="ignore-comma-list"),
    pytest.param(["--select", "zz-warning", "--ignore", "ZZ901"], [], id="ignore-wins"),
]


@pytest.mark.parametrize(("args", "rules"), SELECTION)
def test_select_and_ignore(
    fake: None, cli: Run, tmp_path: Path, args: list[str], rules: list[str]
) -> None:
    spec = claim(
        "SEL1", ExLine("99213", modifiers=("ZW",)), dos="2025-01-06", submitted="2026-04-06"
    )
    result = cli("scrub", str(write_837(tmp_path / "s.837", spec)), "--format", "json", *args)
    (found,) = _json(result)["claims"]  # type: ignore[misc]
    assert sorted(f["rule"] for f in found["findings"]) == rules


# -- table and csv ------------------------------------------------------------------------------


def test_table_output(fake: None, cli: Run, tmp_path: Path) -> None:
    path = write_837(tmp_path / "t.837", CLEAN, LATE, GAP)
    result = cli("scrub", str(path))
    out = " ".join(result.out.split())
    assert result.code == 1
    assert "claim CLEAN1 clean no findings" in out
    assert "claim LATE1 flagged" in out and "TF101" in out
    assert "Not checked (coverage)" in out and "GAP1 ZZ903 ZG lines cannot be checked" in out
    assert "3 claim(s): 1 flagged, 1 incomplete, 1 clean · 1 error(s), 0 warning(s), 0 info" in out
    assert "payer: medicare-ffs guessed from the claim filing indicator, terms: medicare-ffs" in out


def test_csv_one_row_per_finding(fake: None, cli: Run, tmp_path: Path) -> None:
    two = claim("TWO1", ExLine("99213", modifiers=("ZW",)), ExLine("99214", modifiers=("ZI",)))
    path = write_837(tmp_path / "c.837", CLEAN, two, LATE)
    result = cli("scrub", str(path), "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert list(rows[0]) == [
        "claim_id",
        "claim_key",
        "status",
        "rule",
        "category",
        "severity",
        "line",
        "message",
        "fix",
        "citation",
    ]
    assert [(r["claim_id"], r["rule"], r["severity"], r["line"], r["status"]) for r in rows] == [
        ("TWO1", "ZZ901", "warning", "1", "flagged"),
        ("TWO1", "ZZ902", "info", "2", "flagged"),
        ("LATE1", "TF101", "error", "1", "flagged"),
    ]


# -- payer terms --------------------------------------------------------------------------------

PAYERS = [
    pytest.param("MB", "flagged", id="medicare-part-b-uses-shipped-defaults"),
    pytest.param("MA", "flagged", id="medicare-part-a-uses-shipped-defaults"),
    pytest.param("MC", "incomplete", id="medicaid-has-no-terms"),
    pytest.param("CI", "incomplete", id="commercial-has-no-terms"),
]


@pytest.mark.parametrize(("indicator", "status"), PAYERS)
def test_payer_terms_from_filing_indicator(
    fake: None, cli: Run, tmp_path: Path, indicator: str, status: str
) -> None:
    spec = claim("P1", dos="2025-01-06", submitted="2026-04-06", filing_indicator=indicator)
    result = cli("scrub", str(write_837(tmp_path / "p.837", spec)), "--format", "json")
    data = _json(result)
    (found,) = data["claims"]  # type: ignore[misc]
    assert found["status"] == status
    if status == "incomplete":
        assert data["coverage"] == [
            {
                "claim_id": "P1",
                "check": "TF101",
                "reason": "no payer registry entry for this claim's payer",
            }
        ]


def test_registry_entry_by_payer_id_wins(fake: None, cli: Run, tmp_path: Path, db_url: str) -> None:
    registry = tmp_path / "payers.toml"
    registry.write_text(
        '[[payer]]\nkey = "acme"\nname = "Acme Health"\ntype = "commercial"\n'
        'claim_payer_ids = ["ACME1"]\ntimely_filing = "90d"\nappeal_window_days = 60\n'
        "ncci_applies = false\nmue_applies = false\neffective_from = 2020-01-01\n",
        "utf-8",
    )
    assert cli("payers", "import", str(registry)).code == 0
    spec = claim(
        "ACME", dos="2026-01-02", submitted="2026-04-06", filing_indicator="CI", payer_id="ACME1"
    )
    result = cli("scrub", str(write_837(tmp_path / "a.837", spec)), "--format", "json")
    (found,) = _json(result)["claims"]  # type: ignore[misc]
    (finding,) = found["findings"]
    assert finding["rule"] == "TF101" and "90d limit of Acme Health" in finding["message"]


# -- old claims (real catalogue) ----------------------------------------------------------------

OLD = [
    pytest.param(
        claim(
            "OLD837P",
            ExLine("99213"),
            ExLine("J1100", units=2),
            dos="2005-02-08",
            submitted="2005-02-10",
            dx=("4019", "25000"),
        ),
        False,
        id="2005-professional-icd9",
    ),
    pytest.param(
        claim(
            "OLD837I",
            ExLine("99213", revenue_code="0510"),
            dos="2005-03-01",
            submitted="2005-03-09",
            dx=("4019",),
            claim_type="institutional",
            pos="13",
        ),
        False,
        id="2005-institutional-icd9",
    ),
    pytest.param(
        claim("OLDABK", ExLine("99213"), dos="2005-02-08", submitted="2005-02-10", dx=("4019",)),
        True,
        id="2005-icd9-code-sent-as-icd10-qualifier",
    ),
]


@pytest.mark.parametrize(("spec", "keep_abk"), OLD)
def test_old_claims_yield_coverage_not_errors(
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    cli: Run,
    tmp_path: Path,
    spec: ExClaim,
    keep_abk: bool,
) -> None:
    """Like the public X222 examples: 2005 dates and ICD-9 codes (qualifier BK)."""
    use_bundled_codesets(monkeypatch, bundled_store.root)
    text = to_x12(spec)
    if not keep_abk:
        text = text.replace("HI*ABK:", "HI*BK:").replace("*ABF:", "*BF:")
    path = tmp_path / "old.837"
    path.write_text(text, "latin-1")
    result = cli("scrub", str(path), "--format", "json", "--fail-on", "warning")
    data = _json(result)
    (found,) = data["claims"]  # type: ignore[misc]
    assert found["findings"] == []
    assert found["status"] == "incomplete"
    assert data["coverage"]
    assert result.code == 0


# -- rules and rule -----------------------------------------------------------------------------


def test_rules_json(fake: None, cli: Run) -> None:
    result = cli("rules", "--format", "json")
    rules = json.loads(result.out)
    assert [r["code"] for r in rules] == ["ZZ901", "ZZ902", "ZZ903", "TF101"]
    assert rules[3] == {
        "code": "TF101",
        "slug": "timely-filing",
        "title": "Claim filed after the payer's timely-filing limit",
        "category": "timely-filing",
        "severity": "error",
        "status": "stable",
        "citation": "42 CFR 424.44, time limits for submitting claims (2024-10-01)",
        "needs": [],
    }


def test_rules_table_lists_every_rule(cli: Run) -> None:
    from cleanclaim.edits.registry import all_rules

    result = cli("rules")
    assert result.code == 0
    for r in all_rules():
        assert r.code in result.out


RULE_PAGES = [
    pytest.param("TF101", id="by-code"),
    pytest.param("tf101", id="lower-case-code"),
    pytest.param("timely-filing", id="by-slug"),
]


@pytest.mark.parametrize("name", RULE_PAGES)
def test_rule_page(cli: Run, name: str) -> None:
    result = cli("rule", name)
    assert result.code == 0
    out = result.out
    assert out.startswith("# TF101 timely-filing: Claim filed after the payer's timely-filing")
    for heading in ("## What it checks", "## Why it matters", "## Limitations", "## References"):
        assert heading in out
    assert "| Citation | 42 CFR 424.44, time limits for submitting claims (2024-10-01) |" in out
    assert "- **filed-13-months-late** (flags line 1)" in out
    assert "837P · DOS 2025-03-03 · POS 11 · patient F 66y · dx I10 · SBR09 MB" in out
    assert "line 1: 99213 ×1, dx ptr 1" in out


def test_unknown_rule_is_a_usage_error(cli: Run) -> None:
    result = cli("rule", "XX999")
    assert result.code == 2
    assert result.err.startswith("error: unknown rule 'XX999'; rules are: ")
    assert len(result.err.strip().splitlines()) == 1
