"""MM101 dx-px-laterality."""

from __future__ import annotations

import re
from collections.abc import Iterator

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.codesets.loaders.icd10cm import lookup
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.data.modifiers import SIDE
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

#: Chapters whose titles name a body side: musculoskeletal (M), injuries (S), eye and ear (H).
CHAPTERS = ("M", "S", "H")
_RIGHT = re.compile(r"\bright\b", re.IGNORECASE)
_LEFT = re.compile(r"\bleft\b", re.IGNORECASE)
_BOTH = re.compile(r"\bbilateral\b", re.IGNORECASE)
NAMES = {"R": "right", "L": "left", "B": "both sides"}


def title_side(title: str) -> str | None:
    """The side a tabular title names: ``R``, ``L``, ``B`` (bilateral), or ``None`` when it
    names none, is unspecified, or names both right and left in one title."""
    right, left = bool(_RIGHT.search(title)), bool(_LEFT.search(title))
    if _BOTH.search(title):
        return "B"
    if right and left:
        return None
    if right:
        return "R"
    if left:
        return "L"
    return None


def line_side(line: ServiceLine) -> str | None:
    """The side the line's modifiers name: ``B`` for 50 or for right and left together."""
    mods = set(line.modifiers)
    sides = {SIDE[m] for m in mods if m in SIDE}
    if "50" in mods or sides == {"L", "R"}:
        return "B"
    if len(sides) == 1:
        return next(iter(sides))
    return None


def _shown(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


class DxPxLaterality(Rule):
    """The side on the service line contradicts the side of its diagnoses.

    What it checks
    --------------
    For each professional service line whose modifiers name a side (RT, LT, 50, or the
    finger, toe and eyelid modifiers F1-F9/FA, T1-T9/TA, E1-E4), the diagnoses it points to
    in the musculoskeletal (M), injury (S) and eye and ear (H) chapters are read: the side
    of a diagnosis is taken from its ICD-10-CM tabular title ("right", "left",
    "bilateral"), never from its digits. The line is flagged when its diagnoses name a side
    and none supports the line: a right-side line whose lateral diagnoses are all left (or
    the reverse), or a bilateral line (50, or RT and LT) whose diagnoses name only one side
    and no bilateral condition. A bilateral diagnosis supports a line on either side.

    Why it matters
    --------------
    A procedure on the left knee for right-knee osteoarthritis is either a coding error on
    the diagnosis or the modifier, or the wrong side was treated. Payers that edit
    laterality deny the line, and auditors read the mismatch as unsupported medical
    necessity.

    Limitations
    -----------
    Only the M, S and H chapters are read, where "right" and "left" name a body side (in
    other chapters they can name, for example, a heart chamber). Diagnoses with unspecified
    or no laterality are ignored here (see the dx-unspecified rule). A title naming both
    right and left without "bilateral" is ignored. Diagnosis codes absent from a partial or
    sample ICD-10-CM release are reported as not checked. Institutional claims carry no
    diagnosis pointers and are not checked.

    References
    ----------
    ICD-10-CM Official Guidelines for Coding and Reporting FY2026, section I.B.13
    (laterality); HCPCS Level II modifier definitions for LT, RT, F1-F9/FA, T1-T9/TA and
    E1-E4; CPT Appendix A, modifier 50 (AMA; summarised in the project's own words).
    """

    code = "MM101"
    slug = "dx-px-laterality"
    title = "Line side (LT/RT/50) conflicts with the side of its diagnoses"
    category = Category.DX_PX_MISMATCH
    severity = Severity.WARNING
    citation = Citation(
        "ICD-10-CM Official Guidelines for Coding and Reporting FY2026",
        "section I.B.13 (laterality)",
        "2025-10-01",
    )
    needs = ("icd10cm",)
    claim_types = frozenset({"professional"})
    examples = (
        Example(
            "right-line-left-knee",
            ExClaim(lines=(ExLine("20610", ("RT",)),), dx=("M1712",)),
            flags=(1,),
        ),
        Example("left-line-left-knee", ExClaim(lines=(ExLine("20610", ("LT",)),), dx=("M1712",))),
        Example(
            "right-line-bilateral-dx", ExClaim(lines=(ExLine("20610", ("RT",)),), dx=("M170",))
        ),
        Example(
            "bilateral-line-one-side-dx",
            ExClaim(lines=(ExLine("20610", ("50",)),), dx=("M1711",)),
            flags=(1,),
        ),
        Example(
            "bilateral-line-both-sides-dx",
            ExClaim(lines=(ExLine("20610", ("50",), dx=(1, 2)),), dx=("M1711", "M1712")),
        ),
        Example(
            "right-line-unspecified-dx", ExClaim(lines=(ExLine("20610", ("RT",)),), dx=("M1710",))
        ),
        Example(
            "second-line-points-to-the-other-side",
            ExClaim(
                lines=(ExLine("20610", ("RT",), dx=(1,)), ExLine("20610", ("LT",), dx=(1,))),
                dx=("M25561", "M25562"),
            ),
            flags=(2,),
        ),
        Example(
            "ear-procedure-other-ear",
            ExClaim(lines=(ExLine("69210", ("LT",)),), dx=("H6121",)),
            flags=(1,),
        ),
        Example(
            "toe-modifier-right-foot",
            ExClaim(lines=(ExLine("11730", ("TA",)),), dx=("S90111A",)),
            flags=(1,),
        ),
        Example(
            "non-lateral-chapter-ignored", ExClaim(lines=(ExLine("93306", ("RT",)),), dx=("I501",))
        ),
        Example("no-side-on-the-line", ExClaim(lines=(ExLine("20610"),), dx=("M1712",))),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        for line in claim.lines:
            side = line_side(line)
            day = line_date(claim, line)
            if side is None or day is None:
                continue
            view = ctx.view(day)
            found: dict[str, str] = {}
            for pointer in line.diagnosis_pointers:
                if not 1 <= pointer <= len(claim.diagnoses):
                    continue
                code = claim.diagnoses[pointer - 1].code.strip().upper().replace(".", "")
                if not code.startswith(CHAPTERS):
                    continue
                answer = lookup(view, code)
                if answer.value is None:
                    if not answer.authoritative:
                        yield self.not_checked(
                            f"icd10cm: {_shown(code)} not in the release in force on "
                            f"{day.isoformat()} ({answer.source})"
                        )
                    continue
                dx_side = title_side(answer.value.title)
                if dx_side is not None:
                    found[answer.value.code] = dx_side
            if not found or self._supported(side, set(found.values())):
                continue
            named = ", ".join(f"{c} ({NAMES[s]})" for c, s in found.items())
            mods = "-".join(m for m in line.modifiers if m in SIDE or m == "50")
            yield self.finding(
                line=line.number,
                message=f"{line.procedure_code}-{mods} is for {NAMES[side]} but its "
                f"diagnoses name {named}",
                fix="Check the record for the side treated, then correct the modifier or "
                "point the line to the diagnosis of that side.",
            )

    @staticmethod
    def _supported(side: str, dx_sides: set[str]) -> bool:
        if "B" in dx_sides:
            return True
        if side == "B":
            return {"L", "R"} <= dx_sides
        return side in dx_sides
