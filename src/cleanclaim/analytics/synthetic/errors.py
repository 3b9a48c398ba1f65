"""The injected-error table: what goes wrong in the practice, how often, and whose fault it is.

Each :class:`ErrorType` row gives the error's *truth* (root cause, reason, responsible,
avoidable: the vocabulary of the denial classifier), the scrubber category that can flag it
(empty: no rule can see it on the claim), the rate, and what the practice does when the
payer denies it. The rate is a probability per *eligible* claim (the ``applies to``
column), multiplied by the error multiplier of the person who owns that kind of work (the
coder, biller, front desk or rendering provider, see :mod:`.practice`). Errors are tried
in table order and a claim gets at most one (:mod:`.inject` applies them). Whether a payer
notices the error, and with which codes it answers, is the payer's business
(:mod:`.payer_behaviour`).

The rates are this generator's own round numbers, chosen so that every error type shows up
a few times a month at the default size. They are not tuned to echo any published denial
split.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleanclaim.analytics.synthetic.encounter import Encounter


@dataclass(frozen=True)
class ErrorType:
    slug: str
    owner: str
    """Whose multiplier applies: coder, biller, front-desk or provider."""
    root_cause: str
    reason: str
    responsible: str
    avoidable: bool
    category: str
    """Scrubber category that can flag it ("" when no rule can see it on the claim)."""
    rate: float
    applies_to: str
    fix: str
    """What the practice does after a denial: correct (frequency-7 replacement), appeal,
    rebill (to the right payer), write-off, or void."""
    fix_rate: float
    """Share of denials the practice works that way (the rest stay open)."""


# fmt: off
_TABLE: tuple[tuple[str, str, str, str, str, str, float, str, str, float], ...] = (
    # slug, owner, root cause, reason, responsible, scrubber category, rate, applies to,
    # fix, fix rate (every injected error is avoidable)
    ("dx-header", "coder", "coding", "dx-invalid", "coder", "dx-invalid", 0.006,
     "claims with a diagnosis that has a header code above it", "correct", 0.95),
    ("dx-unspecified", "coder", "coding", "dx-px-mismatch", "coder", "dx-unspecified", 0.10,
     "claims with a sided diagnosis or diabetes with CKD", "correct", 0.85),
    ("dx-generic", "coder", "coding", "dx-px-mismatch", "coder", "dx-unspecified", 0.05,
     "claims with a chronic diagnosis that has an unspecified sibling (payers pay these)",
     "correct", 0.85),
    ("ncci-pair", "coder", "coding", "ncci-bundling", "coder", "ncci-ptp", 0.05,
     "ECG, knee-injection and injection visits (pairs of the bundled NCCI fixture)",
     "correct", 0.85),
    ("mue-units", "coder", "coding", "mue-units", "coder", "mue", 0.08,
     "claims with venipuncture 36415 (MUE 2; billed 3)", "correct", 0.85),
    ("missing-25", "coder", "coding", "modifier", "coder", "modifier", 0.05,
     "visits billed with a minor procedure (global 000/010)", "correct", 0.85),
    ("modifier-59", "coder", "coding", "modifier", "coder", "modifier", 0.10,
     "lines billed with XS/XU (59 used instead)", "correct", 0.85),
    ("laterality", "coder", "coding", "modifier", "coder", "modifier", 0.02,
     "lines with RT/LT on a sided diagnosis (side flipped)", "correct", 0.85),
    ("telehealth-pos", "coder", "coding", "place-of-service", "coder", "pos", 0.12,
     "telehealth visits to Medicare, Medicare Advantage and Summit", "correct", 0.85),
    ("telehealth-modifier", "coder", "coding", "modifier", "coder", "modifier", 0.25,
     "telehealth visits to the Medicaid plan (95 instead of GT)", "correct", 0.85),
    ("em-level", "provider", "documentation", "level-not-supported", "provider", "em-level",
     0.035, "office visits above the lowest level", "appeal", 0.3),
    ("med-necessity", "provider", "documentation", "medical-necessity", "provider",
     "dx-px-mismatch", 0.15, "Medicare and Medicare Advantage screening labs (lab pointed "
     "at the exam code)", "appeal", 0.5),
    ("records-not-sent", "provider", "documentation", "records-requested", "provider", "",
     0.02, "high-value services (99205/99215, surgery, imaging, 4+ therapy units): records "
     "requested and not sent", "appeal", 0.75),
    ("timely-filing", "biller", "billing", "timely-filing", "biller", "timely-filing", 0.004,
     "every claim (sent after the payer's filing limit)", "write-off", 1.0),
    ("duplicate", "biller", "billing", "duplicate", "biller", "duplicate", 0.005,
     "every claim (sent again under a new claim id)", "void", 0.4),
    ("npi-mismatch", "biller", "billing", "missing-info", "biller", "", 0.005,
     "every claim (wrong rendering provider picked)", "correct", 0.9),
    ("eligibility-lapse", "front-desk", "eligibility", "coverage-terminated", "front-desk", "",
     0.012, "every claim (billed to the patient's old plan)", "rebill", 0.7),
    ("member-id", "front-desk", "eligibility", "registration", "front-desk", "", 0.005,
     "every claim (member id mistyped)", "correct", 0.9),
    ("cob-order", "front-desk", "eligibility", "cob", "front-desk", "cob", 0.06,
     "patients with two coverages, no crossover (secondary billed as primary)", "rebill",
     0.85),
    ("cob-missing-primary", "biller", "eligibility", "cob", "biller", "cob", 0.04,
     "secondary claims (sent without the primary's adjudication)", "correct", 0.9),
    ("auth-missing", "front-desk", "authorization", "prior-auth-missing", "front-desk",
     "authorization", 0.12, "services the payer wants an authorization for", "appeal", 0.4),
    ("benefit-limit", "front-desk", "eligibility", "benefit-limit", "front-desk", "", 0.06,
     "therapy visits to Medicare Advantage and commercial plans (visit limit reached, "
     "benefits not checked)", "write-off", 1.0),
)
# fmt: on
ERRORS: tuple[ErrorType, ...] = tuple(
    ErrorType(slug, owner, root, reason, who, True, category, rate, applies, fix, fix_rate)
    for slug, owner, root, reason, who, category, rate, applies, fix, fix_rate in _TABLE
)
BY_SLUG: dict[str, ErrorType] = {e.slug: e for e in ERRORS}
PAYER_ERROR = ErrorType(
    "payer-error",
    "payer",
    "payer-error",
    "payer-error",
    "payer",
    False,
    "",
    0.0,
    "clean claims (per-payer rate in the payer behaviour table)",
    "appeal",
    0.7,
)
"""Not injected: the truth of a clean claim the payer denies by mistake."""
SECONDARY_STAGE = frozenset({"cob-missing-primary"})
"""Errors rolled when a secondary claim is built, not at the encounter."""


def multiplier(error: ErrorType, enc: Encounter) -> float:
    """The error multiplier of the person who owns ``error``'s kind of work on ``enc``."""
    owner = error.owner
    if owner == "coder":
        return enc.coder.error_multiplier
    if owner == "biller":
        return enc.biller.error_multiplier
    if owner == "provider":
        return enc.provider.documentation_multiplier
    return enc.registrar.error_multiplier


def markdown() -> str:
    """The rate table as Markdown (docs/synthetic-practice.md embeds this text)."""
    out = [
        "| Error | Owner | Applies to | Rate | Truth (root / reason / responsible) "
        "| Scrubber category | Practice's fix |",
        "|---|---|---|---|---|---|---|",
    ]
    for e in ERRORS:
        out.append(
            f"| {e.slug} | {e.owner} | {e.applies_to} | {e.rate:.1%} | {e.root_cause} / "
            f"{e.reason} / {e.responsible} | {e.category or 'none'} | {e.fix} "
            f"({e.fix_rate:.0%}) |"
        )
    return "\n".join(out) + "\n"
