"""The catalogue of rules. Modules are imported when the catalogue is first asked for."""

from __future__ import annotations

import importlib
from functools import cache

from cleanclaim.edits.rule import Rule
from cleanclaim.errors import UsageError

#: One module per rule, in report order. Each module defines exactly one Rule subclass.
RULE_MODULES: tuple[str, ...] = (
    "structure",
    "dx_invalid",
    "dx_unspecified",
    "px_invalid",
    "dx_px_laterality",
    "dx_px_pairs",
    "demographic",
    "mod_25_missing",
    "mod_25_non_em",
    "mod_57_vs_25",
    "mod_59_vs_x",
    "mod_laterality",
    "mod_telehealth",
    "mod_invalid",
    "ncci_ptp",
    "mue",
    "pos",
    "duplicate",
    "timely_filing",
    # Scrubber part 2
    "em_level",
    "em_new_patient",
    "hcc_capture",
    "hcc_recapture",
    "cob_no_primary",
    "cob_medicaid_primary",
    "cob_other_payer_paid",
    "cob_msp",
    "poa_indicator",
    "poa_hac",
    "authorization",
    "coverage_policy",
    "payer_pack",
)


def _load(module_name: str) -> Rule | None:
    try:
        module = importlib.import_module(f"cleanclaim.edits.rules.{module_name}")
    except ModuleNotFoundError as exc:
        if exc.name == f"cleanclaim.edits.rules.{module_name}":
            return None  # not written yet
        raise
    rules = [
        obj
        for obj in vars(module).values()
        if isinstance(obj, type)
        and issubclass(obj, Rule)
        and obj is not Rule
        and obj.__module__ == module.__name__
    ]
    if len(rules) != 1:
        raise RuntimeError(f"{module.__name__} must define exactly one rule, found {len(rules)}")
    return rules[0]()


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, instantiated once."""
    loaded = (_load(name) for name in RULE_MODULES)
    return tuple(rule for rule in loaded if rule is not None)


def get_rule(code: str) -> Rule:
    """The rule with ``code`` (or slug); unknown codes are a usage error."""
    wanted = code.strip()
    for rule in all_rules():
        if wanted.upper() == rule.code or wanted.lower() == rule.slug:
            return rule
    known = ", ".join(r.code for r in all_rules())
    raise UsageError(f"unknown rule {code!r}; rules are: {known}")
