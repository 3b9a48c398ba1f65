"""A 277CA set naming many claims: read together, matched one by one with the same rules
(billing provider, service dates, charge), ambiguity listed and never guessed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from tests.ingest import _x12 as x

from cleanclaim.claims.ingest import ingest_file
from cleanclaim.storage.accounts import Actor
from cleanclaim.storage.db import get_engine
from cleanclaim.storage.tables_x12 import AckRow, ClaimEvent, ClaimRow
from cleanclaim.x12.generate.model import BillingProvider

BILLING_C = BillingProvider("1004500009", "371234569", "WESTSIDE CLINIC", x.ADDRESS)

STORED = [
    x.p837(
        x.claim("A1"),
        x.claim("A1", billing=x.BILLING_B),
        x.claim("A2"),
        x.claim("A3"),
        x.claim("A4"),
        x.claim("A4", billing=x.BILLING_B, service_date=x.PAID_ON),
    ),
    x.p837(x.claim("A2", charges=("110.00",)), control=2),  # a resubmission of A2
]


@dataclass(frozen=True)
class Verdict:
    ack: x.ClaimAck
    match: str
    """``matched``, ``ambiguous`` or ``unmatched``."""
    claim: tuple[str, int] | None
    """(billing NPI, version) of the matched claim."""
    candidates: int


VERDICTS = [
    pytest.param(
        Verdict(x.ClaimAck(x.claim("A1", billing=BILLING_C)), "ambiguous", None, 2),
        id="unknown-billing-provider-two-families-ambiguous",
    ),
    pytest.param(
        Verdict(x.ClaimAck(x.claim("A1", billing=x.BILLING_B)), "matched", ("1003000126", 1), 1),
        id="billing-provider-decides",
    ),
    pytest.param(
        Verdict(x.ClaimAck(x.claim("A2")), "matched", ("1234567893", 1), 1),
        id="charge-picks-the-earlier-version",
    ),
    pytest.param(
        Verdict(x.ClaimAck(x.claim("A2", charges=("110.00",))), "matched", ("1234567893", 2), 1),
        id="charge-picks-the-latest-version",
    ),
    pytest.param(
        Verdict(x.ClaimAck(x.claim("B9")), "unmatched", None, 0),
        id="unknown-clm01-unmatched",
    ),
    pytest.param(
        Verdict(
            x.ClaimAck(x.claim("A4", billing=BILLING_C, service_date=x.PAID_ON)),
            "matched",
            ("1003000126", 1),
            1,
        ),
        id="service-dates-decide-between-families",
    ),
]


def _write(tmp_path: Path, db_url: str, who: Actor, acks: list[x.ClaimAck]) -> None:
    engine = get_engine(db_url)
    for n, text in enumerate(STORED):  # not scrubbed: the claims' findings do not matter here
        ingest_file(x.write(tmp_path, f"c{n}.x12", text), who, engine=engine, scrub=False)
    text = x.write_277ca(acks, sender="DCOMM", receiver="SUBMITTER", created=x.ACK_DATE)
    ingest_file(x.write(tmp_path, "ack.x12", text), who, engine=engine)


def _file_order(verdicts: list[Verdict]) -> list[Verdict]:
    """The writer groups the claims under their billing providers."""
    groups: dict[str, list[Verdict]] = {}
    for v in verdicts:
        groups.setdefault(v.ack.claim.billing.npi, []).append(v)
    return [v for group in groups.values() for v in group]


def test_one_set_many_verdicts(tmp_path: Path, db_url: str, who: Actor) -> None:
    verdicts = _file_order([p.values[0] for p in VERDICTS])
    _write(tmp_path, db_url, who, [v.ack for v in verdicts])
    with get_engine(db_url).connect() as conn:
        keys = {
            r.claim_key: (r.billing_npi, r.version)
            for r in conn.execute(
                sa.select(ClaimRow.claim_key, ClaimRow.billing_npi, ClaimRow.version)
            )
        }
        acks = conn.execute(sa.select(AckRow).order_by(AckRow.id)).all()
        events = conn.execute(
            sa.select(ClaimEvent.claim_id, ClaimEvent.source_ack_id)
            .where(ClaimEvent.source_kind == "277CA")
            .order_by(ClaimEvent.id)
        ).all()
    assert [a.clm01 for a in acks] == [v.ack.claim.claim_id for v in verdicts]
    for ack, verdict in zip(acks, verdicts, strict=True):
        assert (ack.match_status, len(ack.match_candidates)) == (verdict.match, verdict.candidates)
        matched = keys[ack.match_candidates[0]] if ack.match_status == "matched" else None
        assert matched == verdict.claim
    matched_acks = [a.id for a in acks if a.match_status == "matched"]
    assert [ack_id for _, ack_id in events] == matched_acks


def test_same_claim_twice_in_one_set(tmp_path: Path, db_url: str, who: Actor) -> None:
    rejected = x.ClaimAck(x.claim("A3"), "A7", "562", "85")
    accepted = x.ClaimAck(x.claim("A3"), payer_claim_number="PCN3")
    _write(tmp_path, db_url, who, [rejected, accepted])
    with get_engine(db_url).connect() as conn:
        claim = conn.execute(sa.select(ClaimRow).where(ClaimRow.clm01 == "A3")).one()
        events = conn.execute(
            sa.select(ClaimEvent.event, ClaimEvent.from_status, ClaimEvent.to_status)
            .where(ClaimEvent.claim_id == claim.id)
            .order_by(ClaimEvent.id)
        ).all()
    assert [tuple(e) for e in events] == [
        ("submitted", "scrubbed", "submitted"),
        ("277ca_rejected", "submitted", "rejected"),
        ("277ca_accepted", "rejected", "accepted"),
    ]
    assert (claim.status, claim.payer_claim_number) == ("accepted", "PCN3")
