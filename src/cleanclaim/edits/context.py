"""What a rule may read: dated code-set views, the payer's terms, and claim history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol

from cleanclaim.claims.facts import judged_on
from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.payers.registry import PayerTerms


@dataclass(frozen=True)
class HistoryLine:
    """A service line of another claim for the same patient, as the duplicate and MUE
    rules see it."""

    claim_key: str
    claim_id: str
    line: int
    day: dt.date
    procedure: str
    modifiers: tuple[str, ...]
    units: int
    provider_npi: str
    frequency_code: str = "1"
    billing_npi: str = ""
    submitted_on: dt.date | None = None
    status: str = ""
    """Lifecycle state of the stored claim (``rejected``, ``paid``...); empty in a batch."""


class ClaimHistory(Protocol):
    """Other claims of the same patient: stored ones, and those earlier in the same batch."""

    @property
    def available(self) -> bool:
        """Whether stored history exists at all (a file preview has only its own batch)."""
        ...

    def lines_on(self, patient_key: str, day: dt.date) -> list[HistoryLine]:
        """Lines of other claims for ``patient_key`` on ``day``."""
        ...


@dataclass
class BatchHistory:
    """History made of the claims scrubbed earlier in the same run."""

    stored: ClaimHistory | None = None
    _lines: dict[tuple[str, dt.date], list[HistoryLine]] = field(default_factory=dict)
    _by_patient: dict[str, list[HistoryLine]] = field(default_factory=dict)
    """The same lines per patient, in the order they were added."""

    @property
    def available(self) -> bool:
        return self.stored is not None and self.stored.available

    def lines_on(self, patient_key: str, day: dt.date) -> list[HistoryLine]:
        found = list(self._lines.get((patient_key, day), ()))
        if self.stored is not None:
            seen = {(h.claim_key, h.line) for h in found}
            found += [
                h
                for h in self.stored.lines_on(patient_key, day)
                if (h.claim_key, h.line) not in seen
            ]
        return found

    def add(self, patient_key: str, line: HistoryLine) -> None:
        self._lines.setdefault((patient_key, line.day), []).append(line)
        self._by_patient.setdefault(patient_key, []).append(line)

    def patient_lines(self, patient_key: str) -> list[HistoryLine]:
        """Every line of the batch's own claims for ``patient_key`` (no stored history)."""
        return self._by_patient.get(patient_key, [])


def patient_key(claim: Claim) -> str:
    """A stable key for the patient of a claim (member id + birth date + payer).

    Used only in memory and in hashed form in storage; never logged.
    """
    import hashlib

    person = claim.patient
    sub = claim.subscriber
    raw = "|".join(
        [
            claim.payer.payer_id or claim.payer.name,
            sub.member_id or "",
            person.last_name.upper(),
            person.birth_date.isoformat() if person.birth_date else "",
        ]
    )
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


@dataclass
class RuleContext:
    """Everything a rule may read besides the claim itself."""

    store: CodesetStore
    payer: PayerTerms | None = None
    history: ClaimHistory = field(default_factory=BatchHistory)
    submitted_on: dt.date | None = None
    options: dict[str, Any] = field(default_factory=dict)
    guessed_payer_type: str | None = None
    """A payer type inferred without registry terms (e.g. from the filing indicator)."""
    _views: dict[dt.date, CodesetView] = field(default_factory=dict)

    @property
    def payer_type(self) -> str:
        """The payer's registry type, else the guessed type, else ``unknown``."""
        if self.payer is not None:
            return self.payer.type
        return self.guessed_payer_type or "unknown"

    def view(self, on: dt.date) -> CodesetView:
        """The code-set view for ``on`` (cached)."""
        view = self._views.get(on)
        if view is None:
            view = self._views[on] = CodesetView(self.store, on)
        return view


def claim_date(claim: Claim) -> dt.date | None:
    """The date a claim is judged on: the discharge (through) date for institutional claims,
    the first date of service for professional claims."""
    return judged_on(claim)


def line_date(claim: Claim, line: ServiceLine) -> dt.date | None:
    """The date a line is judged on (institutional lines use the claim's through date for
    diagnosis questions; their own date for procedure questions)."""
    return line.service_date_from or claim_date(claim)


def claim_dates(claim: Claim) -> list[dt.date]:
    """Every distinct date the claim's code-set questions are asked on."""
    days = {d for d in (line_date(claim, ln) for ln in claim.lines) if d is not None}
    main = claim_date(claim)
    if main is not None:
        days.add(main)
    return sorted(days)
