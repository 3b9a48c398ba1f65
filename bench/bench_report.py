"""Benchmark the monthly report against one plain GROUP BY scan of the tables it reads.

    python bench/bench_report.py [--months 24] [--claims-per-month 2300] [--scale 10]
                                 [--repeats 3] [--backends sqlite postgresql]
                                 [--workdir DIR] [--reuse] [--keep] [--no-docs]

Targets (issue 7): building the report of one month takes no more than 3 times one plain
GROUP BY scan over the same tables on the same backend, at about 100k and at about 1M claim
lines; and 10 times the data takes no more than 12 times the time.

Data, per backend. The 1x database is the synthetic demo practice (``cleanclaim demo
generate``) run through the real pipeline, ``cleanclaim.analytics.demo_run.run_demo``:
migrate, payers, ingest (parse, scrub, match) every X12 file, work log, appeals, classify.
The 10x database is a copy of the 1x one in which every practice-owned row is replicated
``scale - 1`` times inside the database with ``INSERT ... SELECT`` (``_replicate.py``): new
ids, every foreign key remapped, claim numbers, claim keys, patient keys and payer claim
numbers made distinct per copy, dates unchanged, still one practice. Ingesting ten times the
claims through the parser would take hours on the 2-core machine. Databases live under
``--workdir`` (SQLite files; PostgreSQL databases ``cleanclaim_bench_report_1x`` / ``_10x``
on ``$CLEANCLAIM_BENCH_PG_URL``, dropped at the end unless ``--keep``); ``--reuse`` keeps
what an earlier run built there.

Measure, per backend and size, in one new process: a warm-up of each, then ``--repeats``
alternating rounds of (a) ``build_monthly_report`` for the last month and (b) the baseline;
best of each, wall and process CPU time. Results go to the "Monthly report" section of
``docs/benchmarks.md`` (or ``$CLEANCLAIM_BENCH_DOCS``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _report import write_section
from _report_db import (
    analyze,
    db_url,
    env,
    marker,
    pg_drop,
    pg_exists,
    phase_build,
    phase_replicate,
    practice_id,
    ready,
    say,
)

SECTION = "Monthly report"
TARGET_RATIO = 3.0
TARGET_SCALING = 12.0
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
BACKENDS = ("sqlite", "postgresql")
BASIS = {"sqlite": "cpu_s", "postgresql": "wall_s"}
"""Verdict basis: on SQLite all the work is this process's CPU; on PostgreSQL much is the
server's, so wall time."""
LABEL = {"cpu_s": "CPU", "wall_s": "wall"}
BASELINE: tuple[tuple[str, str, str], ...] = (
    ("claim", "submitted_on", "total_charge"),
    ("claim_fact", "record_day", "diagnoses"),
    ("claim_line", "service_from", "charge"),
    ("claim_scrub", "status", "claim_id"),
    ("scrub_finding", "rule", "claim_id"),
    ("remit_claim", "received", "paid"),
    ("remittance", "payment_date", "total_paid"),
    ("remit_line", "service_from", "paid"),
    ("denial", "remit_date", "amount"),
    ("work_log", "coder", "id"),
    ("appeal", "filed_on", "paid"),
    ("denial_episode", "resolved_on", "amount"),
    ("hcc_recapture_month", "month", "due"),
)
"""(table, GROUP BY column, summed column): one scan per table the report reads."""


def _child(*args: str, timeout: float = 6 * 3600) -> dict[str, Any]:
    """Run one phase of this script in a new process; its last stdout line is JSON."""
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--phase", *args],
            stdout=subprocess.PIPE, stderr=None, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        why = " (SIGKILL: out of memory?)" if proc.returncode == -9 else " (see stderr)"
        return {"error": f"phase {args[0]} exited with {proc.returncode}{why}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


# -- measuring -----------------------------------------------------------------------------


def _baseline(session: Any, practice_id: int) -> int:
    """One plain GROUP BY scan per table; returns the number of groups read."""
    from sqlalchemy import text

    groups = 0
    for table, key, amount in BASELINE:
        sql = (
            f"SELECT {key}, count(*), sum({amount}) FROM {table} WHERE practice_id = :p GROUP BY 1"
        )
        groups += len(session.execute(text(sql), {"p": practice_id}).all())
    return groups


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _timed(fn: Any) -> tuple[float, float, Any]:
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, out


def phase_measure(backend: str, work: str, pg_url: str, size: str, repeats: str,
                  month: str) -> dict[str, Any]:  # fmt: skip
    """Alternate report and baseline; best of each, wall and CPU; row counts."""
    from sqlalchemy import text

    from cleanclaim.analytics.monthly import build_monthly_report
    from cleanclaim.analytics.report.base import Month
    from cleanclaim.codesets.store import default_store
    from cleanclaim.storage.db import make_engine, session_scope
    from cleanclaim.storage.migrate import current_revision, upgrade

    url = db_url(backend, work, pg_url, size)
    env(work, url)
    engine = make_engine(url)
    before = current_revision(engine)
    if upgrade(engine) != before and backend == "postgresql":  # a reused, older database
        analyze(url)
    pid = practice_id(engine)
    # What the pipeline does once the data changed (``run_demo``, ``cleanclaim report
    # monthly``): store the resolved denial episodes and HCC recapture by month. The 10x
    # copy has none yet.
    store = default_store()
    refresh = _refresh(engine, pid, store)
    if backend == "postgresql" and not all(r["current"] for r in refresh.values()):
        analyze(url)
    year, mon = (int(x) for x in month.split("-"))
    rows: dict[str, int] = {}
    with session_scope(engine) as session:
        for table, _, _ in BASELINE:
            q = text(f"SELECT count(*) FROM {table} WHERE practice_id = :p")
            rows[table] = int(session.scalar(q, {"p": pid}))

    def report() -> Any:
        with session_scope(engine) as session:
            return build_monthly_report(session, pid, Month(year, mon), store=store)

    def baseline() -> int:
        with session_scope(engine) as session:
            return _baseline(session, pid)

    runs: dict[str, list[tuple[float, float]]] = {"report": [], "baseline": []}
    report(), baseline()  # warm-up: code sets, caches, connections
    data: Any = None
    for _ in range(int(repeats)):
        wall, cpu, data = _timed(report)
        runs["report"].append((wall, cpu))
        wall, cpu, _ = _timed(baseline)
        runs["baseline"].append((wall, cpu))
    engine.dispose()
    best = {k: {"wall_s": min(w for w, _ in v), "cpu_s": min(c for _, c in v)}
            for k, v in runs.items()}  # fmt: skip
    return {"rows": rows, **best, "runs": runs, "rss_mb": _rss_mb(), "refresh": refresh,
            "headline": len(data.headline) if data else 0}  # fmt: skip


def _refresh(engine: Any, pid: int, store: Any) -> dict[str, dict[str, Any]]:
    """Store the derived rows, each in its own transaction, timed."""
    from cleanclaim.analytics.monthly.episode_store import refresh_episodes
    from cleanclaim.analytics.monthly.hcc_store import refresh_hcc
    from cleanclaim.storage.db import session_scope

    def episodes() -> Any:
        with session_scope(engine) as session:
            return refresh_episodes(session, pid, user="bench")

    def hcc() -> Any:
        with session_scope(engine) as session:
            return refresh_hcc(session, pid, store, user="bench")

    out: dict[str, dict[str, Any]] = {}
    for name, fn in (("episodes", episodes), ("hcc", hcc)):
        wall, cpu, done = _timed(fn)
        out[name] = {"wall_s": wall, "cpu_s": cpu, "rows": done.rows, "current": done.current}
    return out


PHASES: dict[str, Any] = {
    "build": phase_build,
    "replicate": phase_replicate,
    "measure": phase_measure,
}


# -- report --------------------------------------------------------------------------------


def _verdict(ok: bool) -> str:
    return "pass" if ok else "FAIL"


def _refresh_row(row: Any, size: str, refresh: dict[str, Any] | None) -> str:
    label = (f"{size}: storing the resolved denial episodes and HCC recapture by month "
             "(once per change of the data), wall / CPU")  # fmt: skip
    if not refresh or "hcc" not in refresh:
        return row(label, "not measured")
    parts = []
    for name, what in (("episodes", "episode versions"), ("hcc", "provider-months")):
        r = refresh[name]
        parts.append(
            f"{name}: already stored" if r["current"]
            else f"{name}: {r['wall_s']:.1f} s / {r['cpu_s']:.1f} s, {r['rows']:,} {what}"
        )  # fmt: skip
    return row(label, "; ".join(parts))


def _backend_rows(backend: str, r: dict[str, Any], scale: int) -> list[str]:
    def row(label: str, value: str, target: str = "recorded", verdict: str = "-") -> str:
        return f"| {backend} | {label} | {value} | {target} | {verdict} |"

    out: list[str] = []
    basis = BASIS[backend]
    for size in ("1x", f"{scale}x"):
        res = r.get(size, {})
        if "error" in res or "skipped" in res:
            what = f"skipped: {res['skipped']}" if "skipped" in res else f"failed: {res['error']}"
            out.append(row(f"{size}", what))
            continue
        rep, base = res["report"], res["baseline"]
        ratio = {k: rep[k] / base[k] if base[k] else float("inf") for k in ("wall_s", "cpu_s")}
        other = "cpu_s" if basis == "wall_s" else "wall_s"
        lines = res["rows"]["claim_line"]
        out += [
            row(f"{size}: rows (claim lines / claims / denials)",
                f"{lines:,} / {res['rows']['claim']:,} / {res['rows']['denial']:,}"),
            row(f"{size}: report, wall / CPU", f"{rep['wall_s']:.2f} s / {rep['cpu_s']:.2f} s"),
            row(f"{size}: peak RSS of the measuring process", f"{res['rss_mb']:,.0f} MB"),
            _refresh_row(row, size, res.get("refresh")),
            row(f"{size}: baseline GROUP BY scans, wall / CPU",
                f"{base['wall_s']:.2f} s / {base['cpu_s']:.2f} s"),
            row(f"{size}: report / baseline ({LABEL[basis]})",
                f"{ratio[basis]:.2f}x ({LABEL[other]} {ratio[other]:.2f}x)",
                f"<= {TARGET_RATIO:.0f}x", _verdict(ratio[basis] <= TARGET_RATIO)),
        ]  # fmt: skip
    one, ten = r.get("1x", {}), r.get(f"{scale}x", {})
    if "report" in one and "report" in ten:
        growth = ten["report"][basis] / one["report"][basis]
        data = ten["rows"]["claim_line"] / one["rows"]["claim_line"]
        out.append(
            row(f"report time {scale}x / 1x ({LABEL[basis]}; data {data:.1f}x)",
                f"{growth:.2f}x", f"<= {TARGET_SCALING:.0f}x", _verdict(growth <= TARGET_SCALING))
        )  # fmt: skip
    build, rep = r.get("build", {}), r.get("replicate", {})
    if "wall_s" in build:
        out.append(row("1x build: demo pipeline (generate + ingest + work log + appeals + "
                       "classify + report)", f"{build['wall_s'] / 60:.1f} min"
                       + (" (reused)" if build.get("reused") else "")))  # fmt: skip
    if "wall_s" in rep:
        out.append(row(f"{scale}x build: SQL replication", f"{rep['wall_s'] / 60:.1f} min, "
                       f"{rep['rows_added']:,} rows added"
                       + (" (reused)" if rep.get("reused") else "")))  # fmt: skip
    return out


def report(r: dict[str, Any], args: argparse.Namespace) -> str:
    scans = "; ".join(f"`{t}` by `{k}`, sum(`{a}`)" for t, k, a in BASELINE)
    rows = [
        f"Data: the synthetic demo practice, {args.months} months x {args.claims_per_month:,} "
        f"claims per month (seed 1, as of 2026-09-30), and a copy of it replicated to "
        f"{args.scale}x; the report is built for {r['month']}. Best of {args.repeats} "
        "alternating rounds per size.",
        "",
        "| backend | measure | value | target | verdict |",
        "|---|---|---|---|---|",
    ]
    for backend in args.backends:
        rows += _backend_rows(backend, r[backend], args.scale)
    notes = [
        "",
        "**1x** is built by the real pipeline, `cleanclaim.analytics.demo_run.run_demo` "
        "(generate; migrate; payers; ingest every 837P, 999, 277CA and 835 file with the "
        "scrubber on; work log; appeals; classify). "
        f"**{args.scale}x** is that database copied (SQLite backup API; PostgreSQL "
        f"`CREATE DATABASE ... TEMPLATE`) and every practice-owned row replicated "
        f"{args.scale - 1} more times inside the database with `INSERT ... SELECT` "
        "(`bench/_replicate.py`): new ids, every foreign key remapped, CLM01/CLP01, claim "
        "keys, patient keys, payer claim numbers and file and remittance hashes made "
        "distinct per copy, dates unchanged, still one practice, so the report reads "
        f"{args.scale} times the rows. Ingesting {args.scale} times the claims through the "
        "parser and scrubber would take hours on this shared 2-core machine; the copies "
        "have the same shape as the original (same dates, codes, payers and people), so "
        "per-month groups grow by the factor while the number of groups does not. "
        "PostgreSQL databases are `VACUUM ANALYZE`d after loading; SQLite is left as the "
        "application leaves it (no `ANALYZE`). A database reused from an earlier run is "
        "first migrated to the current schema (not timed; the migration that added "
        "`claim_fact` fills it from the stored claims).",
        "",
        "**Report**: `build_monthly_report(session, practice_id, month, "
        "store=default_store())` in a new session, computed in full (12-month trend, denial "
        "episodes, the month's denials and parties, scrub findings, HCC recapture, queue, "
        "coverage), without rendering. The resolved denial episodes and HCC recapture are "
        "read from `denial_episode` and `hcc_recapture_month`, where the pipeline stores "
        "them once the data changed (`refresh_episodes`, `refresh_hcc`, run by `cleanclaim "
        "report monthly` and the demo); the measuring process stores them first, and the "
        'row "storing the resolved denial episodes and HCC recapture" gives that time. '
        '**Baseline** ("one plain GROUP BY scan over the same '
        'tables"): for each table the report reads, one `SELECT key, count(*), sum(x) FROM '
        "t WHERE practice_id = ? GROUP BY 1` fetched in full, summed over the tables: "
        f"{scans}. Each measurement runs in one new process per backend and size, after "
        "one warm-up of each; times are the best of the rounds, wall clock and this "
        "process's CPU; peak RSS is that process's high-water mark (imports, report and "
        "baseline included). Verdicts use CPU time on SQLite (all the work is in this process, "
        "and the shared machine's load inflates wall time) and wall time on PostgreSQL "
        "(much of the work is the server's, so wall times there carry other jobs' load). "
        "On PostgreSQL the report runs its six independent reads on two extra connections "
        "that import its transaction's snapshot (`cleanclaim.analytics.monthly.concurrent`, "
        "docs/report.md), so the server works on one while Python works on another; the "
        "baseline's scans run one after another on one connection, as the target words it.",
    ]
    return "\n".join(rows + notes)


# -- main ----------------------------------------------------------------------------------


def run_backend(backend: str, work: str, pg: str, args: argparse.Namespace) -> dict[str, Any]:
    """Build (or reuse) both sizes on one backend, then measure both."""
    if backend == "postgresql":
        try:
            pg_exists(pg, "1x")
        except Exception as exc:
            skipped = {"skipped": f"PostgreSQL not reachable ({type(exc).__name__})"}
            return {"1x": skipped, f"{args.scale}x": skipped}
    out: dict[str, Any] = {}
    want = {"months": args.months, "claims_per_month": args.claims_per_month}
    big = f"{args.scale}x"
    if args.reuse and ready(work, backend, "1x", pg, want):
        out["build"] = {**json.loads(marker(work, backend, "1x").read_text()), "reused": True}
    else:
        marker(work, backend, big).unlink(missing_ok=True)
        out["build"] = _child("build", backend, work, pg, str(args.months),
                              str(args.claims_per_month))  # fmt: skip
        marker(work, backend, "1x").write_text(json.dumps({**out["build"], "options": want}))
    want_big = {**want, "scale": args.scale}
    if args.reuse and ready(work, backend, big, pg, want_big):
        out["replicate"] = {**json.loads(marker(work, backend, big).read_text()),
                            "reused": True}  # fmt: skip
    else:
        out["replicate"] = _child("replicate", backend, work, pg, str(args.scale))
        marker(work, backend, big).write_text(json.dumps({**out["replicate"],
                                                           "options": want_big}))  # fmt: skip
    for size in ("1x", big):
        say(f"measuring {backend} {size}")
        out[size] = _child("measure", backend, work, pg, size, str(args.repeats), args.month)
    if backend == "postgresql" and not args.keep:
        for size in ("1x", big):
            pg_drop(pg, size)
            marker(work, backend, size).unlink(missing_ok=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--claims-per-month", type=int, default=2300)
    parser.add_argument("--scale", type=int, default=10, help="size of the large database")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--month", default="2026-09", help="report month (the demo's last)")
    parser.add_argument("--backends", nargs="+", choices=BACKENDS, default=list(BACKENDS))
    parser.add_argument("--workdir", help="keep the databases here (default: a temp dir)")
    parser.add_argument("--reuse", action="store_true", help="reuse databases in --workdir")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases")
    parser.add_argument("--no-docs", action="store_true", help="print only; write no docs")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        name, *rest = args.phase
        print(json.dumps(PHASES[name](*rest)))
        return 0
    if args.scale < 2:
        parser.error("--scale must be at least 2")

    pg = os.environ.get("CLEANCLAIM_BENCH_PG_URL", DEFAULT_PG)
    tmp = None if args.workdir else tempfile.mkdtemp(prefix="bench-report-")
    work = str(Path(args.workdir or tmp or ".").resolve())
    Path(work).mkdir(parents=True, exist_ok=True)
    try:
        r: dict[str, Any] = {"month": args.month}
        for backend in args.backends:
            r[backend] = run_backend(backend, work, pg, args)
        body = report(r, args)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)
    print(body)
    if not args.no_docs:
        write_section(SECTION, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
