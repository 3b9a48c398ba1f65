"""The edit engine: which rules run on a claim, with what data, and what it yields.

For each rule the engine decides applicability (claim type x payer type x data present),
checks that the code sets the rule needs cover the claim's dates (a gap becomes a coverage
entry and the rule does not run; fixture or partial data becomes a coverage entry and the
rule runs), applies selection and suppressions, and computes the claim status with the
fixed precedence flagged > incomplete > clean.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.model import Completeness, Release
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.edits.context import (
    BatchHistory,
    ClaimHistory,
    HistoryLine,
    RuleContext,
    claim_dates,
    line_date,
    patient_key,
)
from cleanclaim.edits.model import (
    ClaimResult,
    CoverageEntry,
    Finding,
    NotChecked,
    RuleStatus,
    Severity,
    Suppressed,
)
from cleanclaim.edits.registry import all_rules
from cleanclaim.edits.rule import Rule
from cleanclaim.errors import CleanclaimError
from cleanclaim.payers.registry import PayerTerms

_GATE_LIMIT = 20_000
"""Bound on the cached per-(rule, kinds, dates) coverage gates of a batch."""
_GateKey = tuple[str, tuple[str, ...], tuple[dt.date, ...]]
_Gate = tuple[list[NotChecked], list[NotChecked]]


@dataclass(frozen=True)
class Selection:
    """Which rules run: codes, code prefixes (``MD``) or categories (``modifier``).

    ``select`` of ``None`` means every stable rule; preview rules run only when selected
    explicitly. ``per_payer`` maps a payer key to its own (select, ignore) pair, applied on
    top of the global one.
    """

    select: frozenset[str] | None = None
    ignore: frozenset[str] = frozenset()
    per_payer: dict[str, tuple[frozenset[str] | None, frozenset[str]]] = field(default_factory=dict)

    @staticmethod
    def _matches(rule: Rule, names: Iterable[str]) -> bool:
        for name in names:
            n = name.strip()
            if n.upper() == rule.code or (rule.code.startswith(n.upper()) and n.isalpha()):
                return True
            if n.lower() in (rule.category.value, rule.slug):
                return True
        return False

    def allows(self, rule: Rule, payer_key: str | None) -> bool:
        """Whether ``rule`` runs for a claim of ``payer_key``."""
        layers = [(self.select, self.ignore)]
        if payer_key is not None and payer_key in self.per_payer:
            layers.append(self.per_payer[payer_key])
        for select, ignore in layers:
            if select is not None and not self._matches(rule, select):
                return False
            if self._matches(rule, ignore):
                return False
        if rule.status is RuleStatus.PREVIEW:
            explicit = [s for s, _ in layers if s is not None]
            return any(rule.code in {x.upper() for x in s} for s in explicit)
        return True


@dataclass(frozen=True)
class Suppression:
    """A finding silenced on purpose: needs a reason and a user, may expire."""

    claim: str
    """A claim key or CLM01."""
    rule: str
    reason: str
    by: str
    until: dt.date | None = None
    line: int | None = None

    def matches(self, result: ClaimResult, finding: Finding, today: dt.date) -> bool:
        if self.until is not None and today > self.until:
            return False
        if self.claim not in (result.claim_key, result.claim_id):
            return False
        if self.line is not None and finding.line != self.line:
            return False
        return self.rule.upper() == finding.rule


@dataclass
class Scrubber:
    """Runs the selected rules on claims; one instance per batch (it keeps batch history)."""

    store: CodesetStore
    selection: Selection = field(default_factory=Selection)
    suppressions: Sequence[Suppression] = ()
    stored_history: ClaimHistory | None = None
    today: dt.date = field(default_factory=dt.date.today)
    rules: Sequence[Rule] | None = None
    options: dict[str, object] = field(default_factory=dict)
    """Options given to every rule of this batch (merged under per-claim options)."""
    _history: BatchHistory = field(init=False)
    _used: set[int] = field(init=False, default_factory=set)
    _by_payer: dict[str | None, list[Rule]] = field(init=False, default_factory=dict)
    _plans: dict[tuple[str | None, str, str], list[tuple[Rule, bool, bool]]] = field(
        init=False, default_factory=dict
    )
    _views: dict[dt.date, CodesetView] = field(init=False, default_factory=dict)
    """Views shared by the claims of the batch (dropped when the store's catalogue changes)."""
    _releases: dict[tuple[str, dt.date], Release | None] = field(init=False, default_factory=dict)
    _weak: dict[tuple[str, str, int], NotChecked] = field(init=False, default_factory=dict)
    """The "only fixture/partial data" note per (rule, kind, release)."""
    _gates: dict[_GateKey, _Gate] = field(init=False, default_factory=dict)
    """(gaps, weak notes) per (rule, kinds, dates): the same for every claim that asks."""
    _catalog: object = field(init=False, default=None)

    def __post_init__(self) -> None:
        self._history = BatchHistory(stored=self.stored_history)
        if self.rules is None:
            self.rules = all_rules()

    def scrub(
        self,
        claim: Claim,
        *,
        claim_key: str | None = None,
        payer: PayerTerms | None = None,
        submitted_on: dt.date | None = None,
        payer_type: str | None = None,
        options: dict[str, object] | None = None,
    ) -> ClaimResult:
        """Scrub one claim.

        ``payer`` is the registry entry of the claim's payer; without one, ``payer_type`` may
        carry a guess (e.g. from the filing indicator). ``options`` are passed to the rules
        (encounter sidecar, practice settings, history queries).
        """
        result = ClaimResult(claim_id=claim.claim_id, claim_key=claim_key)
        self._check_catalog()
        ctx = RuleContext(
            store=self.store,
            payer=payer,
            history=self._history,
            submitted_on=submitted_on or claim.submission.created,
            guessed_payer_type=payer_type,
            _views=self._views,
        )
        ctx.options.update(self.options)
        if options:
            ctx.options.update(options)
        pkey = patient_key(claim)
        ctx.options["patient_key"] = pkey
        ctx.options["claim_key"] = claim_key or claim.claim_id
        default_days = tuple(claim_dates(claim))
        seen: set[tuple[str, str]] = set()
        plan = self._plan(payer.key if payer else None, ctx.payer_type, claim.claim_type)
        for rule, ask, own_dates in plan:
            if ask and not rule.applies(claim, ctx):
                continue
            days = tuple(rule.dates(claim)) if own_dates else default_days
            for item in self._run(rule, claim, ctx, days):
                if isinstance(item, NotChecked):
                    key = (item.check, item.reason)
                    if key not in seen:
                        seen.add(key)
                        result.coverage.append(CoverageEntry(claim.claim_id, *key))
                else:
                    self._place(result, item)
        self._remember(claim, claim_key or claim.claim_id, pkey)
        return result

    def _plan(
        self, payer_key: str | None, payer_type: str, claim_type: str
    ) -> list[tuple[Rule, bool, bool]]:
        """(rule, must ask ``applies``, has its own ``dates``) for the selected rules.

        A rule that keeps the default ``applies`` depends only on the claim type and the payer
        type, so it is decided here once; a rule with its own ``applies`` is asked per claim.
        """
        key = (payer_key, payer_type, claim_type)
        plan = self._plans.get(key)
        if plan is None:
            plan = []
            for rule in self._selected(payer_key):
                ask = type(rule).applies is not Rule.applies
                if not ask and (
                    claim_type not in rule.claim_types
                    or (rule.payer_types is not None and payer_type not in rule.payer_types)
                ):
                    continue
                plan.append((rule, ask, type(rule).dates is not Rule.dates))
            self._plans[key] = plan
        return plan

    def _selected(self, payer_key: str | None) -> list[Rule]:
        """The rules the selection allows for a payer (computed once per payer)."""
        chosen = self._by_payer.get(payer_key)
        if chosen is None:
            assert self.rules is not None
            chosen = [r for r in self.rules if self.selection.allows(r, payer_key)]
            self._by_payer[payer_key] = chosen
        return chosen

    def _check_catalog(self) -> None:
        """Forget cached views and releases when the store's catalogue was reloaded."""
        if self.store._catalog is None:
            self.store.releases()
        if self.store._catalog is not self._catalog:
            self._catalog = self.store._catalog
            self._views.clear()
            self._releases.clear()
            self._weak.clear()
            self._gates.clear()

    def _run(
        self, rule: Rule, claim: Claim, ctx: RuleContext, days: tuple[dt.date, ...]
    ) -> list[Finding | NotChecked]:
        key = (rule.code, rule.codesets(claim), days)
        gate = self._gates.get(key)
        if gate is None:
            if len(self._gates) >= _GATE_LIMIT:
                self._gates.clear()
            gate = self._gates[key] = self._gate(rule, ctx, key[1], days)
        gaps, weak = gate
        if gaps:
            return list(gaps)
        try:
            return [*weak, *rule.check(claim, ctx)]
        except CleanclaimError as exc:
            return [*weak, rule.not_checked(f"could not run: {exc}")]

    def _gate(
        self, rule: Rule, ctx: RuleContext, kinds: tuple[str, ...], days: tuple[dt.date, ...]
    ) -> tuple[list[NotChecked], list[NotChecked]]:
        """Coverage gaps that stop ``rule``, and notes on the weak data it runs on."""
        gaps: list[NotChecked] = []
        weak: list[NotChecked] = []
        releases = self._releases
        for kind in kinds:
            missing_days = []
            for day in days:
                key = (kind, day)
                if key in releases:
                    release = releases[key]
                else:
                    release = releases[key] = ctx.view(day).release(kind)
                if release is None:
                    missing_days.append(day)
                elif release.completeness is not Completeness.FULL:
                    wkey = (rule.code, kind, id(release))
                    note = self._weak.get(wkey)
                    if note is None:
                        note = self._weak[wkey] = rule.not_checked(
                            f"{kind}: only {release.completeness.value} data ({release.name})"
                        )
                    if note not in weak:
                        weak.append(note)
            if missing_days:
                gaps.append(
                    rule.not_checked(
                        f"{kind}: no release covers {_spans(missing_days)}; "
                        "import it to run this check"
                    )
                )
        return gaps, weak

    def _place(self, result: ClaimResult, finding: Finding) -> None:
        for index, suppression in enumerate(self.suppressions):
            if suppression.matches(result, finding, self.today):
                self._used.add(index)
                result.suppressed.append(Suppressed(finding, suppression.by, suppression.reason))
                return
        result.findings.append(finding)

    def _remember(self, claim: Claim, claim_key: str, pkey: str) -> None:
        npi = (claim.rendering_provider or claim.billing_provider).npi or ""
        for line in claim.lines:
            day = line_date(claim, line)
            if day is None:
                continue
            self._history.add(
                pkey,
                HistoryLine(
                    claim_key=claim_key,
                    claim_id=claim.claim_id,
                    line=line.number,
                    day=day,
                    procedure=line.procedure_code or line.revenue_code or "",
                    modifiers=line.modifiers,
                    units=int(line.units or 1),
                    frequency_code=claim.frequency_code,
                    billing_npi=claim.billing_provider.npi or "",
                    submitted_on=claim.submission.created,
                    provider_npi=(line.rendering_provider.npi if line.rendering_provider else None)
                    or npi,
                ),
            )

    def unused_suppressions(self) -> list[Suppression]:
        """Suppressions that matched no finding in this batch (reported to the user)."""
        return [s for i, s in enumerate(self.suppressions) if i not in self._used]


def _spans(days: list[dt.date]) -> str:
    if len(days) == 1:
        return days[0].isoformat()
    return f"{days[0].isoformat()} to {days[-1].isoformat()}"


def summarize(results: Sequence[ClaimResult]) -> dict[str, dict[str, int]]:
    """Counts by category, severity and status (the scrub JSON ``summary``)."""
    by_category: dict[str, int] = {}
    by_severity: dict[str, int] = {s.value: 0 for s in Severity}
    by_status: dict[str, int] = {"flagged": 0, "incomplete": 0, "clean": 0}
    for result in results:
        by_status[result.status.value] += 1
        for f in result.findings:
            by_category[f.category.value] = by_category.get(f.category.value, 0) + 1
            by_severity[f.severity.value] += 1
    return {"category": by_category, "severity": by_severity, "status": by_status}
