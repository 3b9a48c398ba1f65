"""Benchmark the scrubber: parse alone vs parse + every rule, on synthetic full-size tables.

    python bench/bench_scrub.py [--claims N] [--pairs P] [--seed S] [--no-docs]

In one run: generate an 837P of N claims (``cleanclaim.x12.generate``, dates of service
2026-07-01..2026-09-30, so the bundled fixture NCCI/MUE quarter and ICD-10-CM FY2026 apply);
write a synthetic FULL-size practitioner PTP table (P rows in the CMS layout, the pairs the
claims use included) and a synthetic full practitioner MUE table (every code of the PTP
universe and of the claims); import both into a temporary store next to the bundled
fixtures as ``full`` releases for 2026-07-01..2026-09-30. Then, in one new process pinned
to one core, time (process CPU time) two passes over the same file: parse alone
(``iter_envelope`` + ``parse_837``), and parse + ``Scrubber(store).scrub(claim,
payer=medicare)`` for every claim. Claims are dropped after each transaction set, so memory
is bounded by the set size plus the batch history the scrubber keeps. Results go to the
"Scrubber" section of ``docs/benchmarks.md`` (or ``$CLEANCLAIM_BENCH_DOCS``). The data is
synthetic: codes look like CPT/HCPCS codes but pairs and limits are random.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

from _report import write_section
from bench_ptp import PREAMBLE, _code_universe, _quarter_starts, _rows

SECTION = "Scrubber"
TARGET_RATIO = 3.0
TARGET_RSS_MB = 1500.0
START, END = dt.date(2026, 7, 1), dt.date(2026, 9, 30)
PTP_KIND, MUE_KIND = "ncci-ptp-practitioner", "mue-practitioner"
PTP_ZIP = "medicare-ncci-2026q3-practitioner-ptp-edits-ccipra-v323r0.zip"
MUE_CSV = "MCR_MUE_PractitionerServices_Eff_07-01-2026.csv"
MUE_HEAD = (
    '"CPT codes, descriptions and other data only are copyright 2025 American Medical '
    'Association. All rights reserved.",,,\r\n'
    '"HCPCS/\r\nCPT Code","Practitioner Services MUE Values","MUE Adjudication Indicator",'
    '"MUE Rationale"\r\n'
)
MAI = ["1 Line Edit", "2 Date of Service Edit: Policy", "3 Date of Service Edit: Clinical"]


def _rss_mb() -> float:
    """Peak RSS of this process (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


# -- synthetic inputs ---------------------------------------------------------------------------


def generate_claims(dest: Path, n: int, seed: int) -> tuple[Path, set[str], set[tuple[str, str]]]:
    """Write the 837P; return its path, the procedure codes used and the code pairs."""
    from cleanclaim.x12.generate import random_practice_claims, write_837p

    claims = random_practice_claims(seed, n, START, END)
    codes: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for claim in claims:
        used = sorted({ln.procedure for ln in claim.lines if ln.procedure})
        codes.update(used)
        pairs.update((a, b) for i, a in enumerate(used) for b in used[i + 1 :])
    path = dest / "claims.837"
    text = write_837p(claims, sender="SUBMITTER1", receiver="RECEIVER1",
                      created=dt.date(2026, 10, 1), seed=seed)  # fmt: skip
    path.write_text(text, "latin-1")
    return path, codes, pairs


def generate_ptp(
    dest: Path, n_pairs: int, seed: int, claim_codes: set[str], claim_pairs: set[tuple[str, str]]
) -> tuple[Path, list[str]]:
    """Write a CMS-layout PTP zip of about ``n_pairs`` rows; return it and the code universe."""
    rng = random.Random(seed)
    universe = sorted(set(_code_universe(rng)) | claim_codes)
    starts = _quarter_starts()
    lines: list[str] = []
    for c1, c2 in sorted(claim_pairs):  # the pairs the claims use, both orders now and then
        a, b = (c1, c2) if rng.random() < 0.5 else (c2, c1)
        lines.extend(_rows(rng, a, b, starts))
    col1 = sorted(rng.sample(universe, max(10, min(len(universe) - 1, n_pairs // 100))))
    weights = [rng.paretovariate(1.2) for _ in col1]
    scale = 1.5 * max(0, n_pairs - len(lines)) / sum(weights)  # caps cut the heavy tail
    for c1, weight in zip(col1, weights, strict=True):
        if len(lines) >= n_pairs:
            break
        count = max(1, min(len(universe) - 1, round(weight * scale)))
        for c2 in sorted(rng.sample(universe, count)):
            if len(lines) >= n_pairs:
                break
            if c2 != c1 and (c1, c2) not in claim_pairs and (c2, c1) not in claim_pairs:
                lines.extend(_rows(rng, c1, c2, starts))
    parts = [lines[i * len(lines) // 4 : (i + 1) * len(lines) // 4] for i in range(4)]
    path = dest / PTP_ZIP
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for number, part in enumerate(parts, start=1):
            zf.writestr(
                f"ccipra-v323r0-f{number}.txt", (PREAMBLE + "".join(part)).encode("latin-1")
            )
    return path, universe


def generate_mue(dest: Path, codes: list[str], seed: int) -> Path:
    """Write a CMS-layout practitioner MUE CSV with one row per code."""
    rng = random.Random(seed + 2)
    rows = [
        f'{code},{rng.choice((1, 1, 1, 2, 3, 4, 6, 10, 99))},"{rng.choice(MAI)}","Clinical: Data"'
        for code in codes
    ]
    path = dest / MUE_CSV
    path.write_text(MUE_HEAD + "\r\n".join(rows) + "\r\n", "latin-1")
    return path


def phase_import(store_dir: Path, ptp: Path, mue: Path) -> dict[str, Any]:
    from cleanclaim.codesets.kinds import ImportOptions
    from cleanclaim.codesets.store import CodesetStore

    store = CodesetStore(store_dir)
    options = ImportOptions(effective_from=START, effective_to=END, completeness="full")
    out: dict[str, Any] = {}
    for label, kind, file in (("ptp", PTP_KIND, ptp), ("mue", MUE_KIND, mue)):
        start = time.perf_counter()
        release, _ = store.import_file(kind, file, options)
        out[label] = {"rows": release.row_count, "seconds": time.perf_counter() - start,
                      "completeness": release.completeness.value}  # fmt: skip
    out["rss_mb"] = _rss_mb()
    return out


# -- the measurement ------------------------------------------------------------------------------


def phase_measure(store_dir: Path, claims_file: Path, repeat: int = 2) -> dict[str, Any]:
    """Parse alone, then parse + scrub, in this process (pinned to one core)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[-1]})
    from cleanclaim.codesets.store import CodesetStore
    from cleanclaim.edits.engine import Scrubber
    from cleanclaim.payers.registry import BUNDLED, read_toml
    from cleanclaim.x12.envelope import TransactionKind, TransactionSet, iter_envelope
    from cleanclaim.x12.parse837 import parse_837

    medicare = read_toml(BUNDLED)[0]
    store = CodesetStore(store_dir)
    Scrubber(store).scrub(
        next(c for item in iter_envelope(claims_file) if isinstance(item, TransactionSet)
             for c in parse_837(item, path_name=str(claims_file))), payer=medicare,
    )  # fmt: skip  # warm up: open the tables once, outside the timed passes

    def run(scrub: bool) -> dict[str, Any]:
        scrubber = Scrubber(store)
        claims = findings = coverage = 0
        status: dict[str, int] = {}
        wall, cpu = time.perf_counter(), time.process_time()
        for item in iter_envelope(claims_file):
            if not isinstance(item, TransactionSet):
                continue
            if item.kind is not TransactionKind.PROFESSIONAL_837:
                continue
            for claim in parse_837(item, path_name=str(claims_file)):
                claims += 1
                if scrub:
                    result = scrubber.scrub(claim, payer=medicare)
                    findings += len(result.findings)
                    coverage += len(result.coverage)
                    status[result.status.value] = status.get(result.status.value, 0) + 1
        return {"claims": claims, "findings": findings, "coverage": coverage, "status": status,
                "cpu_s": time.process_time() - cpu, "wall_s": time.perf_counter() - wall,
                "rss_mb": _rss_mb()}  # fmt: skip

    parse, full = run(scrub=False), run(scrub=True)
    for _ in range(repeat - 1):  # alternate the passes; keep the best CPU time of each
        parse = min(parse, run(scrub=False), key=lambda r: r["cpu_s"])
        full = min(full, run(scrub=True), key=lambda r: r["cpu_s"])
    from cleanclaim.x12.gctune import bulk_parsing

    with bulk_parsing():  # the collector thresholds ingest uses, for both passes
        bulk = {"parse": run(scrub=False), "scrub": run(scrub=True)}
    return {"parse": parse, "scrub": full, "bulk": bulk}


def _child(*args: str) -> dict[str, Any]:
    proc = subprocess.run([sys.executable, __file__, "--phase", *args],
                          capture_output=True, text=True, check=False)  # fmt: skip
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise SystemExit(f"phase {args[0]} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def report(res: dict[str, Any], args: argparse.Namespace, gen: dict[str, float]) -> str:
    imp, parse, scrub = res["import"], res["measure"]["parse"], res["measure"]["scrub"]
    n = parse["claims"]
    bulk = res["measure"]["bulk"]
    bulk_ratio = bulk["scrub"]["cpu_s"] / bulk["parse"]["cpu_s"] if bulk["parse"]["cpu_s"] else 0.0
    ratio = scrub["cpu_s"] / parse["cpu_s"] if parse["cpu_s"] else float("inf")
    per_claim_ms = (scrub["cpu_s"] - parse["cpu_s"]) / max(n, 1) * 1000
    ok_ratio, ok_rss = ratio <= TARGET_RATIO, scrub["rss_mb"] < TARGET_RSS_MB
    ok_ptp = imp["ptp"]["rows"] >= 2_000_000

    def verdict(ok: bool) -> str:
        return "pass" if ok else "FAIL"

    status = ", ".join(f"{k} {v:,}" for k, v in sorted(scrub["status"].items()))
    return "\n".join(
        [
            f"{n:,} generated professional claims (seed {args.seed}, dates of service "
            f"{START} to {END}, file {gen['mb']:.0f} MB, generated in {gen['claims_s']:.0f} s); "
            f"synthetic practitioner PTP table of {imp['ptp']['rows']:,} rows and MUE table "
            f"of {imp['mue']['rows']:,} codes imported as `full` releases for the quarter "
            f"(imports {imp['ptp']['seconds']:.0f} s and {imp['mue']['seconds']:.1f} s), on top "
            "of the bundled fixture code sets.",
            "",
            "| measure | result | target | verdict |",
            "|---|---|---|---|",
            f"| PTP rows | {imp['ptp']['rows']:,} | >= 2,000,000 | {verdict(ok_ptp)} |",
            f"| parse alone, CPU | {parse['cpu_s']:.1f} s ({n / parse['cpu_s']:,.0f} claims/s; "
            f"wall {parse['wall_s']:.1f} s) | recorded | - |",
            f"| parse + scrub (every rule, Medicare terms), CPU | {scrub['cpu_s']:.1f} s "
            f"({n / scrub['cpu_s']:,.0f} claims/s; wall {scrub['wall_s']:.1f} s) | recorded | - |",
            f"| scrub cost per claim (difference / claims), CPU | {per_claim_ms:.3f} ms | "
            "recorded | - |",
            f"| (parse + scrub) / parse, CPU | {ratio:.2f}x | <= {TARGET_RATIO:.0f}x | "
            f"{verdict(ok_ratio)} |",
            f"| same two passes with `bulk_parsing()` GC thresholds (as ingest uses): parse "
            f"/ parse + scrub, CPU | {bulk['parse']['cpu_s']:.1f} s / {bulk['scrub']['cpu_s']:.1f}"
            f" s = {bulk_ratio:.2f}x | recorded | - |",
            f"| peak RSS of the measuring process | {scrub['rss_mb']:.0f} MB | "
            f"< {TARGET_RSS_MB:.0f} MB | {verdict(ok_rss)} |",
            f"| results | {scrub['findings']:,} findings, {scrub['coverage']:,} coverage "
            f"entries; {status} | recorded | - |",
            "",
            "Both passes run in one new process pinned to one core, over the same file, "
            "alternately, twice each; the table shows the lower CPU time of each (the machine "
            "is shared and single runs vary by about 20%). Times are process CPU time; the "
            "verdict uses the default collector settings (what `Scrubber` runs with), the "
            "`bulk_parsing()` row (one pass each) is for comparison. The tables were opened "
            "by one warm-up claim before the timed passes. Claims are dropped per transaction "
            "set (5,000 claims); the scrubber keeps the batch history it needs for the "
            "duplicate, MUE and new-patient rules, which is what grows with the batch.",
        ]
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--claims", type=int, default=100_000)
    parser.add_argument("--pairs", type=int, default=2_100_000)
    parser.add_argument("--seed", type=int, default=20260701)
    parser.add_argument("--no-docs", action="store_true", help="print only; write no docs")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("rest", nargs="*", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.phase == "import":
        print(json.dumps(phase_import(*(Path(p) for p in args.rest))))
        return 0
    if args.phase == "measure":
        print(json.dumps(phase_measure(Path(args.rest[0]), Path(args.rest[1]))))
        return 0

    with tempfile.TemporaryDirectory(prefix="bench-scrub-") as tmp_name:
        tmp = Path(tmp_name)
        start = time.perf_counter()
        claims_file, codes, pairs = generate_claims(tmp, args.claims, args.seed)
        gen = {"claims_s": time.perf_counter() - start, "mb": claims_file.stat().st_size / 1e6}
        ptp, universe = generate_ptp(tmp, args.pairs, args.seed, codes, pairs)
        mue = generate_mue(tmp, universe, args.seed)
        store = tmp / "store"
        env_store = str(store)
        res = {"import": _child("import", env_store, str(ptp), str(mue))}
        ptp.unlink()
        res["measure"] = _child("measure", env_store, str(claims_file))
        body = report(res, args, gen)
    print(body)
    if not args.no_docs:
        write_section(SECTION, body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
