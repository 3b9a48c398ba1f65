"""Applying the injected-error table (:mod:`.errors`) to an encounter.

:func:`inject` rolls each error of the table for an encounter, in table order, and applies
the first that hits and applies: it changes the claim the way the person at fault would
have (a header code, a dropped modifier, a mistyped member id, the patient's old plan...)
and records which line the error sits on. The payer's reaction is not decided here.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal

from cleanclaim.analytics.synthetic import payer_behaviour as pb
from cleanclaim.analytics.synthetic.encounter import Encounter
from cleanclaim.analytics.synthetic.errors import ERRORS, SECONDARY_STAGE, multiplier
from cleanclaim.analytics.synthetic.practice import Practice, member_id
from cleanclaim.analytics.synthetic.services import (
    HEADER_OF,
    LATERAL_UNSPECIFIED,
    UNSPECIFIED_OF,
    Line,
    lower_level,
)
from cleanclaim.x12.generate.model import GenOtherPayer, Subscriber

_OLD_PLAN: dict[str, tuple[str, ...]] = {
    "mcr": ("summit", "prairie", "ma"), "ma": ("mcr", "summit"), "mcd": ("prairie", "summit"),
    "summit": ("prairie", "mcd"), "prairie": ("summit", "mcd"),
}  # fmt: skip
"""The plan a patient had before their current one (billed by an eligibility lapse)."""
_MINOR = frozenset({"20610", "69210", "17000", "17110", "11102"})
_SIDED = frozenset({"M17.11", "M17.12", "M75.41", "M75.42", "H61.21", "H61.22"})


@dataclass
class Ctx:
    practice: Practice
    as_of: dt.date
    rng: random.Random


Apply = Callable[[Encounter, Ctx], bool]
_APPLY: dict[str, Apply] = {}


def _rule(slug: str) -> Callable[[Apply], Apply]:
    def register(fn: Apply) -> Apply:
        _APPLY[slug] = fn
        return fn

    return register


def inject(enc: Encounter, ctx: Ctx) -> str:
    """Roll the table for ``enc`` and apply the first error that hits; returns its slug."""
    for error in ERRORS:
        if error.slug in SECONDARY_STAGE:
            continue
        if ctx.rng.random() >= error.rate * multiplier(error, enc):
            continue
        if _APPLY[error.slug](enc, ctx):
            enc.error = error.slug
            return error.slug
    return ""


def _line_for_dx(enc: Encounter, dx_index: int) -> int | None:
    return next((i for i, ln in enumerate(enc.visit.lines) if dx_index + 1 in ln.ptrs), None)


@_rule("dx-header")
def _dx_header(enc: Encounter, ctx: Ctx) -> bool:
    hits = [i for i, d in enumerate(enc.visit.dx) if d in HEADER_OF]
    if not hits:
        return False
    i = ctx.rng.choice(hits)
    enc.visit.dx[i] = HEADER_OF[enc.visit.dx[i]]
    enc.affected = _line_for_dx(enc, i)
    return True


@_rule("dx-unspecified")
def _dx_unspecified(enc: Encounter, ctx: Ctx) -> bool:
    for i, d in enumerate(enc.visit.dx):
        line = _line_for_dx(enc, i)
        sided = (
            UNSPECIFIED_OF.get(d) in LATERAL_UNSPECIFIED
            and line is not None
            and any(m in ("RT", "LT") for m in enc.visit.lines[line].mods)
        )
        if sided or (d == "E11.22" and "N18.31" in enc.visit.dx):
            enc.visit.dx[i] = UNSPECIFIED_OF[d]
            enc.affected = line
            return True
    return False


@_rule("dx-generic")
def _dx_generic(enc: Encounter, ctx: Ctx) -> bool:
    hits = [
        i
        for i, d in enumerate(enc.visit.dx)
        if d in UNSPECIFIED_OF and UNSPECIFIED_OF[d] not in LATERAL_UNSPECIFIED and d != "E11.22"
    ]
    if not hits:
        return False
    i = ctx.rng.choice(hits)
    enc.visit.dx[i] = UNSPECIFIED_OF[enc.visit.dx[i]]
    enc.affected = _line_for_dx(enc, i)
    return True


@_rule("ncci-pair")
def _ncci(enc: Encounter, ctx: Ctx) -> bool:
    lines, kind = enc.visit.lines, enc.visit.kind
    if kind in ("ecg", "cardio-visit"):
        lines.append(Line("93010"))  # interpretation billed apart from the global ECG
    elif kind == "knee-injection":
        lines.append(Line("76942", ptrs=(1,)))  # guidance billed with 20610, not 20611
    elif kind == "injection":
        lines[0] = replace(lines[0], mods=())  # 96372 + visit without the 25 bypass
        enc.affected = 0
        return True
    else:
        return False
    enc.affected = len(lines) - 1
    return True


@_rule("mue-units")
def _mue(enc: Encounter, ctx: Ctx) -> bool:
    for i, ln in enumerate(enc.visit.lines):
        if ln.code == "36415":
            enc.visit.lines[i] = replace(ln, units=3)
            enc.affected = i
            return True
    return False


@_rule("missing-25")
def _missing_25(enc: Encounter, ctx: Ctx) -> bool:
    em = enc.visit.em
    lines = enc.visit.lines
    if em is None or "25" not in lines[em].mods or not any(ln.code in _MINOR for ln in lines):
        return False
    lines[em] = replace(lines[em], mods=tuple(m for m in lines[em].mods if m != "25"))
    enc.affected = em
    return True


@_rule("modifier-59")
def _modifier_59(enc: Encounter, ctx: Ctx) -> bool:
    for i, ln in enumerate(enc.visit.lines):
        if any(m in ("XS", "XU") for m in ln.mods):
            enc.visit.lines[i] = replace(
                ln, mods=tuple("59" if m in ("XS", "XU") else m for m in ln.mods)
            )
            enc.affected = i
            return True
    return False


@_rule("laterality")
def _laterality(enc: Encounter, ctx: Ctx) -> bool:
    for i, ln in enumerate(enc.visit.lines):
        if any(m in ("RT", "LT") for m in ln.mods) and enc.visit.dx[ln.ptrs[0] - 1] in _SIDED:
            flip = {"RT": "LT", "LT": "RT"}
            enc.visit.lines[i] = replace(ln, mods=tuple(flip.get(m, m) for m in ln.mods))
            enc.affected = i
            return True
    return False


def _telehealth(enc: Encounter, payers: tuple[str, ...], pos: str, mod: str) -> bool:
    if not enc.visit.telehealth or enc.payer not in payers:
        return False
    line = enc.visit.lines[0]
    enc.visit.pos = pos
    enc.visit.lines[0] = replace(line, mods=(mod,))
    enc.affected = 0
    return True


@_rule("telehealth-pos")
def _telehealth_pos(enc: Encounter, ctx: Ctx) -> bool:
    # Medicare-style payers get the office POS; Summit gets the home POS.
    pos = "10" if enc.payer == "summit" else "11"
    return _telehealth(enc, ("mcr", "ma", "summit"), pos, "95")


@_rule("telehealth-modifier")
def _telehealth_modifier(enc: Encounter, ctx: Ctx) -> bool:
    return _telehealth(enc, ("mcd",), "10", "95")


@_rule("em-level")
def _em_level(enc: Encounter, ctx: Ctx) -> bool:
    em = enc.visit.em
    if em is None:
        return False
    lower = lower_level(enc.visit.lines[em].code)
    if lower is None:
        return False
    enc.supported_em = lower
    enc.affected = em
    return True


@_rule("med-necessity")
def _med_necessity(enc: Encounter, ctx: Ctx) -> bool:
    if enc.payer not in ("mcr", "ma") or enc.visit.kind != "preventive" or not enc.visit.lab:
        return False
    for i in (enc.visit.lab[0] - 1, enc.visit.lab[0]):
        enc.visit.lines[i] = replace(enc.visit.lines[i], ptrs=(1,))
    enc.affected = enc.visit.lab[0]
    return True


_HIGH_VALUE = frozenset({"99205", "99215", "29881", "70553", "78452", "93306"})


@_rule("records-not-sent")
def _records(enc: Encounter, ctx: Ctx) -> bool:
    return enc.payer != "medigap" and any(
        ln.code in _HIGH_VALUE or (ln.code == "97110" and ln.units >= 4) for ln in enc.visit.lines
    )


@_rule("timely-filing")
def _timely(enc: Encounter, ctx: Ctx) -> bool:
    terms = ctx.practice.payers[enc.payer].terms
    late = terms.timely_filing_deadline(enc.dos) + dt.timedelta(days=ctx.rng.randint(5, 75))
    if late > ctx.as_of - dt.timedelta(days=45):
        return False
    hour = dt.time(ctx.rng.randint(8, 16), ctx.rng.choice((0, 15, 30, 45)))
    enc.billed_at = dt.datetime.combine(late, hour)
    return True


@_rule("duplicate")
def _duplicate(enc: Encounter, ctx: Ctx) -> bool:
    return True  # the copy is sent later by the lifecycle


@_rule("npi-mismatch")
def _npi(enc: Encounter, ctx: Ctx) -> bool:
    others = [p for p in ctx.practice.providers if p.specialty != enc.provider.specialty]
    enc.rendering = ctx.rng.choice(others).practitioner
    return True


@_rule("eligibility-lapse")
def _lapse(enc: Encounter, ctx: Ctx) -> bool:
    if enc.sequence != "P" or enc.payer not in _OLD_PLAN:
        return False
    old = ctx.rng.choice(_OLD_PLAN[enc.payer])
    if old == enc.patient.secondary:  # the other plan is still in force
        return False
    if old in pb.AUTH_REQUIRED and any(
        enc.visit.lines[i].code in pb.AUTH_REQUIRED[old] for i in range(len(enc.visit.lines))
    ):
        return False
    holder = enc.subscriber.person
    group = "" if old in ("mcr", "mcd") else f"GRP{ctx.rng.randint(1000, 99999)}"
    enc.notes["rebill_to"] = enc.payer
    enc.payer = old
    enc.subscriber = Subscriber(member_id(ctx.rng, old), holder, group)
    enc.other_payers = ()
    return True


@_rule("member-id")
def _member_id(enc: Encounter, ctx: Ctx) -> bool:
    good = enc.subscriber.member_id
    digits = [i for i, c in enumerate(good) if c.isdigit()]
    i = ctx.rng.choice(digits)
    bad = good[:i] + str((int(good[i]) + ctx.rng.randint(1, 9)) % 10) + good[i + 1 :]
    enc.notes["member_id"] = good
    enc.subscriber = replace(enc.subscriber, member_id=bad)
    return True


@_rule("cob-order")
def _cob_order(enc: Encounter, ctx: Ctx) -> bool:
    pt = enc.patient
    if pt.secondary is None or pt.crossover or pt.secondary_subscriber is None:
        return False
    if pt.secondary == "medigap" or any(
        enc.visit.lines[i].code in pb.AUTH_REQUIRED.get(pt.secondary, frozenset())
        for i in range(len(enc.visit.lines))
    ):
        return False
    primary = ctx.practice.payers[pt.primary]
    enc.notes["rebill_to"] = pt.primary
    enc.payer = pt.secondary
    enc.subscriber = pt.secondary_subscriber
    if pt.dual and ctx.rng.random() < 0.5:  # Medicare listed, but after Medicaid (CB102)
        enc.other_payers = (
            GenOtherPayer("S", primary.payer, pt.subscriber, primary.filing_indicator, Decimal(0)),
        )
    return True


@_rule("auth-missing")
def _auth(enc: Encounter, ctx: Ctx) -> bool:
    if not enc.auth_lines:
        return False
    enc.affected = enc.auth_lines[0]
    enc.notes["auth"] = enc.auth
    enc.auth = ""
    return True


@_rule("benefit-limit")
def _benefit(enc: Encounter, ctx: Ctx) -> bool:
    return enc.visit.kind == "pt" and enc.payer in ("ma", "summit", "prairie")
