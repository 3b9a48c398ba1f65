"""The generated practice: deterministic, readable by the project's own readers, balanced,
and its truth ledger explains every denial in the remittances."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from tests.synthetic._demo import AS_OF, MONTHS, Demo

from cleanclaim.analytics.synthetic import generate
from cleanclaim.analytics.synthetic.errors import BY_SLUG, ERRORS
from cleanclaim.analytics.synthetic.generate import month_starts
from cleanclaim.analytics.synthetic.ledger import COLUMNS, RESOLUTIONS
from cleanclaim.claims.remittance import check_balance
from cleanclaim.errors import UsageError

ROOT_CAUSES = {"documentation", "eligibility", "authorization", "coding", "billing",
               "payer-error"}  # fmt: skip
RESPONSIBLE = {"provider", "coder", "biller", "front-desk", "payer"}


def _files(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_same_seed_gives_the_same_bytes(tmp_path: Path) -> None:
    state = random.getstate()
    first = generate(tmp_path / "a", seed=5, months=3, claims_per_month=80, as_of=AS_OF)
    generate(tmp_path / "b", seed=5, months=3, claims_per_month=80, as_of=AS_OF)
    generate(tmp_path / "c", seed=6, months=3, claims_per_month=80, as_of=AS_OF)
    a, b, c = (_files(tmp_path / name) for name in "abc")
    assert random.getstate() == state  # the global generator is never used
    assert sorted(a) == sorted(first.files)
    assert a == b
    assert a.keys() & c.keys()
    assert all(a[name] != c[name] for name in a.keys() & c.keys() if name.endswith(".x12"))


def test_same_bytes_in_another_process(tmp_path: Path) -> None:
    """Nothing depends on string hashing: another process (other hash seed) agrees."""
    code = ("import datetime as dt, pathlib, sys\n"
            "from cleanclaim.analytics.synthetic import generate\n"
            "generate(pathlib.Path(sys.argv[1]), seed=5, months=2, claims_per_month=60,"
            " as_of=dt.date(2026, 9, 30))\n")  # fmt: skip
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run([sys.executable, "-c", code, str(tmp_path / "other")], check=True, env=env)
    generate(tmp_path / "here", seed=5, months=2, claims_per_month=60, as_of=AS_OF)
    assert _files(tmp_path / "other") == _files(tmp_path / "here")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"months": 0}, "--months must be between 1 and 120, got 0"),
        ({"claims_per_month": 0}, "--claims-per-month must be between 1 and 200000, got 0"),
    ],
    ids=["no-months", "no-claims"],
)
def test_bad_sizes_are_usage_errors(tmp_path: Path, kwargs: dict[str, int], message: str) -> None:
    with pytest.raises(UsageError) as info:
        generate(tmp_path / "out", **kwargs)
    assert str(info.value) == message
    assert not (tmp_path / "out").exists()


def test_refuses_a_directory_that_is_not_empty(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(UsageError) as info:
        generate(out, months=1, claims_per_month=5)
    assert str(info.value) == f"{out}: the output directory must be new or empty"
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_layout_and_manifest(demo: Demo) -> None:
    manifest = json.loads((demo.out / "manifest.json").read_text())
    months = sorted(p.name for p in demo.out.iterdir() if p.is_dir())
    assert len(months) == MONTHS and months[-1] == "2026-09"
    for name in ("payers.toml", "worklog.csv", "encounters.csv", "appeals.csv",
                 "truth-ledger.csv"):  # fmt: skip
        assert name in manifest["files"]
    assert manifest["seed"] == 20261 and manifest["as_of"] == "2026-09-30"
    assert manifest["counts"]["837 claims"] == len(demo.claims)
    assert sum(len(r.claims) for r in demo.remits) == manifest["counts"]["835 claims"]


def test_every_file_parses_with_the_project_readers(demo: Demo) -> None:
    assert len(demo.claims) > 3000
    assert len(demo.remits) > 200
    assert sum(len(a.claims) for a in demo.acks) == len(demo.claims)
    assert demo.acks999() == len(demo.x12("837P"))


def test_no_file_is_dated_after_the_as_of_date(demo: Demo) -> None:
    first = month_starts(AS_OF, MONTHS)[0]
    for claim in demo.claims:
        assert claim.submission.created is not None and claim.submission.created <= AS_OF
        for line in claim.lines:
            assert line.service_date_from is not None
            assert first <= line.service_date_from <= claim.submission.created
    assert max(r.payment_date for r in demo.remits) <= AS_OF  # type: ignore[type-var]


def test_every_835_balances(demo: Demo) -> None:
    assert [issue for r in demo.remits for issue in check_balance(r)] == []


def test_ledger_explains_every_denial_and_nothing_else(demo: Demo) -> None:
    rows = demo.csv("truth-ledger.csv")
    assert tuple(demo.header("truth-ledger.csv")) == COLUMNS
    ledger = {(r["claim_id"], r["payer_claim_number"], r["line"])
              for r in rows if r["kind"] == "denial"}  # fmt: skip
    assert len(ledger) == sum(1 for r in rows if r["kind"] == "denial")
    assert demo.denials == ledger
    assert len(ledger) > 150


def test_ledger_lists_every_277ca_rejection(demo: Demo) -> None:
    rejected = Counter(c.patient_control_number for a in demo.acks for c in a.claims if c.rejected)
    rows = Counter(r["claim_id"] for r in demo.csv("truth-ledger.csv") if r["kind"] == "rejection")
    assert rejected == rows
    assert rejected


def test_ledger_speaks_the_classifier_vocabulary(demo: Demo) -> None:
    rows = demo.csv("truth-ledger.csv")
    assert {r["root_cause"] for r in rows} == ROOT_CAUSES
    assert {r["responsible"] for r in rows} == RESPONSIBLE
    assert {r["resolution"] for r in rows} <= set(RESOLUTIONS)
    for r in rows:
        error = BY_SLUG.get(r["injected_error"])
        if error is None:
            assert (r["injected_error"], r["root_cause"], r["avoidable"]) == (
                "payer-error", "payer-error", "false")  # fmt: skip
            assert r["caused_by"] == r["payer_id"]
        else:
            assert (r["root_cause"], r["reason"], r["responsible"], r["avoidable"]) == (
                error.root_cause, error.reason, error.responsible, "true")  # fmt: skip


def test_every_error_type_is_injected(demo: Demo) -> None:
    counts = demo.summary.counts
    assert [e.slug for e in ERRORS if not counts[f"injected {e.slug}"]] == []
