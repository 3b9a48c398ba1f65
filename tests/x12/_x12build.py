"""Build small synthetic X12 texts for the reader, envelope and 837 tests.

Segments are written with ``*`` and ``:`` and converted to the delimiters under test.
Every name and id is made up (TESTPATIENT...); there is no PHI here.
"""

from __future__ import annotations

import io
from pathlib import Path

from cleanclaim.x12.envelope import EnvelopeReader, InterchangeSummary, TransactionSet

DATA = Path(__file__).parent / "data"


def isa(
    control: str = "000000001",
    *,
    element: str = "*",
    repetition: str = "^",
    component: str = ":",
    terminator: str = "~",
    version: str = "00501",
    sender: str = "TESTSENDER",
) -> str:
    """A well-formed 106-character ISA."""
    fields = ["ISA", "00", " " * 10, "00", " " * 10, "ZZ", sender.ljust(15), "ZZ",
              "TESTRECEIVER".ljust(15), "260101", "1200", repetition, version, control, "0",
              "T", component]  # fmt: skip
    text = element.join(fields) + terminator
    assert len(text) == 106, len(text)
    return text


def convert(segment: str, element: str, component: str) -> str:
    return segment.replace("*", "\0").replace(":", component).replace("\0", element)


def transaction(
    body: list[str], control: str = "0001", set_id: str = "837", version: str = "005010X222A1"
) -> list[str]:
    """ST, ``body`` and a correct SE."""
    return [f"ST*{set_id}*{control}*{version}", *body, f"SE*{len(body) + 2}*{control}"]


def interchange(
    sets: list[list[str]],
    control: str = "000000001",
    *,
    group: str = "1",
    version: str = "005010X222A1",
    functional: str = "HC",
    element: str = "*",
    component: str = ":",
    repetition: str = "^",
    terminator: str = "~",
    eol: str = "",
) -> str:
    """One interchange with one group holding ``sets`` (each a list of segments)."""
    segs = [f"GS*{functional}*TESTSENDER*TESTRECEIVER*20260101*1200*{group}*X*{version}"]
    for s in sets:
        segs += s
    segs += [f"GE*{len(sets)}*{group}", f"IEA*1*{control}"]
    head = isa(control, element=element, component=component, repetition=repetition,
               terminator=terminator)  # fmt: skip
    return head + eol + "".join(convert(s, element, component) + terminator + eol for s in segs)


SIMPLE_BODY = ["BHT*0019*00*REF1*20260101*1200*CH", "NM1*41*2*TEST SUBMITTER*****46*S1"]


def simple(control: str = "000000001", **kw: str) -> str:
    """A one-set 837P-labelled interchange (8 segments: ISA GS ST BHT NM1 SE GE IEA)."""
    return interchange([transaction(SIMPLE_BODY)], control, **kw)


def envelope(
    text: str | bytes, path_name: str = "test.x12"
) -> list[TransactionSet | InterchangeSummary]:
    data = text.encode("latin-1") if isinstance(text, str) else text
    return list(EnvelopeReader(io.BytesIO(data), path_name=path_name))


def sets_of(text: str | bytes) -> list[TransactionSet]:
    return [x for x in envelope(text) if isinstance(x, TransactionSet)]


def summaries_of(text: str | bytes) -> list[InterchangeSummary]:
    return [x for x in envelope(text) if isinstance(x, InterchangeSummary)]


def load(name: str) -> str:
    return (DATA / name).read_text(encoding="latin-1")
