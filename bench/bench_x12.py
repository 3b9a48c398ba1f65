"""Benchmark the X12 reader and the 837P/835 parsers against a plain loop and two peers.

    python bench/bench_x12.py [--claims N] [--small M] [--pyx12-claims K] [--ingest-claims I]
                              [--seed S] [--no-docs]

In one run, on one core: generate 837P files of N and M claims and the 835s that answer
them (``cleanclaim.x12.generate``), then time, each in its own process (peak RSS is that
process's high-water mark):

* the floor: a plain loop that reads the file in 1 MB chunks, splits segments and elements,
  counts CLM (837) or CLP (835) segments and keeps nothing;
* this parser, file to domain objects: ``iter_envelope`` + ``parse_837`` / ``parse_835``,
  dropping each set's claims once counted (as ingest does);
* ``x12sdk`` 2.2.0 (``X12ModelReader``, then ``claims()`` of each model) on the M-claim files;
* ``pyx12`` 4.0.0 (``X12ContextReader.iter_segments`` over the 2300/2100 loops) on a
  K-claim file, extrapolated to claims per second;
* ``cleanclaim.claims.ingest.ingest_file`` into SQLite and PostgreSQL on I claims.

A peer that is not installed is skipped with a note (``x12sdk`` is a bench-only dependency:
``.venv/bin/pip install x12sdk==2.2.0``). Results go to the "X12 parsing" section of
``docs/benchmarks.md`` (or ``$CLEANCLAIM_BENCH_DOCS``). PostgreSQL is reached at
``$CLEANCLAIM_BENCH_PG_URL`` (a server URL; a scratch database is created and dropped), by
default the local server CI uses.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _report import write_section

SECTION = "X12 parsing"
TARGET_VS_X12SDK = 20.0
TARGET_VS_FLOOR = 5.0
TARGET_RSS_MB = 300.0
DEFAULT_PG = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def _child(*args: str, timeout: float = 3600, env: dict[str, str] | None = None
           ) -> dict[str, Any]:  # fmt: skip
    """Run one phase of this script in a new process; its last stdout line is JSON."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--phase", *args],
            capture_output=True, text=True, timeout=timeout, check=False,
            env={**os.environ, **(env or {})},
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": tail[:300]}
    result: dict[str, Any] = json.loads(lines[-1])
    result["wall_total_s"] = time.perf_counter() - start
    return result


def _rate(res: dict[str, Any], key: str = "cpu_s") -> float | None:
    if "error" in res or "skipped" in res or not res.get(key):
        return None
    return float(res["claims"]) / float(res[key])


def _fmt_rate(res: dict[str, Any]) -> str:
    if "skipped" in res:
        return f"skipped: {res['skipped']}"
    if "error" in res:
        return f"failed: {res['error']}"
    cpu, wall = _rate(res), _rate(res, "wall_s")
    return f"{cpu:,.0f} (wall {wall:,.0f})" if cpu and wall else "-"


def _fmt_rss(res: dict[str, Any]) -> str:
    return f"{res['rss_mb']:.0f} MB" if "rss_mb" in res else "-"


def _verdict(ok: bool | None) -> str:
    return "-" if ok is None else ("pass" if ok else "FAIL")


def _ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a and b else None


def _fmt_ratio(cpu: float | None, wall: float | None, suffix: str = "x") -> str:
    if cpu is None:
        return "-"
    return f"{cpu:.1f}{suffix} (wall {wall:.1f}{suffix})" if wall else f"{cpu:.1f}{suffix}"


def report(r: dict[str, Any], args: argparse.Namespace) -> str:
    big, small, tiny = args.claims, args.small, args.pyx12_claims
    rows = [
        "| measure | 837P | 835 | target | verdict |",
        "|---|---|---|---|---|",
    ]

    def row(label: str, p: str, q: str, target: str = "recorded", verdict: str = "-") -> None:
        rows.append(f"| {label} | {p} | {q} | {target} | {verdict} |")

    for label, size in (("big", big), ("small", small)):
        g = r["gen"][label]
        files = (f"{g['claims']:,} CLM, {g['bytes_837'] / 1e6:.1f} MB",
                 f"{g['remit_claims']:,} CLP, {g['bytes_835'] / 1e6:.1f} MB")  # fmt: skip
        row(f"generated files, {size:,} claims", *files, "", "")
    how = "compiled" if r["ours_big"]["837"].get("compiled") else "not compiled"
    for kind in ("floor", "ours_small", "ours_big", "ours_pure"):
        label = {
            "floor": f"floor: split + count, {big:,}-claim files, claims/s CPU",
            "ours_small": f"this parser ({how}), {small:,} claims, claims/s CPU",
            "ours_big": f"this parser ({how}), {big:,} claims, claims/s CPU",
            "ours_pure": f"this parser, pure Python, {big:,} claims, claims/s CPU",
        }[kind]
        row(label, _fmt_rate(r[kind]["837"]), _fmt_rate(r[kind]["835"]))
    ok_floor = {}
    for k in ("837", "835"):
        cpu = _ratio(_rate(r["floor"][k]), _rate(r["ours_big"][k]))
        wall = _ratio(_rate(r["floor"][k], "wall_s"), _rate(r["ours_big"][k], "wall_s"))
        ok_floor[k] = (cpu, wall)
    row(
        f"time / floor time, pure Python, {big:,} claims",
        *(_fmt_ratio(_ratio(_rate(r["floor"][k]), _rate(r["ours_pure"][k])),
                     _ratio(_rate(r["floor"][k], "wall_s"), _rate(r["ours_pure"][k], "wall_s")))
          for k in ("837", "835")),
    )  # fmt: skip
    col837, col835 = (_fmt_ratio(*ok_floor[k]) for k in ("837", "835"))
    row(
        f"time / floor time, {big:,} claims ({how})",
        col837,
        col835,
        f"<= {TARGET_VS_FLOOR:.0f}x",
        "; ".join(f"{k}: {_verdict(None if v[0] is None else v[0] <= TARGET_VS_FLOOR)}"
                  for k, v in ok_floor.items()),
    )  # fmt: skip
    rss = {k: r["ours_big"][k].get("rss_mb") for k in ("837", "835")}
    row(
        f"peak RSS, this parser, {big:,} claims",
        _fmt_rss(r["ours_big"]["837"]), _fmt_rss(r["ours_big"]["835"]),
        f"< {TARGET_RSS_MB:.0f} MB",
        "; ".join(f"{k}: {_verdict(None if v is None else v < TARGET_RSS_MB)}"
                  for k, v in rss.items()),
    )  # fmt: skip
    row(
        f"x12sdk 2.2.0, {small:,} claims (see note), claims/s CPU",
        _fmt_rate(r["x12sdk"]["837"]),
        _fmt_rate(r["x12sdk"]["835"]),
    )
    row("peak RSS, x12sdk", _fmt_rss(r["x12sdk"]["837"]), _fmt_rss(r["x12sdk"]["835"]))
    vs_sdk = {}
    for k in ("837", "835"):
        ours = r["ours_sdkfile"][k] if k == "837" else r["ours_small"][k]
        vs_sdk[k] = (
            _ratio(_rate(ours), _rate(r["x12sdk"][k])),
            _ratio(_rate(ours, "wall_s"), _rate(r["x12sdk"][k], "wall_s")),
        )
    col837, col835 = (_fmt_ratio(*vs_sdk[k]) for k in ("837", "835"))
    row(
        "this parser / x12sdk, same file",
        col837,
        col835,
        f">= {TARGET_VS_X12SDK:.0f}x",
        "; ".join(f"{k}: {_verdict(None if v[0] is None else v[0] >= TARGET_VS_X12SDK)}"
                  for k, v in vs_sdk.items()),
    )  # fmt: skip
    row(
        f"pyx12 4.0.0, measured on {tiny:,} claims, claims/s CPU",
        _fmt_rate(r["pyx12"]["837"]),
        _fmt_rate(r["pyx12"]["835"]),
    )
    row(f"pyx12, {small:,} claims, extrapolated (linear) CPU time",
        *(f"{small / rate:,.0f} s" if (rate := _rate(r["pyx12"][k])) else "-"
          for k in ("837", "835")))  # fmt: skip
    row("this parser / pyx12",
        *(_fmt_ratio(_ratio(_rate(r["ours_small"][k]), _rate(r["pyx12"][k])), None)
          for k in ("837", "835")))  # fmt: skip
    for backend in ("sqlite", "postgresql"):
        row(f"ingest into {backend}, {args.ingest_claims:,} claims, claims/s (wall)",
            *(_fmt_ingest(r["ingest"][backend][k]) for k in ("837", "835")))  # fmt: skip
    sdk_note = r["gen"]["small"].get("x12sdk_note", "")
    notes = [
        "",
        "Claims/s are claims (CLM on the 837P, CLP on the 835) over the process CPU time of "
        "the reading loop, best of the repeats; wall-clock rates follow in brackets. The "
        "machine is shared, so wall time carries other jobs' load; the verdicts use CPU time. "
        "Every figure comes from this one run, each tool in its own process; peak RSS is that "
        "process's high-water mark (interpreter and imports included). This parser is "
        "measured file to domain objects (`iter_envelope` + `parse_837` / `parse_835`, "
        "`Claim` / `Remittance` values), dropping each transaction set's objects once counted, "
        "as ingest does; the generator writes 5,000 claims per 837 set and one 835 set per "
        "payer and payment date. `make venv` compiles the 837 and 835 parsing modules with "
        "mypyc (`python -m cleanclaim.x12.build_parsers`, the same source; see "
        "`cleanclaim.x12._accel`), and the verdicts are for that default install; the pure "
        "Python rows are the same parser with `CLEANCLAIM_PURE_PYTHON=1`, as a wheel "
        "installed without the build runs it.",
        f"x12sdk: `X12ModelReader` and each model's `claims()`. {sdk_note}",
        f"pyx12: `X12ContextReader.iter_segments` over the claim loops of a {tiny:,}-claim "
        "file (the same generator, seed and dates), validating against its maps as it goes. "
        f"It is too slow for the {small:,}-claim files, so its time for them is extrapolated "
        "from that rate, as labelled.",
        "Ingest: `cleanclaim.claims.ingest.ingest_file` (hash, parse, store every claim, line, "
        "remittance and adjustment, one transaction per file) of the 837P and then of the 835 "
        "that answers it, into one new migrated database per backend (wall clock).",
    ]
    return "\n".join(rows + notes)


def _fmt_ingest(res: dict[str, Any]) -> str:
    if "skipped" in res:
        return f"skipped: {res['skipped']}"
    if "error" in res:
        return f"failed: {res['error']}"
    rate = res["claims"] / res["wall_s"] if res.get("wall_s") else 0
    extra = f", {res['quarantined']} quarantined" if res.get("quarantined") else ""
    return f"{rate:,.0f} ({res['wall_s']:.1f} s{extra})"


# -- phases, each run in its own process -------------------------------------------------------


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM; ru_maxrss would inherit the parent's at fork)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Any, repeat: int) -> dict[str, Any]:
    """Best wall and CPU time of ``repeat`` calls of ``fn`` (which returns a dict of counts)."""
    best: dict[str, Any] = {}
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        out = fn()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if not best or cpu < best["cpu_s"]:
            best = {**out, "cpu_s": cpu}
        best["wall_s"] = min(wall, best.get("wall_s", wall))
    return {**best, "rss_mb": _rss_mb()}


def phase_generate(dest: str, label: str, n: str, seed: str) -> dict[str, Any]:
    from datetime import date

    from cleanclaim.x12.generate import (
        random_practice_claims,
        random_remits_for,
        write_835,
        write_837p,
    )

    claims = random_practice_claims(int(seed), int(n), date(2026, 1, 1), date(2026, 3, 31))
    out = Path(dest)
    kw: dict[str, Any] = {"sender": "SUBMITTER1", "receiver": "RECEIVER1", "seed": int(seed)}
    (out / f"{label}.837").write_text(write_837p(claims, created=date(2026, 4, 1), **kw),
                                      "latin-1")  # fmt: skip
    remits = random_remits_for(claims, int(seed))
    (out / f"{label}.835").write_text(
        write_835(remits, sender="PAYER1", receiver="SUBMITTER1", created=date(2026, 5, 1)),
        "latin-1",
    )
    result: dict[str, Any] = {
        "claims": len(claims),
        "remit_claims": sum(len(r.claims) for r in remits),
        "bytes_837": (out / f"{label}.837").stat().st_size,
        "bytes_835": (out / f"{label}.835").stat().st_size,
    }
    if label == "small":
        # x12sdk 2.2.0 keeps only the first 2430 loop (SVD) of a line, so SE01 no longer
        # matches and it rejects the whole set: give it the claims without a tertiary payer.
        kept = [c for c in claims if len(c.other_payers) < 2]
        (out / "small.x12sdk.837").write_text(
            write_837p(kept, created=date(2026, 4, 1), **kw), "latin-1"
        )
        result["x12sdk_note"] = (
            f"Its 837P is a copy without the {len(claims) - len(kept)} claims that have a "
            f"tertiary payer ({len(kept):,} claims; this parser is timed on that copy too for "
            "the ratio): x12sdk 2.2.0 keeps only the first 2430 loop (SVD) of a service line, "
            "its SE01 count check then fails and it rejects the whole set. It reads GS08 "
            "005010X222A1 as it is (no rewrite needed)."
        )
    return result


def phase_floor(path: str, segment_id: str, repeat: str) -> dict[str, Any]:
    def run() -> dict[str, Any]:
        count, rest = 0, ""
        with open(path, "rb") as fh:
            while data := fh.read(1 << 20):
                segments = (rest + data.decode("latin-1")).split("~")
                rest = segments.pop()
                for seg in segments:
                    if seg.split("*")[0] == segment_id:
                        count += 1
        return {"claims": count}

    return _timed(run, int(repeat))


def phase_ours(path: str, repeat: str) -> dict[str, Any]:
    from cleanclaim.x12.envelope import TransactionKind, TransactionSet, iter_envelope
    from cleanclaim.x12.parse835 import parse_835
    from cleanclaim.x12.parse837 import parse_837

    kinds_837 = (TransactionKind.PROFESSIONAL_837, TransactionKind.INSTITUTIONAL_837)

    from cleanclaim.x12.gctune import bulk_parsing

    def run() -> dict[str, Any]:
        with bulk_parsing():
            return _run()

    def _run() -> dict[str, Any]:
        claims = lines = sets = bad = 0
        for item in iter_envelope(Path(path)):
            if not isinstance(item, TransactionSet):
                bad += sum(1 for g in item.groups if not g.ok) + (item.error is not None)
                continue
            sets += 1
            bad += not item.ok
            if item.kind in kinds_837:
                found = parse_837(item, path_name=path)
                claims += len(found)
                lines += sum(len(c.lines) for c in found)
            elif item.kind is TransactionKind.REMITTANCE_835:
                remit = parse_835(item.segments, item.delimiters, path,
                                  control_number=item.control_number)  # fmt: skip
                claims += len(remit.claims)
                lines += sum(len(c.lines) for c in remit.claims)
        return {"claims": claims, "lines": lines, "sets": sets, "damaged": bad}

    result = _timed(run, int(repeat))
    result["compiled"] = not sys.modules[parse_837.__module__].__file__.endswith(".py")
    return result


def phase_x12sdk(path: str) -> dict[str, Any]:
    try:
        from x12sdk.io import X12ModelReader
    except ImportError:
        return {"skipped": "x12sdk is not installed (pip install x12sdk==2.2.0)"}

    def run() -> dict[str, Any]:
        claims = 0
        with X12ModelReader(path) as reader:
            for model in reader.models():
                claims += sum(1 for _ in getattr(model, "claims")())  # noqa: B009
        return {"claims": claims}

    try:
        return _timed(run, 1)
    except Exception as exc:  # report the peer's failure, do not hide it
        return {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"}


def phase_pyx12(path: str, loop: str) -> dict[str, Any]:
    try:
        import logging

        import pyx12.error_handler
        import pyx12.params
        import pyx12.x12context
    except ImportError:
        return {"skipped": "pyx12 is not installed"}
    logging.getLogger("pyx12").setLevel(logging.CRITICAL)

    def run() -> dict[str, Any]:
        claims = 0
        with open(path, encoding="latin-1") as fh:
            reader = pyx12.x12context.X12ContextReader(
                pyx12.params.params(), pyx12.error_handler.errh_null(), fh
            )
            for node in reader.iter_segments(loop):
                claims += int(node.id == loop)
        return {"claims": claims}

    return _timed(run, 1)


def phase_ingest(claims_path: str, remit_path: str, backend: str, pg_url: str, tmp: str
                 ) -> dict[str, Any]:  # fmt: skip
    """Ingest the 837P, then the 835 that answers it, into one new database."""
    try:
        from cleanclaim.claims.ingest import ingest_file
    except ImportError:
        return {"skipped": "not measured yet: cleanclaim.claims.ingest has no ingest_file"}
    import sqlalchemy as sa

    from cleanclaim.storage.accounts import actor
    from cleanclaim.storage.db import make_engine, session_scope
    from cleanclaim.storage.migrate import upgrade

    scratch = f"cleanclaim_bench_{os.getpid()}"
    admin = None
    url = f"sqlite:///{Path(tmp) / (scratch + '.db')}"
    if backend == "postgresql":
        admin = sa.create_engine(pg_url, isolation_level="AUTOCOMMIT")
        try:
            with admin.connect() as conn:
                conn.execute(sa.text(f"CREATE DATABASE {scratch}"))
        except Exception as exc:
            return {"skipped": f"PostgreSQL not reachable ({type(exc).__name__})"}
        url = pg_url.rsplit("/", 1)[0] + "/" + scratch
    try:
        engine = make_engine(url)
        upgrade(engine)
        with session_scope(engine) as session:
            who = actor(session, "system", "default")
        out: dict[str, Any] = {}
        for kind, path in (("837", claims_path), ("835", remit_path)):
            wall = time.perf_counter()
            report = ingest_file(Path(path), who, engine=engine)
            out[kind] = {"claims": report.claims, "wall_s": time.perf_counter() - wall,
                         "quarantined": len(report.quarantined)}  # fmt: skip
        engine.dispose()
        return out
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(sa.text(f"DROP DATABASE IF EXISTS {scratch} WITH (FORCE)"))
            admin.dispose()


PHASES: dict[str, Any] = {
    "generate": phase_generate,
    "floor": phase_floor,
    "ours": phase_ours,
    "x12sdk": phase_x12sdk,
    "pyx12": phase_pyx12,
    "ingest": phase_ingest,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--pyx12-claims", type=int, default=1_000)
    parser.add_argument("--ingest-claims", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--seed", type=int, default=20260704)
    parser.add_argument("--no-docs", action="store_true", help="print only; write no docs")
    parser.add_argument("--phase", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        name, *rest = args.phase
        print(json.dumps(PHASES[name](*rest)))
        return 0

    pg = os.environ.get("CLEANCLAIM_BENCH_PG_URL", DEFAULT_PG)
    rep = str(args.repeat)
    with tempfile.TemporaryDirectory(prefix="bench-x12-") as tmp:
        d = Path(tmp)
        r: dict[str, Any] = {"gen": {}}
        sizes = {"big": args.claims, "small": args.small, "tiny": args.pyx12_claims,
                 "ingest": args.ingest_claims}  # fmt: skip
        for label, n in sizes.items():
            r["gen"][label] = _child("generate", str(d), label, str(n), str(args.seed))
            if "error" in r["gen"][label]:
                raise SystemExit(f"generating {label} failed: {r['gen'][label]['error']}")
        f = {label: {k: str(d / f"{label}.{k}") for k in ("837", "835")} for label in sizes}
        ids = {"837": "CLM", "835": "CLP"}
        r["floor"] = {k: _child("floor", f["big"][k], ids[k], rep) for k in ids}
        r["ours_big"] = {k: _child("ours", f["big"][k], rep) for k in ids}
        r["ours_small"] = {k: _child("ours", f["small"][k], rep) for k in ids}
        pure = {"CLEANCLAIM_PURE_PYTHON": "1"}
        r["ours_pure"] = {k: _child("ours", f["big"][k], rep, env=pure) for k in ids}
        sdk837 = str(d / "small.x12sdk.837")
        r["ours_sdkfile"] = {"837": _child("ours", sdk837, rep)}
        r["x12sdk"] = {"837": _child("x12sdk", sdk837), "835": _child("x12sdk", f["small"]["835"])}
        r["pyx12"] = {k: _child("pyx12", f["tiny"][k], {"837": "2300", "835": "2100"}[k])
                      for k in ids}  # fmt: skip
        r["ingest"] = {}
        for backend in ("sqlite", "postgresql"):
            got = _child("ingest", f["ingest"]["837"], f["ingest"]["835"], backend, pg, str(d))
            r["ingest"][backend] = got if "837" in got else {"837": got, "835": got}
        body = report(r, args)
    print(body)
    if not args.no_docs:
        write_section(SECTION, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
