"""Claim versions and lifecycle: 837 -> 999 -> 277CA -> 835, replacements, voids, reversals."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.ingest import _x12 as x
from tests.ingest.conftest import Ingest

from cleanclaim.storage.db import get_engine
from cleanclaim.storage.tables_x12 import ClaimEvent, ClaimRow, RemitClaimRow

V1 = x.claim("A1")
V1_FIXED = x.claim("A1", charges=("110.00",))
V1_REPLACEMENT = x.claim("A1", charges=("110.00",), frequency="7", original_reference="PCN1")
V1_VOID = x.claim("A1", frequency="8", original_reference="PCN1")
TWO_LINES = x.claim("A1", charges=("100.00", "20.00"))


def _ack277(claim: x.GenClaim, category: str = "A2", number: str = "", control: int = 601) -> str:
    ack = (
        x.ClaimAck(claim, payer_claim_number=number)
        if category == "A2"
        else x.ClaimAck(claim, category, "562", "85")
    )
    return x.write_277ca(
        [ack], sender="DCOMM", receiver="SUBMITTER", created=x.ACK_DATE, control_number=control
    )


def _ack999(text837: str, status: str = "A") -> str:
    groups = x.ack999_for(text837)
    if status != "A":
        groups = [
            x.Ack999Group(
                g.functional_id,
                g.control_number,
                g.version,
                tuple(
                    x.Ack999Transaction(
                        t.set_id,
                        t.control_number,
                        status,
                        (
                            x.Ack999SegmentError(
                                "NM1", 12, "2010BA", "8", business_unit=("CLM01", "A1")
                            ),
                        ),
                        version=t.version,
                    )
                    for t in g.transactions
                ),
            )
            for g in groups
        ]
    return x.write_999(groups, sender="DCOMM", receiver="SUBMITTER", created=x.ACK_DATE)


def _paid(*payments: x.GenClaimPayment, trace: str = "TRC1", control: int = 501) -> str:
    return x.r835(x.remit(*payments, trace=trace), control=control)


@dataclass(frozen=True)
class Scenario:
    files: list[str]
    versions: dict[int, tuple[str, str, list[str]]]
    """version -> (version kind, final status, events in order)."""
    remit_chain: list[tuple[str, str, int | None]] = field(default_factory=list)
    """(CLP02, chain role, version matched) of each stored CLP, in order."""


SCENARIOS = [
    pytest.param(
        Scenario(
            files=[
                x.p837(V1),
                _ack999(x.p837(V1)),
                _ack277(V1, "A7"),
                x.p837(V1_FIXED, control=2),
                _ack277(V1_FIXED, number="PCN9", control=602),
                _paid(x.payment("A1", charges=("110.00",), payer_claim_number="PCN9")),
            ],
            versions={
                1: ("original", "rejected", ["submitted", "999_accepted", "277ca_rejected"]),
                2: ("resubmission", "paid", ["submitted", "277ca_accepted", "paid"]),
            },
            remit_chain=[("1", "original", 2)],
        ),
        id="original-999-accepted-277ca-rejected-resubmission-835-paid",
    ),
    pytest.param(
        Scenario(
            files=[x.p837(V1), _ack999(x.p837(V1), "R")],
            versions={1: ("original", "rejected", ["submitted", "999_rejected"])},
        ),
        id="999-rejected",
    ),
    pytest.param(
        Scenario(
            files=[
                x.p837(V1),
                _ack277(V1, number="PCN1"),
                _paid(x.payment("A1")),
                x.p837(V1_REPLACEMENT, control=2),
                _paid(
                    x.payment("A1", status="22", negate=True),
                    x.payment("A1", charges=("110.00",), payer_claim_number="PCN2", frequency="7"),
                    trace="TRC2",
                    control=502,
                ),
            ],
            versions={
                1: (
                    "original",
                    "accepted",
                    ["submitted", "277ca_accepted", "paid", "replaced", "payment_reversed"],
                ),
                2: ("replacement", "paid", ["submitted", "paid"]),
            },
            remit_chain=[("1", "original", 1), ("22", "reversal", 1), ("1", "correction", 2)],
        ),
        id="replacement-reversal-and-correction-chain",
    ),
    pytest.param(
        Scenario(
            files=[x.p837(V1), _ack277(V1, number="PCN1"), x.p837(V1_VOID, control=2)],
            versions={
                1: ("original", "closed", ["submitted", "277ca_accepted", "voided"]),
                2: ("void", "submitted", ["submitted"]),
            },
        ),
        id="void-closes-the-original",
    ),
    pytest.param(
        Scenario(
            files=[
                x.p837(V1),
                _paid(x.payment("A1", payer_claim_number="PCN1")),
                _paid(
                    x.payment("A1", status="22", negate=True, payer_claim_number="PCN1"),
                    x.payment("ZZ9", charges=("200.00",)),
                    trace="TRC2",
                    control=502,
                ),
            ],
            versions={1: ("original", "accepted", ["submitted", "paid", "payment_reversed"])},
            remit_chain=[("1", "original", 1), ("22", "reversal", 1), ("1", "original", None)],
        ),
        id="reversal-chain",
    ),
    pytest.param(
        Scenario(
            files=[x.p837(V1), _paid(x.payment("A1", status="4", deny_reason="16"))],
            versions={1: ("original", "denied", ["submitted", "denied"])},
            remit_chain=[("4", "original", 1)],
        ),
        id="835-denied",
    ),
    pytest.param(
        Scenario(
            files=[
                x.p837(TWO_LINES),
                _paid(
                    x.GenClaimPayment(
                        "A1",
                        "1",
                        x.Decimal("120.00"),
                        "PCN1",
                        "M1",
                        "X",
                        "Y",
                        services=(
                            x.GenServicePayment(
                                "99213",
                                x.Decimal("100.00"),
                                x.DOS,
                                adjustments=(x.GenAdjustment("CO", "45", x.Decimal("30.00")),),
                            ),
                            x.GenServicePayment(
                                "36415",
                                x.Decimal("20.00"),
                                x.DOS,
                                adjustments=(x.GenAdjustment("CO", "97", x.Decimal("20.00")),),
                            ),
                        ),
                    )
                ),
            ],
            versions={1: ("original", "partially_paid", ["submitted", "partially_paid"])},
            remit_chain=[("1", "original", 1)],
        ),
        id="835-one-line-denied-partially-paid",
    ),
    pytest.param(
        Scenario(
            files=[x.p837(V1), _paid(x.payment("A1")), _ack999(x.p837(V1))],
            versions={1: ("original", "paid", ["submitted", "paid", "999_accepted"])},
            remit_chain=[("1", "original", 1)],
        ),
        id="late-999-does-not-move-status-back",
    ),
]


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_lifecycle(tmp_path: Path, db_url: str, ingest: Ingest, scenario: Scenario) -> None:
    for n, text in enumerate(scenario.files):
        report = ingest(x.write(tmp_path, f"f{n}.x12", text))
        assert report.quarantined == [], n
        assert report.balance_issues == [], n
    with get_engine(db_url).connect() as conn:
        rows = conn.execute(sa.select(ClaimRow).order_by(ClaimRow.version)).all()
        by_id = {r.id: r.version for r in rows}
        got = {}
        for r in rows:
            events = conn.execute(
                sa.select(ClaimEvent.event)
                .where(ClaimEvent.claim_id == r.id)
                .order_by(ClaimEvent.id)
            ).scalars()
            got[r.version] = (r.version_kind, r.status, list(events))
        remits = conn.execute(sa.select(RemitClaimRow).order_by(RemitClaimRow.id)).all()
    assert got == scenario.versions
    chain = [(r.status_code, r.chain_role, by_id.get(r.claim_id)) for r in remits]
    assert chain == scenario.remit_chain
    ids = [r.id for r in remits]
    for r in remits:
        if r.chain_role != "original":
            assert r.previous_id in ids[: ids.index(r.id)]
    if len(rows) > 1:
        assert rows[1].previous_id == rows[0].id
        if rows[1].version_kind in ("replacement", "void"):
            assert rows[1].original_id == rows[0].id


def test_events_record_time_and_source(tmp_path: Path, db_url: str, ingest: Ingest) -> None:
    for n, text in enumerate(
        [x.p837(V1), _ack999(x.p837(V1)), _ack277(V1, number="PCN1"), _paid(x.payment("A1"))]
    ):
        ingest(x.write(tmp_path, f"f{n}.x12", text))
    with get_engine(db_url).connect() as conn:
        events = conn.execute(sa.select(ClaimEvent).order_by(ClaimEvent.id)).all()
        claim = conn.execute(sa.select(ClaimRow)).one()
    assert [(e.from_status, e.to_status, e.source_kind, e.occurred_on) for e in events] == [
        ("scrubbed", "submitted", "837", x.SUBMITTED),
        ("submitted", "accepted", "999", None),
        ("accepted", "accepted", "277CA", x.ACK_DATE),
        ("accepted", "paid", "835", x.PAID_ON),
    ]
    assert all(e.created_at is not None and e.created_by == "system" for e in events)
    assert len({e.source_file_id for e in events}) == 4
    assert events[3].source_remit_claim_id is not None
    assert events[1].source_ack_id is not None
    assert (claim.submitted_on, claim.payer_claim_number) == (x.SUBMITTED, "PCN1")


@pytest.mark.parametrize(
    ("files", "status", "candidates"),
    [
        pytest.param(
            [x.p837(x.claim("A1"), x.claim("A1", billing=x.BILLING_B))],
            "ambiguous",
            ["c-", "c-"],
            id="two-billing-providers-same-clm01",
        ),
        pytest.param([x.p837(x.claim("B7"))], "unmatched", [], id="unknown-clm01"),
        pytest.param(
            [x.p837(x.claim("A1"), x.claim("A1", billing=x.BILLING_B, service_date=x.PAID_ON))],
            "matched",
            ["c-"],
            id="service-dates-decide",
        ),
    ],
)
def test_matching_never_guesses(
    tmp_path: Path,
    db_url: str,
    ingest: Ingest,
    files: list[str],
    status: str,
    candidates: list[str],
) -> None:
    for n, text in enumerate([*files, _paid(x.payment("A1"))]):
        ingest(x.write(tmp_path, f"f{n}.x12", text))
    with get_engine(db_url).connect() as conn:
        remit = conn.execute(sa.select(RemitClaimRow)).one()
        keys = sorted(conn.execute(sa.select(ClaimRow.claim_key)).scalars())
        statuses = set(conn.execute(sa.select(ClaimRow.status)).scalars())
    assert remit.match_status == status
    assert [c[:2] for c in remit.match_candidates] == candidates
    if status == "ambiguous":
        assert remit.match_candidates == keys
        assert remit.claim_id is None
        assert statuses == {"submitted"}
    if status == "matched":
        assert remit.claim_id is not None
        assert statuses == {"submitted", "paid"}


def test_hook_sees_each_new_version_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    ingest: Ingest,
) -> None:
    from cleanclaim.claims import ingest as module

    seen: list[tuple[str, int, str]] = []
    monkeypatch.setattr(
        module,
        "on_claims_stored",
        lambda session, stored: seen.extend(
            (row.clm01, row.version, claim.claim_id) for row, claim in stored
        ),
    )
    text = x.p837(V1, x.claim("A2"))
    ingest(x.write(tmp_path, "a.x12", text))
    ingest(x.write(tmp_path, "b.x12", text.replace("000000001", "000000002")))
    ingest(x.write(tmp_path, "c.x12", x.p837(V1_FIXED, control=3)))
    assert seen == [("A1", 1, "A1"), ("A2", 1, "A2"), ("A1", 2, "A1")]
