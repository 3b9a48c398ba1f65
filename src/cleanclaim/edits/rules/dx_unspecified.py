"""DX102 dx-unspecified."""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, cast

from cleanclaim.claims.model import Claim, Diagnosis
from cleanclaim.codesets.loaders.icd10cm import Icd10Code, Icd10Table
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.dx_invalid import (
    choices,
    diagnosis_dates,
    dotted,
    icd9_coverage,
    icd10_diagnoses,
    needs_icd10,
)

LATERALITY_MODIFIERS = {"RT": "right", "LT": "left", "50": "bilateral"}
_UNSPECIFIED = re.compile(r"\bunspecified\b", re.IGNORECASE)
_NOT_APPLICABLE = re.compile(r"\bnot applicable or unspecified\b", re.IGNORECASE)
_SIDED = re.compile(r"\b(right|left|bilateral)\b", re.IGNORECASE)
_RIGHT_LEFT = re.compile(r"\b(right|left)\b", re.IGNORECASE)
#: Diabetes "without complications" codes and their "with diabetic CKD" counterparts.
DIABETES_WITHOUT = {
    "E089": "E0822",
    "E099": "E0922",
    "E109": "E1022",
    "E119": "E1122",
    "E139": "E1322",
}
CKD_CATEGORY = "N18"


def _mentions(title: str) -> int:
    return len(_UNSPECIFIED.findall(_NOT_APPLICABLE.sub("", title)))


@dataclass(frozen=True)
class Specificity:
    """What the tabular says about one billable code's specificity."""

    code: str
    title: str
    unspecified: bool
    alternatives: tuple[str, ...]
    """More specific codes at the level that decided (dotted; ``-`` marks a header)."""
    sided: tuple[tuple[str, str], ...] = ()
    """When laterality is what is unspecified: (code, title) of the sided choices."""


def _shown(table: Icd10Table, entry: Icd10Code, seventh: str | None) -> str:
    """A choice as the coder would report it: billable as is, or with the same 7th
    character, or marked ``-`` when more characters are needed."""
    if entry.billable:
        return entry.code
    if seventh is not None:
        plain = entry.code.replace(".", "")
        if len(plain) <= 6:
            candidate = table.get(plain.ljust(6, "X") + seventh)
            if candidate is not None and candidate.billable:
                return candidate.code
    return f"{entry.code}-"


_CACHE: weakref.WeakKeyDictionary[Icd10Table, dict[str, Specificity | None]] = (
    weakref.WeakKeyDictionary()
)


def specificity(table: Icd10Table, code: str) -> Specificity | None:
    """Decide from titles and siblings (never from the last digit); ``None`` when the code is
    not a billable code of the release (DX101's business). Answers are kept per table."""
    known = _CACHE.setdefault(table, {})
    key = code.strip().upper().replace(".", "")
    if key not in known:
        known[key] = _specificity(table, key)
    return known[key]


def _specificity(table: Icd10Table, code: str) -> Specificity | None:
    entry = table.get(code)
    if entry is None or not entry.billable:
        return None
    unspecified = table.is_unspecified(code)
    alternatives: list[str] = []
    sided: list[tuple[str, str]] = []
    seventh = entry.seventh_character
    level: Icd10Code | None = entry
    laterality_open = unspecified and not _SIDED.search(entry.title)
    while level is not None and level.parent is not None:
        others = [e for e in (table.get(s) for s in table.siblings(level.code)) if e is not None]
        count = _mentions(level.title)
        if unspecified and not alternatives and count:
            better = [e for e in others if _mentions(e.title) < count]
            alternatives = [_shown(table, e, seventh) for e in better]
        if laterality_open and not sided:
            if _SIDED.search(level.title) or not count:
                laterality_open = False
            elif any(_RIGHT_LEFT.search(e.title) for e in others):
                sided = [
                    (_shown(table, e, seventh), e.title) for e in others if _SIDED.search(e.title)
                ]
        if alternatives and (sided or not laterality_open):
            break
        level = table.get(level.parent)
    return Specificity(entry.code, entry.title, unspecified, tuple(alternatives), tuple(sided))


class DxUnspecified(Rule):
    """An unspecified diagnosis code is reported where more specific codes exist.

    What it checks
    --------------
    Each ICD-10-CM diagnosis is judged from the tabular of the release in force: it is
    unspecified when its title (or the title of a level above it, below its category) says
    "unspecified" and that level has a sibling whose title says so fewer times. The last
    digit is never used: M54.50 (low back pain, unspecified) is flagged, M54.59 (other low
    back pain) is not. The more specific codes are named in the message.

    The warning says "likely denial" when the claim itself shows the missing detail:

    - a service line carrying modifier RT, LT or 50 points to a diagnosis whose laterality
      is unspecified (e.g. M25.569, pain in unspecified knee, with RT): the code for the
      side treated is suggested;
    - a diabetes code "without complications" (E08.9, E09.9, E10.9, E11.9, E13.9) is
      reported together with chronic kidney disease (N18.-): under the ICD-10-CM "with"
      convention the two are linked unless the provider documents another cause, so the
      diabetic CKD code (e.g. E11.22) belongs on the claim with the N18 code.

    Why it matters
    --------------
    Unspecified codes are valid, but payer coverage policies often list only specific
    codes (medical-necessity denials), payers run specificity edits, and unspecified codes
    can map to no risk-adjustment category. A code that contradicts the claim itself (a
    side on the line, a complication on the claim) invites a denial or an audit.

    Limitations
    -----------
    Whether the record supports more detail cannot be known from the claim: unspecified
    codes are correct when the documentation is not more specific. Laterality is read only
    from 837P lines, which point to diagnoses. Of the "with" pairs only diabetes with CKD is
    checked. Codes absent from the release are left to DX101.

    References
    ----------
    ICD-10-CM Official Guidelines for Coding and Reporting FY 2026, sections I.A.9.b
    ("unspecified" codes), I.A.15 ("with"), I.B.13 (laterality) and I.C.4.a (diabetes).
    """

    code = "DX102"
    slug = "dx-unspecified"
    title = "Unspecified diagnosis where a more specific code exists"
    category = Category.DX_UNSPECIFIED
    severity = Severity.WARNING
    citation = Citation(
        "ICD-10-CM Official Guidelines for Coding and Reporting FY 2026",
        "sections I.A.9.b, I.A.15 and I.B.13",
        "2025-10-01",
        "https://www.cms.gov/medicare/coding-billing/icd-10-codes",
    )
    needs = ("icd10cm",)
    examples = (
        Example(
            "unspecified-M54.50",
            ExClaim(lines=(ExLine("99213"),), dx=("M54.50",)),
            flags=(None,),
        ),
        Example("other-M54.59", ExClaim(lines=(ExLine("99213"),), dx=("M54.59",))),
        Example(
            "RT-on-unspecified-knee",
            ExClaim(lines=(ExLine("99213"), ExLine("20610", ("RT",))), dx=("M25.569",)),
            flags=(None,),
        ),
        Example(
            "RT-on-right-knee",
            ExClaim(lines=(ExLine("20610", ("RT",)),), dx=("M25.561",)),
        ),
        Example(
            "E11.9-with-N18.4",
            ExClaim(lines=(ExLine("99214", dx=(1, 2)),), dx=("E11.9", "N18.4")),
            flags=(None,),
        ),
        Example(
            "E11.22-with-N18.4",
            ExClaim(lines=(ExLine("99214", dx=(1, 2)),), dx=("E11.22", "N18.4")),
        ),
        Example("E11.9-alone", ExClaim(lines=(ExLine("99213"),), dx=("E11.9",))),
    )

    def codesets(self, claim: Claim) -> tuple[str, ...]:
        return needs_icd10(claim)

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        for item in icd9_coverage(self, claim):
            if isinstance(item, NotChecked):
                yield item
        diagnoses = icd10_diagnoses(claim)
        plain = {d.code.upper().replace(".", "") for d in diagnoses}
        ckd = sorted(c for c in plain if c.startswith(CKD_CATEGORY))
        for dx in diagnoses:
            days = diagnosis_dates(claim, dx)
            if not days:
                continue
            day = days[0]
            code = dx.code.upper().replace(".", "")
            if code in DIABETES_WITHOUT and ckd:
                yield self._with_ckd(code, ckd, day, ctx)
                continue
            spec = ctx.view(day).ask("icd10cm", _asker(code)).value
            if spec is None or not spec.unspecified:
                continue
            yield self._unspecified(claim, dx, spec, day)

    def _with_ckd(self, code: str, ckd: list[str], day: dt.date, ctx: RuleContext) -> Finding:
        target = DIABETES_WITHOUT[code]
        found = (
            ctx.view(day).ask("icd10cm", lambda t: cast(Icd10Table, t).validity(target).valid).value
        )
        use = f"code {dotted(target)} with" if found else "use the diabetic CKD code with"
        kidneys = choices([dotted(c) for c in ckd])
        return self.finding(
            line=None,
            message=f"{dotted(code)} (diabetes without complications) is reported with "
            f'{kidneys} (chronic kidney disease); under the ICD-10-CM "with" convention '
            f"(Official Guidelines I.A.15) the two are linked: {use} {kidneys}; likely denial",
            fix=f"Replace {dotted(code)} with {dotted(target)} unless the provider documents "
            "that the kidney disease is not due to diabetes.",
        )

    def _unspecified(self, claim: Claim, dx: Diagnosis, spec: Specificity, day: dt.date) -> Finding:
        sides = _line_sides(claim, dx) if spec.sided else {}
        if sides:
            wanted = {side for _, side in sides.values()}
            fitting = [
                c
                for c, t in spec.sided
                if {m.group(1).lower() for m in _SIDED.finditer(t)} & wanted
            ]
            carried = ", ".join(f"line {n} carries {m}" for n, (m, _) in sorted(sides.items()))
            suggest = choices(fitting or [c for c, _ in spec.sided])
            return self.finding(
                line=None,
                message=f"{spec.code} ({spec.title}) leaves the side unspecified, but "
                f"{carried}; use {suggest}; likely denial",
                fix=f"Report the diagnosis for the side treated ({suggest}), consistent "
                "with the line modifiers.",
            )
        more = choices(list(spec.alternatives))
        return self.finding(
            line=None,
            message=f"{spec.code} ({spec.title}) is an unspecified code on "
            f"{day.isoformat()}; more specific codes exist: {more}",
            fix="Report a more specific code when the documentation supports it; keep the "
            "unspecified code only when it does not.",
        )


def _asker(code: str) -> Callable[[Any], Specificity | None]:
    def ask(table: Any) -> Specificity | None:
        return specificity(cast(Icd10Table, table), code)

    return ask


def _line_sides(claim: Claim, dx: Diagnosis) -> dict[int, tuple[str, str]]:
    """Line number -> (modifier, side), for 837P lines with RT/LT/50 pointing to ``dx``."""
    found: dict[int, tuple[str, str]] = {}
    if claim.claim_type != "professional":
        return found
    for line in claim.lines:
        if dx.pointer not in line.diagnosis_pointers:
            continue
        for modifier in line.modifiers:
            side = LATERALITY_MODIFIERS.get(modifier.upper())
            if side is not None:
                found[line.number] = (modifier.upper(), side)
                break
    return found
