"""The anatomy of an edit rule.

A rule is a class in its own module under :mod:`cleanclaim.edits.rules` with explicit
metadata (code, slug, title, category, severity, status, citation, the code sets it needs,
the claim and payer types it applies to) and examples. Its docstring is its spec and has
four headings, in order: ``What it checks``, ``Why it matters``, ``Limitations`` and
``References``. ``cleanclaim rule CODE`` prints it; docs/rules/ is generated from it.

Rules are pure: no I/O, code sets only through the dated views of the
:class:`~cleanclaim.edits.context.RuleContext`. A rule must not read the absence of a code
from a fixture or partial release as proof that the code is invalid: check
``answer.authoritative`` and yield :class:`NotChecked` instead.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar

from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, RuleStatus, Severity

if TYPE_CHECKING:
    from cleanclaim.claims.model import Claim
    from cleanclaim.edits.context import RuleContext
    from cleanclaim.edits.examples import Example

DOC_HEADINGS = ("What it checks", "Why it matters", "Limitations", "References")
ALL_CLAIM_TYPES = frozenset({"professional", "institutional"})


class Rule:
    """Base class of every edit rule."""

    code: ClassVar[str]
    slug: ClassVar[str]
    title: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]
    status: ClassVar[RuleStatus] = RuleStatus.STABLE
    citation: ClassVar[Citation]
    needs: ClassVar[tuple[str, ...]] = ()
    """Code-set kinds the rule reads (see :meth:`codesets` for claim-dependent needs)."""
    claim_types: ClassVar[frozenset[str]] = ALL_CLAIM_TYPES
    payer_types: ClassVar[frozenset[str] | None] = None
    """Payer types the rule applies to; ``None`` means every payer."""
    examples: ClassVar[tuple[Example, ...]] = ()

    def codesets(self, claim: Claim) -> tuple[str, ...]:
        """Code-set kinds this rule needs for ``claim`` (default: :attr:`needs`)."""
        return self.needs

    def dates(self, claim: Claim) -> list[dt.date]:
        """Dates this rule asks code-set questions on (default: every date of the claim).

        Rules judged only on the discharge date (POA, HAC) override this, so that a stay
        spanning two fiscal years is not reported as a gap for the other year.
        """
        from cleanclaim.edits.context import claim_dates

        return claim_dates(claim)

    def applies(self, claim: Claim, ctx: RuleContext) -> bool:
        """Whether the rule applies to the claim at all (not applying is not a gap)."""
        if claim.claim_type not in self.claim_types:
            return False
        if self.payer_types is not None:
            return ctx.payer_type in self.payer_types
        return True

    def check(self, claim: Claim, ctx: RuleContext) -> Iterable[Finding | NotChecked]:
        """Yield findings, and :class:`NotChecked` for parts that could not be checked."""
        raise NotImplementedError

    # -- helpers for subclasses --------------------------------------------------------

    def finding(
        self,
        *,
        line: int | None,
        message: str,
        fix: str,
        severity: Severity | None = None,
    ) -> Finding:
        """A finding of this rule."""
        return Finding(
            rule=self.code,
            category=self.category,
            severity=severity or self.severity,
            line=line,
            message=message,
            fix=fix,
            citation=self.citation,
            slug=self.slug,
        )

    def not_checked(self, reason: str) -> NotChecked:
        """A coverage entry of this rule."""
        return NotChecked(check=self.code, reason=reason)

    @classmethod
    def doc(cls) -> str:
        """The rule's docstring, dedented."""
        return inspect.getdoc(cls) or ""

    @classmethod
    def doc_sections(cls) -> dict[str, str]:
        """The docstring split by its headings (``Heading`` lines followed by ``---``)."""
        sections: dict[str, str] = {}
        current = "summary"
        lines = cls.doc().splitlines()
        buffer: list[str] = []
        i = 0
        while i < len(lines):
            line = lines[i]
            nxt = lines[i + 1] if i + 1 < len(lines) else ""
            if nxt.strip() and set(nxt.strip()) == {"-"} and line.strip() in DOC_HEADINGS:
                sections[current] = "\n".join(buffer).strip()
                current, buffer = line.strip(), []
                i += 2
                continue
            buffer.append(line)
            i += 1
        sections[current] = "\n".join(buffer).strip()
        return sections
