"""A tiny private X12 splitter (and a value digger) for the parser tests.

It turns an interchange string into :class:`Segment` values (positions 1-based, counting
from the ISA) so that the 835/999/277CA parser tests do not depend on the real reader.
It is deliberately naive: one interchange, delimiters read from the fixed-width ISA.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from cleanclaim.claims.acks import Status
from cleanclaim.claims.remittance import Adjustment, Procedure, ProviderAdjustment
from cleanclaim.x12.segments import Delimiters, Segment

DATA = Path(__file__).parent / "data835"

_ISA = (
    "ISA*00*          *00*          *ZZ*SYNTHPAYER     *ZZ*SYNTHPROVIDER  "
    "*260115*1200*^*00501*000000901*0*T*:~"
)


def split(text: str) -> tuple[Delimiters, list[Segment]]:
    """Split an interchange into its delimiters and segments."""
    text = text.lstrip()
    if not text.startswith("ISA") or len(text) < 106:
        raise ValueError("not an X12 interchange")
    delimiters = Delimiters(
        element=text[3], repetition=text[82], component=text[104], segment=text[105]
    )
    segments: list[Segment] = []
    for raw in text.split(delimiters.segment):
        raw = raw.strip("\r\n ")
        if raw:
            segments.append(Segment(len(segments) + 1, tuple(raw.split(delimiters.element))))
    return delimiters, segments


def transaction(text: str, index: int = 0) -> tuple[Delimiters, list[Segment]]:
    """The segments of transaction set ``index`` (ST to SE inclusive)."""
    delimiters, segments = split(text)
    starts = [i for i, seg in enumerate(segments) if seg.id == "ST"]
    start = starts[index]
    end = next(i for i in range(start, len(segments)) if segments[i].id == "SE")
    return delimiters, segments[start : end + 1]


def load(name: str, index: int = 0) -> tuple[Delimiters, list[Segment]]:
    """Transaction set ``index`` of the data file ``name``."""
    return transaction((DATA / name).read_text(encoding="latin-1"), index)


def wrap(body: str, set_id: str = "835", version: str = "005010X221A1") -> str:
    """A whole interchange around ``body`` (segments between ST and SE, ``~``-terminated).

    With the ISA, GS and ST before it, the first body segment is at position 4.
    """
    segments = [s for s in body.replace("\n", "").split("~") if s.strip()]
    functional = {"835": "HP", "999": "FA", "277": "HN"}[set_id]
    count = len(segments) + 2
    return (
        f"{_ISA}GS*{functional}*SYNTHPAYER*SYNTHPROVIDER*20260115*1200*901*X*{version}~"
        f"ST*{set_id}*0001*{version}~"
        + "".join(s.strip() + "~" for s in segments)
        + f"SE*{count}*0001~GE*1*901~IEA*1*000000901~"
    )


def dig(obj: Any, path: str) -> Any:
    """Follow ``a.0.b``; ``#`` is len(), ``name(ARG)`` calls a method with one string."""
    for part in path.split("."):
        if part == "#":
            obj = len(obj)
        elif part.isdigit():
            obj = obj[int(part)]
        elif part.endswith(")"):
            name, _, arg = part[:-1].partition("(")
            obj = getattr(obj, name)(arg)
        else:
            obj = getattr(obj, part)
    return normalise(obj)


def normalise(value: Any) -> Any:
    """Compact, readable forms for the values that tests compare."""
    if isinstance(value, Procedure):
        return ":".join((value.qualifier, value.code, *value.modifiers))
    if isinstance(value, list) and value and isinstance(value[0], Adjustment):
        return [f"{a.code} {a.amount}" for a in value]
    if isinstance(value, list) and value and isinstance(value[0], ProviderAdjustment):
        return [f"{p.reason}:{p.reference} {p.amount}" for p in value]
    if isinstance(value, list) and value and isinstance(value[0], Status):
        return [
            " ".join(p for p in ("+".join(map(str, s.codes)), s.action, str(s.amount or "")) if p)
            for s in value
        ]
    return value
