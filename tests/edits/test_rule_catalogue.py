"""Every rule has its metadata, a docstring spec and examples, and its examples hold.

Each example is a complete 837 written by the generator, read by the real reader and
parser, and scrubbed with the bundled code sets.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import build
from cleanclaim.edits.model import Category, Citation, RuleStatus, Severity
from cleanclaim.edits.registry import RULE_MODULES, all_rules
from cleanclaim.edits.rule import DOC_HEADINGS, Rule
from cleanclaim.payers.registry import PayerTerms

RULES = all_rules()
CODE = re.compile(r"^[A-Z]{2}\d{3}$")


def test_catalogue_is_not_empty() -> None:
    assert RULES


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.code)
def test_rule_metadata(rule: Rule) -> None:
    assert CODE.match(rule.code)
    assert re.match(r"^[a-z0-9-]+$", rule.slug)
    assert rule.title and isinstance(rule.category, Category)
    assert isinstance(rule.severity, Severity) and isinstance(rule.status, RuleStatus)
    assert isinstance(rule.citation, Citation) and rule.citation.source and rule.citation.date
    sections = rule.doc_sections()
    assert sections.get("summary"), "docstring needs a one-line summary"
    found = [h for h in sections if h != "summary"]
    assert found == list(DOC_HEADINGS), f"docstring headings must be {DOC_HEADINGS}"
    for heading in DOC_HEADINGS:
        assert sections[heading].strip(), f"empty section {heading}"
    assert any(e.fails for e in rule.examples), "needs a failing example"
    assert any(not e.fails for e in rule.examples), "needs a passing example"


def test_codes_and_slugs_are_unique() -> None:
    assert len({r.code for r in RULES}) == len(RULES)
    assert len({r.slug for r in RULES}) == len(RULES)


def _cases() -> list[object]:
    return [
        pytest.param(rule, example, id=f"{rule.code}-{example.name}")
        for rule in RULES
        for example in rule.examples
    ]


@pytest.mark.parametrize(("rule", "example"), _cases())
def test_rule_examples(
    rule: Rule, example: object, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    from cleanclaim.edits.examples import Example

    assert isinstance(example, Example)
    # Rules that need outside inputs (an encounter sidecar, payer packs) declare them per
    # example; ``rule_packs`` goes on the payer's registry entry, the rest to the rules.
    options = dict(getattr(rule, "example_options", {}).get(example.name, {}))
    packs = options.pop("rule_packs", None)
    payer = dataclasses.replace(medicare, rule_packs=tuple(packs)) if packs else medicare
    scrubber = Scrubber(
        bundled_store, selection=Selection(select=frozenset({rule.code})), options=options
    )
    for earlier in example.history:
        scrubber.scrub(build(earlier), payer=payer)
    result = scrubber.scrub(build(example.claim), payer=payer)
    flagged = sorted(
        (f.line for f in result.findings if f.rule == rule.code),
        key=lambda x: -1 if x is None else x,
    )
    expected = sorted(example.flags, key=lambda x: -1 if x is None else x)
    assert flagged == expected, (result.findings, result.coverage)
    for finding in result.findings:
        assert finding.message and finding.fix and str(finding.citation)


def test_registry_lists_every_rule_module() -> None:
    from pathlib import Path

    import cleanclaim.edits.rules as pkg

    on_disk = {p.stem for p in Path(pkg.__path__[0]).glob("*.py") if p.stem != "__init__"}
    assert on_disk <= set(RULE_MODULES)
