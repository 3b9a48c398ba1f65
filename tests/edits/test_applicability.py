"""The applicability matrix (docs/applicability.md) matches the rules and the engine.

Every cell is what the rule declares (claim types x payer types); the engine agrees with
it (a rule with conditions of its own never applies where the matrix says it does not);
and with no code-set data at all, an applicable rule reports exactly the code sets the
matrix lists as needed, as coverage entries, instead of running.
"""

from __future__ import annotations

import pytest

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.docs import (
    CLAIM_TYPES,
    PAYER_COLUMNS,
    Cell,
    applicability,
    applicability_markdown,
    sample_claim,
    sample_payer,
)
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.registry import all_rules, get_rule
from cleanclaim.payers.registry import PAYER_TYPES

RULES = all_rules()
CELLS = applicability(RULES)


def test_matrix_has_one_cell_per_rule_claim_type_and_payer_type() -> None:
    keys = [(c.rule, c.claim_type, c.payer_type) for c in CELLS]
    assert len(keys) == len(set(keys)) == len(RULES) * len(CLAIM_TYPES) * len(PAYER_COLUMNS)
    assert (*PAYER_TYPES, "unknown") == PAYER_COLUMNS


@pytest.mark.parametrize("cell", CELLS, ids=lambda c: f"{c.rule}-{c.claim_type}-{c.payer_type}")
def test_cell_matches_declared_metadata_and_engine(cell: Cell, empty_store: CodesetStore) -> None:
    rule = get_rule(cell.rule)
    declared = cell.claim_type in rule.claim_types and (
        rule.payer_types is None or cell.payer_type in rule.payer_types
    )
    assert cell.applies == declared
    claim = sample_claim(cell.claim_type)
    engine_says = rule.applies(claim, RuleContext(empty_store, payer=sample_payer(cell.payer_type)))
    if cell.conditional:
        assert not engine_says or cell.applies, "applies where the matrix says it does not"
    else:
        assert engine_says == cell.applies
    assert cell.needs == tuple(rule.codesets(claim))


NEEDY = [
    c
    for c in CELLS
    if c.applies and c.needs and not c.conditional and c.payer_type == "medicare-ffs"
]


@pytest.mark.parametrize("cell", NEEDY, ids=lambda c: f"{c.rule}-{c.claim_type}")
def test_missing_data_gives_exactly_the_needed_coverage(
    cell: Cell, empty_store: CodesetStore
) -> None:
    scrubber = Scrubber(empty_store, selection=Selection(select=frozenset({cell.rule})))
    result = scrubber.scrub(sample_claim(cell.claim_type), payer=sample_payer(cell.payer_type))
    assert result.findings == []
    reported = sorted(e.reason.split(":")[0] for e in result.coverage if e.check == cell.rule)
    assert reported == sorted(cell.needs)
    assert result.status.value == "incomplete"


@pytest.mark.parametrize("claim_type", CLAIM_TYPES)
def test_markdown_rows_follow_the_cells(claim_type: str) -> None:
    text = applicability_markdown(RULES)
    label = "837I" if claim_type == "institutional" else "837P"
    section = text.split(f"({label})\n", 1)[1].split("\n## ", 1)[0]
    for rule in RULES:
        cells = [c for c in CELLS if c.rule == rule.code and c.claim_type == claim_type]
        marks = ["—" if not c.applies else "✓*" if c.conditional else "✓" for c in cells]
        needs = ", ".join(cells[0].needs) or "none"
        row = f"| [{rule.code}](rules/{rule.code}.md) {rule.slug} | " + " | ".join(marks)
        assert row + f" | {needs} |" in section


def test_preview_rules_are_in_the_matrix_too() -> None:
    previews = {r.code for r in RULES if r.status.value == "preview"}
    assert previews <= {c.rule for c in CELLS}
