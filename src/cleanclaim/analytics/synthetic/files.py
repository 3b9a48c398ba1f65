"""Writing the synthetic practice: the month's X12 files, then the sidecars and manifest.

X12 files of a month go to ``DIR/YYYY-MM/``: each Friday's 837P batch with its 999 and
277CA, and one 835 per payer holding each of the month's payment runs as a transaction
set. Every name starts with the file's date (``YYYYMMDD-837P.x12``, ``-999``, ``-277CA``,
``-835-PAYERID`` for the last payment of the month), so that sorting the paths gives an
order in which claims come before their acknowledgments and remittances. Sidecars
(``worklog.csv``, ``encounters.csv``, ``appeals.csv``), the truth ledger
(``truth-ledger.csv``), the payer registry (``payers.toml``) and ``manifest.json`` are
written once, at the end.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import json
import random
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from cleanclaim import __version__
from cleanclaim.analytics.synthetic.ledger import write_csv
from cleanclaim.analytics.synthetic.lifecycle import Lifecycle
from cleanclaim.analytics.synthetic.practice import (
    CLEARINGHOUSE_ID,
    PAYERS,
    PRACTICE_NAME,
    SUBMITTER_ID,
    Practice,
    registry_entries,
)
from cleanclaim.payers.registry import export_toml
from cleanclaim.x12.generate import (
    VERSION_837P,
    Ack999Group,
    Ack999Transaction,
    GenClaimPayment,
    GenProviderAdjustment,
    GenRemit,
    Party,
    write_277ca,
    write_835,
    write_837p,
    write_999,
)

GENERATOR = "cleanclaim-synthetic-1"
"""Version of the generation rules (recorded in manifest.json)."""
_SUBMITTER = Party(SUBMITTER_ID, PRACTICE_NAME)
_CLEARING = Party(CLEARINGHOUSE_ID, "DEMO CLEARINGHOUSE")
_PER_SET = 5000
_ENCOUNTER_COLUMNS = ("claim_id", "date", "problems", "data", "risk", "total_minutes")
_WORKLOG_COLUMNS = ("claim_id", "registrar", "coder", "biller", "coded_at", "billed_at")
APPEAL_COLUMNS = ("claim_id", "filed_on", "outcome", "paid", "outcome_on", "filed_by",
                  "payer_id", "payer_claim_number", "level")  # fmt: skip
"""Columns of appeals.csv (the first four are what ``denials appeal`` takes)."""


@dataclass
class Summary:
    """What one run wrote."""

    out: Path
    files: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


def next_month(day: dt.date) -> dt.date:
    return dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)


def flush_month(
    summary: Summary, life: Lifecycle, start: dt.date, seed: int, control: itertools.count[int]
) -> None:
    """Write every file dated in the month of ``start``."""
    folder = summary.out / f"{start:%Y-%m}"
    book = life.book
    stop = next_month(start)
    for batch in sorted(d for d in book.submissions if start <= d < stop):
        acks = book.submissions.pop(batch)
        number = next(control)
        x837 = write_837p(
            [a.claim for a in acks],
            sender=_SUBMITTER,
            receiver=_CLEARING,
            control_number=number,
            created=batch,
            seed=seed,
            claims_per_transaction=_PER_SET,
        )
        _write(summary, folder / f"{batch:%Y%m%d}-837P.x12", x837)
        summary.counts["837 claims"] += len(acks)
        day = batch + dt.timedelta(days=1)
        if day <= life.as_of:
            x999 = write_999([_ack999(number, len(acks))], sender=_CLEARING, receiver=_SUBMITTER,
                             control_number=next(control), created=day, seed=seed)  # fmt: skip
            _write(summary, folder / f"{day:%Y%m%d}-999.x12", x999)
        day = batch + dt.timedelta(days=2)
        if day <= life.as_of:
            x277 = write_277ca(acks, sender=_CLEARING, receiver=_SUBMITTER,
                               control_number=next(control), created=day, seed=seed)  # fmt: skip
            _write(summary, folder / f"{day:%Y%m%d}-277CA.x12", x277)
            summary.counts["277CA rejections"] += sum(1 for a in acks if not a.accepted)
    keys = sorted(k for k in book.payments if start <= k[0] < stop)
    rng = random.Random(f"cleanclaim-synthetic:{seed}:remit:{start:%Y-%m}")
    for key in sorted(PAYERS):
        payer = PAYERS[key]
        remits = [
            _remit(rng, key, day, book.payments.pop((day, k)), life) for day, k in keys if k == key
        ]
        if not remits:
            continue
        last = max(r.payment_date for r in remits)
        x835 = write_835(remits, sender=Party(payer.payer_id, payer.payer.name),
                         receiver=_SUBMITTER, control_number=next(control), created=last,
                         seed=seed)  # fmt: skip
        _write(summary, folder / f"{last:%Y%m%d}-835-{payer.payer_id}.x12", x835)
        summary.counts["835 claims"] += sum(len(r.claims) for r in remits)
        summary.counts["835 remits"] += len(remits)


def _ack999(control_number: int, claims: int) -> Ack999Group:
    """The 999 accepting every transaction set of an 837 written with ``_PER_SET`` claims."""
    sets = tuple(
        Ack999Transaction("837", f"{i:04d}", "A", version=VERSION_837P)
        for i in range(1, (claims + _PER_SET - 1) // _PER_SET + 1)
    )
    return Ack999Group("HC", str(control_number), VERSION_837P, sets)


def _remit(
    rng: random.Random, key: str, day: dt.date, claims: list[GenClaimPayment], life: Lifecycle
) -> GenRemit:
    payer = PAYERS[key]
    total = sum((c.paid for c in claims), Decimal(0))
    plb: list[GenProviderAdjustment] = []
    if total > 0 and rng.random() < 0.08:
        plb.append(
            GenProviderAdjustment(
                "L6", -Decimal(rng.randint(50, 2500)).scaleb(-2), claims[0].payer_claim_number
            )
        )
    if total > 200 and rng.random() < 0.05:
        recovery = min(
            Decimal(rng.randint(2000, 15000)).scaleb(-2),
            (total * Decimal("0.4")).quantize(Decimal("0.01")),
        )
        plb.append(GenProviderAdjustment("WO", recovery, rng.choice(claims).payer_claim_number))
    left = total - sum((p.amount for p in plb), Decimal(0))
    if left < 0:
        plb.append(GenProviderAdjustment("FB", left, claims[0].payer_claim_number))
    method = "NON" if total <= 0 else "CHK" if rng.random() < 0.15 else "ACH"
    trace = (
        f"{rng.randint(10**7, 10**8 - 1)}"
        if method == "CHK"
        else f"{rng.randint(10**11, 10**12 - 1)}"
    )
    return GenRemit(
        payer.payer,
        life.practice.billing,
        trace,
        day,
        tuple(claims),
        tuple(plb),
        method=method,
        production_date=day - dt.timedelta(days=1),
    )


def _write(summary: Summary, path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="ascii", newline="")
    summary.files.append(path.relative_to(summary.out).as_posix())


def _csv(summary: Summary, name: str, columns: tuple[str, ...], rows: list[list[str]]) -> None:
    path = summary.out / name
    with path.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(columns)
        out.writerows(rows)
    summary.files.append(name)


def write_sidecars(
    summary: Summary,
    life: Lifecycle,
    practice: Practice,
    seed: int,
    months: int,
    claims_per_month: int,
    as_of: dt.date,
) -> None:
    book = life.book
    fmt = "%Y-%m-%dT%H:%M"
    work = sorted(book.worklog, key=lambda r: (r[5], r[0], r[4]))
    _csv(
        summary,
        "worklog.csv",
        _WORKLOG_COLUMNS,
        [
            [c, r, co, b, coded.strftime(fmt), billed.strftime(fmt)]
            for c, r, co, b, coded, billed in work
        ],
    )
    _csv(
        summary,
        "encounters.csv",
        _ENCOUNTER_COLUMNS,
        [
            [e[c] for c in _ENCOUNTER_COLUMNS]
            for e in sorted(book.encounters, key=lambda e: (e["date"], e["claim_id"]))
        ],
    )
    _csv(
        summary,
        "appeals.csv",
        APPEAL_COLUMNS,
        [
            [a[c] for c in APPEAL_COLUMNS]
            for a in sorted(book.appeals, key=lambda a: (a["filed_on"], a["claim_id"]))
        ],
    )
    ledger = sorted(
        book.ledger, key=lambda r: (r.date, r.claim_id, r.payer_claim_number, r.line or 0, r.carc)
    )
    write_csv(ledger, summary.out / "truth-ledger.csv")
    summary.files.append("truth-ledger.csv")
    header = (
        "# Payer registry of the cleanclaim synthetic demo practice (made-up payers).\n"
        "# Import with `cleanclaim payers import payers.toml`.\n\n"
    )
    (summary.out / "payers.toml").write_text(
        header + export_toml(registry_entries(practice)), encoding="utf-8"
    )
    summary.files.append("payers.toml")
    summary.counts.update(book.counts)
    summary.counts["ledger rows"] = len(ledger)
    summary.counts["appeals"] = len(book.appeals)
    summary.counts["work log rows"] = len(work)
    summary.counts["encounter rows"] = len(book.encounters)
    manifest = {
        "generator": GENERATOR,
        "cleanclaim": __version__,
        "seed": seed,
        "months": months,
        "claims_per_month": claims_per_month,
        "as_of": as_of.isoformat(),
        "practice": {
            "billing_npi": practice.billing.npi,
            "name": practice.billing.name,
            "providers": [
                {"npi": p.practitioner.npi, "specialty": p.specialty} for p in practice.providers
            ],
            "coders": [s.user for s in practice.coders],
            "billers": [s.user for s in practice.billers],
            "front_desk": [s.user for s in practice.front_desk],
        },
        "counts": dict(sorted(summary.counts.items())),
        "files": sorted(summary.files),
    }
    (summary.out / "manifest.json").write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    summary.files.append("manifest.json")
