"""Run a rule's examples with the inputs they need (encounter sidecar, payer packs).

Rules EM101, AU101 and PK101 declare ``example_options``: by example name, the entries to
put in ``RuleContext.options``, except ``rule_packs``, which names the packs the payer's
registry entry lists. The engine has no ``options`` argument yet, so these helpers give
the context the options on creation; everything else is the real path (generator, X12
reader and parser, engine).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import pytest

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits import engine
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import Example, ExClaim, build
from cleanclaim.edits.model import ClaimResult
from cleanclaim.edits.rule import Rule
from cleanclaim.payers.registry import PayerTerms


def scrub_with(
    monkeypatch: pytest.MonkeyPatch,
    store: CodesetStore,
    code: str,
    claim: ExClaim,
    payer: PayerTerms | None,
    options: Mapping[str, Any] | None = None,
    history: tuple[ExClaim, ...] = (),
    rule: Rule | None = None,
) -> ClaimResult:
    """Scrub ``claim`` (after ``history``) with only rule ``code`` selected (``rule``: run
    that instance, whatever the catalogue holds)."""
    opts = dict(options or {})
    packs = opts.pop("rule_packs", None)
    if packs is not None and payer is not None:
        payer = dataclasses.replace(payer, rule_packs=tuple(packs))

    def make(**kwargs: Any) -> RuleContext:
        ctx = RuleContext(**kwargs)
        ctx.options.update(opts)
        return ctx

    monkeypatch.setattr(engine, "RuleContext", make)
    scrubber = Scrubber(
        store,
        selection=Selection(select=frozenset({code})),
        rules=(rule,) if rule is not None else None,
    )
    for earlier in history:
        scrubber.scrub(build(earlier), payer=payer)
    return scrubber.scrub(build(claim), payer=payer)


def example_cases(rule: Rule) -> list[Any]:
    return [pytest.param(e, id=e.name) for e in rule.examples]


def flagged_lines(result: ClaimResult, code: str) -> list[int | None]:
    return sorted(
        (f.line for f in result.findings if f.rule == code), key=lambda x: -1 if x is None else x
    )


def run_example(
    monkeypatch: pytest.MonkeyPatch,
    store: CodesetStore,
    rule: Rule,
    example: Example,
    payer: PayerTerms,
) -> ClaimResult:
    """Run ``example`` with the options the rule declares for it; check its flags."""
    options = getattr(rule, "example_options", {}).get(example.name, {})
    result = scrub_with(
        monkeypatch, store, rule.code, example.claim, payer, options, example.history
    )
    assert flagged_lines(result, rule.code) == sorted(
        example.flags, key=lambda x: -1 if x is None else x
    ), (result.findings, result.coverage)
    return result
