"""pyx12 4.0.0 validates every kind of generated file without a single error."""

from __future__ import annotations

import pytest
from _genfixtures import KINDS, build, hand_file, pyx12_problems


@pytest.mark.parametrize("kind", KINDS)
def test_pyx12_accepts_hand_built_files(kind: str) -> None:
    assert pyx12_problems(hand_file(kind)) == []


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("kind", KINDS)
def test_pyx12_accepts_generated_files(kind: str, seed: int) -> None:
    assert pyx12_problems(build(kind, seed)) == []


def test_pyx12_wrapper_reports_errors() -> None:
    """The validator is not a rubber stamp: a broken file yields problems."""
    x12 = hand_file("837p").replace("N3*100 MAIN ST~N4*SPRINGFIELD*IL*627011234~REF*EI", "REF*EI")
    problems = pyx12_problems(x12)
    assert any(
        'Mandatory segment "Billing Provider Address" (N3) missing' in p for p in problems
    ), problems
