"""Segment and envelope writing: ISA/GS/ST ... SE/GE/IEA with correct counts and numbers.

Writers build each transaction set as a list of segment strings (no terminator), and an
:class:`Interchange` wraps them: ``ST`` is prepended, ``SE01`` is the segment count from
``ST`` to ``SE`` inclusive, ``GE01`` the number of transaction sets, ``IEA01`` the number of
groups (always 1 here). ``ISA13`` is the control number padded to 9 digits, ``GS06`` the same
number unpadded, ``ST02`` is ``0001``, ``0002``... within the group.

Delimiters are fixed: ``*`` element, ``:`` component, ``^`` repetition, ``~`` segment.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from cleanclaim.x12.generate.model import GenAdjustment

ELEMENT = "*"
COMPONENT = ":"
REPETITION = "^"
TERMINATOR = "~"

# Characters that cannot appear inside data: replaced by a space in free text.
_SCRUB = str.maketrans({"*": " ", "~": " ", ":": " ", "^": " ", "\n": " ", "\r": " "})


@dataclass(frozen=True, slots=True)
class Party:
    """An interchange sender or receiver (ISA06/ISA08, GS02/GS03, 837 1000A/1000B)."""

    id: str
    name: str = ""
    qualifier: str = "ZZ"
    contact_name: str = "EDI DESK"
    phone: str = "8005550100"


def as_party(value: Party | str) -> Party:
    return value if isinstance(value, Party) else Party(id=value, name=value)


@lru_cache(maxsize=1 << 16)
def text(value: str) -> str:
    """Free text made safe for X12: delimiters replaced, upper-cased, trimmed."""
    return value.translate(_SCRUB).upper().strip()


@lru_cache(maxsize=1 << 14)
def amount(value: Decimal) -> str:
    """An X12 ``R`` value: no trailing zeros after the point, ``0`` for zero (never ``-0``)."""
    if not value:
        return "0"
    s = str(value)
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s


@lru_cache(maxsize=1 << 12)
def d8(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def rd8(start: date, end: date | None) -> tuple[str, str]:
    """(qualifier, value): D8 for one day, RD8 for a range."""
    if end is None or end == start:
        return "D8", d8(start)
    return "RD8", f"{d8(start)}-{d8(end)}"


def seg(*elements: str) -> str:
    """Join elements with ``*`` and drop trailing empty elements."""
    return ELEMENT.join(elements).rstrip(ELEMENT)


def comp(*components: str) -> str:
    """Join components with ``:`` and drop trailing empty components."""
    return COMPONENT.join(components).rstrip(COMPONENT)


def procedure(qualifier: str, code: str, modifiers: tuple[str, ...]) -> str:
    """``HC:99213:25`` style composite (up to 4 modifiers)."""
    if modifiers:
        return COMPONENT.join((qualifier, code, *modifiers[:4]))
    return f"{qualifier}{COMPONENT}{code}"


def clock(seed: int) -> str:
    """A deterministic HHMM for envelopes, taken from the seed."""
    rng = random.Random(seed)
    return f"{rng.randint(6, 20):02d}{rng.randint(0, 59):02d}"


class Interchange:
    """One ISA/IEA holding one GS/GE group of transaction sets."""

    def __init__(
        self,
        *,
        sender: Party,
        receiver: Party,
        control_number: int,
        created: date,
        time: str,
        functional_id: str,
        version: str,
        test: bool = True,
        st03: bool = True,
    ) -> None:
        if not 0 < control_number < 10**9:
            raise ValueError(f"control_number must be 1..999999999, got {control_number}")
        for party in (sender, receiver):
            if not 2 <= len(party.id) <= 15:
                raise ValueError(f"interchange ids have 2-15 characters, got {party.id!r}")
        self.sender = sender
        self.receiver = receiver
        self.control_number = control_number
        self.created = created
        self.time = time
        self.functional_id = functional_id
        self.version = version
        self.test = test
        self.st03 = st03
        self.transactions: list[tuple[str, list[str]]] = []

    def next_st_control(self) -> str:
        """The ST02 the next added transaction set will get."""
        return f"{len(self.transactions) + 1:04d}"

    def add(self, set_id: str, body: list[str]) -> str:
        """Add one transaction set (segments between ST and SE); returns its ST02."""
        st02 = self.next_st_control()
        self.transactions.append((set_id, body))
        return st02

    def isa(self) -> str:
        s, r, created = self.sender, self.receiver, self.created
        yymmdd = f"{created.year % 100:02d}{created.month:02d}{created.day:02d}"
        return ELEMENT.join(
            (
                "ISA",
                "00",
                " " * 10,
                "00",
                " " * 10,
                s.qualifier,
                f"{s.id:<15}",
                r.qualifier,
                f"{r.id:<15}",
                yymmdd,
                self.time,
                REPETITION,
                "00501",
                f"{self.control_number:09d}",
                "0",
                "T" if self.test else "P",
                COMPONENT,
            )
        )

    def render(self, *, newline: bool = False) -> str:
        """The whole interchange as text; ``newline`` adds a line break after each ``~``."""
        term = TERMINATOR + "\n" if newline else TERMINATOR
        gs06 = str(self.control_number)
        out: list[str] = [
            self.isa(),
            seg(
                "GS",
                self.functional_id,
                self.sender.id,
                self.receiver.id,
                d8(self.created),
                self.time,
                gs06,
                "X",
                self.version,
            ),
        ]
        for index, (set_id, body) in enumerate(self.transactions, start=1):
            st02 = f"{index:04d}"
            out.append(seg("ST", set_id, st02, self.version if self.st03 else ""))
            out.extend(body)
            out.append(f"SE*{len(body) + 2}*{st02}")
        out.append(f"GE*{len(self.transactions)}*{gs06}")
        out.append(f"IEA*1*{self.control_number:09d}")
        return term.join(out) + term


def cas_segments(adjustments: Sequence[GenAdjustment]) -> list[str]:
    """CAS segments: one per group code (first-seen order), at most 6 triples each."""
    if len(adjustments) == 1:
        a = adjustments[0]
        if a.quantity is None:
            return [f"CAS*{a.group}*{a.reason}*{amount(a.amount)}"]
        return [f"CAS*{a.group}*{a.reason}*{amount(a.amount)}*{amount(a.quantity)}"]
    by_group: dict[str, list[str]] = {}
    for adj in adjustments:
        qty = amount(adj.quantity) if adj.quantity is not None else ""
        by_group.setdefault(adj.group, []).append(f"{adj.reason}*{amount(adj.amount)}*{qty}")
    out: list[str] = []
    for group, triples in by_group.items():
        for start in range(0, len(triples), 6):
            out.append(f"CAS*{group}*" + "*".join(triples[start : start + 6]).rstrip("*"))
    return out
