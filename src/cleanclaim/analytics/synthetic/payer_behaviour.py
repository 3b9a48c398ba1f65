"""How the demo payers behave: the generator's payer behaviour table.

NEVER import this module from the classifier (``cleanclaim.denials``): the classifier must
recover root causes from the 835 codes, the claims and their history, as it would with
real payers, not from the generator's answer key. A test greps ``src/cleanclaim/denials``
for any import of it.

Two tables:

* :data:`PROFILES`: how each payer pays a clean claim (allowed share of the charge, patient
  share, sequestration, pay lag and weekday), how often it denies a clean claim by mistake
  (a payer error) and with which codes, and how it resolves its own errors.
* :data:`RESPONSES`: what each payer does when a claim carries an injected error: the
  chance that it notices, and the answer (a 277CA rejection, or a denial at claim level,
  on every line, or on the faulty line, with its group code, CARC and RARCs).

The ambiguity of real remittances is built in on purpose: CARC 16 serves both missing
claim data (RARCs MA130, N290, M76) and eligibility or authorization problems (N30, MA36,
M62, N479, MA04, N4); payers use different CARCs for the same cause (a duplicate is
OA-18, CO-18 or CO-B13; a bundled line CO-97, CO-234 or CO-236); payer errors are
overturned on appeal with no change to the claim. Rates are design choices of this
generator, not measurements of any payer.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Response:
    """A payer's answer to a claim."""

    level: str
    """``reject`` (277CA), ``claim`` (claim-level CAS, CLP02 4), ``lines`` (every line
    denied, CLP02 4), ``line`` (the faulty line), ``downcode`` (paid one level lower)."""
    group: str = ""
    carc: str = ""
    rarcs: tuple[str, ...] = ()
    stc: tuple[str, str, str] = ("", "", "")
    """277CA STC01 (category, status, entity) of a rejection."""

    @property
    def code(self) -> str:
        if self.level == "reject":
            return "277CA " + ":".join(x for x in self.stc if x)
        if self.level == "downcode":
            return "downcode"
        rarcs = "+" + "+".join(self.rarcs) if self.rarcs else ""
        return f"{self.group}-{self.carc}{rarcs} ({self.level})"


def _r(level: str, group: str = "", carc: str = "", *rarcs: str) -> Response:
    return Response(level, group, carc, tuple(rarcs))


def _reject(category: str, status: str, entity: str = "") -> Response:
    return Response("reject", stc=(category, status, entity))


@dataclass(frozen=True)
class Profile:
    """How one payer pays and errs."""

    allowed: Decimal
    """Allowed amount as a share of the practice's charge."""
    deductible: Decimal
    """Annual deductible the patient pays first (PR-1)."""
    coinsurance: Decimal
    """Patient share of the allowed amount after the deductible (PR-2)."""
    copay: Decimal
    """Copay per office visit (PR-3), instead of coinsurance on that line."""
    sequestration: bool
    """CO-253 (2 %) on the payment."""
    lag: tuple[int, int]
    """Days from receipt to the payment run (then the next pay weekday)."""
    weekday: int
    """Pay day (0 = Monday)."""
    payer_error_rate: float
    """Share of clean claims denied by mistake."""
    payer_errors: tuple[Response, ...]
    """The codes such a mistaken denial carries (one picked at random)."""
    self_correct: float
    """Share of its mistakes the payer reverses and repays on its own (CLP02 22 then 1)."""
    reprocess_rate: float = 0.008
    """Share of paid claims reprocessed later (reversal and a new payment, no denial)."""
    secondary_share: Decimal = Decimal("1.00")
    """As a secondary payer: share of the primary's patient responsibility it pays."""


# fmt: off
PROFILES: dict[str, Profile] = {
    "mcr": Profile(Decimal("0.52"), Decimal("240.00"), Decimal("0.20"), Decimal("0"), True,
                   (12, 20), 1, 0.004,
                   (_r("lines", "OA", "18"), _r("line", "CO", "97", "M15"),
                    _r("claim", "CO", "16", "MA130", "N290")), 0.35),
    "ma": Profile(Decimal("0.55"), Decimal("0"), Decimal("0"), Decimal("20.00"), False,
                  (15, 40), 3, 0.018,
                  (_r("line", "CO", "97", "N20"), _r("claim", "CO", "16", "N290"),
                   _r("line", "CO", "151", "N362"), _r("claim", "CO", "18")), 0.15),
    "mcd": Profile(Decimal("0.42"), Decimal("0"), Decimal("0"), Decimal("0"), False,
                   (20, 45), 2, 0.012,
                   (_r("claim", "CO", "16", "N290"), _r("line", "CO", "236"),
                    _r("claim", "OA", "18")), 0.35),
    "summit": Profile(Decimal("0.68"), Decimal("750.00"), Decimal("0.15"), Decimal("30.00"),
                      False, (10, 28), 4, 0.010,
                      (_r("line", "CO", "234", "N20"), _r("claim", "CO", "18"),
                       _r("line", "CO", "4")), 0.2),
    "prairie": Profile(Decimal("0.63"), Decimal("1000.00"), Decimal("0.20"), Decimal("25.00"),
                       False, (12, 30), 3, 0.008,
                       (_r("claim", "CO", "16", "N290"), _r("line", "CO", "97", "M80")), 0.25,
                       secondary_share=Decimal("0.80")),
    "medigap": Profile(Decimal("0.52"), Decimal("0"), Decimal("0"), Decimal("0"), False,
                       (10, 21), 2, 0.003, (_r("claim", "CO", "18"),), 0.5),
}
# fmt: on

TELEHEALTH: dict[str, tuple[str, str]] = {
    "mcr": ("10", "95"),
    "ma": ("10", "95"),
    "mcd": ("10", "GT"),
    "summit": ("11", "95"),
    "prairie": ("10", "95"),
    "medigap": ("10", "95"),
}
"""(place of service, modifier) each payer wants on a telehealth visit."""

AUTH_REQUIRED: dict[str, frozenset[str]] = {
    "mcr": frozenset(),
    "medigap": frozenset(),
    "ma": frozenset({"29881", "78452", "70553"}),
    "mcd": frozenset({"70553"}),
    "summit": frozenset({"29881", "78452"}),
    "prairie": frozenset({"29881", "70553"}),
}
"""Procedures each payer wants a prior authorization for. Only the Medicaid plan and
Summit publish theirs as payer packs (``rule_packs`` in ``payers.toml``), so the scrubber
can catch a missing authorization there and nowhere else."""

_ALL = ("mcr", "ma", "mcd", "summit", "prairie", "medigap")


def _every(chance: float, response: Response) -> dict[str, tuple[float, Response]]:
    return {p: (chance, response) for p in _ALL}


# fmt: off
RESPONSES: dict[str, dict[str, tuple[float, Response]]] = {
    "dx-header": {
        "mcr": (1.0, _reject("A7", "255")), "ma": (1.0, _reject("A7", "255")),
        "mcd": (0.95, _r("claim", "CO", "16", "M76")), "summit": (0.9, _r("claim", "CO", "146")),
        "prairie": (0.9, _r("lines", "CO", "146")),
        "medigap": (1.0, _r("claim", "CO", "16", "M76"))},
    "dx-unspecified": {
        "ma": (0.45, _r("line", "CO", "11")), "mcd": (0.3, _r("line", "CO", "167")),
        "summit": (0.5, _r("line", "CO", "11")), "prairie": (0.4, _r("line", "CO", "167"))},
    "ncci-pair": {
        "mcr": (0.98, _r("line", "CO", "97", "M15")), "ma": (0.9, _r("line", "CO", "97", "N20")),
        "mcd": (0.95, _r("line", "CO", "236")), "summit": (0.85, _r("line", "CO", "234", "N20")),
        "prairie": (0.8, _r("line", "CO", "97", "M80"))},
    "mue-units": {
        "mcr": (0.98, _r("line", "CO", "151", "MA01")),
        "ma": (0.9, _r("line", "CO", "151", "N362")),
        "mcd": (0.95, _r("line", "CO", "151", "N362")),
        "summit": (0.15, _r("line", "CO", "151", "N362")),
        "prairie": (0.8, _r("line", "CO", "151", "N362"))},
    "missing-25": {
        "mcr": (0.95, _r("line", "CO", "97", "M15")), "ma": (0.9, _r("line", "CO", "4")),
        "mcd": (0.9, _r("line", "CO", "4", "N572")),
        "summit": (0.8, _r("line", "CO", "234", "N19")),
        "prairie": (0.75, _r("line", "CO", "4"))},
    "modifier-59": {"mcd": (0.9, _r("line", "CO", "4", "N572"))},
    "laterality": {
        "mcr": (0.5, _r("line", "CO", "11")), "ma": (0.5, _r("line", "CO", "11")),
        "mcd": (0.5, _r("line", "CO", "4")), "summit": (0.6, _r("line", "CO", "4")),
        "prairie": (0.5, _r("line", "CO", "11"))},
    "telehealth-pos": {
        "mcr": (0.7, _r("line", "CO", "5")), "ma": (0.5, _r("line", "CO", "5")),
        "summit": (0.8, _r("line", "CO", "5"))},
    "telehealth-modifier": {"mcd": (0.85, _r("line", "CO", "4", "N572"))},
    "em-level": {
        "mcr": (0.05, _r("line", "CO", "150")), "ma": (0.3, _r("line", "CO", "150")),
        "mcd": (0.1, _r("line", "CO", "150")), "summit": (0.25, _r("line", "CO", "150")),
        "prairie": (0.3, _r("downcode"))},
    "med-necessity": {
        "mcr": (0.95, _r("line", "CO", "50", "N386")),
        "ma": (0.8, _r("line", "CO", "50", "N115"))},
    "records-not-sent": {
        "mcr": (1.0, _r("claim", "CO", "252", "M127")), "ma": (1.0, _r("claim", "CO", "226")),
        "mcd": (1.0, _r("claim", "CO", "50", "N102")),
        "summit": (1.0, _r("claim", "CO", "96", "N102")),
        "prairie": (1.0, _r("claim", "CO", "A1", "N102"))},
    "timely-filing": {
        **_every(1.0, _r("claim", "CO", "29")), "mcr": (1.0, _r("lines", "CO", "29")),
        "mcd": (1.0, _r("claim", "CO", "29", "N211")), "prairie": (1.0, _r("lines", "CO", "29"))},
    "duplicate": {
        "mcr": (0.98, _r("lines", "OA", "18")), "ma": (0.95, _r("claim", "CO", "18")),
        "mcd": (0.95, _r("claim", "OA", "18")), "summit": (0.9, _r("claim", "CO", "B13")),
        "prairie": (0.9, _r("lines", "OA", "18", "M86"))},
    "npi-mismatch": {
        "mcr": (0.9, _r("claim", "CO", "16", "MA130", "N290")),
        "ma": (0.85, _r("claim", "CO", "16", "N290")),
        "mcd": (0.9, _r("claim", "CO", "A1", "N290")),
        "summit": (0.8, _r("claim", "CO", "16", "N290")),
        "prairie": (0.8, _r("claim", "CO", "208"))},
    "eligibility-lapse": {
        "mcr": (1.0, _r("claim", "CO", "109")), "ma": (1.0, _r("claim", "CO", "27")),
        "mcd": (1.0, _r("claim", "CO", "16", "N30")), "summit": (1.0, _r("claim", "CO", "27")),
        "prairie": (1.0, _r("claim", "CO", "16", "N30"))},
    "member-id": {
        "mcr": (1.0, _reject("A7", "164", "IL")), "ma": (1.0, _r("claim", "CO", "31")),
        "mcd": (1.0, _r("claim", "CO", "140")), "summit": (1.0, _r("claim", "CO", "31")),
        "prairie": (1.0, _r("claim", "CO", "16", "MA36"))},
    "cob-order": {
        "mcd": (0.95, _r("claim", "CO", "22")), "summit": (0.9, _r("claim", "CO", "16", "N479")),
        "prairie": (0.9, _r("claim", "CO", "22"))},
    "cob-missing-primary": {
        "mcd": (1.0, _r("claim", "CO", "16", "N4")),
        "summit": (1.0, _r("claim", "CO", "16", "MA04")),
        "prairie": (1.0, _r("claim", "CO", "22", "MA04")),
        "medigap": (1.0, _r("claim", "CO", "16", "MA04"))},
    "auth-missing": {
        "ma": (0.95, _r("line", "CO", "16", "M62")), "mcd": (0.95, _r("line", "CO", "15", "M62")),
        "summit": (0.95, _r("line", "CO", "197")), "prairie": (0.9, _r("line", "CO", "197"))},
    "benefit-limit": {
        "ma": (1.0, _r("lines", "CO", "119")), "summit": (1.0, _r("lines", "PR", "119")),
        "prairie": (1.0, _r("lines", "CO", "96", "N130"))},
}
# fmt: on
"""Injected error -> payer -> (chance the payer notices, its answer). A payer missing from
an entry never notices that error (it pays the claim)."""

APPEAL_OVERTURN: dict[str, float] = {
    "payer-error": 0.9,
    "records-not-sent": 0.6,
    "med-necessity": 0.2,
    "em-level": 0.15,
    "auth-missing": 0.25,
}
"""Chance that a first-level appeal of a denial with this cause is overturned."""
APPEAL_PARTIAL = 0.15
"""Chance that an overturn of a claim with several denied lines pays only some of them."""


def response(cause: str, payer: str) -> tuple[float, Response] | None:
    """The payer's (chance, answer) for an injected error, or None: it never notices."""
    return RESPONSES.get(cause, {}).get(payer)


def markdown() -> str:
    """The behaviour tables as Markdown (docs/synthetic-practice.md embeds this text)."""
    out = [
        "| Payer | Allowed | Deductible | Coins. | Copay | CO-253 | Pay lag (days) "
        "| Payer-error rate | Self-corrects | Payer-error codes |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for key, p in PROFILES.items():
        codes = "; ".join(r.code for r in p.payer_errors)
        out.append(
            f"| {key} | {p.allowed} | {p.deductible} | {p.coinsurance} | {p.copay} | "
            f"{'yes' if p.sequestration else 'no'} | {p.lag[0]}-{p.lag[1]} | "
            f"{p.payer_error_rate:.1%} | {p.self_correct:.0%} | {codes} |"
        )
    out += ["", "| Injected error | " + " | ".join(_ALL) + " |", "|---|" + "---|" * len(_ALL)]
    for cause, by_payer in RESPONSES.items():
        cells = []
        for payer in _ALL:
            hit = by_payer.get(payer)
            cells.append(f"{hit[0]:.0%} {hit[1].code}" if hit else "pays")
        out.append(f"| {cause} | " + " | ".join(cells) + " |")
    out += ["", "| Appeal of | Overturned |", "|---|---|"]
    out += [f"| {cause} | {chance:.0%} |" for cause, chance in APPEAL_OVERTURN.items()]
    return "\n".join(out) + "\n"
