"""PK101 payer-pack: the payer's telehealth and modifier edits from its packs."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any, ClassVar

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, RuleStatus, Severity
from cleanclaim.edits.packs import (
    TELEHEALTH_MODIFIERS,
    TELEHEALTH_POS,
    Pack,
    PackEdit,
    registry_from,
)
from cleanclaim.edits.rule import Rule

KINDS = ("telehealth", "modifier_required")
BLUEWATER = {"rule_packs": ("example-bluewater-medicaid",)}
SUMMIT = {"rule_packs": ("example-summit-commercial",)}


def _ex(*lines: ExLine, pos: str = "11", dos: str = "2026-05-04") -> ExClaim:
    return ExClaim(lines=lines, pos=pos, dos=dos, filing_indicator="MC")


def _names(values: tuple[str, ...]) -> str:
    return " or ".join(values) if len(values) <= 2 else ", ".join(values[:-1]) + " or " + values[-1]


class PayerPack(Rule):
    """A line breaks a telehealth or modifier edit of the payer's own pack.

    What it checks
    --------------
    The payer's registry entry names its packs (``rule_packs``). This rule runs the pack
    edits that no dedicated rule covers, on each line's date:

    * ``telehealth``: a line is a telehealth line when its place of service is 02 or 10, or
      it carries 95, GT, GQ, 93 or FQ. For such a line (of the listed codes, if the edit
      lists any) the place of service must be one the edit accepts, and when the edit
      lists modifiers the line must carry one of them. Some payers want 02/10 with GT,
      others the office place of service 11 with 95.
    * ``modifier_required``: with ``instead_of`` (for example 59), a line carrying one of
      those modifiers is flagged because the payer wants one of ``modifiers`` (for example
      XE, XP, XS, XU) instead; without it, a line of the listed codes must carry one of
      ``modifiers``.

    Authorization lists are rule AU101's; filing-limit and NCCI adoption edits change the
    payer terms the timely-filing, NCCI and MUE rules use. Each finding cites the pack
    edit's own source. The rule does not apply to payers without packs (not a gap); a
    listed pack that is not loaded is reported as not checked.

    Why it matters
    --------------
    Medicaid managed-care and commercial plans publish billing rules that differ from
    Medicare's; a claim billed the Medicare way is returned or denied (CARC 4, 5 or 16),
    costing a resubmission cycle and sometimes the filing window.

    Limitations
    -----------
    The rule is only as good as the packs: the shipped packs are fictional EXAMPLES and must
    be replaced with the plan's real rules. It does not judge whether a service may be
    delivered by telehealth at all. Preview rule: select it explicitly.

    References
    ----------
    CMS MLN Matters MM8863 (X{EPSU} modifiers as more specific subsets of 59; payers
    decide whether to require them). Each finding cites the payer policy named in the pack
    edit. See docs/payer-packs.md.
    """

    code = "PK101"
    slug = "payer-pack"
    title = "Telehealth or modifier edit of the payer's pack not met"
    category = Category.MODIFIER
    severity = Severity.WARNING
    status = RuleStatus.PREVIEW
    citation = Citation(
        "CMS MLN Matters MM8863, Specific Modifiers for Distinct Procedural Services",
        "payers may require X{EPSU} in place of 59; each finding cites its pack edit",
        "2014-08",
    )
    examples = (
        Example("telehealth-without-gt", _ex(ExLine("99213"), pos="10"), flags=(1,)),
        Example("telehealth-with-gt", _ex(ExLine("99213", ("GT",)), pos="10")),
        Example("in-person-visit", _ex(ExLine("99213"))),
        Example(
            "59-where-xepsu-required",
            _ex(ExLine("11042"), ExLine("97597", ("59",))),
            flags=(2,),
        ),
        Example("xs-used", _ex(ExLine("11042"), ExLine("97597", ("XS",)))),
        Example(
            "59-day-before-in-force",
            _ex(ExLine("11042"), ExLine("97597", ("59",)), dos="2024-12-31"),
        ),
        Example(
            "commercial-telehealth-pos-02",
            _ex(ExLine("99214", ("95",)), pos="02"),
            flags=(1,),
        ),
        Example("commercial-telehealth-pos-11-95", _ex(ExLine("99214", ("95",)))),
        Example("payer-without-packs", _ex(ExLine("99213"), pos="10"), note="does not apply"),
    )
    #: Options the catalogue test passes for an example; ``rule_packs`` goes to the payer.
    example_options: ClassVar[Mapping[str, Mapping[str, Any]]] = {
        "telehealth-without-gt": BLUEWATER,
        "telehealth-with-gt": BLUEWATER,
        "in-person-visit": BLUEWATER,
        "59-where-xepsu-required": BLUEWATER,
        "xs-used": BLUEWATER,
        "59-day-before-in-force": BLUEWATER,
        "commercial-telehealth-pos-02": SUMMIT,
        "commercial-telehealth-pos-11-95": SUMMIT,
    }

    def applies(self, claim: Claim, ctx: RuleContext) -> bool:
        if not super().applies(claim, ctx) or ctx.payer is None or not ctx.payer.rule_packs:
            return False
        registry = registry_from(ctx.options)
        _, missing = registry.for_payer(ctx.payer)
        return bool(missing) or registry.has_kinds(ctx.payer, KINDS)

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        registry = registry_from(ctx.options)
        _, missing = registry.for_payer(ctx.payer)
        for name in missing:
            yield self.not_checked(
                f"the payer's pack {name!r} is not loaded: its telehealth and modifier "
                "edits were not checked"
            )
        for line in claim.lines:
            code = (line.procedure_code or "").strip().upper()
            day = line_date(claim, line)
            if not code or day is None:
                continue
            for pack, edit in registry.edits(ctx.payer, KINDS, day):
                if edit.covers(code):
                    found = self._edit(claim, line, code, pack, edit)
                    if found is not None:
                        yield found

    def _edit(
        self, claim: Claim, line: ServiceLine, code: str, pack: Pack, edit: PackEdit
    ) -> Finding | None:
        mods = set(line.modifiers)
        where = f"({'EXAMPLE pack' if pack.example else 'pack'} {pack.name}, edit {edit.id})"
        if edit.kind == "modifier_required":
            if edit.instead_of:
                wrong = sorted(mods & set(edit.instead_of))
                if not wrong:
                    return None
                problem = f"{code} carries {', '.join(wrong)}, which the payer does not accept"
            elif mods & set(edit.modifiers):
                return None
            else:
                problem = f"{code} carries none of the modifiers the payer requires"
            return self._found(
                line.number,
                f"{problem}; use {_names(edit.modifiers)} {where}",
                f"Replace it with the one of {_names(edit.modifiers)} that describes why the "
                "service is distinct."
                if edit.instead_of
                else f"Add {_names(edit.modifiers)} as the payer's policy describes.",
                edit,
                Category.MODIFIER,
            )
        pos = line.place_of_service or claim.place_of_service or ""
        if pos not in TELEHEALTH_POS and not mods & TELEHEALTH_MODIFIERS:
            return None
        problems = []
        if pos not in edit.pos:
            problems.append(f"place of service {pos or 'none'} (accepted: {_names(edit.pos)})")
        if edit.modifiers and not mods & set(edit.modifiers):
            problems.append(f"no {_names(edit.modifiers)} modifier")
        if not problems:
            return None
        return self._found(
            line.number,
            f"telehealth {code} has " + " and ".join(problems) + f" {where}",
            f"Bill telehealth for this payer with place of service {_names(edit.pos)}"
            + (f" and modifier {_names(edit.modifiers)}." if edit.modifiers else "."),
            edit,
            Category.POS if pos not in edit.pos and len(problems) == 1 else Category.MODIFIER,
        )

    def _found(
        self, number: int, message: str, fix: str, edit: PackEdit, category: Category
    ) -> Finding:
        finding = self.finding(line=number, message=message, fix=fix)
        return dataclasses.replace(finding, citation=edit.citation, category=category)
