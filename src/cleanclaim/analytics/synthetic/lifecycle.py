"""The life of a claim: submission, acknowledgment, adjudication and the work after it.

:class:`Lifecycle` plays one encounter to the end (or to the as-of date): the 837 batch
(every Friday), the 277CA answer, the payer's decision (:mod:`.payer_behaviour`), the
secondary claim, and, after a denial, what the practice does: a corrected replacement
(frequency 7), a rebill to the right payer, an appeal (with its outcome and the payer's
new payment: a reversal, CLP02 22, then the corrected payment), a void or a write-off.
Everything lands in a :class:`Book` by date; nothing dated after the as-of date is kept.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field, replace
from decimal import Decimal

from cleanclaim.analytics.synthetic import adjudicate as adj
from cleanclaim.analytics.synthetic import errors as err
from cleanclaim.analytics.synthetic import followup
from cleanclaim.analytics.synthetic import payer_behaviour as pb
from cleanclaim.analytics.synthetic.encounter import Encounter, Fix, at, batch_day, build_claim
from cleanclaim.analytics.synthetic.ledger import LedgerRow, denial_rows, rejection_row
from cleanclaim.analytics.synthetic.practice import PAYERS, Practice, weekday_on_or_after
from cleanclaim.analytics.synthetic.services import documentation
from cleanclaim.x12.generate._ids import payer_claim_number
from cleanclaim.x12.generate.ack277 import ClaimAck
from cleanclaim.x12.generate.model import GenClaim, GenClaimPayment, GenOtherPayer

_MAX_DEPTH = 8


@dataclass
class Book:
    """Everything generated, keyed by the date it happens."""

    submissions: dict[dt.date, list[ClaimAck]] = field(default_factory=dict)
    payments: dict[tuple[dt.date, str], list[GenClaimPayment]] = field(default_factory=dict)
    worklog: list[tuple[str, str, str, str, dt.datetime, dt.datetime]] = field(default_factory=list)
    encounters: list[dict[str, str]] = field(default_factory=list)
    appeals: list[dict[str, str]] = field(default_factory=list)
    ledger: list[LedgerRow] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)


@dataclass
class Lifecycle:
    practice: Practice
    as_of: dt.date
    book: Book = field(default_factory=Book)
    benefits: adj.Benefits = field(default_factory=adj.Benefits)
    versions: Counter[str] = field(default_factory=Counter)

    # -- bookkeeping -----------------------------------------------------------------------

    def work(self, enc: Encounter, claim_id: str, coded: dt.datetime, billed: dt.datetime) -> None:
        """A work-log row, for a claim that goes out by the as-of date."""
        if batch_day(billed.date()) <= self.as_of:
            self.book.worklog.append(
                (claim_id, enc.registrar.user, enc.coder.user, enc.biller.user, coded, billed)
            )

    def pay(
        self,
        day: dt.date,
        payer: str,
        clp: GenClaimPayment,
        enc: Encounter | None = None,
        cause: str = "",
        claim: GenClaim | None = None,
    ) -> list[LedgerRow]:
        self.book.payments.setdefault((day, payer), []).append(clp)
        if enc is None or claim is None:
            if adj.denials_of(clp):
                raise ValueError(f"claim {clp.claim_id}: a denial without a cause")
            return []
        rows = denial_rows(enc, cause, claim, clp, PAYERS[payer].payer_id, day)
        if rows and not cause:
            raise ValueError(f"claim {clp.claim_id}: a denial without a cause")
        self.book.ledger.extend(rows)
        self.book.counts["denied claims"] += bool(rows)
        return rows

    def icn(self, claim: GenClaim, version: int, suffix: str = "") -> str:
        key = (
            claim.claim_id if version == 1 and not suffix else f"{claim.claim_id}/{version}{suffix}"
        )
        return payer_claim_number(key, claim.payer.payer_id)

    # -- one encounter ------------------------------------------------------------------------

    def play(self, enc: Encounter, rng: random.Random) -> None:
        """Bill ``enc`` and play its claim (and a duplicate of it, if injected) to the end."""
        claim = build_claim(enc, self.practice)
        if enc.error:
            self.book.counts[f"injected {enc.error}"] += 1
        doc = self.documented(enc, rng)
        self.work(enc, enc.claim_id, enc.coded_at, enc.billed_at)
        self.note(doc, enc.claim_id, enc.billed_at)
        cause = "" if enc.error == "duplicate" else enc.error
        self.send(enc, claim, batch_day(enc.billed_at.date()), cause, rng)
        if enc.error == "duplicate":
            dup_id = enc.claim_id + "B"
            dup = replace(
                claim,
                claim_id=dup_id,
                lines=tuple(
                    replace(ln, control_number=f"{dup_id}-{k}")
                    for k, ln in enumerate(claim.lines, start=1)
                ),
            )
            billed = enc.billed_at + dt.timedelta(days=rng.randint(7, 28))
            self.work(enc, dup_id, enc.coded_at, billed)
            self.note(doc, dup_id, billed)
            self.send(enc, dup, batch_day(billed.date()), "duplicate", rng)

    def documented(self, enc: Encounter, rng: random.Random) -> dict[str, str] | None:
        """The encounter-sidecar row of an office visit (None: no office E/M line)."""
        em = enc.visit.em
        if em is None:
            return None
        row = documentation(rng, enc.visit.lines[em].code, enc.supported_em)
        row["date"] = enc.dos.isoformat()
        return row

    def note(self, doc: dict[str, str] | None, claim_id: str, billed: dt.datetime) -> None:
        if doc is not None and batch_day(billed.date()) <= self.as_of:
            self.book.encounters.append({**doc, "claim_id": claim_id})

    # -- one claim version ------------------------------------------------------------------

    def send(
        self,
        enc: Encounter,
        claim: GenClaim,
        batch: dt.date,
        cause: str,
        rng: random.Random,
        depth: int = 0,
        *,
        fix: Fix | None = None,
        replaces: GenClaimPayment | None = None,
        payer_error: bool = True,
    ) -> None:
        """Submit ``claim`` in the ``batch`` of that Friday and play what follows."""
        if batch > self.as_of or depth > _MAX_DEPTH:
            return
        payer = adj.payer_key(claim)
        profile = pb.PROFILES[payer]
        self.versions[claim.claim_id] += 1
        version = self.versions[claim.claim_id]
        icn = self.icn(claim, version)
        answer: pb.Response | None = None
        hit = pb.response(cause, payer) if cause else None
        if hit is not None and rng.random() < hit[0]:
            answer = hit[1]
        elif not cause and payer_error and rng.random() < profile.payer_error_rate:
            answer, cause = rng.choice(profile.payer_errors), "payer-error"
        if answer is not None and answer.level == "reject":
            self.reject(enc, claim, batch, cause, answer, rng, depth, fix)
            return
        self.book.submissions.setdefault(batch, []).append(ClaimAck(claim, "A2", "20", "", icn))
        self.book.counts["claim versions sent"] += 1
        received = batch + dt.timedelta(days=1)
        day = adj.pay_day(received, payer, rng)
        if day > self.as_of:
            return
        if replaces is not None:
            self.pay(day, payer, adj.reversal(replaces))
        services = adj.paid_services(claim, payer, enc.patient.index, self.benefits)
        if answer is None or answer.level == "downcode":
            if answer is None:
                crossover = (
                    payer == "mcr"
                    and claim.sbr_sequence == "P"
                    and enc.patient.secondary == "medigap"
                    and enc.patient.crossover
                )
                status = "19" if crossover else adj.status_of(claim)
                remarks = ("MA18",) if crossover else adj.remarks_of(payer)
                clp = adj.payment(
                    claim,
                    status,
                    icn,
                    services,
                    (),
                    remarks,
                    crossover=crossover,
                    received=received,
                )
            else:
                clp = adj.denied(claim, payer, icn, answer, enc.affected, services, received)
            self.pay(day, payer, clp)
            self.after_paid(enc, claim, clp, day, rng, depth)
            return
        affected = enc.affected if cause == enc.error else rng.randrange(len(claim.lines))
        clp = adj.denied(claim, payer, icn, answer, affected, services, received)
        rows = self.pay(day, payer, clp, enc, cause, claim)
        resolution = followup.follow_up(self, enc, claim, clp, cause, day, rng, depth, fix)
        for row in rows:
            row.resolution = resolution

    def reject(
        self,
        enc: Encounter,
        claim: GenClaim,
        batch: dt.date,
        cause: str,
        answer: pb.Response,
        rng: random.Random,
        depth: int,
        fix: Fix | None,
    ) -> None:
        category, status, entity = answer.stc
        self.book.submissions.setdefault(batch, []).append(
            ClaimAck(claim, category, status, entity)
        )
        self.book.counts["claim versions sent"] += 1
        acked = batch + dt.timedelta(days=2)
        if acked > self.as_of:
            return
        row = rejection_row(enc, cause, claim, claim.payer.payer_id, acked, answer.stc)
        self.book.ledger.append(row)
        error = err.BY_SLUG[cause]
        if rng.random() >= error.fix_rate:
            return
        when = at(acked + dt.timedelta(days=rng.randint(1, 6)), rng)
        billed = when + dt.timedelta(hours=rng.randint(1, 30))
        if billed.date() > self.as_of:
            return
        row.resolution = "corrected"
        fixed = (fix or followup.corrector(self, enc, cause))("1", "")
        if cause in followup.CODING:
            self.work(enc, claim.claim_id, when, billed)
        self.send(enc, fixed, batch_day(billed.date()), "", rng, depth + 1)

    # -- after a payment ----------------------------------------------------------------------

    def after_paid(
        self,
        enc: Encounter,
        claim: GenClaim,
        clp: GenClaimPayment,
        day: dt.date,
        rng: random.Random,
        depth: int,
    ) -> None:
        payer = adj.payer_key(claim)
        pt = enc.patient
        if (
            claim.sbr_sequence == "P"
            and payer == pt.primary
            and pt.secondary is not None
            and not pt.crossover
            and clp.patient_responsibility > 0
            and not adj.denials_of(clp)
        ):
            self.secondary(enc, claim, clp, day, rng, depth)
        roll = rng.random()
        if roll < pb.PROFILES[payer].reprocess_rate:  # the payer reprocesses on its own
            again = weekday_on_or_after(
                day + dt.timedelta(days=rng.randint(30, 90)), pb.PROFILES[payer].weekday
            )
            if again <= self.as_of:
                services = adj.paid_services(
                    claim,
                    payer,
                    pt.index,
                    self.benefits,
                    pb.PROFILES[payer].allowed * Decimal("1.03"),
                )
                icn = self.icn(claim, self.versions[claim.claim_id], "R")
                status = "1" if clp.status == "19" else clp.status
                again_clp = adj.payment(claim, status, icn, services, (), adj.remarks_of(payer),
                                        received=clp.received)  # fmt: skip
                self.pay(again, payer, adj.reversal(clp))
                self.pay(again, payer, again_clp)
                self.book.counts["payer reprocessed"] += 1
        elif roll < 0.011 and claim.sbr_sequence == "P":  # the practice voids the claim
            when = day + dt.timedelta(days=rng.randint(20, 60))
            void = replace(
                claim, frequency="8", original_reference=clp.payer_claim_number, other_payers=()
            )
            self.send_void(void, batch_day(when), payer, clp, rng)
        elif roll < 0.018 and claim.frequency == "1" and "Z79.899" not in claim.diagnoses[:3]:
            # a late correction of a paid claim: the coder adds a diagnosis
            when = at(day + dt.timedelta(days=rng.randint(10, 40)), rng)
            billed = when + dt.timedelta(hours=4)
            fixed = replace(claim, diagnoses=(*claim.diagnoses, "Z79.899"), frequency="7",
                            original_reference=clp.payer_claim_number)  # fmt: skip
            self.work(enc, claim.claim_id, when, billed)
            self.book.counts["paid claims corrected"] += 1
            self.send(enc, fixed, batch_day(billed.date()), "", rng, depth + 1, replaces=clp,
                      payer_error=False)  # fmt: skip

    def send_void(
        self, void: GenClaim, batch: dt.date, payer: str, paid: GenClaimPayment, rng: random.Random
    ) -> None:
        if batch > self.as_of:
            return
        self.versions[void.claim_id] += 1
        icn = self.icn(void, self.versions[void.claim_id])
        self.book.submissions.setdefault(batch, []).append(ClaimAck(void, "A2", "20", "", icn))
        self.book.counts["voids"] += 1
        day = adj.pay_day(batch + dt.timedelta(days=1), payer, rng)
        if day <= self.as_of and paid.paid:
            self.pay(day, payer, adj.reversal(paid, "8"))

    def secondary(
        self,
        enc: Encounter,
        claim: GenClaim,
        clp: GenClaimPayment,
        day: dt.date,
        rng: random.Random,
        depth: int,
    ) -> None:
        pt = enc.patient
        assert pt.secondary is not None and pt.secondary_subscriber is not None
        primary, second = PAYERS[adj.payer_key(claim)], PAYERS[pt.secondary]
        other = GenOtherPayer(
            "P", primary.payer, claim.subscriber, primary.filing_indicator, clp.paid
        )
        prior = adj.prior_adjudication(claim, clp, primary.payer_id, day)
        good = replace(
            claim,
            payer=second.payer,
            subscriber=pt.secondary_subscriber,
            sbr_sequence="S",
            filing_indicator=second.filing_indicator,
            other_payers=(other,),
            frequency="1",
            original_reference="",
            lines=tuple(
                replace(ln, adjudications=prior.get(k, ())) for k, ln in enumerate(claim.lines)
            ),
        )
        error = err.BY_SLUG["cob-missing-primary"]
        cause = ""
        sent = good
        if rng.random() < error.rate * err.multiplier(error, enc):
            cause = "cob-missing-primary"
            sent = replace(
                good,
                other_payers=(),
                lines=tuple(replace(ln, adjudications=()) for ln in good.lines),
            )
            self.book.counts["injected cob-missing-primary"] += 1
        when = day + dt.timedelta(days=rng.randint(3, 12))
        self.book.counts["secondary claims"] += 1
        self.send(
            enc,
            sent,
            batch_day(when),
            cause,
            rng,
            depth + 1,
            fix=lambda freq, orig: replace(good, frequency=freq, original_reference=orig),
        )
