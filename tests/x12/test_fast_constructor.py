"""fast_constructor builds the very objects the model classes' own constructors build."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest

from cleanclaim.claims.remittance import Adjustment, Amount, Entity, Procedure, RemitLine
from cleanclaim.x12._837_fast import fast_constructor


@dataclasses.dataclass(frozen=True, slots=True)
class _Base:
    a: int


@dataclasses.dataclass(frozen=True, slots=True)
class _Derived(_Base):
    b: int = 2


@dataclasses.dataclass(frozen=True)
class _NoSlots:
    a: int
    b: int = 2


_LINE = dict(
    number=1, procedure=Procedure("HC", "99213"), charge=D("100"), paid=D("80"),
    revenue_code="", units=D("1"), original_procedure=None, original_units=None,
    service_date=dt.date(2026, 1, 5), service_from=None, service_to=None,
    adjustments=[Adjustment("CO", "45", D("20"), None, 7)], remark_codes=("N130",),
    reject_codes=(), references=[], amounts=[Amount("B6", D("80"), 9)], position=6,
)  # fmt: skip

CASES: dict[str, tuple[type[Any], dict[str, Any]]] = {
    "adjustment": (
        Adjustment,
        dict(group="CO", reason="45", amount=D("1.5"), quantity=None, position=3),
    ),
    "entity-with-hidden-fields": (
        Entity,
        dict(
            entity_code="QC",
            entity_type="1",
            last_name="DOE",
            first_name="J",
            middle_name="",
            suffix="",
            id_qualifier="MI",
            id="X1",
            position=4,
        ),
    ),
    "remit-line-with-lists": (RemitLine, _LINE),
    "subclass-of-a-slotted-class": (_Derived, dict(a=1, b=5)),
    "no-slots": (_NoSlots, dict(a=1, b=3)),
}


@pytest.mark.parametrize("cls, values", CASES.values(), ids=CASES.keys())
def test_positional_maker_builds_what_the_class_builds(
    cls: type[Any], values: dict[str, Any]
) -> None:
    order = tuple(values)
    made = fast_constructor(cls, order)(*values.values())
    expected = cls(**values)
    assert type(made) is cls
    assert made == expected
    assert repr(made) == repr(expected)
    assert dataclasses.astuple(made) == dataclasses.astuple(expected)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, order[0], None)


@pytest.mark.parametrize("cls, values", CASES.values(), ids=CASES.keys())
def test_keyword_maker_keeps_the_defaults(cls: type[Any], values: dict[str, Any]) -> None:
    maker = fast_constructor(cls)
    assert maker(**values) == cls(**values)


def test_fields_left_out_take_their_defaults() -> None:
    made = fast_constructor(_Derived, ("a",))(7)
    assert made == _Derived(7) and made.b == 2


def test_hash_matches_for_hashable_values() -> None:
    maker = fast_constructor(Adjustment, ("group", "reason", "amount", "quantity", "position"))
    made = maker("PR", "2", D("3"), D("1"), 5)
    assert hash(made) == hash(Adjustment("PR", "2", D("3"), D("1"), 5))
    assert {made} == {Adjustment("PR", "2", D("3"), D("1"), 5)}


def test_unknown_or_missing_fields_fail_at_definition() -> None:
    with pytest.raises(TypeError):
        fast_constructor(Adjustment, ("group", "nope"))
    with pytest.raises(TypeError):
        fast_constructor(Adjustment, ("group",))
