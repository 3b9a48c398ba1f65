"""Speed helpers shared by the 837 and 835 parsers: quick constructors for the frozen model
classes, and bounded caches for values that repeat (amounts, dates, NPI check digits).

A claim file builds millions of small frozen dataclass instances; their generated
``__init__`` sets each field through ``object.__setattr__``, several times slower than a
plain attribute store. :func:`fast_constructor` returns an equivalent function (same
parameters, same defaults, same result: an instance of the frozen class itself) that fills
the instance as an unfrozen twin class with the very same slots, then gives it its real class
(``__class__`` assignment, which CPython allows between classes of identical layout). It
falls back to setting the slots through their descriptors when the layouts differ, and to
the class itself for anything it cannot mirror exactly (no slots, ``__post_init__``,
``default_factory``, ``InitVar``...).
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from cleanclaim.x12.npi import valid_npi

T = TypeVar("T")
K = TypeVar("K")
V = TypeVar("V")

CACHE_LIMIT = 50_000
"""Entries kept per value cache before it is emptied (memory stays bounded)."""

_MISSING = dataclasses.MISSING


def fast_constructor(cls: type[T], order: tuple[str, ...] | None = None) -> Callable[..., T]:
    """A function equivalent to ``cls(...)`` for a slotted dataclass, but faster.

    Without ``order`` it takes the constructor's own parameters. With ``order`` it takes
    exactly those fields, positionally, in that order (binding 40 keyword arguments costs
    as much as setting the fields); fields left out take their defaults. The slots are set
    by name, so a change of field order in ``cls`` cannot misplace a value; a field that
    ``order`` names but ``cls`` lacks, or leaves out but has no default, fails at import.
    """
    if not dataclasses.is_dataclass(cls):
        return cls
    params = dataclasses.fields(cls)
    names = [f.name for f in params]
    if order is not None:
        unknown = [name for name in order if name not in names]
        required = [f.name for f in params if f.name not in order and f.default is _MISSING]
        if unknown or required or len(set(order)) != len(order):
            raise TypeError(
                f"fast_constructor({cls.__name__}): unknown fields {unknown}, "
                f"missing required fields {required}"
            )
    init_names = list(inspect.signature(cls.__init__).parameters)[1:]
    usable = (
        "__slots__" in cls.__dict__
        and not hasattr(cls, "__post_init__")
        and init_names == names
        and all(f.init and f.default_factory is _MISSING for f in params)
        and all(name.isidentifier() and not name.startswith("_") for name in names)
        and all(name in cls.__dict__ for name in names)  # no field inherited from a base
    )
    if not usable:
        if order is None:
            return cls
        return lambda *values: cls(**dict(zip(order, values, strict=True)))
    twin = _twin(cls)
    namespace: dict[str, Any] = {"_new": object.__new__, "_cls": cls, "_twin": twin}
    args, body = [], []
    for i, f in enumerate(params):
        if twin is None:
            namespace[f"_s{i}"] = cls.__dict__[f.name].__set__
        if f.default is not _MISSING:
            namespace[f"_d{i}"] = f.default
        if order is None:
            args.append(f.name if f.default is _MISSING else f"{f.name}=_d{i}")
        value = f.name if order is None or f.name in order else f"_d{i}"
        body.append(f"    o.{f.name} = {value}\n" if twin else f"    _s{i}(o, {value})\n")
    if order is not None:
        args = list(order)
    source = (
        f"def make_{cls.__name__}({', '.join(args)}):\n"
        + ("    o = _twin()\n" if twin else "    o = _new(_cls)\n")
        + "".join(body)
        + ("    o.__class__ = _cls\n" if twin else "")
        + "    return o\n"
    )
    exec(source, namespace)
    maker: Callable[..., T] = namespace[f"make_{cls.__name__}"]
    maker.__doc__ = f"Build a {cls.__qualname__} (as its constructor does, faster)."
    return maker


def _twin(cls: type) -> type | None:
    """An unfrozen class with the same slots as ``cls`` whose instances can be turned into
    ``cls`` instances by ``__class__`` assignment, or ``None`` when CPython refuses that."""
    if cls.__bases__ != (object,):
        return None
    twin = type(f"_{cls.__name__}Twin", (), {"__slots__": cls.__dict__["__slots__"]})
    probe: object = object.__new__(twin)
    try:
        probe.__class__ = cls
    except TypeError:
        return None
    return twin


def remember(cache: dict[K, V], key: K, value: V) -> V:
    """Store ``value`` under ``key`` (emptying a full cache first) and return it."""
    if len(cache) >= CACHE_LIMIT:
        cache.clear()
    cache[key] = value
    return value


DECIMALS: dict[str, Decimal] = {}
"""Element text -> Decimal, for texts already validated as X12 numbers."""
DATES: dict[str, date] = {}
"""Element text -> date, for texts already validated as CCYYMMDD dates."""
_NPI_OK: dict[str, bool] = {}


def npi_is_valid(npi: str) -> bool:
    """:func:`~cleanclaim.x12.npi.valid_npi`, remembered (a file repeats a few NPIs)."""
    ok = _NPI_OK.get(npi)
    if ok is None:
        ok = remember(_NPI_OK, npi, valid_npi(npi))
    return ok
