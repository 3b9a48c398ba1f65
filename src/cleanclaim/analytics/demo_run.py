"""The main job end to end on the synthetic practice: what ``make demo`` runs.

1. generate the synthetic practice into ``<dir>/practice`` (or reuse it when its manifest
   has the same seed, size and as-of date);
2. migrate the database, seed the payer defaults and install the bundled code sets;
3. create the ``demo`` practice (its own tenant, apart from the user's practices) and
   import the demo payers;
4. ingest every X12 file in date order (837P, 999, 277CA, 835; ingest scrubs each claim);
5. import the work log, classify the denials, and import the appeals (which name them);
6. reconcile resubmissions, and score the classification against the truth ledger;
7. write the report of the last month in every format into ``<dir>/reports``.

Every step is idempotent: a second run ingests nothing new and rewrites the same report.
Progress goes to a callback (``step``, ``done``, ``total``) so that shells can draw it.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from cleanclaim.analytics.recovery import Recovery
from cleanclaim.analytics.report.base import Month
from cleanclaim.analytics.report.model import ReportData

DEMO_PRACTICE = "demo"
REPORT_FORMATS = ("html", "xlsx", "pdf", "json")

Progress = Callable[[str, int, int], None]
"""``progress(step, done, total)``: ``total`` 0 for a step without a count."""


@dataclass(frozen=True)
class DemoOptions:
    """The synthetic practice to run on (the ``demo generate`` defaults)."""

    seed: int = 1
    months: int = 24
    claims_per_month: int = 1500
    as_of: dt.date = dt.date(2026, 9, 30)


@dataclass
class DemoResult:
    """What the run did, how long each step took, and the report it wrote."""

    practice_dir: Path
    reused: bool
    files_ingested: int = 0
    files_already_known: int = 0
    quarantined: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    report: ReportData | None = None
    paths: list[Path] = field(default_factory=list)
    recovery: Recovery | None = None
    """The classification scored against the generator's truth ledger."""


def _matches(manifest: Path, options: DemoOptions) -> bool:
    try:
        data = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(
        data.get("seed") == options.seed
        and data.get("months") == options.months
        and data.get("claims_per_month") == options.claims_per_month
        and data.get("as_of") == options.as_of.isoformat()
    )


def _x12_files(practice_dir: Path) -> list[Path]:
    """Every X12 file; names start with their date, so path order is ingest order."""
    return sorted(practice_dir.glob("*/*.x12"))


def run_demo(
    out: Path,
    options: DemoOptions | None = None,
    *,
    user: str = "system",
    progress: Progress | None = None,
) -> DemoResult:
    """Run the whole job (module docstring) into ``out``; return what happened."""
    from cleanclaim.analytics.monthly import build_monthly_report, store_derived
    from cleanclaim.analytics.recovery import measure
    from cleanclaim.analytics.report import write_report
    from cleanclaim.analytics.synthetic import generate
    from cleanclaim.claims.ingest import ingest_file
    from cleanclaim.codesets.store import default_store
    from cleanclaim.denials.appeals_import import import_appeals_csv
    from cleanclaim.denials.payer_error import reconcile_resubmissions
    from cleanclaim.denials.service import classify_practice
    from cleanclaim.denials.worklog import import_worklog
    from cleanclaim.payers.registry import import_file, seed_defaults
    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import refresh_statistics, session_scope
    from cleanclaim.storage.migrate import upgrade

    opts = options or DemoOptions()
    tell: Progress = progress or (lambda step, done, total: None)
    practice_dir = out / "practice"
    result = DemoResult(practice_dir, reused=_matches(practice_dir / "manifest.json", opts))
    clock = time.perf_counter()

    def lap(step: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        result.seconds[step] = round(now - clock, 1)
        clock = now

    if not result.reused:
        tell("Generating the synthetic practice", 0, 0)
        if practice_dir.exists():
            practice_dir = out / f"practice-{opts.seed}-{opts.as_of.isoformat()}"
            result.practice_dir = practice_dir
        generate(
            practice_dir,
            seed=opts.seed,
            months=opts.months,
            claims_per_month=opts.claims_per_month,
            as_of=opts.as_of,
        )
    lap("generate")
    tell("Preparing the database and code sets", 0, 0)
    upgrade()
    with session_scope() as session:
        seed_defaults(session)
    default_store().releases()
    manifest = json.loads((practice_dir / "manifest.json").read_text(encoding="utf-8"))
    with session_scope() as session:
        _ensure_practice(session, manifest)
        who = actor(session, user, DEMO_PRACTICE)
        import_file(session, practice_dir / "payers.toml", by=user)
    lap("prepare")
    files = _x12_files(practice_dir)
    for n, path in enumerate(files, 1):
        tell("Ingesting X12 files", n - 1, len(files))
        report = ingest_file(path, who)
        if report.duplicate:
            result.files_already_known += 1
        else:
            result.files_ingested += 1
        result.quarantined += len(report.quarantined)
    tell("Ingesting X12 files", len(files), len(files))
    refresh_statistics()
    lap("ingest")
    tell("Importing the work log and the appeals", 0, 0)
    with session_scope() as session:
        import_worklog(session, who, practice_dir / "worklog.csv")
    with session_scope() as session:
        classify_practice(session, who.practice_id, user=user)
    with session_scope() as session:
        import_appeals_csv(session, who, practice_dir / "appeals.csv")
    refresh_statistics()
    lap("worklog and appeals")
    tell("Classifying denials", 0, 0)
    with session_scope() as session:
        # Denials were classified before the appeals were imported (appeals name them).
        # Appeals are not among the classifier's inputs, so classifying again would find
        # every denial unchanged; what is left of ``classify_and_reconcile`` is the
        # reconciliation of resubmissions, after the appeals, as readers run it.
        reconcile_resubmissions(session, who.practice_id, user=user)
        # The report reads the resolved denial episodes and HCC recapture stored here (a
        # no-op when the stored ones are already those of the data).
        store_derived(session, who.practice_id, default_store(), user=user)
        result.recovery = measure(session, who.practice_id, practice_dir / "truth-ledger.csv")
    lap("classify")
    tell("Computing and writing the report", 0, 0)
    month = Month(opts.as_of.year, opts.as_of.month)
    with session_scope() as session:
        data = build_monthly_report(
            session, who.practice_id, month, store=default_store(), synthetic=True
        )
    reports = out / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    result.report = data
    result.paths = [write_report(data, fmt, reports) for fmt in REPORT_FORMATS]
    lap("report")
    return result


def _ensure_practice(session: Session, manifest: dict[str, object]) -> None:
    from sqlalchemy import select

    from cleanclaim.storage.accounts import SYSTEM_USER, add_practice
    from cleanclaim.storage.models import Practice

    if session.scalar(select(Practice).where(Practice.key == DEMO_PRACTICE)) is not None:
        return
    info = manifest.get("practice")
    name = str(info.get("name")) if isinstance(info, dict) else "Demo practice"
    npi = str(info.get("billing_npi")) if isinstance(info, dict) else None
    add_practice(
        session, key=DEMO_PRACTICE, name=name, by=SYSTEM_USER, billing_npis=[npi] if npi else None
    )
