"""The office/outpatient E/M grid: 2 of 3 MDM elements, time thresholds, supported code."""

from __future__ import annotations

import itertools

import pytest

from cleanclaim.edits import mdm
from cleanclaim.edits.mdm import MdmLevel, PatientKind

S, L, M, H = MdmLevel.STRAIGHTFORWARD, MdmLevel.LOW, MdmLevel.MODERATE, MdmLevel.HIGH
LEVELS = (S, L, M, H)


def _expected(a: MdmLevel, b: MdmLevel, c: MdmLevel) -> MdmLevel:
    """The highest level met or exceeded by at least two elements (by definition)."""
    return max(x for x in LEVELS if sum(e >= x for e in (a, b, c)) >= 2)


@pytest.mark.parametrize(
    ("problems", "data", "risk"),
    list(itertools.product(LEVELS, repeat=3)),
    ids=lambda v: v.label,
)
def test_every_combination_is_two_of_three(
    problems: MdmLevel, data: MdmLevel, risk: MdmLevel
) -> None:
    assert mdm.mdm_level(problems, data, risk) == _expected(problems, data, risk)


# Each element alone at each level, the other two at straightforward: never lifts the MDM;
# each element at each level with one other element matching it: lifts the MDM to it.
ELEMENT_CASES = [
    pytest.param(position, level, id=f"{name}-{level.label}")
    for position, name in enumerate(mdm.ELEMENTS)
    for level in LEVELS
]


@pytest.mark.parametrize(("position", "level"), ELEMENT_CASES)
def test_one_element_alone_does_not_lift_the_level(position: int, level: MdmLevel) -> None:
    values = [S, S, S]
    values[position] = level
    assert mdm.mdm_level(*values) == S


@pytest.mark.parametrize(("position", "level"), ELEMENT_CASES)
def test_element_with_one_other_at_its_level_sets_it(position: int, level: MdmLevel) -> None:
    values = [S, S, S]
    values[position] = level
    values[(position + 1) % 3] = level
    assert mdm.mdm_level(*values) == level
    values[(position + 2) % 3] = H  # the third may be anything higher
    assert mdm.mdm_level(*values) == level


PAIRS = [
    pytest.param((M, M, S), M, id="problems+data-moderate"),
    pytest.param((M, S, M), M, id="problems+risk-moderate"),
    pytest.param((S, M, M), M, id="data+risk-moderate"),
    pytest.param((H, L, M), M, id="high-low-moderate-is-moderate"),
    pytest.param((H, H, S), H, id="two-high-one-straightforward"),
    pytest.param((L, H, S), L, id="low-high-straightforward-is-low"),
]


@pytest.mark.parametrize(("elements", "level"), PAIRS)
def test_two_of_three_combinations(elements: tuple[MdmLevel, ...], level: MdmLevel) -> None:
    assert mdm.mdm_level(*elements) == level


THRESHOLDS = [
    pytest.param(kind, code, minutes, id=f"{code}-{minutes}min")
    for kind, table in mdm.TIME_THRESHOLDS.items()
    for code, minutes in table.items()
]


def _below(kind: PatientKind, code: str) -> str | None:
    codes = list(mdm.TIME_THRESHOLDS[kind])
    index = codes.index(code)
    return codes[index - 1] if index else None


@pytest.mark.parametrize(("kind", "code", "minutes"), THRESHOLDS)
def test_time_threshold_boundaries(kind: PatientKind, code: str, minutes: int) -> None:
    assert mdm.code_by_time(kind, minutes) == code
    assert mdm.code_by_time(kind, minutes + 1) == code
    assert mdm.code_by_time(kind, minutes - 1) == _below(kind, code)


def test_current_thresholds() -> None:
    assert mdm.TIME_THRESHOLDS == {
        "new": {"99202": 15, "99203": 30, "99204": 45, "99205": 60},
        "established": {"99212": 10, "99213": 20, "99214": 30, "99215": 40},
    }


SUPPORTED = [
    pytest.param("new", M, None, "99204", id="new-mdm-moderate"),
    pytest.param("new", None, 60, "99205", id="new-time-60"),
    pytest.param("new", L, 59, "99204", id="new-time-beats-mdm"),
    pytest.param("new", H, 16, "99205", id="new-mdm-beats-time"),
    pytest.param("new", None, 14, None, id="new-nothing-supported"),
    pytest.param("established", None, 9, "99211", id="established-below-10-is-99211"),
    pytest.param("established", None, 10, "99212", id="established-time-10"),
    pytest.param("established", S, None, "99212", id="established-mdm-straightforward"),
    pytest.param("established", H, 39, "99215", id="established-mdm-high"),
    pytest.param("established", None, None, "99211", id="established-no-record"),
]


@pytest.mark.parametrize(("kind", "level", "minutes", "code"), SUPPORTED)
def test_supported_code(
    kind: PatientKind, level: MdmLevel | None, minutes: int | None, code: str | None
) -> None:
    assert mdm.supported_code(kind, level, minutes) == code


def test_codes_and_ranks() -> None:
    assert sorted(mdm.OFFICE_CODES) == [f"9920{i}" for i in range(2, 6)] + [
        f"9921{i}" for i in range(1, 6)
    ]
    assert [mdm.rank(c) for c in ("99211", "99212", "99215", "99202", "99205")] == [0, 1, 4, 1, 4]
    assert mdm.kind_of("99203") == "new" and mdm.kind_of("99211") == "established"
    assert mdm.kind_of("99283") is None
    assert mdm.parse_level(" Moderate ") is M and mdm.parse_level("minimal") is S
    assert mdm.parse_level("medium") is None


def test_grid_describes_every_element_at_every_level() -> None:
    assert set(mdm.GRID) == set(mdm.ELEMENTS)
    for element in mdm.GRID.values():
        assert set(element) == set(LEVELS)
        assert all(text.strip() for text in element.values())
