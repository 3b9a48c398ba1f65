"""``cleanclaim demo generate``: write the synthetic practice, month by month.

For each month of service (the last one ends at the as-of date) the practice sees
``claims_per_month`` encounters. Each is coded and billed (:mod:`.services`), maybe with an
injected error (:mod:`.errors`), and played to the as-of date (:mod:`.lifecycle`). As soon
as a month's encounters are played, every file dated in that month is final and is
written: nothing that happens later can be dated earlier than its date of service.

Output (``DIR``)::

    YYYY-MM/YYYYMMDD-837P.x12         the Friday claim batch
    YYYY-MM/YYYYMMDD-999.x12          its implementation acknowledgment (next day)
    YYYY-MM/YYYYMMDD-277CA.x12        its claim acknowledgment (two days after)
    YYYY-MM/YYYYMMDD-835-PAYERID.x12  the month's remittances of one payer (one ST per
                                      payment run; dated by the last one)
    payers.toml  worklog.csv  encounters.csv  appeals.csv  truth-ledger.csv  manifest.json

The seed contract: every random choice comes from ``random.Random`` objects seeded with
strings derived from ``seed``; the same seed and arguments give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable
from pathlib import Path

from cleanclaim.analytics.synthetic import inject
from cleanclaim.analytics.synthetic import payer_behaviour as pb
from cleanclaim.analytics.synthetic.encounter import Encounter, at
from cleanclaim.analytics.synthetic.files import (
    Summary,
    flush_month,
    next_month,
    write_sidecars,
)
from cleanclaim.analytics.synthetic.lifecycle import Lifecycle
from cleanclaim.analytics.synthetic.practice import (
    PAYERS,
    Patient,
    Practice,
    Provider,
    build_practice,
)
from cleanclaim.analytics.synthetic.services import Visit, visit
from cleanclaim.errors import UsageError

DEFAULT_AS_OF = dt.date(2026, 9, 30)


def month_starts(as_of: dt.date, months: int) -> list[dt.date]:
    first = as_of.year * 12 + as_of.month - 1 - (months - 1)
    return [dt.date(m // 12, m % 12 + 1, 1) for m in range(first, first + months)]


def generate(
    out: Path,
    *,
    seed: int = 1,
    months: int = 24,
    claims_per_month: int = 1500,
    as_of: dt.date = DEFAULT_AS_OF,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    """Write the synthetic practice to ``out`` (created if needed; must be empty).

    ``progress`` is called with one line per month written.

    Raises:
        UsageError: a bad size, or ``out`` is a file or a directory that is not empty.
    """
    if months < 1 or months > 120:
        raise UsageError(f"--months must be between 1 and 120, got {months}")
    if claims_per_month < 1 or claims_per_month > 200_000:
        raise UsageError(f"--claims-per-month must be between 1 and 200000, got {claims_per_month}")
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise UsageError(f"{out}: the output directory must be new or empty")
    out.mkdir(parents=True, exist_ok=True)
    starts = month_starts(as_of, months)
    practice = build_practice(seed, max(60, claims_per_month * 4), starts[0])
    life = Lifecycle(practice, as_of)
    recent: dict[str, list[int]] = {}
    summary = Summary(out)
    control = itertools.count(1)
    for start in starts:
        rng = random.Random(f"cleanclaim-synthetic:{seed}:{start:%Y-%m}")
        end = min(next_month(start) - dt.timedelta(days=1), as_of)
        for enc in _encounters(practice, rng, start, end, claims_per_month, as_of, recent):
            life.play(enc, rng)
        flush_month(summary, life, start, seed, control)
        if progress is not None:
            progress(
                f"{start:%Y-%m}: {claims_per_month} encounters; {len(summary.files)} files so far"
            )
    write_sidecars(summary, life, practice, seed, months, claims_per_month, as_of)
    return summary


def _weekdays(start: dt.date, end: dt.date) -> list[dt.date]:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    return [d for d in days if d.weekday() < 5] or days


_FOLLOW_UP = {"therapy": 0.75, "orthopaedics": 0.45, "cardiology": 0.45, "neurology": 0.45,
              "dermatology": 0.35}  # fmt: skip
"""Share of a specialist's visits that are follow-ups of a patient it saw in the demo."""


def _patient(
    rng: random.Random,
    practice: Practice,
    provider: Provider,
    dos: dt.date,
    taken: set[tuple[int, dt.date]],
    recent: dict[str, list[int]],
) -> Patient:
    """A patient for ``provider`` on ``dos``: children see family medicine only."""
    follow = recent.setdefault(provider.specialty, [])
    chance = _FOLLOW_UP.get(provider.specialty, 0.0)
    while True:
        if follow and rng.random() < chance:
            patient = practice.patients[rng.choice(follow[-400:])]
        else:
            patient = rng.choice(practice.patients)
        if (patient.index, dos) not in taken and (
            provider.specialty == "family" or patient.age_on(dos) >= 18
        ):
            follow.append(patient.index)
            taken.add((patient.index, dos))
            return patient


def _encounters(
    practice: Practice,
    rng: random.Random,
    start: dt.date,
    end: dt.date,
    n: int,
    as_of: dt.date,
    recent: dict[str, list[int]],
) -> list[Encounter]:
    volumes = [p.volume for p in practice.providers]
    weekdays = _weekdays(start, end)
    days = sorted(rng.choice(weekdays) for _ in range(n))
    taken: set[tuple[int, dt.date]] = set()
    coders, billers = practice.coders, practice.billers
    out = []
    for i, dos in enumerate(days, start=1):
        provider = rng.choices(practice.providers, volumes)[0]
        patient = _patient(rng, practice, provider, dos, taken, recent)
        age = patient.age_on(dos)
        new = provider.specialty not in patient.seen
        patient.seen.add(provider.specialty)
        payer = patient.primary
        v = visit(
            rng,
            provider.specialty,
            age,
            patient.chronic,
            new=new,
            medicare=PAYERS[payer].medicare_like,
            telehealth=pb.TELEHEALTH[payer],
            dos=dos,
        )
        home = {"family": 0, "internal": 0, "therapy": 2}.get(provider.specialty, 1)
        coder = coders[home] if rng.random() < 0.7 else rng.choice(coders)
        coded = at(dos + dt.timedelta(days=rng.randint(1, 3)), rng)
        billed = coded + dt.timedelta(hours=rng.randint(2, 50))
        auth_lines = tuple(k for k, ln in enumerate(v.lines) if ln.code in pb.AUTH_REQUIRED[payer])
        enc = Encounter(
            claim_id=f"RB{start:%y%m}{i:05d}",
            dos=dos,
            patient=patient,
            provider=provider,
            visit=v,
            coder=coder,
            biller=rng.choices(billers, (6, 4))[0],
            registrar=practice.front_desk[0],
            coded_at=coded,
            billed_at=billed,
            payer=payer,
            subscriber=patient.subscriber,
            auth=f"PA{rng.randint(10**7, 10**8 - 1)}" if auth_lines else "",
            auth_lines=auth_lines,
            clean_visit=Visit(v.kind, list(v.dx), list(v.lines), v.pos, v.telehealth, list(v.lab)),
        )
        inject.inject(enc, inject.Ctx(practice, as_of, rng))
        em = v.em
        if em is not None:
            enc.supported_em = enc.supported_em or v.lines[em].code
        out.append(enc)
    return out
