"""``cleanclaim ingest`` and ``cleanclaim claims``: JSON contract, exit codes, no PHI."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from tests.ingest import _x12 as x
from tests.ingest.conftest import Cli

CONTRACT = [
    "path",
    "sha256",
    "kind",
    "interchanges",
    "accepted_sets",
    "claims",
    "lines",
    "adjustments",
    "quarantined",
    "duplicate",
]
CLAIMS = x.p837(x.claim("A1"), x.claim("A2", charges=("80.00", "20.00")))
UNBALANCED = x.r835(x.remit(x.payment("A1"))).replace("CLP*A1*1*100*70*", "CLP*A1*1*100*75*")
BAD_SET = x.p837(x.claim("A1"), x.claim("A2"), per_set=1).replace("SE*23*0002", "SE*2*0002")
PHI = ("THISTLEWOOD", "MARY", "DCM900112233", "19610714", "1961-07-14", "MAPLE")


def _json(out: str) -> list[dict[str, object]]:
    files = json.loads(out)["files"]
    assert isinstance(files, list)
    return files


def test_json_contract(tmp_path: Path, cli: Cli) -> None:
    a = x.write(tmp_path, "claims.x12", CLAIMS)
    b = x.write(tmp_path, "remit.x12", UNBALANCED)
    r = cli("ingest", str(a), str(b), "--format", "json")
    assert (r.code, r.err) == (0, "")
    first, second = _json(r.out)
    assert list(first)[: len(CONTRACT)] == CONTRACT
    assert {k: first[k] for k in CONTRACT if k not in ("sha256",)} == {
        "path": str(a),
        "kind": "837P",
        "interchanges": 1,
        "accepted_sets": 1,
        "claims": 2,
        "lines": 3,
        "adjustments": 0,
        "quarantined": [],
        "duplicate": False,
    }
    assert len(str(first["sha256"])) == 64
    assert (second["kind"], second["claims"], second["lines"], second["quarantined"]) == (
        "835",
        1,
        1,
        [],
    )
    assert second["balance_issues"] == [
        {
            "set": "0001",
            "segment": 4,
            "rule": "transaction",
            "message": "segment 4 (BPR): total paid 70.00 does not balance: sum of CLP04 75.00 "
            "minus sum of PLB 0.00 is 75.00",
        },
        {
            "set": "0001",
            "segment": 17,
            "rule": "claim",
            "message": "segment 17 (CLP) claim A1: charge 100.00 minus paid 75.00 is 25.00, but "
            "adjustments total 30.00 (claim 0.00, lines 30.00)",
        },
    ]


@pytest.mark.parametrize(
    ("files", "code", "quarantined"),
    [
        pytest.param([CLAIMS, CLAIMS], 0, [[], []], id="duplicate-is-exit-0"),
        pytest.param([x.other_270()], 0, [[]], id="skipped-kind-is-exit-0"),
        pytest.param(
            [CLAIMS, BAD_SET],
            1,
            [
                [],
                [
                    {
                        "set": "0002",
                        "segment": 48,
                        "reason": "SE01 segment count is '2' but the transaction set has 23 segments",
                    }
                ],
            ],
            id="quarantined-set-is-exit-1",
        ),
    ],
)
def test_exit_codes(
    tmp_path: Path,
    cli: Cli,
    files: list[str],
    code: int,
    quarantined: list[list[dict[str, object]]],
) -> None:
    paths = [str(x.write(tmp_path, f"f{n}.x12", text)) for n, text in enumerate(files)]
    r = cli("ingest", *paths, "--format", "json")
    assert r.code == code
    got = _json(r.out)
    assert [f["quarantined"] for f in got] == quarantined
    if files == [CLAIMS, CLAIMS]:
        assert [f["duplicate"] for f in got] == [False, True]
    if files == [x.other_270()]:
        assert (got[0]["kind"], got[0]["skipped_sets"], got[0]["accepted_sets"]) == (
            "skipped",
            1,
            0,
        )


@pytest.mark.parametrize(
    ("args", "error"),
    [
        pytest.param(["ingest", "nope.x12"], "error: nope.x12: no such file", id="missing-file"),
        pytest.param(["ingest"], "error: Missing argument 'FILE'.", id="no-file"),
        pytest.param(
            ["ingest", "{a}", "--format", "xml"],
            "error: Invalid value for '--format': Value error, 'xml' is not one of "
            "'table', 'json'.",
            id="bad-format",
        ),
        pytest.param(
            ["--practice", "northside", "ingest", "{a}"],
            "error: no practice 'northside'; create it with: cleanclaim practices add northside",
            id="unknown-practice",
        ),
        pytest.param(
            ["claims", "show", "ZZZ"],
            "error: no claim 'ZZZ' (give a claim key or a CLM01)",
            id="unknown-claim",
        ),
    ],
)
def test_usage_errors_exit_2(tmp_path: Path, cli: Cli, args: list[str], error: str) -> None:
    a = x.write(tmp_path, "a.x12", CLAIMS)
    r = cli(*[arg.replace("{a}", str(a)) for arg in args])
    assert (r.code, r.out) == (2, "")
    assert r.err == error + "\n"


def test_table_output_lists_quarantine(tmp_path: Path, cli: Cli) -> None:
    r = cli("ingest", str(x.write(tmp_path, "bad.x12", BAD_SET)))
    assert r.code == 1
    assert "bad.x12" in r.out
    assert (
        "quarantined: bad.x12 set 0002 segment 48: SE01 segment count is '2' but the "
        "transaction set has 23 segments"
    ) in r.out


def test_files_belong_to_the_practice(tmp_path: Path, cli: Cli) -> None:
    a = str(x.write(tmp_path, "a.x12", CLAIMS))
    assert cli("practices", "add", "northside").code == 0
    first = _json(cli("ingest", a, "--format", "json").out)[0]
    other = _json(cli("--practice", "northside", "ingest", a, "--format", "json").out)[0]
    again = _json(cli("--practice", "northside", "ingest", a, "--format", "json").out)[0]
    assert [f["duplicate"] for f in (first, other, again)] == [False, False, True]


def test_claims_show_and_history(tmp_path: Path, cli: Cli) -> None:
    cli("ingest", str(x.write(tmp_path, "a.x12", CLAIMS)))
    cli("ingest", str(x.write(tmp_path, "b.x12", x.r835(x.remit(x.payment("A1"))))))
    show = cli("claims", "show", "A1", "--format", "json")
    assert show.code == 0
    data = json.loads(show.out)
    key = data["claim_key"]
    assert {
        k: data[k]
        for k in (
            "clm01",
            "version",
            "version_kind",
            "status",
            "submitted_on",
            "total_charge",
            "payer",
            "diagnoses",
        )
    } == {
        "clm01": "A1",
        "version": 1,
        "version_kind": "original",
        "status": "paid",
        "submitted_on": "2026-03-10",
        "total_charge": "100.00",
        "payer": {"id": "DCOMM", "name": "DEMO COMMERCIAL HEALTH"},
        "diagnoses": ["E119"],
    }
    assert [(ln["procedure"], ln["charge"]) for ln in data["lines"]] == [("99213", "100.00")]
    assert [(r["status_code"], r["paid"]) for r in data["remittances"]] == [("1", "70.00")]
    by_key = json.loads(cli("claims", "show", key, "--format", "json").out)
    assert by_key == data
    hist = json.loads(cli("claims", "history", key, "--format", "json").out)
    assert [(e["event"], e["from"], e["to"], e["source"]) for e in hist["events"]] == [
        ("submitted", "scrubbed", "submitted", "837"),
        ("paid", "submitted", "paid", "835"),
    ]
    assert [e["file"] for e in hist["events"]] == ["a.x12", "b.x12"]
    tables = cli("claims", "history", "A1").out + cli("claims", "show", "A1").out
    assert key in tables
    for out in (show.out, tables, json.dumps(hist)):
        assert not [p for p in PHI if p in out]


def test_ambiguous_clm01_lists_candidates(tmp_path: Path, cli: Cli) -> None:
    text = x.p837(x.claim("A1"), x.claim("A1", billing=x.BILLING_B))
    cli("ingest", str(x.write(tmp_path, "a.x12", text)))
    r = cli("claims", "history", "A1")
    assert (r.code, r.out) == (2, "")
    assert r.err.count("\n") == 1
    assert re.fullmatch(
        r"error: CLM01 'A1' matches several claims: c-[0-9a-f]{16} \(billing NPI 1003000126\), "
        r"c-[0-9a-f]{16} \(billing NPI 1234567893\); give a claim key\n",
        r.err,
    )
