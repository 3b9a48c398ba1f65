"""277CA claim acknowledgment (005010X214) writer.

Hierarchy: 2000A information source (one per payer) > 2000B information receiver (the
submitter) > 2000C billing provider > 2000D patient, one 2000D per claim with its
``TRN*2*<CLM01>``, ``STC`` status, ``REF*1K`` payer claim number (accepted claims) and
``DTP*472`` service dates. Receiver and provider levels carry accepted/rejected counts and
amounts.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from cleanclaim.x12.generate._ids import payer_claim_number
from cleanclaim.x12.generate.model import ZERO, BillingProvider, GenClaim, Payer
from cleanclaim.x12.generate.writer import (
    Interchange,
    Party,
    amount,
    as_party,
    clock,
    d8,
    rd8,
    seg,
    text,
)

VERSION_277CA = "005010X214"
REJECTED_CATEGORIES = frozenset({"A3", "A4", "A6", "A7", "A8"})
"""STC01-1 categories that mean the claim was not accepted for adjudication."""

# (category, status code, entity) triples for made-up rejections: codes only, no text.
_REJECTIONS: tuple[tuple[str, str, str], ...] = (
    ("A7", "562", "85"),  # billing provider NPI problem
    ("A7", "187", ""),  # service date problem
    ("A3", "21", ""),  # missing or invalid information
    ("A7", "164", "IL"),  # subscriber id problem
    ("A6", "254", ""),  # principal diagnosis problem
    ("A8", "453", "85"),  # relational field problem on the billing provider
)


@dataclass(frozen=True, slots=True)
class ClaimAck:
    """The payer's front-end answer for one claim."""

    claim: GenClaim
    category: str = "A2"
    """STC01-1: A1 received, A2 accepted; A3/A4/A6/A7/A8 rejected."""
    status_code: str = "20"
    """STC01-2 (claim status code list)."""
    entity: str = ""
    """STC01-3 entity identifier, when the status is about an entity."""
    payer_claim_number: str = ""
    """REF*1K, written for accepted claims."""
    clearinghouse_trace: str = ""
    """REF*D9."""

    @property
    def accepted(self) -> bool:
        return self.category not in REJECTED_CATEGORIES


def random_acks_for(
    claims: Sequence[GenClaim], seed: int, *, reject_rate: float = 0.05
) -> list[ClaimAck]:
    """Seeded 277CA answers: about ``reject_rate`` of the claims rejected, the rest A2."""
    rng = random.Random(seed)
    acks: list[ClaimAck] = []
    for claim in claims:
        if rng.random() < reject_rate:
            cat, code, entity = rng.choice(_REJECTIONS)
            acks.append(ClaimAck(claim, cat, code, entity))
        else:
            number = payer_claim_number(claim.claim_id, claim.payer.payer_id)
            acks.append(ClaimAck(claim, "A2", "20", "", number))
    return acks


def write_277ca(
    acks: Sequence[ClaimAck],
    *,
    sender: Party | str,
    receiver: Party | str,
    control_number: int = 1,
    created: date,
    seed: int = 0,
    test: bool = True,
    newline: bool = False,
) -> str:
    """A 277CA interchange with one transaction set for all ``acks``.

    ``receiver`` is the information receiver (the 837 submitter); each distinct payer of
    the acknowledged claims is an information source.
    """
    if not acks:
        raise ValueError("a 277CA needs at least one claim acknowledgment")
    rx = as_party(receiver)
    time = clock(seed)
    ic = Interchange(
        sender=as_party(sender),
        receiver=rx,
        control_number=control_number,
        created=created,
        time=time,
        functional_id="HN",
        version=VERSION_277CA,
        test=test,
    )
    today = d8(created)
    body = [seg("BHT", "0085", "08", f"{control_number}{ic.next_st_control()}", today, time, "TH")]
    by_payer: dict[str, list[ClaimAck]] = {}
    payers: dict[str, Payer] = {}
    for ack in acks:
        pid = ack.claim.payer.payer_id
        by_payer.setdefault(pid, []).append(ack)
        payers.setdefault(pid, ack.claim.payer)
    hl = 0
    for batch, (pid, items) in enumerate(by_payer.items(), start=1):
        hl += 1
        source_hl = hl
        body.append(f"HL*{hl}**20*1")
        body.append(seg("NM1", "PR", "2", text(payers[pid].name), "", "", "", "", "PI", pid))
        body.append(f"TRN*1*{control_number}{batch:04d}")
        body.append(f"DTP*050*D8*{today}")
        body.append(f"DTP*009*D8*{today}")
        hl += 1
        receiver_hl = hl
        body.append(f"HL*{hl}*{source_hl}*21*1")
        body.append(seg("NM1", "41", "2", text(rx.name or rx.id), "", "", "", "", "46", rx.id))
        body.append(f"TRN*2*{control_number}{batch:04d}")
        body.append(f"STC*A1:19:PR*{today}*WQ*{amount(_total(items))}")
        body.extend(_totals(items, "90", "AA"))
        by_provider: dict[tuple[str, str], list[ClaimAck]] = {}
        providers: dict[tuple[str, str], BillingProvider] = {}
        for ack in items:
            key = (ack.claim.billing.npi, ack.claim.billing.name)
            by_provider.setdefault(key, []).append(ack)
            providers.setdefault(key, ack.claim.billing)
        for key, group in by_provider.items():
            hl += 1
            provider_hl = hl
            bp = providers[key]
            body.append(f"HL*{hl}*{receiver_hl}*19*1")
            body.append(seg("NM1", "85", "2", text(bp.name), "", "", "", "", "XX", bp.npi))
            body.append("TRN*1*0")
            body.append(f"STC*A1:19:PR**WQ*{amount(_total(group))}")
            body.extend(_totals(group, "QA", "QC"))
            for ack in group:
                hl += 1
                body.append(f"HL*{hl}*{provider_hl}*PT")
                _claim(body, ack, today)
    ic.add("277", body)
    return ic.render(newline=newline)


def _total(acks: Sequence[ClaimAck]) -> Decimal:
    return sum((a.claim.total_charge for a in acks), ZERO)


def _totals(acks: Sequence[ClaimAck], accepted_q: str, rejected_q: str) -> list[str]:
    ok = [a for a in acks if a.accepted]
    bad = [a for a in acks if not a.accepted]
    out: list[str] = []
    if ok:
        out.append(f"QTY*{accepted_q}*{len(ok)}")
    if bad:
        out.append(f"QTY*{rejected_q}*{len(bad)}")
    if ok:
        out.append(f"AMT*YU*{amount(_total(ok))}")
    if bad:
        out.append(f"AMT*YY*{amount(_total(bad))}")
    return out


def _claim(out: list[str], ack: ClaimAck, today: str) -> None:
    claim = ack.claim
    p = claim.patient_person
    out.append(
        seg(
            "NM1",
            "QC",
            "1",
            text(p.last_name),
            text(p.first_name),
            "",
            "",
            "",
            "MI",
            claim.subscriber.member_id,
        )
    )
    out.append(f"TRN*2*{claim.claim_id}")
    status = ":".join(x for x in (ack.category, ack.status_code, ack.entity) if x)
    action = "WQ" if ack.accepted else "U"
    out.append(f"STC*{status}*{today}*{action}*{amount(claim.total_charge)}")
    if ack.accepted and ack.payer_claim_number:
        out.append(f"REF*1K*{ack.payer_claim_number}")
    if ack.clearinghouse_trace:
        out.append(f"REF*D9*{ack.clearinghouse_trace}")
    q, v = rd8(claim.first_service_date, claim.last_service_date)
    out.append(f"DTP*472*{q}*{v}")


__all__ = [
    "REJECTED_CATEGORIES",
    "VERSION_277CA",
    "ClaimAck",
    "random_acks_for",
    "write_277ca",
]
