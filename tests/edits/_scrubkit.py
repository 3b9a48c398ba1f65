"""Helpers of the scrub command tests: a small fake rule catalogue and 837 files.

The fake rules react to made-up modifiers, so a test can ask for a warning, an info
finding or a coverage entry on a chosen line without depending on the real rules' data.
Together with the real TF101 (timely filing, an error) they make a catalogue whose
behaviour the tests control.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from cleanclaim.claims.model import Claim
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.examples import Example, ExClaim, ExLine, to_x12
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.timely_filing import TimelyFiling

_CITE = Citation("Test source", "section 1", "2026-01-01")


class _ByModifier(Rule):
    """A test rule.

    What it checks
    --------------
    A made-up modifier.

    Why it matters
    --------------
    Tests.

    Limitations
    -----------
    None.

    References
    ----------
    None.
    """

    modifier = ""
    examples = (
        Example("flags", ExClaim(lines=(ExLine("99213", modifiers=("ZW",)),)), flags=(1,)),
        Example("passes", ExClaim(lines=(ExLine("99213"),))),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        for line in claim.lines:
            if self.modifier in line.modifiers:
                yield self.finding(
                    line=line.number,
                    message=f"line {line.number} carries {self.modifier}",
                    fix=f"remove {self.modifier}",
                )


class WarnRule(_ByModifier):
    """Flags modifier ZW as a warning.

    What it checks
    --------------
    Modifier ZW.

    Why it matters
    --------------
    Tests.

    Limitations
    -----------
    None.

    References
    ----------
    None.
    """

    code = "ZZ901"
    slug = "zz-warning"
    title = "Test warning"
    category = Category.MODIFIER
    severity = Severity.WARNING
    citation = _CITE
    modifier = "ZW"


class InfoRule(_ByModifier):
    """Flags modifier ZI as information.

    What it checks
    --------------
    Modifier ZI.

    Why it matters
    --------------
    Tests.

    Limitations
    -----------
    None.

    References
    ----------
    None.
    """

    code = "ZZ902"
    slug = "zz-info"
    title = "Test info"
    category = Category.STRUCTURE
    severity = Severity.INFO
    citation = _CITE
    modifier = "ZI"


class GapRule(Rule):
    """Cannot check lines with modifier ZG.

    What it checks
    --------------
    Nothing it can see.

    Why it matters
    --------------
    Tests.

    Limitations
    -----------
    None.

    References
    ----------
    None.
    """

    code = "ZZ903"
    slug = "zz-gap"
    title = "Test gap"
    category = Category.POS
    severity = Severity.ERROR
    citation = _CITE

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        if any("ZG" in line.modifiers for line in claim.lines):
            yield self.not_checked("ZG lines cannot be checked")


FAKE_RULES: tuple[Rule, ...] = (WarnRule(), InfoRule(), GapRule(), TimelyFiling())


def use_fake_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the CLI and the engine see only :data:`FAKE_RULES`."""
    import cleanclaim.edits.engine as engine
    import cleanclaim.edits.registry as registry
    import cleanclaim.edits.run as run

    def fake() -> tuple[Rule, ...]:
        return FAKE_RULES

    for module in (engine, registry, run):
        monkeypatch.setattr(module, "all_rules", fake)


def use_bundled_codesets(monkeypatch: pytest.MonkeyPatch, store_root: Path) -> None:
    """Point the CLI at the session's bundled store (building it takes seconds)."""
    from cleanclaim.settings import reset_settings

    monkeypatch.setenv("CLEANCLAIM_CODESET_DIR", str(store_root))
    reset_settings()


def claim(
    claim_id: str,
    *lines: ExLine,
    dos: str = "2026-05-04",
    submitted: str = "2026-05-10",
    **kw: object,
) -> ExClaim:
    """A claim spec (defaults: Medicare Part B, timely)."""
    return ExClaim(
        lines=lines or (ExLine("99213"),),
        claim_id=claim_id,
        dos=dos,
        submitted=submitted,
        **kw,  # type: ignore[arg-type]
    )


def write_837(path: Path, *specs: ExClaim) -> Path:
    """One file holding one interchange per claim spec (each with its own BHT04)."""
    path.write_text("".join(to_x12(spec) for spec in specs), "latin-1")
    return path


CLEAN = claim("CLEAN1")
"""No findings, nothing uncheckable."""
LATE = claim("LATE1", dos="2025-01-06", submitted="2026-04-06")
"""TF101 error on line 1."""
WARN = claim("WARN1", ExLine("99213", modifiers=("ZW",)))
INFO = claim("INFO1", ExLine("99213", modifiers=("ZI",)))
GAP = claim("GAP1", ExLine("99213", modifiers=("ZG",)))
WARN_AND_GAP = claim("WARNGAP1", ExLine("99213", modifiers=("ZW", "ZG")))
