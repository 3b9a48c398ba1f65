"""Reading a generated demo back with the project's own readers (shared by the tests)."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from cleanclaim.analytics.synthetic import Summary
from cleanclaim.claims.acks import ClaimAcknowledgment
from cleanclaim.claims.model import Claim
from cleanclaim.claims.remittance import Remittance
from cleanclaim.x12.envelope import iter_transaction_sets
from cleanclaim.x12.parse835 import parse_835
from cleanclaim.x12.parse837 import parse_837
from cleanclaim.x12.parse_ack import parse_277ca, parse_999

NORMAL = frozenset({("CO", "45"), ("CO", "253"), ("PR", "1"), ("PR", "2"), ("PR", "3"),
                    ("OA", "23")})  # fmt: skip
"""The only group/CARC pairs the demo writes on payments that are not denials."""
SEED = 20261
AS_OF = dt.date(2026, 9, 30)
MONTHS = 12


@dataclass
class Demo:
    out: Path
    summary: Summary
    files: list[Path] = field(default_factory=list)

    def x12(self, kind: str) -> list[Path]:
        """Files of ``kind`` (``837P``, ``999``, ``277CA``, ``835`` or ``835-PAYERID``)."""
        return sorted(self.out.rglob(f"*-{kind}*.x12"))

    @cached_property
    def claims(self) -> list[Claim]:
        out: list[Claim] = []
        for path in self.x12("837P"):
            for ts in iter_transaction_sets(path):
                out.extend(parse_837(ts, path_name=path.name))
        return out

    @cached_property
    def remits(self) -> list[Remittance]:
        out = []
        for path in self.x12("835"):
            for ts in iter_transaction_sets(path):
                out.append(parse_835(ts.segments, ts.delimiters, path.name,
                                     control_number=ts.control_number))  # fmt: skip
        return out

    @cached_property
    def acks(self) -> list[ClaimAcknowledgment]:
        out = []
        for path in self.x12("277CA"):
            for ts in iter_transaction_sets(path):
                out.append(parse_277ca(ts.segments, ts.delimiters, path.name,
                                       control_number=ts.control_number))  # fmt: skip
        return out

    def acks999(self) -> int:
        count = 0
        for path in self.x12("999"):
            for ts in iter_transaction_sets(path):
                ack = parse_999(ts.segments, ts.delimiters, path.name,
                                control_number=ts.control_number)  # fmt: skip
                count += len(ack.transactions)
        return count

    def csv(self, name: str) -> list[dict[str, str]]:
        with (self.out / name).open(newline="", encoding="utf-8") as fh:
            return list(csv.DictReader(fh))

    def header(self, name: str) -> list[str]:
        with (self.out / name).open(newline="", encoding="utf-8") as fh:
            return next(csv.reader(fh))

    @cached_property
    def denials(self) -> set[tuple[str, str, str]]:
        """(CLP01, CLP07, SVC position or "") of every denial-type adjustment in the 835s."""
        found: set[tuple[str, str, str]] = set()
        for remit in self.remits:
            for clp in remit.claims:
                if clp.status == "22":
                    continue
                key = (clp.patient_control_number, clp.payer_claim_control_number)
                if any(_denies(a.group, a.reason, a.amount) for a in clp.adjustments):
                    found.add((*key, ""))
                for line in clp.lines:
                    if any(_denies(a.group, a.reason, a.amount) for a in line.adjustments):
                        found.add((*key, str(line.number)))
        return found


def _denies(group: str, carc: str, amount: Decimal) -> bool:
    return (group, carc) not in NORMAL and amount > 0
