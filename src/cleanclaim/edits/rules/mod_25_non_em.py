"""MD102 modifier-25-non-em."""

from __future__ import annotations

from collections.abc import Iterator

from cleanclaim.claims.model import Claim
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.data.em_codes import takes_modifier_25
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule


class Modifier25NonEm(Rule):
    """Modifier 25 is appended to a code that is not an E/M service.

    What it checks
    --------------
    Every service line that carries modifier 25 is flagged unless its code is an
    evaluation and management service: a code of the CPT E/M section (99202-99499), a CPT
    telemedicine E/M code (98000-98016), a general ophthalmological examination
    (92002-92014, which correct-coding policy treats like an E/M visit around procedures)
    or the hospital outpatient clinic visit G0463. Professional and institutional claims
    are both checked.

    Why it matters
    --------------
    Modifier 25 says that a visit was significant and separate from a procedure done the
    same day; it has no meaning on the procedure itself. CPT defines it for E/M services
    only and CMS instructs that it be used only on E/M services, so a 25 on a surgery,
    test or drug line is returned or denied, and the visit it was meant for stays bundled.

    Limitations
    -----------
    The E/M ranges are fixed in code, not read from a licensed CPT file. Annual wellness
    visits and the initial preventive examination (G0438, G0439, G0402) are not E/M codes
    and are flagged; some contractors ignore a 25 there rather than deny it. The rule does
    not judge whether a 25 on an E/M line is justified (see MD101) or whether the code is
    valid on the date (see the px-invalid rule).

    References
    ----------
    CPT Appendix A, modifier 25 (AMA; described here in the project's own words); Medicare
    Claims Processing Manual (Pub. 100-04), chapter 12, section 30.6.6 B (modifier 25 is
    used only on E/M services); NCCI Policy Manual for Medicare Services, chapter I,
    sections D and E.
    """

    code = "MD102"
    slug = "modifier-25-non-em"
    title = "Modifier 25 on a code that is not an E/M service"
    category = Category.MODIFIER
    severity = Severity.ERROR
    citation = Citation(
        "NCCI Policy Manual for Medicare Services",
        "chapter I, section D (modifier 25 marks a separately identifiable E/M service)",
        "2026-01-01",
    )
    examples = (
        Example(
            "25-on-a-joint-injection",
            ExClaim(lines=(ExLine("99213", ("25",)), ExLine("20610", ("25",)))),
            flags=(2,),
        ),
        Example(
            "25-on-a-drug-and-a-special-service",
            ExClaim(lines=(ExLine("J3301", ("25",)), ExLine("99070", ("25", "59")))),
            flags=(1, 2),
        ),
        Example(
            "25-on-office-visit",
            ExClaim(lines=(ExLine("99214", ("25",)), ExLine("20610"))),
        ),
        Example(
            "25-on-the-last-em-section-code",
            ExClaim(lines=(ExLine("99499", ("25",)), ExLine("99202", ("25",)))),
        ),
        Example(
            "25-just-outside-the-em-section",
            ExClaim(lines=(ExLine("99500", ("25",)), ExLine("99201", ("25",)))),
            flags=(1, 2),
            note="99201 was deleted in 2021 and lies below the range; 99500 is above it",
        ),
        Example(
            "25-on-eye-exam-and-telemedicine-visit",
            ExClaim(lines=(ExLine("92014", ("25",)), ExLine("98005", ("25",)))),
        ),
        Example(
            "25-on-hospital-clinic-visit",
            ExClaim(
                lines=(ExLine("G0463", ("25",), revenue_code="0510"),),
                claim_type="institutional",
                pos="13",
                filing_indicator="MA",
            ),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        for line in claim.lines:
            code = line.procedure_code
            if not code or "25" not in line.modifiers or takes_modifier_25(code):
                continue
            yield self.finding(
                line=line.number,
                message=f"modifier 25 is appended to {code}, which is not an E/M service",
                fix=(
                    f"Remove 25 from {code}. If a separately identifiable visit was done the "
                    "same day, put 25 on that visit's E/M line instead."
                ),
            )
