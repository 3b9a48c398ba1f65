"""Generated files ingest with counts equal to their CLM/LX (837) or CLP/SVC (835) segments."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tests.ingest import _x12 as x
from tests.ingest.conftest import Counts, Ingest


def _837p() -> str:
    claims = [x.claim(f"P{n}", charges=("100.00", "20.00")[: 1 + n % 2]) for n in range(7)]
    return x.p837(*claims, per_set=3)


def _837i() -> str:
    claims = [
        x.claim(f"I{n}", charges=("900.00", "45.00", "12.00")[: 1 + n % 3], revenue_code="0450")
        for n in range(4)
    ]
    return x.write_837i(
        claims, sender="SUBMITTER", receiver="DCOMM", created=x.ACK_DATE, claims_per_transaction=2
    )


def _835() -> str:
    first = x.remit(
        x.payment("P0"),
        x.payment("P1", charges=("100.00", "20.00")),
        x.payment("P2", status="4", deny_reason="16"),
        trace="TRC1",
    )
    second = x.remit(
        x.payment("P3", payer_claim_number="PCN3"),
        trace="TRC2",
        plb=[x.GenProviderAdjustment("L6", x.Decimal("-1.25"), "INT1")],
    )
    return x.r835(first, second)


def _999() -> str:
    return x.write_999(
        x.ack999_for(_837p()), sender="DCOMM", receiver="SUBMITTER", created=x.ACK_DATE
    )


def _277ca() -> str:
    acks = [x.ClaimAck(x.claim("P1")), x.ClaimAck(x.claim("P2"), "A7", "562", "85")]
    return x.write_277ca(acks, sender="DCOMM", receiver="SUBMITTER", created=x.ACK_DATE)


def _mixed() -> str:
    return _837p() + "\n" + _835() + x.other_270()


CASES = [
    # (builder, kind, sets, claims = CLM or CLP or 277 TRN, lines = LX or SVC, adjustments)
    pytest.param(_837p, "837P", 3, 7, 10, 0, id="837p-three-sets"),
    pytest.param(_837i, "837I", 2, 4, 7, 0, id="837i-two-sets"),
    pytest.param(_835, "835", 2, 4, 5, 5, id="835-with-plb-and-denial"),
    pytest.param(_999, "999", 1, 0, 0, 0, id="999"),
    pytest.param(_277ca, "277CA", 1, 2, 0, 0, id="277ca"),
    pytest.param(_mixed, "mixed", 5, 11, 15, 5, id="mixed-837-835-and-skipped-270"),
    pytest.param(x.other_270, "skipped", 0, 0, 0, 0, id="270-skipped"),
]


@pytest.mark.parametrize(("build", "kind", "sets", "claims", "lines", "adjustments"), CASES)
def test_counts_match_segments(
    tmp_path: Path,
    ingest: Ingest,
    build: Callable[[], str],
    kind: str,
    sets: int,
    claims: int,
    lines: int,
    adjustments: int,
) -> None:
    text = build()
    report = ingest(x.write(tmp_path, "in.x12", text))
    assert report.quarantined == []
    assert report.duplicate is False
    assert (report.kind, report.accepted_sets) == (kind, sets)
    if kind in ("837P", "837I"):
        assert (x.segments(text, "CLM"), x.segments(text, "LX")) == (claims, lines)
    elif kind == "835":
        assert (x.segments(text, "CLP"), x.segments(text, "SVC")) == (claims, lines)
    assert (report.claims, report.lines, report.adjustments) == (claims, lines, adjustments)
    assert report.interchanges == x.segments(text, "ISA")


def test_stored_rows_match_counts(tmp_path: Path, ingest: Ingest, counts: Counts) -> None:
    ingest(x.write(tmp_path, "a.x12", _837p()))
    report = ingest(x.write(tmp_path, "b.x12", _835()))
    rows = counts()
    assert (rows["claim"], rows["claim_line"]) == (7, 10)
    assert (rows["remit_claim"], rows["remit_line"]) == (report.claims, report.lines)
    assert rows["remit_adjustment"] == report.adjustments
    assert rows["remit_provider_adjustment"] == 1
    assert rows["remit_balance_issue"] == 0
