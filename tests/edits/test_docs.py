"""docs/rules/ and docs/applicability.md are generated from the rules and must be current.

When this fails after a rule changed, regenerate with ``python -m cleanclaim.edits.docs``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanclaim.edits.docs import (
    check_docs,
    claim_summary,
    expected_docs,
    expected_flags,
    main,
    rule_markdown,
    write_docs,
)
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.registry import all_rules
from cleanclaim.edits.rule import DOC_HEADINGS, Rule

ROOT = Path(__file__).resolve().parents[2]


def test_committed_docs_are_current() -> None:
    problems = check_docs(ROOT)
    assert problems == [], "run `python -m cleanclaim.edits.docs` to regenerate: " + "; ".join(
        problems
    )


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.code)
def test_rule_page_has_spec_and_examples(rule: Rule) -> None:
    page = rule_markdown(rule)
    assert page.startswith(f"# {rule.code} {rule.slug}: {rule.title}\n")
    positions = [page.index(f"\n## {h}\n") for h in (*DOC_HEADINGS, "Examples")]
    assert positions == sorted(positions)
    assert f"| Severity | {rule.severity.value} |" in page
    for example in rule.examples:
        assert f"- **{example.name}** ({expected_flags(example)})" in page


SUMMARIES = [
    pytest.param(
        ExClaim(lines=(ExLine("99213"),)),
        [
            "837P · DOS 2026-05-04 · POS 11 · patient F 68y · dx I10 · SBR09 MB · "
            "submitted 2026-05-10",
            "line 1: 99213 ×1, dx ptr 1",
        ],
        id="defaults",
    ),
    pytest.param(
        ExClaim(
            lines=(
                ExLine("20610", ("RT", "59"), units=2, dx=(2, 1)),
                ExLine("J1100", dos="2026-05-05"),
            ),
            dx=("M1711", "I10"),
            sex="M",
            birth="2026-05-05",
            dos="2027-05-04",
            filing_indicator="CI",
            frequency="7",
        ),
        [
            "837P · DOS 2027-05-04 · POS 11 · patient M 0y · dx M1711, I10 · SBR09 CI · "
            "submitted 2026-05-10 · frequency 7",
            "line 1: 20610-RT-59 ×2, dx ptr 2,1",
            "line 2: J1100 ×1, dx ptr 1, DOS 2026-05-05",
        ],
        id="modifiers-units-age-on-birthday-eve",
    ),
    pytest.param(
        ExClaim(
            lines=(ExLine("99213", revenue_code="0510"),),
            claim_type="institutional",
            pos="13",
            statement_to="2026-05-06",
            poa=("Y",),
        ),
        [
            "837I · DOS 2026-05-04 · through 2026-05-06 · type of bill 131 · patient F 68y · "
            "dx I10 · SBR09 MB · submitted 2026-05-10 · POA Y",
            "line 1: rev 0510 99213 ×1, dx ptr 1",
        ],
        id="institutional",
    ),
]


@pytest.mark.parametrize(("spec", "expected"), SUMMARIES)
def test_claim_summary(spec: ExClaim, expected: list[str]) -> None:
    assert claim_summary(spec) == expected


FLAGS = [
    pytest.param((), "passes", id="pass"),
    pytest.param((2,), "flags line 2", id="one-line"),
    pytest.param((None,), "flags the claim", id="claim-level"),
    pytest.param((1, 3), "flags line 1, line 3", id="two-lines"),
]


@pytest.mark.parametrize(("flags", "text"), FLAGS)
def test_expected_flags(flags: tuple[int | None, ...], text: str) -> None:
    assert expected_flags(Example("x", ExClaim(lines=()), flags=flags)) == text


def test_write_and_check_cycle(tmp_path: Path) -> None:
    assert check_docs(tmp_path) == [f"{rel} is missing" for rel in expected_docs()]
    written = write_docs(tmp_path)
    assert sorted(written) == sorted(expected_docs())
    assert check_docs(tmp_path) == []
    assert write_docs(tmp_path) == []  # nothing to do the second time

    index = tmp_path / "docs/rules/index.md"
    index.write_text(index.read_text("utf-8") + "edited by hand\n", "utf-8")
    (tmp_path / "docs/rules/ZZ999.md").write_text("# a rule that is gone\n", "utf-8")
    assert check_docs(tmp_path) == [
        "docs/rules/index.md is out of date",
        "docs/rules/ZZ999.md has no rule any more",
    ]
    assert main(["--check", "--root", str(tmp_path)]) == 1
    assert main(["--root", str(tmp_path)]) == 0
    assert not (tmp_path / "docs/rules/ZZ999.md").exists()
    assert main(["--check", "--root", str(tmp_path)]) == 0


def test_index_links_every_rule() -> None:
    index = expected_docs()["docs/rules/index.md"]
    for rule in all_rules():
        assert f"| [{rule.code}]({rule.code}.md) | {rule.slug} | {rule.title} |" in index
