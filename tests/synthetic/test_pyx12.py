"""A sample of the generated files passes pyx12 4.0.0 validation: the files richest in
special cases (secondary claims with COB data, replacements, voids, reversals, denials,
provider adjustments, 277CA rejections)."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.synthetic._demo import Demo
from tests.x12._genfixtures import pyx12_problems

FEATURES = {
    "837P": ("SBR*S*", "REF*F8*", ":B:7*", ":B:8*", "REF*G1*", "SVD*", "*95*", "*GT*"),
    "835-DMCRB": ("*22*", "PLB*", "*253*", "MOA***MA18", "NM1*TT*", "LQ*HE*"),
    "835-DSMRP": ("*22*", "PLB*", "CAS*OA*23*", "CAS*PR*3*", "LQ*HE*"),
    "277CA": ("STC*A7", "STC*A2"),
    "999": ("AK9*",),
}


def _richest(demo: Demo, kind: str) -> Path:
    def score(path: Path) -> tuple[int, int]:
        text = path.read_text()
        return sum(f in text for f in FEATURES[kind]), -len(text)

    return max(demo.x12(kind), key=score)


IDS = ["837p", "835-medicare", "835-commercial", "277ca", "999"]


@pytest.mark.parametrize("kind", list(FEATURES), ids=IDS)
def test_pyx12_accepts_the_richest_file_of_each_kind(demo: Demo, kind: str) -> None:
    pytest.importorskip("pyx12")
    path = _richest(demo, kind)
    assert pyx12_problems(path.read_text()) == [], path.name
