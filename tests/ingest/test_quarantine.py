"""A bad set is quarantined alone; a damaged envelope quarantines its whole interchange."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.ingest import _x12 as x
from tests.ingest.conftest import Counts, Ingest

from cleanclaim.settings import reset_settings
from cleanclaim.storage.db import get_engine
from cleanclaim.storage.tables_x12 import ClaimRow, Quarantine

THREE = x.p837(x.claim("A1"), x.claim("A2"), x.claim("A3"), per_set=1)
"""Three 837P sets of one claim each: ST at segments 3, 26 and 49."""
SECOND = x.p837(x.claim("B1"), x.claim("B2"), control=2, per_set=1)
"""A second interchange (ISA13 000000002), two sets."""
REMITS = x.r835(
    x.remit(x.payment("A1"), x.payment("A2"), trace="T1"), x.remit(x.payment("A3"), trace="T2")
)
LONG = "NTE*ADD*" + "LONG NOTE " * 30

IEA = "interchange 000000002: IEA02 control number '000000009' does not match ISA13 '000000002'"
TRUNCATED = "interchange 000000001: missing IEA at end of file (file truncated?)"
GE01 = (
    "interchange 000000001: functional group 1: GE01 transaction set count is '2' "
    "but the group has 3"
)
TOO_LONG = "segment longer than 200 bytes (missing segment terminator '~'?)"

CASES = [
    pytest.param(
        THREE.replace("SE*23*0002", "SE*22*0002"),
        [("0002", 48, "SE01 segment count is '22' but the transaction set has 23 segments")],
        ["A1", "A3"],
        id="set-se01-count-wrong",
    ),
    pytest.param(
        THREE.replace("CLM*A2*100*", "CLM*A2*1O0*"),
        [("0002", 43, "CLM02 is not an X12 decimal number")],
        ["A1", "A3"],
        id="set-837-charge-not-a-number",
    ),
    pytest.param(
        THREE.replace("ST*837*0003*005010X222A1", "ST*837*0003*005010X223A2"),
        [("0003", 49, "ST03 '005010X223A2' does not match GS08 '005010X222A1'")],
        ["A1", "A2"],
        id="set-st03-not-gs08",
    ),
    pytest.param(
        REMITS.replace("CAS*CO*45*30~AMT*B6*70~SE*21*0002", "CAS*XX*45*30~AMT*B6*70~SE*21*0002"),
        [("0002", 48, "CAS01 group code 'XX' is not one of CO, CR, OA, PI, PR")],
        [],
        id="set-835-bad-cas-group",
    ),
    pytest.param(
        THREE + SECOND.replace("IEA*1*000000002", "IEA*1*000000009"),
        [("0001", 123, IEA), ("0002", 123, IEA)],
        ["A1", "A2", "A3"],
        id="interchange-iea02-mismatch",
    ),
    pytest.param(
        THREE.replace("GE*3*1", "GE*2*1"),
        [("0001", 72, GE01), ("0002", 72, GE01), ("0003", 72, GE01)],
        [],
        id="interchange-ge01-count-wrong",
    ),
    pytest.param(
        THREE[: THREE.index("GE*3*1")],
        [("0001", 3, TRUNCATED), ("0002", 26, TRUNCATED), ("0003", 49, TRUNCATED)],
        [],
        id="interchange-truncated",
    ),
    pytest.param(
        THREE + SECOND.replace("*B2*100***11:B:1*Y*A*Y*Y~", f"*B2*100***11:B:1*Y*A*Y*Y~{LONG}~"),
        [("0001", 117, f"interchange 000000002: {TOO_LONG}"), (None, 117, TOO_LONG)],
        ["A1", "A2", "A3"],
        id="file-overlong-segment-in-second-interchange",
    ),
    pytest.param(
        "hello, not x12\n",
        [(None, None, "not an X12 interchange: the file does not start with ISA")],
        [],
        id="file-not-x12",
    ),
]


@pytest.mark.parametrize(("text", "quarantined", "stored"), CASES)
def test_bad_unit_is_quarantined_and_the_rest_commits(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    db_url: str,
    ingest: Ingest,
    counts: Counts,
    text: str,
    quarantined: list[tuple[str | None, int | None, str]],
    stored: list[str],
) -> None:
    monkeypatch.setenv("CLEANCLAIM_MAX_SEGMENT_BYTES", "200")
    reset_settings()
    report = ingest(x.write(tmp_path, "in.x12", text))
    assert [(q.set, q.segment, q.reason) for q in report.quarantined] == quarantined
    engine = get_engine(db_url)
    with engine.connect() as conn:
        clm01s = conn.execute(sa.select(ClaimRow.clm01).order_by(ClaimRow.clm01)).scalars()
        assert list(clm01s) == stored
        rows = conn.execute(sa.select(Quarantine).order_by(Quarantine.id)).all()
    assert [(r.set_control, r.segment, r.reason) for r in rows] == quarantined
    for r in rows:
        if r.set_control is not None:
            assert r.raw_text.startswith(f"ST*{r.set_kind[:3]}*{r.set_control}")
            assert r.raw_text.endswith(f"*{r.set_control}~")
    assert counts()["claim_line"] == len(stored)
    if "835" in text[:120]:
        assert (report.claims, counts()["remit_claim"]) == (2, 2)


@pytest.mark.parametrize(
    ("text", "kind", "interchanges", "accepted"),
    [
        pytest.param(
            THREE + SECOND.replace("IEA*1*000000002", "IEA*1*000000009"),
            "837P",
            2,
            3,
            id="second-interchange-damaged",
        ),
        pytest.param("hello, not x12\n", "unknown", 0, 0, id="not-x12"),
    ],
)
def test_report_counts_only_committed_sets(
    tmp_path: Path,
    ingest: Ingest,
    text: str,
    kind: str,
    interchanges: int,
    accepted: int,
) -> None:
    report = ingest(x.write(tmp_path, "in.x12", text))
    assert (report.kind, report.interchanges, report.accepted_sets) == (
        kind,
        interchanges,
        accepted,
    )
    assert report.claims == accepted


def test_quarantined_set_leaves_no_events_or_lines(
    tmp_path: Path,
    ingest: Ingest,
    counts: Counts,
) -> None:
    broken = THREE.replace("IEA*1*000000001", "IEA*1*000000002")
    ingest(x.write(tmp_path, "in.x12", broken))
    rows = counts()
    assert rows["x12_quarantine"] == 3
    assert rows["x12_file"] == 1
    assert {k: v for k, v in rows.items() if k not in ("x12_quarantine", "x12_file")} == {
        k: 0 for k in rows if k not in ("x12_quarantine", "x12_file")
    }
