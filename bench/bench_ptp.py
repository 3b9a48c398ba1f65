"""Benchmark the NCCI PTP loader and lookups on a synthetic full-size practitioner table.

    python bench/bench_ptp.py [--pairs N] [--lookups M] [--seed S] [--no-docs]

In one run: generate a CMS-layout table of N rows (four ``-fN`` parts in one zip, deleted
and indicator-9 rows included) in a temporary directory; import it through the real loader
(new process: time and peak RSS); time a cold ``import`` of the code-set package and the
PTP loader; time a warm start (new process: open the store, first lookup); then, in one
process, run M claim-like lookups (both column orders, dated, about half without an edit)
through the table and through a plain dict ``{(c1, c2): [(eff, del, ind), ...]}`` built
from the same rows, and compare the rates. Results go to the "NCCI PTP lookups" section of
``docs/benchmarks.md`` (or ``$CLEANCLAIM_BENCH_DOCS``). The data is synthetic: codes look
like CPT/HCPCS codes but the pairs are random.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from _report import write_section

STARTED = time.perf_counter()
SECTION = "NCCI PTP lookups"
KIND = "ncci-ptp-practitioner"
ZIP_NAME = "medicare-ncci-2026q2-practitioner-ptp-edits-ccipra-v321r0.zip"
TARGET_WARM_S = 1.0
TARGET_RATIO = 1 / 3
RATIONALES = [
    "Misuse of Column Two code with Column One code",
    "Standards of medical/surgical practice",
    "CPT Manual or CMS manual coding instruction",
    "HCPCS/CPT procedure code definition",
    "CPT Separate procedure definition",
    "Mutually exclusive procedures",
    "Anesthesia service included in surgical procedure",
]
PREAMBLE = (
    "CPT only copyright 2025 American Medical Association.  All rights reserved.\r\n"
    "Column1/Column2 Edits\r\n"
    "Column 1\tColumn 2\t*=in existence\tEffective\tDeletion\tModifier\tPTP Edit Rationale\r\n"
    "\t\tprior to 1996\tDate\tDate\t0=not allowed\t\r\n"
    "\t\t\t\t*=no data\t1=allowed\t\r\n"
    "\t\t\t\t\t9=not applicable\t\r\n"
)


# -- synthetic data ---------------------------------------------------------------------------


def _code_universe(rng: random.Random) -> list[str]:
    numeric = rng.sample(range(10004, 99500), 19000)
    codes = [f"{n:05d}" for n in numeric]
    codes += [f"G{n:04d}" for n in rng.sample(range(0, 10000), 2500)]
    codes += [f"J{n:04d}" for n in rng.sample(range(0, 10000), 1500)]
    codes += [f"{n:04d}T" for n in rng.sample(range(0, 1000), 800)]
    return sorted(codes)


def _quarter_starts() -> list[dt.date]:
    return [
        dt.date(y, m, 1)
        for y in range(1996, 2027)
        for m in (1, 4, 7, 10)
        if dt.date(y, m, 1) <= dt.date(2026, 4, 1)
    ]


def generate(dest: Path, pairs: int, seed: int) -> Path:
    """Write the synthetic table as four text parts in one zip; return the zip's path."""
    rng = random.Random(seed)
    universe = _code_universe(rng)
    n_col1 = max(10, min(len(universe) - 1, pairs // 130))
    col1_codes = sorted(rng.sample(universe, n_col1))
    weights = [rng.paretovariate(1.2) for _ in col1_codes]
    scale = pairs / sum(weights)
    starts = _quarter_starts()
    lines: list[str] = []
    for c1, weight in zip(col1_codes, weights, strict=True):
        count = max(1, min(len(universe) - 1, round(weight * scale)))
        for c2 in sorted(rng.sample(universe, count)):
            if c2 == c1:
                continue
            lines.extend(_rows(rng, c1, c2, starts))
            if len(lines) >= pairs:
                break
        if len(lines) >= pairs:
            break
    parts = [lines[i * len(lines) // 4 : (i + 1) * len(lines) // 4] for i in range(4)]
    path = dest / ZIP_NAME
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for number, part in enumerate(parts, start=1):
            body = PREAMBLE + "".join(part)
            zf.writestr(f"ccipra-v321r0-f{number}.txt", body.encode("latin-1"))
    return path


def _rows(rng: random.Random, c1: str, c2: str, starts: list[dt.date]) -> list[str]:
    eff = rng.choice(starts)
    prior = "*" if eff.year == 1996 and rng.random() < 0.5 else ""
    ind = "1" if rng.random() < 0.7 else "0"
    why = rng.choice(RATIONALES)
    roll = rng.random()
    if roll < 0.01:  # deleted retroactively: indicator 9, deletion = effective date
        return [f"{c1}\t{c2}\t{prior}\t{eff:%Y%m%d}\t{eff:%Y%m%d}\t9\t{why}\r\n"]
    if roll < 0.16 and eff < starts[-1]:  # deleted at the end of a later quarter
        end = rng.choice([s for s in starts if s > eff]) - dt.timedelta(days=1)
        out = [f"{c1}\t{c2}\t{prior}\t{eff:%Y%m%d}\t{end:%Y%m%d}\t{ind}\t{why}\r\n"]
        if rng.random() < 0.2:  # added again later
            again = rng.choice([s for s in starts if s > end])
            out.append(f"{c1}\t{c2}\t\t{again:%Y%m%d}\t*\t{ind}\t{why}\r\n")
        return out
    return [f"{c1}\t{c2}\t{prior}\t{eff:%Y%m%d}\t*\t{ind}\t{why}\r\n"]


# -- phases, each in its own process ------------------------------------------------------------


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM; ru_maxrss would inherit the parent's at fork)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def phase_import(store_dir: Path, file: Path) -> dict[str, Any]:
    from cleanclaim.codesets.store import CodesetStore

    start = time.perf_counter()
    release, new = CodesetStore(store_dir, include_bundled=False).import_file(KIND, file)
    seconds = time.perf_counter() - start
    return {
        "seconds": seconds,
        "rows": release.row_count,
        "new": new,
        "rss_mb": _rss_mb(),
        "window": f"{release.effective_from} to {release.effective_to}",
        "completeness": release.completeness.value,
        "version": release.version,
    }


def phase_warm(store_dir: Path, started: float) -> dict[str, Any]:
    from cleanclaim.codesets.loaders.ncci_ptp import ptp_edits
    from cleanclaim.codesets.store import CodesetStore
    from cleanclaim.codesets.view import CodesetView

    view = CodesetView(CodesetStore(store_dir, include_bundled=False), dt.date(2026, 5, 4))
    answer = ptp_edits(view, KIND, "99213", "96372")
    return {
        "seconds": time.perf_counter() - started,
        "found": answer.found,
        "completeness": answer.completeness.value,
        "rss_mb": _rss_mb(),
    }


def _lookups(file: Path, count: int, seed: int) -> tuple[list[tuple[str, str, dt.date]], Any]:
    from cleanclaim.codesets.kinds import ImportOptions
    from cleanclaim.codesets.loaders.ncci_ptp import parse

    rows, _ = parse(file, ImportOptions(), KIND).payload
    rng = random.Random(seed + 1)
    col1 = sorted({r[0] for r in rows})
    common = set(rng.sample(col1, min(len(col1), 3000)))
    common_rows = [r for r in rows if r[0] in common]
    codes = sorted({r[0] for r in rows} | {r[1] for r in rows})
    common_codes = sorted(common)
    span = (dt.date(2026, 6, 30) - dt.date(2020, 1, 1)).days
    out = []
    for _ in range(count):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(span))
        if rng.random() < 0.5:
            r = rng.choice(common_rows if rng.random() < 0.9 else rows)
            a, b = (r[0], r[1]) if rng.random() < 0.5 else (r[1], r[0])
        else:
            pool = common_codes if rng.random() < 0.9 else codes
            a, b = rng.choice(pool), rng.choice(codes)
        out.append((a, b, day))
    return out, rows


def phase_lookups(store_dir: Path, file: Path, count: int, seed: int) -> dict[str, Any]:
    from cleanclaim.codesets.store import CodesetStore

    lookups, rows = _lookups(file, count, seed)
    base: dict[tuple[str, str], list[tuple[dt.date, dt.date | None, int]]] = {}
    for c1, c2, eff, dele, ind, _prior, _rat in rows:
        base.setdefault((c1, c2), []).append(
            (dt.date.fromordinal(eff), dt.date.fromordinal(dele) if dele else None, ind)
        )
    del rows

    def dict_edits(a: str, b: str, on: dt.date) -> list[tuple[dt.date, dt.date | None, int]]:
        out: list[tuple[dt.date, dt.date | None, int]] = []
        found = base.get((a, b))
        if found:
            out += [r for r in found if r[0] <= on and (r[1] is None or on <= r[1])]
        if a != b:
            found = base.get((b, a))
            if found:
                out += [r for r in found if r[0] <= on and (r[1] is None or on <= r[1])]
        return out

    store = CodesetStore(store_dir, include_bundled=False)
    table = store.table(store.releases(KIND)[0])
    timings: dict[str, float] = {}
    hits: dict[str, int] = {}
    for label, fn in (
        ("table_first", table.edits),
        ("table", table.edits),
        ("dict", dict_edits),
        ("dict_again", dict_edits),
    ):
        start = time.perf_counter()
        found = 0
        for a, b, on in lookups:
            if fn(a, b, on):
                found += 1
        timings[label] = time.perf_counter() - start
        hits[label] = found
    if hits["table"] != hits["dict"]:
        raise SystemExit(f"table and dict disagree: {hits}")
    dict_s = min(timings["dict"], timings["dict_again"])
    decoded = sum(1 for shard in table._shards.values() if shard)
    return {
        "count": count,
        "hits": hits["table"],
        "shards": decoded,
        "table_first_s": timings["table_first"],
        "table_s": timings["table"],
        "dict_s": dict_s,
        "rss_mb": _rss_mb(),
    }


def cold_import() -> dict[str, float]:
    """Self time totals from ``python -X importtime`` for the package and the PTP loader."""
    out: dict[str, float] = {}
    for label, module in (
        ("codesets", "cleanclaim.codesets.store"),
        ("ncci_ptp", "cleanclaim.codesets.loaders.ncci_ptp"),
    ):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        cumulative = {
            ln.split("|")[2].strip(): int(ln.split("|")[1])
            for ln in err.splitlines()
            if ln.startswith("import time:")
            and ln.count("|") == 2
            and ln.split("|")[1].strip().isdigit()
        }
        out[label] = cumulative.get(module, 0) / 1e6
    return out


def _child(*args: str) -> dict[str, Any]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"phase {args[1]} failed:\n{proc.stderr}")
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.perf_counter() - start
    return result


def report(res: dict[str, dict[str, Any]], gen_s: float, size_mb: float) -> str:
    imp, warm, look, cold = res["import"], res["warm"], res["lookups"], res["cold"]
    table_rate = look["count"] / look["table_s"]
    first_rate = look["count"] / look["table_first_s"]
    dict_rate = look["count"] / look["dict_s"]
    ratio = table_rate / dict_rate
    ok_warm = warm["wall_s"] < TARGET_WARM_S
    ok_ratio = ratio >= TARGET_RATIO
    ok_rows = imp["rows"] >= 2_000_000

    def verdict(ok: bool) -> str:
        return "pass" if ok else "FAIL"

    return "\n".join(
        [
            f"Synthetic practitioner table: {imp['rows']:,} rows in 4 parts, one zip of "
            f"{size_mb:.0f} MB (generated in {gen_s:.1f} s; release {imp['version']}, "
            f"{imp['window']}, {imp['completeness']}).",
            "",
            "| measure | result | target | verdict |",
            "|---|---|---|---|",
            f"| rows in the table | {imp['rows']:,} | >= 2,000,000 | {verdict(ok_rows)} |",
            f"| import (parse + compile index), new process | {imp['seconds']:.1f} s, "
            f"peak RSS {imp['rss_mb']:.0f} MB | recorded | - |",
            f"| cold `import cleanclaim.codesets.store` / `...loaders.ncci_ptp` (importtime, "
            f"cumulative) | {cold['codesets'] * 1000:.0f} ms / {cold['ncci_ptp'] * 1000:.0f} ms "
            "| recorded | - |",
            f"| warm start: new process, imports + open store + first lookup (wall clock) | "
            f"{warm['wall_s'] * 1000:.0f} ms (in-process {warm['seconds'] * 1000:.0f} ms), "
            f"peak RSS {warm['rss_mb']:.0f} MB | < 1 s | {verdict(ok_warm)} |",
            f"| lookups/s, table, first pass (decodes {look['shards']:,} shards on the way) | "
            f"{first_rate:,.0f} | recorded | - |",
            f"| lookups/s, table, warm | {table_rate:,.0f} | | |",
            f"| lookups/s, plain dict, same loop | {dict_rate:,.0f} | | |",
            f"| ratio table / dict (warm) | {ratio:.2f} | >= 0.33 | {verdict(ok_ratio)} |",
            f"| peak RSS of the lookup process (dict + table + lookups) | {look['rss_mb']:.0f} MB "
            "| recorded | - |",
            "",
            f"{look['count']:,} lookups: each asks for the edits between two codes on one date of "
            "service in both column orders; half are pairs that have an edit row (90% among 3,000 "
            f"common column-1 codes), half are random pairs; {look['hits']:,} found an edit in "
            "force. The dict holds `{(c1, c2): [(effective, deletion, indicator), ...]}` with "
            "dates as `datetime.date`; the table returns `PtpEdit` rows. The dict's own build "
            "time is not counted. Store opened without bundled fixtures.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=2_100_000)
    parser.add_argument("--lookups", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=20260704)
    parser.add_argument("--no-docs", action="store_true", help="print only; write no docs")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--store", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase:
        if args.phase == "import":
            result = phase_import(args.store, args.file)
        elif args.phase == "warm":
            result = phase_warm(args.store, STARTED)
        else:
            result = phase_lookups(args.store, args.file, args.lookups, args.seed)
        print(json.dumps(result))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-ptp-") as tmp:
        start = time.perf_counter()
        file = generate(Path(tmp), args.pairs, args.seed)
        gen_s = time.perf_counter() - start
        store = Path(tmp) / "store"
        res = {"import": _child("--phase", "import", "--store", str(store), "--file", str(file))}
        res["warm"] = _child("--phase", "warm", "--store", str(store))
        res["lookups"] = _child(
            "--phase",
            "lookups",
            "--store",
            str(store),
            "--file",
            str(file),
            "--lookups",
            str(args.lookups),
            "--seed",
            str(args.seed),
        )
        res["cold"] = cold_import()
        body = report(res, gen_s, file.stat().st_size / 1e6)
    print(body)
    if not args.no_docs:
        write_section(SECTION, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
