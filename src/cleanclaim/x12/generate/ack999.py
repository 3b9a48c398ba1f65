"""999 implementation acknowledgment (005010X231A1) writer.

One 999 transaction set answers one functional group: ``AK1`` names the group, each
acknowledged transaction set gets ``AK2`` ... ``IK5`` (with ``IK3``/``CTX``/``IK4`` for its
errors), and ``AK9`` sums up. :func:`ack999_for` reads the GS/ST envelopes of an interchange
(for example a generated 837) and builds the acknowledgment specs, optionally rejecting a
seeded random share of the transaction sets with realistic-looking errors.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from cleanclaim.x12.generate.writer import Interchange, Party, as_party, clock, seg

VERSION_999 = "005010X231A1"
_ACCEPTED = frozenset({"A", "E"})


@dataclass(frozen=True, slots=True)
class Ack999ElementError:
    """IK4: one bad element of a segment."""

    position: int
    """IK401-1: the element position in the segment."""
    code: str
    """IK403: 1 missing, 4 too short, 5 too long, 7 invalid code, 8 invalid date, I12 pattern..."""
    data_element: str = ""
    """IK402: the X12 data element reference number."""
    component: int | None = None
    bad_value: str = ""


@dataclass(frozen=True, slots=True)
class Ack999SegmentError:
    """IK3 (+ CTX + IK4s): one segment in error."""

    segment_id: str
    position: int
    """IK302: position of the segment in the transaction set (ST is 1)."""
    loop_id: str = ""
    """IK303: at most 4 characters (``2010`` for loop 2010BA, ``2400``...)."""
    code: str = "8"
    """IK304: 3 required segment missing, 8 segment has element errors, I6..."""
    elements: tuple[Ack999ElementError, ...] = ()
    business_unit: tuple[str, str] | None = None
    """CTX business-unit context, e.g. ``("CLM01", "C123")``."""


@dataclass(frozen=True, slots=True)
class Ack999Transaction:
    """AK2 ... IK5 for one acknowledged transaction set."""

    set_id: str
    control_number: str
    status: str = "A"
    """IK501: A accepted, E accepted with errors, R rejected (M, W, X also exist)."""
    errors: tuple[Ack999SegmentError, ...] = ()
    reasons: tuple[str, ...] = ()
    """IK502-IK506; defaults to ``5`` (segments in error) for a rejected set with errors."""
    version: str = ""
    """AK203: the implementation guide of the acknowledged set."""


@dataclass(frozen=True, slots=True)
class Ack999Group:
    """AK1 ... AK9 for one acknowledged functional group."""

    functional_id: str
    control_number: str
    version: str
    transactions: tuple[Ack999Transaction, ...]

    @property
    def accepted_count(self) -> int:
        return sum(1 for t in self.transactions if t.status in _ACCEPTED)

    @property
    def status(self) -> str:
        """AK901: A all accepted, E accepted with errors, R none accepted, P partial."""
        n, ok = len(self.transactions), self.accepted_count
        if n and ok == n:
            return "E" if any(t.status == "E" for t in self.transactions) else "A"
        return "R" if ok == 0 else "P"


def write_999(
    groups: Sequence[Ack999Group],
    *,
    sender: Party | str,
    receiver: Party | str,
    control_number: int = 1,
    created: date,
    seed: int = 0,
    test: bool = True,
    newline: bool = False,
) -> str:
    """A 999 interchange: one transaction set per acknowledged functional group."""
    if not groups:
        raise ValueError("a 999 needs at least one acknowledged group")
    ic = Interchange(
        sender=as_party(sender),
        receiver=as_party(receiver),
        control_number=control_number,
        created=created,
        time=clock(seed),
        functional_id="FA",
        version=VERSION_999,
        test=test,
    )
    for group in groups:
        body = [seg("AK1", group.functional_id, group.control_number, group.version)]
        for t in group.transactions:
            body.append(seg("AK2", t.set_id, t.control_number, t.version))
            for err in t.errors:
                body.append(seg("IK3", err.segment_id, str(err.position), err.loop_id, err.code))
                if err.business_unit is not None:
                    body.append(f"CTX*{err.business_unit[0]}:{err.business_unit[1]}")
                for el in err.elements:
                    pos = (
                        str(el.position)
                        if el.component is None
                        else f"{el.position}:{el.component}"
                    )
                    body.append(seg("IK4", pos, el.data_element, el.code, el.bad_value))
            reasons = t.reasons or (("5",) if t.errors and t.status not in _ACCEPTED else ())
            body.append(seg("IK5", t.status, *reasons[:5]))
        n = len(group.transactions)
        body.append(f"AK9*{group.status}*{n}*{n}*{group.accepted_count}")
        ic.add("999", body)
    return ic.render(newline=newline)


def _segments(x12: str) -> list[list[str]]:
    """Split an interchange into segments of elements, using the ISA's own delimiters."""
    if len(x12) < 106 or not x12.startswith("ISA"):
        raise ValueError("not an X12 interchange: it must start with a 106-character ISA")
    element, terminator = x12[3], x12[105]
    return [s.strip().split(element) for s in x12.split(terminator) if s.strip()]


def ack999_for(x12: str, *, seed: int = 0, reject_rate: float = 0.0) -> list[Ack999Group]:
    """Acknowledgment specs for every functional group and transaction set in ``x12``.

    Each transaction set is rejected with probability ``reject_rate`` (seeded); a rejected
    837 set gets one made-up but well-formed error on one of its claims.
    """
    rng = random.Random(seed)
    groups: list[Ack999Group] = []
    gs: list[str] | None = None
    sets: list[Ack999Transaction] = []
    st: list[list[str]] = []
    for elements in _segments(x12):
        sid = elements[0]
        if sid == "GS":
            gs, sets = elements, []
        elif sid == "ST":
            st = [elements]
        elif sid == "SE" and st:
            head = st[0]
            version = head[3] if len(head) > 3 else (gs[8] if gs else "")
            if rng.random() < reject_rate:
                sets.append(
                    Ack999Transaction(
                        head[1], head[2], "R", _made_up_errors(st, rng), version=version
                    )
                )
            else:
                sets.append(Ack999Transaction(head[1], head[2], "A", version=version))
            st = []
        elif sid == "GE" and gs is not None:
            groups.append(Ack999Group(gs[1], gs[6], gs[8], tuple(sets)))
            gs = None
        elif st:
            st.append(elements)
    return groups


def _made_up_errors(st: list[list[str]], rng: random.Random) -> tuple[Ack999SegmentError, ...]:
    """One plausible error on a random claim of an 837 set (a member id or a service date)."""
    claims = [i for i, e in enumerate(st) if e[0] == "CLM"]
    if not claims:
        return (
            Ack999SegmentError(
                st[1][0] if len(st) > 1 else "ST",
                2,
                "",
                "8",
                (Ack999ElementError(1, "7", "", None, ""),),
            ),
        )
    at = rng.choice(claims)
    unit = ("CLM01", st[at][1])
    dates = [i for i in range(at, len(st)) if st[i][:2] == ["DTP", "472"]]
    if dates and rng.random() < 0.5:
        i = dates[0]
        return (
            Ack999SegmentError(
                "DTP",
                i + 1,
                "2400",
                "8",
                (Ack999ElementError(3, "8", "1251", None, st[i][3]),),
                unit,
            ),
        )
    members = [i for i in range(at, 0, -1) if st[i][:2] == ["NM1", "IL"]]
    i = members[0] if members else at
    return (
        Ack999SegmentError(
            st[i][0],
            i + 1,
            "2010" if members else "2300",
            "8",
            (Ack999ElementError(9, "I12", "67", None, st[i][-1]),),
            unit,
        ),
    )


__all__ = [
    "VERSION_999",
    "Ack999ElementError",
    "Ack999Group",
    "Ack999SegmentError",
    "Ack999Transaction",
    "ack999_for",
    "write_999",
]
