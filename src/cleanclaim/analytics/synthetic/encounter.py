"""One encounter of the synthetic practice and the 837 claims built from it."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from cleanclaim.analytics.synthetic.practice import (
    DemoPayer,
    Patient,
    Practice,
    Provider,
    Staff,
    weekday_on_or_after,
)
from cleanclaim.analytics.synthetic.services import FEES, Visit
from cleanclaim.x12.generate.model import (
    GenClaim,
    GenLine,
    GenLineAdjudication,
    GenOtherPayer,
    Practitioner,
    Subscriber,
)

Fix = Callable[[str, str], GenClaim]
"""(frequency, original payer claim number) -> the corrected claim."""


def batch_day(day: dt.date) -> dt.date:
    """Claims go out in the Friday batch on or after the day they are billed."""
    return weekday_on_or_after(day, 4)


def at(day: dt.date, rng: random.Random) -> dt.datetime:
    """A working-hours time on ``day``."""
    return dt.datetime.combine(day, dt.time(rng.randint(8, 16), rng.choice((0, 15, 30, 45))))


@dataclass
class Encounter:
    """An encounter as registered, coded and billed (errors included)."""

    claim_id: str
    dos: dt.date
    patient: Patient
    provider: Provider
    visit: Visit
    coder: Staff
    biller: Staff
    registrar: Staff
    coded_at: dt.datetime
    billed_at: dt.datetime
    payer: str
    """Key of the payer the claim is sent to (normally the patient's primary)."""
    subscriber: Subscriber
    sequence: str = "P"
    rendering: Practitioner | None = None
    auth: str = ""
    """The prior authorization number obtained (empty: none)."""
    auth_lines: tuple[int, ...] = ()
    """Lines that need the authorization at this payer."""
    other_payers: tuple[GenOtherPayer, ...] = ()
    error: str = ""
    """Slug of the injected error (:mod:`.errors`), or empty."""
    affected: int | None = None
    """Index of the line the error sits on, when it is a line error."""
    supported_em: str = ""
    """Office E/M code the documentation supports (empty: no office E/M line)."""
    clean_visit: Visit | None = None
    """The visit as it should have been coded (for corrected claims)."""
    notes: dict[str, str] = field(default_factory=dict)


def line_charge(code: str, units: int) -> Decimal:
    return FEES[code] * units


def build_claim(
    enc: Encounter,
    practice: Practice,
    *,
    visit: Visit | None = None,
    payer: DemoPayer | None = None,
    subscriber: Subscriber | None = None,
    sequence: str | None = None,
    other_payers: tuple[GenOtherPayer, ...] | None = None,
    adjudications: dict[int, tuple[GenLineAdjudication, ...]] | None = None,
    frequency: str = "1",
    original: str = "",
    auth: bool = True,
) -> GenClaim:
    """The 837P claim of ``enc`` (fields can be overridden for later versions)."""
    v = visit or enc.visit
    demo = payer or practice.payers[enc.payer]
    auth_no = enc.auth if auth else ""
    lines = []
    for k, ln in enumerate(v.lines):
        lines.append(
            GenLine(
                ln.code,
                line_charge(ln.code, ln.units),
                enc.dos,
                Decimal(ln.units),
                ln.mods,
                ln.ptrs,
                control_number=f"{enc.claim_id}-{k + 1}",
                prior_auth=auth_no if k in enc.auth_lines else "",
                adjudications=(adjudications or {}).get(k, ()),
            )
        )
    pt = enc.patient
    return GenClaim(
        claim_id=enc.claim_id,
        billing=practice.billing,
        payer=demo.payer,
        subscriber=subscriber or enc.subscriber,
        diagnoses=tuple(v.dx),
        lines=tuple(lines),
        rendering=enc.rendering or enc.provider.practitioner,
        patient=pt.dependent,
        patient_relationship=pt.relationship,
        sbr_sequence=sequence or enc.sequence,
        filing_indicator=demo.filing_indicator,
        place_of_service=v.pos,
        frequency=frequency,
        original_reference=original,
        prior_auth=auth_no if enc.auth_lines else "",
        other_payers=enc.other_payers if other_payers is None else other_payers,
    )
