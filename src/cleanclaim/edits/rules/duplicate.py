"""DU101 duplicate: a service already billed for the same patient, date and provider."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.edits.context import HistoryLine, RuleContext, line_date, patient_key
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule
from cleanclaim.edits.rules.ncci_ptp import history_provider, service_provider

REPEAT_MODIFIERS = frozenset({"76", "77", "91"})
"""Repeat procedure by the same / another practitioner, repeat clinical laboratory test."""

NO_HISTORY = "no stored claim history: duplicates against earlier submissions not checked"

_OTHER_NPI = "1679576722"


def _mods(modifiers: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(m.strip().upper() for m in modifiers if m.strip()))


def _units(line: ServiceLine) -> Decimal:
    return line.units if line.units is not None else Decimal(1)


def _service(code: str, mods: tuple[str, ...], day: dt.date) -> str:
    return f"{code}{'-' + '-'.join(mods) if mods else ''} on {day.isoformat()}"


class Duplicate(Rule):
    """The same service is billed twice: in another claim, another version, or on two lines.

    What it checks
    --------------
    A line is compared with the lines of the patient's other claims on the same date: those
    earlier in the batch and, when available, the stored history. A line with the same
    procedure code, the same modifiers (in any order) and the same provider (rendering NPI,
    else billing NPI) is a duplicate:

    * in a claim with another patient control number (CLM01): an error;
    * in another version of this claim (same CLM01) while this one is not a replacement
      (frequency 7): a warning, since the earlier version may have been rejected. A stored
      version that was rejected (999 or 277CA) never reached adjudication, so sending the
      claim again as frequency 1 is the right thing and is not flagged.

    A replacement (frequency 7) is not a duplicate of the versions it replaces, and a void
    (frequency 8) is never checked. Inside one claim, a line identical to an earlier line
    (same date, code, modifiers, provider and units) is a warning, unless it carries 76, 77
    or 91, which mark a genuine repeat. A line carrying 76, 77 or 91 that matches another
    claim is a warning rather than an error.

    Without stored history only the batch is searched, and the claim is reported as not
    fully checked.

    Why it matters
    --------------
    Payers deny the second submission of a service as a duplicate (CARC 18), and repeated
    duplicates draw scrutiny as a billing pattern. A corrected claim must be sent as a
    replacement of the original, not as a new claim.

    Limitations
    -----------
    The claim history does not yet record whether another claim was rejected, voided or
    replaced, nor which version came first; re-scrubbing an old version can therefore warn
    about its own later replacement, and a service voided and then billed again on a new
    claim is reported. Charges and place of service are not compared. Lines without a
    procedure code (revenue code only, 837I) are not checked, and only the first date of a
    line's date span is compared.

    References
    ----------
    Medicare Claims Processing Manual (Pub. 100-04), Chapter 1, section 120 (Detection of
    Duplicate Claims), added by CR 8121 (MLN Matters MM8121).
    """

    code = "DU101"
    slug = "duplicate"
    title = "Service already billed for the same patient, date and provider"
    category = Category.DUPLICATE
    severity = Severity.ERROR
    citation = Citation(
        "Medicare Claims Processing Manual (Pub. 100-04)",
        "Chapter 1, section 120 (Detection of Duplicate Claims); MLN Matters MM8121",
        "2013",
        "https://www.cms.gov/Regulations-and-Guidance/Guidance/Manuals/Downloads/clm104c01.pdf",
    )
    needs = ()
    examples = (
        Example(
            "same-service-in-another-claim",
            ExClaim(lines=(ExLine("99213"),), dos="2026-07-15", claim_id="EX2"),
            history=(ExClaim(lines=(ExLine("99213"),), dos="2026-07-15", claim_id="EX1"),),
            flags=(1,),
        ),
        Example(
            "modifiers-in-another-order",
            ExClaim(lines=(ExLine("20610", ("RT", "XS")),), dos="2026-07-15", claim_id="EX2"),
            history=(
                ExClaim(lines=(ExLine("20610", ("XS", "RT")),), dos="2026-07-15", claim_id="EX1"),
            ),
            flags=(1,),
        ),
        Example(
            "original-sent-again",
            ExClaim(lines=(ExLine("99213"),), dos="2026-07-15"),
            history=(ExClaim(lines=(ExLine("99213"),), dos="2026-07-15"),),
            flags=(1,),
            note="same CLM01, frequency 1 again: a warning",
        ),
        Example(
            "replacement-of-the-earlier-version",
            ExClaim(lines=(ExLine("99213"),), dos="2026-07-15", frequency="7"),
            history=(ExClaim(lines=(ExLine("99213"),), dos="2026-07-15"),),
        ),
        Example(
            "void-of-the-earlier-version",
            ExClaim(lines=(ExLine("99213"),), dos="2026-07-15", frequency="8"),
            history=(ExClaim(lines=(ExLine("99213"),), dos="2026-07-15"),),
        ),
        Example(
            "other-provider",
            ExClaim(lines=(ExLine("99213"),), dos="2026-07-15", claim_id="EX2"),
            history=(
                ExClaim(
                    lines=(ExLine("99213"),),
                    dos="2026-07-15",
                    claim_id="EX1",
                    rendering_npi=_OTHER_NPI,
                ),
            ),
        ),
        Example(
            "other-date-or-modifier",
            ExClaim(
                lines=(ExLine("99213"), ExLine("20610", ("LT",))), dos="2026-07-15", claim_id="EX2"
            ),
            history=(
                ExClaim(
                    lines=(ExLine("99213", dos="2026-07-14"), ExLine("20610", ("RT",))),
                    dos="2026-07-15",
                    claim_id="EX1",
                ),
            ),
        ),
        Example(
            "identical-lines-in-one-claim",
            ExClaim(lines=(ExLine("99213"), ExLine("99213")), dos="2026-07-15"),
            flags=(2,),
        ),
        Example(
            "repeat-lab-test-with-91",
            ExClaim(
                lines=(ExLine("85025"), ExLine("85025", ("91",)), ExLine("85025", ("91",))),
                dos="2026-07-15",
            ),
        ),
        Example(
            "same-code-different-units",
            ExClaim(lines=(ExLine("97110"), ExLine("97110", units=2)), dos="2026-07-15"),
        ),
    )

    def applies(self, claim: Claim, ctx: RuleContext) -> bool:
        return super().applies(claim, ctx) and claim.frequency_code != "8"

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        if not ctx.history.available:
            yield self.not_checked(NO_HISTORY)
        pkey = str(ctx.options.get("patient_key") or patient_key(claim))
        ckey = str(ctx.options.get("claim_key") or claim.claim_id)
        stored_key = ckey != claim.claim_id
        seen: dict[tuple[dt.date, str, tuple[str, ...], str], list[ServiceLine]] = {}
        earlier: dict[dt.date, list[HistoryLine]] = {}
        for line in claim.lines:
            code = (line.procedure_code or "").strip().upper()
            day = line_date(claim, line)
            if not code or day is None:
                continue
            mods = _mods(line.modifiers)
            repeat = sorted(REPEAT_MODIFIERS.intersection(mods))
            key = (day, code, mods, service_provider(claim, line))
            twins = [e for e in seen.get(key, ()) if _units(e) == _units(line)]
            seen.setdefault(key, []).append(line)
            if twins and not repeat:
                yield self._twin(line, twins[0], code, mods, day)
            provider = history_provider(claim, line)
            if day not in earlier:
                earlier[day] = ctx.history.lines_on(pkey, day)
            matches = [
                h
                for h in earlier[day]
                if h.procedure.strip().upper() == code
                and _mods(h.modifiers) == mods
                and h.provider_npi == provider
                and not (stored_key and h.claim_key == ckey)
            ]
            others = [h for h in matches if h.claim_id != claim.claim_id]
            live = [h for h in matches if h.status != "rejected"]
            if others:
                yield self._other_claim(line, others[0], code, mods, day, repeat)
            elif live and claim.frequency_code != "7":
                yield self._other_version(claim, line, code, mods, day)

    def _twin(
        self, line: ServiceLine, twin: ServiceLine, code: str, mods: tuple[str, ...], day: dt.date
    ) -> Finding:
        return self.finding(
            line=line.number,
            severity=Severity.WARNING,
            message=(
                f"line {line.number} repeats line {twin.number}: {_service(code, mods, day)}, "
                "same provider and units; the payer pays it once and denies the repeat as a "
                "duplicate"
            ),
            fix=(
                f"If {code} was done once, delete line {line.number}. If it was done again, "
                "put the total units on one line, or mark the repeat with 76 or 77 (procedure) "
                "or 91 (lab test), as the documentation supports."
            ),
        )

    def _other_claim(
        self,
        line: ServiceLine,
        other: HistoryLine,
        code: str,
        mods: tuple[str, ...],
        day: dt.date,
        repeat: list[str],
    ) -> Finding:
        where = f" (claim key {other.claim_key})" if other.claim_key != other.claim_id else ""
        message = (
            f"{_service(code, mods, day)} by the same provider is already billed for this "
            f"patient on another claim{where}, line {other.line}"
        )
        if repeat:
            message += (
                f"; {'/'.join(repeat)} marks a repeat, but the other claim carries the same "
                "modifiers, so this may be the same service sent twice"
            )
        else:
            message += "; the payer denies the second as a duplicate"
        return self.finding(
            line=line.number,
            severity=Severity.WARNING if repeat else None,
            message=message,
            fix=(
                f"Remove {code} from this claim if it is the same service. To correct the "
                "other claim, send a replacement of it (frequency 7) rather than a new claim. "
                "If it was a separate service that day, add the modifier that shows it "
                "(76, 77, 91, an anatomic modifier, or XE/XS/XP/XU/59)."
            ),
        )

    def _other_version(
        self, claim: Claim, line: ServiceLine, code: str, mods: tuple[str, ...], day: dt.date
    ) -> Finding:
        return self.finding(
            line=line.number,
            severity=Severity.WARNING,
            message=(
                f"{_service(code, mods, day)} is already in another version of this claim "
                f"(same patient control number), and this one is sent as frequency "
                f"{claim.frequency_code or '1'}, not as a replacement; if the payer received "
                "the earlier version, it denies this one as a duplicate"
            ),
            fix=(
                "If the payer accepted the earlier version, send this as a replacement "
                "(frequency 7, with the payer's claim number in REF*F8). If the earlier one "
                "was rejected before processing, no change is needed."
            ),
        )
