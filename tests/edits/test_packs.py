"""Payer packs: validation, the registry (last good version wins), overrides, the CLI, and
rule PK101 (telehealth and modifier edits of the payer's packs)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from tests.clirunner import Result
from tests.edits._exoptions import example_cases, run_example, scrub_with

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category
from cleanclaim.edits.packs import (
    CodeRange,
    PackError,
    PackRegistry,
    load_registry,
    parse_pack,
    read_pack,
    shipped_packs,
)
from cleanclaim.edits.registry import get_rule
from cleanclaim.errors import UsageError
from cleanclaim.payers.registry import PayerTerms

D = dt.date.fromisoformat
RULE = get_rule("PK101")

HEAD = '[pack]\nname = "acme-ppo"\ntitle = "Acme PPO"\n'
CITE = 'citation = { source = "Acme manual", section = "4.2", date = "2026-01-01" }\n'


def _edit(body: str, *, kind: str = "authorization", ident: str = "e1") -> str:
    return (
        f'[[edits]]\nid = "{ident}"\nkind = "{kind}"\neffective_from = 2026-01-01\n{CITE}{body}\n'
    )


GOOD = HEAD + _edit('codes = ["70551-70553", "E0601", "0001F"]')


def test_shipped_packs_are_valid_and_labelled_examples() -> None:
    packs = {p.name: p for p in shipped_packs()}
    assert sorted(packs) == ["example-bluewater-medicaid", "example-summit-commercial"]
    for pack in packs.values():
        assert pack.example and pack.title.startswith("EXAMPLE:")
        assert "fictional" in pack.title
        assert all(e.citation.source and e.citation.date for e in pack.edits)
    kinds = {e.kind for p in packs.values() for e in p.edits}
    assert kinds == {"telehealth", "modifier_required", "authorization", "filing_limit", "ncci"}
    assert "Medicaid" in packs["example-bluewater-medicaid"].title
    assert "commercial" in packs["example-summit-commercial"].title


def test_parse_good_pack() -> None:
    pack = parse_pack(GOOD, "acme.toml")
    (edit,) = pack.edits
    assert (pack.name, pack.title, pack.example, edit.title) == (
        "acme-ppo",
        "Acme PPO",
        False,
        "e1",
    )
    assert edit.codes == (
        CodeRange("70551", "70553"),
        CodeRange("E0601", "E0601"),
        CodeRange("0001F", "0001F"),
    )
    assert edit.codes_text() == "70551-70553, E0601, 0001F"


RANGES = [
    pytest.param("70551", True, id="first"),
    pytest.param("70553", True, id="last"),
    pytest.param("70550", False, id="before"),
    pytest.param("70554", False, id="after"),
    pytest.param("E0601", True, id="hcpcs"),
    pytest.param("E0602", False, id="hcpcs-next"),
    pytest.param("0001F", True, id="category-ii"),
    pytest.param("7055", False, id="short"),
]


@pytest.mark.parametrize(("code", "covered"), RANGES)
def test_codes_and_ranges(code: str, covered: bool) -> None:
    (edit,) = parse_pack(GOOD).edits
    assert edit.covers(code) is covered


BAD = [
    pytest.param(
        HEAD + _edit('codes = ["70551", "ABC"]'),
        "edits[0].codes: 'ABC' is not a procedure code or range",
        id="bad-code",
    ),
    pytest.param(
        HEAD
        + _edit('codes = ["70551"]')
        + _edit('codes = ["1234"]', ident="e2")
        + _edit('codes = ["E0601-70553"]', ident="e3"),
        "edits[1].codes: '1234' is not a procedure code or range",
        id="second-edit",
    ),
    pytest.param(
        HEAD + _edit('codes = ["E0601-70553"]'),
        "edits[0].codes: 'E0601-70553' is not a procedure code or range",
        id="range-of-two-shapes",
    ),
    pytest.param(
        HEAD + _edit('codes = ["70553-70551"]'),
        "edits[0].codes: '70553-70551': the range ends before it starts",
        id="backwards-range",
    ),
    pytest.param(
        HEAD + _edit("", kind="teleheath"),
        "edits[0].kind: 'teleheath' is not one of telehealth, modifier_required, "
        "authorization, filing_limit, ncci, denial_pattern",
        id="unknown-kind",
    ),
    pytest.param(
        HEAD + _edit('codes = ["70551"]\nmodifers = ["95"]'),
        "edits[0].modifers: unknown key for a authorization edit",
        id="typo-key",
    ),
    pytest.param(
        HEAD + _edit('pos = ["2"]', kind="telehealth"),
        "edits[0].pos: '2' is not a two-digit place of service",
        id="bad-pos",
    ),
    pytest.param(
        HEAD + _edit("", kind="telehealth"),
        "edits[0].pos: list the places of service the payer accepts",
        id="telehealth-without-pos",
    ),
    pytest.param(
        HEAD + _edit('modifiers = ["X"]', kind="modifier_required"),
        "edits[0].modifiers: 'X' is not a modifier",
        id="bad-modifier",
    ),
    pytest.param(
        HEAD + _edit('modifiers = ["XS"]', kind="modifier_required"),
        "edits[0].codes: give codes, or instead_of, to say where it applies",
        id="modifier-required-without-scope",
    ),
    pytest.param(
        HEAD + _edit('limit = "3 months"', kind="filing_limit"),
        "edits[0].limit: '3 months' is not a limit like '90d' or '12m'",
        id="bad-limit",
    ),
    pytest.param(
        HEAD + _edit('ptp = "yes"', kind="ncci"),
        "edits[0].ptp: must be true or false",
        id="ncci-not-bool",
    ),
    pytest.param(
        HEAD + _edit("", kind="authorization"),
        "edits[0].codes: list the codes or ranges needing authorization",
        id="authorization-without-codes",
    ),
    pytest.param(
        HEAD + _edit('codes = ["70551"]\neffective_to = 2025-12-31'),
        "edits[0].effective_to: is before effective_from",
        id="dates-backwards",
    ),
    pytest.param(
        HEAD + _edit('codes = ["70551"]').replace("effective_from = 2026-01-01\n", ""),
        "edits[0].effective_from: is required",
        id="no-start",
    ),
    pytest.param(
        HEAD + _edit('codes = ["70551"]').replace(CITE, ""),
        "edits[0].citation: must be a table with source, section and date",
        id="no-citation",
    ),
    pytest.param(
        HEAD + _edit('codes = ["70551"]').replace('section = "4.2", ', ""),
        "edits[0].citation.section: must be a non-empty string",
        id="citation-without-section",
    ),
    pytest.param(
        HEAD + _edit('codes = ["70551"]') + _edit('codes = ["70552"]'),
        "edits[1].id: 'e1' is used twice",
        id="duplicate-id",
    ),
    pytest.param(
        HEAD.replace("acme-ppo", "Acme PPO"),
        "pack.name: 'Acme PPO' must be lower-case letters, digits, hyphens",
        id="bad-name",
    ),
    pytest.param(
        _edit('codes = ["70551"]'),
        "pack: a [pack] table with name and title is required",
        id="no-pack-table",
    ),
    pytest.param(
        HEAD + "[rules]\n",
        "rules: unknown table (expected [pack] and [[edits]])",
        id="unknown-table",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_pack_names_file_and_key(text: str, message: str) -> None:
    with pytest.raises(PackError) as info:
        parse_pack(text, "pack.toml")
    assert str(info.value) == f"pack.toml: {message}"


def test_bad_toml_names_the_line() -> None:
    with pytest.raises(PackError) as info:
        parse_pack(HEAD + "codes = \ntitle = 2\n", "pack.toml")
    assert str(info.value) == "pack.toml:4: not valid TOML: Invalid value"


def test_registry_keeps_the_last_good_version(tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(GOOD, "utf-8")
    registry = PackRegistry()
    first = registry.load(path)
    path.write_text(GOOD.replace('"E0601"', '"E06O1"'), "utf-8")
    with pytest.raises(PackError, match=r"edits\[0\]\.codes: 'E06O1' is not a procedure code"):
        registry.load(path)
    assert registry.get("acme-ppo") is first
    assert [str(e) for e in registry.load_dir(tmp_path)] == [
        f"{path}: edits[0].codes: 'E06O1' is not a procedure code or range"
    ]
    assert registry.get("acme-ppo") is first
    path.write_text(GOOD.replace('"E0601"', '"E0602"'), "utf-8")
    assert registry.load_dir(tmp_path) == []
    assert registry.get("acme-ppo") is not first
    assert registry.get("acme-ppo").edits[0].covers("E0602")  # type: ignore[union-attr]


def test_read_pack_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        read_pack(tmp_path / "nope.toml")


def test_user_packs_join_and_override_shipped(tmp_path: Path) -> None:
    (tmp_path / "acme.toml").write_text(GOOD, "utf-8")
    (tmp_path / "bad.toml").write_text("[pack]\n", "utf-8")
    registry, errors = load_registry(tmp_path)
    assert [p.name for p in registry] == [
        "acme-ppo",
        "example-bluewater-medicaid",
        "example-summit-commercial",
    ]
    assert [str(e) for e in errors] == [
        f"{tmp_path / 'bad.toml'}: pack.name: must be a non-empty string"
    ]


def test_for_payer_and_effective_terms(medicare: PayerTerms) -> None:
    registry, _ = load_registry(Path("/nonexistent"))
    payer = dataclasses.replace(medicare, rule_packs=("example-summit-commercial", "missing-pack"))
    packs, missing = registry.for_payer(payer)
    assert [p.name for p in packs] == ["example-summit-commercial"] and missing == ["missing-pack"]
    terms = registry.effective_terms(payer, D("2026-05-04"))
    assert (terms.timely_filing, terms.ncci_applies, terms.mue_applies) == ("90d", True, False)
    before = registry.effective_terms(payer, D("2024-12-31"))
    assert before == payer
    assert registry.effective_terms(medicare, D("2026-05-04")) is medicare


# -- the CLI ----------------------------------------------------------------------------------

Run = Callable[..., Result]


def test_cli_packs_check(cli: Run, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.toml", tmp_path / "bad.toml"
    good.write_text(GOOD, "utf-8")
    bad.write_text(HEAD + _edit('codes = ["ABC"]'), "utf-8")
    ok = cli("packs", "check", str(good))
    assert (ok.code, ok.out.strip()) == (0, f"{good}: ok: pack acme-ppo, 1 edit(s): authorization")
    failed = cli("packs", "check", str(bad))
    assert failed.code == 1 and failed.out == ""
    assert failed.err == f"error: {bad}: edits[0].codes: 'ABC' is not a procedure code or range\n"
    missing = cli("packs", "check", str(tmp_path / "none.toml"))
    assert missing.code == 2 and "no such file" in missing.err


def test_cli_packs_list(cli: Run, tmp_path: Path) -> None:
    from cleanclaim.edits.packs import user_pack_dir

    folder = user_pack_dir()
    folder.mkdir(parents=True)
    (folder / "acme.toml").write_text(GOOD, "utf-8")
    (folder / "broken.toml").write_text("[pack]\nname = 1\n", "utf-8")
    result = cli("packs", "list", "--format", "json")
    assert result.code == 0
    data = json.loads(result.out)
    assert [(p["name"], p["origin"], p["example"]) for p in data["packs"]] == [
        ("acme-ppo", "user", False),
        ("example-bluewater-medicaid", "shipped", True),
        ("example-summit-commercial", "shipped", True),
    ]
    assert data["errors"] == [f"{folder / 'broken.toml'}: pack.name: must be a non-empty string"]
    assert "(pack not loaded)" in result.err
    table = cli("packs", "list")
    assert "example-bluewater-medicaid" in table.out and "shipped (EXAMPLE)" in table.out


# -- PK101 ------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", example_cases(RULE))
def test_pk101_examples_with_their_packs(
    example: Example,
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    run_example(monkeypatch, bundled_store, RULE, example, medicare)


def test_pk101_finding_cites_the_pack_edit(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = ExClaim(lines=(ExLine("99213"),), pos="10")
    options = {"rule_packs": ("example-bluewater-medicaid",)}
    result = scrub_with(monkeypatch, bundled_store, "PK101", claim, medicare, options)
    (finding,) = result.findings
    assert finding.message == (
        "telehealth 99213 has no GT modifier (EXAMPLE pack example-bluewater-medicaid, edit "
        "telehealth-gt)"
    )
    assert finding.category is Category.MODIFIER
    assert finding.citation.source.startswith("EXAMPLE Bluewater Community Health Plan")


def test_pk101_pos_only_problem_is_a_pos_finding(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = ExClaim(lines=(ExLine("99214", ("95",)),), pos="02")
    options = {"rule_packs": ("example-summit-commercial",)}
    result = scrub_with(monkeypatch, bundled_store, "PK101", claim, medicare, options)
    (finding,) = result.findings
    assert finding.category is Category.POS
    assert "place of service 02 (accepted: 11)" in finding.message


def test_pk101_missing_pack_is_coverage(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = ExClaim(lines=(ExLine("99213"),), pos="10")
    result = scrub_with(
        monkeypatch, bundled_store, "PK101", claim, medicare, {"rule_packs": ("acme-ppo",)}
    )
    assert result.findings == []
    assert [c.reason for c in result.coverage] == [
        "the payer's pack 'acme-ppo' is not loaded: its telehealth and modifier edits were "
        "not checked"
    ]


def test_pk101_uses_the_registry_in_options(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    text = HEAD + _edit('codes = ["97597"]\nmodifiers = ["GP"]', kind="modifier_required")
    registry = PackRegistry([parse_pack(text, "acme.toml")])
    claim = ExClaim(lines=(ExLine("97597"), ExLine("97597", ("GP",))))
    options = {"rule_packs": ("acme-ppo",), "packs": registry}
    result = scrub_with(monkeypatch, bundled_store, "PK101", claim, medicare, options)
    assert [(f.line, f.message) for f in result.findings] == [
        (
            1,
            "97597 carries none of the modifiers the payer requires; use GP (pack acme-ppo, "
            "edit e1)",
        ),
    ]
