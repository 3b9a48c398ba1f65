"""Write one named section of ``docs/benchmarks.md``, keeping every other section.

Usage from a bench script::

    from _report import write_section
    write_section("NCCI PTP lookups", markdown_body)

Each section is stored between ``<!-- bench:NAME -->`` and ``<!-- /bench:NAME -->`` markers
under a ``## NAME`` heading, followed by a line naming the commit, Python version, CPU model
and date of the run. Writing a section again replaces only that section. The target file is
``docs/benchmarks.md`` at the repository root, or the path in ``CLEANCLAIM_BENCH_DOCS``
(tests point it at a temporary file).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV_VAR = "CLEANCLAIM_BENCH_DOCS"
TITLE = (
    "# Benchmarks\n\n"
    "Written by the scripts in `bench/` (each owns one section; rerun a script to refresh it).\n"
    "The machine is small and shared (2 cores), so treat the numbers as rough.\n"
)


def docs_path() -> Path:
    """Where sections are written: ``$CLEANCLAIM_BENCH_DOCS`` or ``docs/benchmarks.md``."""
    override = os.environ.get(ENV_VAR)
    return Path(override) if override else ROOT / "docs" / "benchmarks.md"


def machine_line() -> str:
    """Commit, Python version, CPU model and date, as one markdown line."""
    try:
        commit = (
            subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                cwd=ROOT,
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.strip()
            or "unknown"
        )
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = os.cpu_count() or 0
    today = dt.date.today().isoformat()
    return (
        f"_Commit `{commit}` (plus uncommitted changes, if any), Python "
        f"{platform.python_version()}, {cpu} ({cores} cores), run {today}._"
    )


def write_section(name: str, markdown_body: str) -> None:
    """Create or replace section ``name`` of the benchmarks document."""
    path = docs_path()
    text = path.read_text("utf-8") if path.exists() else TITLE
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{begin}\n## {name}\n\n{machine_line()}\n\n{markdown_body.strip()}\n{end}"
    pattern = re.compile(re.escape(begin) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text, count=1)
    else:
        text = text.rstrip("\n") + "\n\n" + block
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text.rstrip("\n") + "\n", "utf-8")
