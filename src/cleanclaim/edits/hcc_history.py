"""HCC history: which diagnoses a patient had, from which encounters, and what is still open.

The HCC rules (HC101 capture, HC102 recapture) and ``cleanclaim hcc gaps`` share what is
here:

* :class:`DxRecord`: one claim's diagnoses, with what decides whether the encounter counts
  for risk adjustment (procedures, type of bill, provider taxonomy);
* :class:`HccHistory`: the records of one patient between two dates. Implementations:
  :class:`InMemoryHccHistory` (tests, and the claims scrubbed earlier in the same run, see
  :func:`batch_memory`) and :class:`StoredHccHistory` (an indexed query on stored claims);
* :func:`raf_delta`, :func:`base_rate`, :func:`dollars`: the RAF and dollar estimates;
* :func:`recapture_gaps`: chronic HCCs coded last year and not yet this year.

PHI: records hold the patient's birth date and sex to score RAF; they are never printed
(``repr`` hides them). Patients are named only by key.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, Protocol

from cleanclaim.claims.facts import dx_codes, procedure_codes
from cleanclaim.claims.model import Claim
from cleanclaim.codesets.loaders.hcc import PAYMENT_YEARS, chronic_hccs, raf_score
from cleanclaim.edits.context import claim_date, patient_key
from cleanclaim.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from cleanclaim.codesets.loaders.hcc import HccTable
    from cleanclaim.codesets.view import CodesetView
    from cleanclaim.storage.tables_x12 import ClaimRow

#: Annual dollars per 1.0 of RAF when ``hcc_base_rate`` is not given (illustrative).
DEFAULT_BASE_RATE = Decimal("12000.00")
CENT = Decimal("0.01")
#: HI qualifiers of ICD-10-CM diagnoses (principal, other, admitting, reason for visit).


# -- records --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DxRecord:
    """One claim's diagnoses and what decides whether they count for risk adjustment."""

    claim_key: str
    day: dt.date
    codes: tuple[str, ...]
    """ICD-10-CM codes without the dot, in claim order."""
    procedures: tuple[str, ...]
    claim_type: str
    type_of_bill: str | None
    taxonomy: str | None
    provider_npi: str
    filing_indicator: str | None = None
    """SBR09 of the destination payer (``MB``, ``16``...)."""
    sex: str | None = field(default=None, repr=False)
    birth_date: dt.date | None = field(default=None, repr=False)


def record_of(claim: Claim, claim_key: str) -> DxRecord | None:
    """The record of a claim (``None`` when it has no date)."""
    day = claim_date(claim)
    if day is None:
        return None
    provider = claim.rendering_provider or claim.attending_provider or claim.billing_provider
    taxonomy = provider.taxonomy or claim.billing_provider.taxonomy
    return DxRecord(
        claim_key=claim_key,
        day=day,
        codes=dx_codes(claim),
        procedures=procedure_codes(claim),
        claim_type=claim.claim_type,
        type_of_bill=claim.type_of_bill,
        taxonomy=taxonomy,
        provider_npi=provider.npi or claim.billing_provider.npi or "",
        filing_indicator=claim.payer.filing_indicator,
        sex=claim.patient.sex,
        birth_date=claim.patient.birth_date,
    )


class HccHistory(Protocol):
    """Diagnoses of one patient's other claims."""

    @property
    def available(self) -> bool:
        """Whether stored history exists at all."""
        ...

    def starts(self) -> dt.date | None:
        """The earliest date of service held (``None``: nothing held, or unknown)."""
        ...

    def records(self, claim: Claim, start: dt.date, end: dt.date) -> list[DxRecord]:
        """Records of the patient of ``claim`` dated ``start`` to ``end`` (inclusive)."""
        ...


class InMemoryHccHistory:
    """Records kept in memory, keyed by the engine's patient key."""

    def __init__(
        self,
        records: Mapping[str, Iterable[DxRecord]] | None = None,
        *,
        available: bool = True,
        starts: dt.date | None = None,
    ) -> None:
        self._by_patient = {k: list(v) for k, v in (records or {}).items()}
        self._available = available
        self._starts = starts

    @property
    def available(self) -> bool:
        return self._available

    def starts(self) -> dt.date | None:
        return self._starts

    def add(self, claim: Claim, claim_key: str) -> None:
        """Remember a claim; a claim with the same key and date is replaced."""
        record = record_of(claim, claim_key)
        if record is None:
            return
        held = self._by_patient.setdefault(patient_key(claim), [])
        held[:] = [r for r in held if (r.claim_key, r.day) != (record.claim_key, record.day)]
        held.append(record)

    def records(self, claim: Claim, start: dt.date, end: dt.date) -> list[DxRecord]:
        held = self._by_patient.get(patient_key(claim), [])
        return [r for r in held if start <= r.day <= end]


_BATCHES: dict[int, InMemoryHccHistory] = {}


def batch_memory(owner: object) -> InMemoryHccHistory:
    """The records of the claims scrubbed so far with ``owner`` (the engine's batch history);
    forgotten when ``owner`` is."""
    key = id(owner)
    memory = _BATCHES.get(key)
    if memory is None:
        memory = _BATCHES[key] = InMemoryHccHistory(available=False)
        weakref.finalize(owner, _BATCHES.pop, key, None)
    return memory


# -- stored claims ----------------------------------------------------------------------------


class StoredHccHistory:
    """Records of a practice's stored claims, found through the indexed patient-date lines.

    A query reads ``claim_line`` by ``(practice_id, patient_key, service_from)`` (index
    ``ix_claim_line_patient_date``), then the matching claims by primary key, and their
    families by ``(practice_id, clm01)`` (index ``ix_claim_clm01``) to keep only the latest
    version; voided and rejected claims are left out.
    """

    def __init__(self, session: Session, practice_id: int, salt: str | None) -> None:
        self.session = session
        self.practice_id = practice_id
        self.salt = salt
        self._starts: tuple[dt.date | None] | None = None

    @property
    def available(self) -> bool:
        return self.salt is not None

    def starts(self) -> dt.date | None:
        if self._starts is None:
            from sqlalchemy import func, select

            from cleanclaim.storage.tables_x12 import ClaimRow

            first = self.session.scalar(
                select(func.min(ClaimRow.service_from)).where(
                    ClaimRow.practice_id == self.practice_id
                )
            )
            self._starts = (first,)
        return self._starts[0]

    def records(self, claim: Claim, start: dt.date, end: dt.date) -> list[DxRecord]:
        from sqlalchemy import select

        from cleanclaim.claims.lifecycle import patient_key as stored_key
        from cleanclaim.storage.tables_x12 import ClaimLineRow, ClaimRow

        key = stored_key(self.salt, claim) if self.salt else None
        if key is None:
            return []
        ids = (
            select(ClaimLineRow.claim_id)
            .where(
                ClaimLineRow.practice_id == self.practice_id,
                ClaimLineRow.patient_key == key,
                ClaimLineRow.service_from >= start,
                ClaimLineRow.service_from <= end,
            )
            .distinct()
        )
        rows = self.session.scalars(select(ClaimRow).where(ClaimRow.id.in_(ids))).all()
        return [r for _, r in latest_records(self.session, self.practice_id, rows)]


def latest_records(
    session: Session, practice_id: int, rows: Sequence[ClaimRow]
) -> list[tuple[str | None, DxRecord]]:
    """``(stored patient key, record)`` of the rows that are the latest version of their
    family, not voided and not rejected."""
    from sqlalchemy import func, select

    from cleanclaim.edits.stored import claim_from_json
    from cleanclaim.storage.tables_x12 import ClaimRow

    if not rows:
        return []
    clm01s = sorted({r.clm01 for r in rows})
    latest: dict[tuple[str, str], int] = {}
    for start in range(0, len(clm01s), 500):
        chunk = clm01s[start : start + 500]
        query = (
            select(ClaimRow.billing_npi, ClaimRow.clm01, func.max(ClaimRow.version))
            .where(ClaimRow.practice_id == practice_id, ClaimRow.clm01.in_(chunk))
            .group_by(ClaimRow.billing_npi, ClaimRow.clm01)
        )
        latest.update({(npi, clm01): top for npi, clm01, top in session.execute(query)})
    out: list[tuple[str | None, DxRecord]] = []
    for row in rows:
        if latest.get((row.billing_npi, row.clm01)) != row.version:
            continue
        if row.version_kind == "void" or row.status == "rejected":
            continue
        record = record_of(claim_from_json(row.claim_json, claim_key=row.claim_key), row.claim_key)
        if record is not None:
            out.append((row.patient_key, record))
    return out


def practice_records(
    session: Session,
    practice_id: int,
    start: dt.date,
    end: dt.date,
    *,
    patient: str | None = None,
) -> dict[str, list[DxRecord]]:
    """Records of every stored patient of the practice (or of the patients whose key starts
    with ``patient``) dated ``start`` to ``end``, by stored patient key.

    With ``patient`` the lines are found through the patient-date index; without it every
    line of the practice in the window is read (a report, not a per-claim lookup).
    """
    from sqlalchemy import select

    from cleanclaim.storage.tables_x12 import ClaimLineRow, ClaimRow

    lines = select(ClaimLineRow.claim_id).where(
        ClaimLineRow.practice_id == practice_id,
        ClaimLineRow.service_from >= start,
        ClaimLineRow.service_from <= end,
    )
    if patient:
        prefix = patient.strip().lower()  # hex: every key with the prefix sorts below +"g"
        lines = lines.where(
            ClaimLineRow.patient_key >= prefix, ClaimLineRow.patient_key < prefix + "g"
        )
    rows = session.scalars(
        select(ClaimRow).where(ClaimRow.id.in_(lines.distinct())).order_by(ClaimRow.id)
    ).all()
    out: dict[str, list[DxRecord]] = {}
    for key, record in latest_records(session, practice_id, rows):
        if key:
            out.setdefault(key, []).append(record)
    return out


# -- RAF and money ------------------------------------------------------------------------------


def base_rate(options: Mapping[str, Any]) -> Decimal:
    """Annual dollars per 1.0 RAF: ``hcc_base_rate`` or :data:`DEFAULT_BASE_RATE`."""
    raw = options.get("hcc_base_rate")
    if raw is None:
        return DEFAULT_BASE_RATE
    try:
        rate = Decimal(str(raw))
    except InvalidOperation:
        raise UsageError(f"hcc_base_rate {raw!r}: not a number") from None
    if not rate.is_finite() or rate < 0:
        raise UsageError(f"hcc_base_rate {raw!r}: must be zero or more")
    return rate.quantize(CENT)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def raf_delta(
    before: Sequence[str], after: Sequence[str], record: DxRecord, payment_year: int
) -> Decimal | None:
    """Raw V28 score with ``after`` minus with ``before`` (community, non-dual, aged or
    disabled by age on 1 February of the payment year); ``None`` when it cannot be scored."""
    if payment_year not in PAYMENT_YEARS or record.birth_date is None:
        return None
    sex = (record.sex or "").upper()
    if sex not in ("F", "M"):
        return None
    age = age_on(record.birth_date, dt.date(payment_year, 2, 1))
    try:
        low = raf_score(before, age, sex, payment_year=payment_year)
        high = raf_score(after, age, sex, payment_year=payment_year)
    except UsageError:
        return None
    return Decimal(str(high.raw_score)) - Decimal(str(low.raw_score))


def dollars(delta: Decimal, rate: Decimal) -> Decimal:
    return (delta * rate).quantize(CENT)


# -- recapture gaps ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Gap:
    """A chronic HCC coded last year and not yet this year."""

    hcc: str
    label: str | None
    codes: tuple[str, ...]
    last_coded: dt.date
    provider_npi: str
    raf: Decimal | None


def _hccs(table: HccTable, codes: Iterable[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for code in codes:
        for hcc in table.hccs_for(code):
            found.setdefault(hcc, []).append(code)
    return found


def recapture_gaps(
    prior: Sequence[DxRecord],
    current: Sequence[DxRecord],
    view_for: Callable[[dt.date], CodesetView],
    on: dt.date,
    subject: DxRecord,
    *,
    value: bool = True,
) -> list[Gap]:
    """Chronic HCCs of ``prior`` (already filtered to eligible encounters) that ``current``
    does not hold, nor outrank; ``on`` picks the payment year the gaps are valued in
    (``value=False``: not valued, for callers that only count gaps)."""
    table, _ = view_for(on).table("hcc")
    if table is None:
        return []
    chronic = chronic_hccs()
    last: dict[str, tuple[list[str], DxRecord]] = {}
    for record in sorted(prior, key=lambda r: r.day):
        year_table, _ = view_for(record.day).table("hcc")
        for hcc, codes in _hccs(year_table or table, record.codes).items():
            if hcc in chronic:
                last[hcc] = (codes, record)
    kept = set(table.apply_hierarchies(last))
    now_codes = [c for r in current for c in r.codes]
    now = set(_hccs(table, now_codes))
    gaps: list[Gap] = []
    for hcc in sorted(kept, key=lambda h: (len(h), h)):
        if hcc in now or hcc not in table.apply_hierarchies(now | {hcc}):
            continue
        codes, record = last[hcc]
        delta = (
            raf_delta(now_codes, [*now_codes, codes[0]], subject, table.payment_year)
            if value
            else None
        )
        gaps.append(
            Gap(hcc, table.label(hcc), tuple(codes), record.day, record.provider_npi, delta)
        )
    gaps.sort(key=lambda g: (-(g.raf or Decimal(0)), len(g.hcc), g.hcc))
    return gaps
