"""MD103 modifier-57-vs-25."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from cleanclaim.claims.model import Claim, ServiceLine
from cleanclaim.codesets.loaders.pfs import pfs_entry
from cleanclaim.edits.context import RuleContext, line_date
from cleanclaim.edits.data.em_codes import is_em_section, is_visit
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.model import Category, Citation, Finding, NotChecked, Severity
from cleanclaim.edits.rule import Rule

ONE_DAY = dt.timedelta(days=1)
DOS = "2025-02-10"  # inside the bundled PFS relative value sample (2025 Q1)
NEXT = "2025-02-11"
OTHER_NPI = "1679576722"


def _npi(claim: Claim, line: ServiceLine) -> str:
    """The NPI that rendered ``line`` (line rendering, else claim rendering, else billing)."""
    if line.rendering_provider is not None and line.rendering_provider.npi:
        return line.rendering_provider.npi
    return (claim.rendering_provider or claim.billing_provider).npi or ""


def _services(
    claim: Claim, ctx: RuleContext, visit: ServiceLine, day: dt.date
) -> Iterator[tuple[str, str]]:
    """(code, where) of the visit provider's other services on ``day`` (this claim first,
    then the patient's other claims)."""
    npi = _npi(claim, visit)
    for other in claim.lines:
        if other is visit or not other.procedure_code:
            continue
        if line_date(claim, other) == day and _npi(claim, other) == npi:
            yield other.procedure_code, f"line {other.number}"
    pkey = ctx.options.get("patient_key")
    me = ctx.options.get("claim_key", claim.claim_id)
    if pkey is None:
        return
    for hist in ctx.history.lines_on(pkey, day):
        if hist.claim_key != me and hist.provider_npi == npi and hist.procedure:
            yield hist.procedure, "another claim of this patient"


class Modifier57Vs25(Rule):
    """Modifier 57 and 25 are mixed up around major and minor procedures.

    What it checks
    --------------
    For each problem-oriented E/M visit line it finds the same rendering provider's
    procedures on the visit's date and on the next day (on this claim or on the patient's
    other claims) and reads their global period from the PFS relative value file:

    * a 090-day (major) procedure on the same day or the next day, and the visit has no
      modifier 57: flagged. With 25 the message says that 25 does not unbundle a visit from
      a major procedure's global package; without any modifier it says the visit will be
      bundled;
    * the visit has 57 but the only procedures found that day or the next are 000- or
      010-day (minor) ones: flagged, because 57 does not apply to minor procedures (use 25
      on the day of a minor procedure; a visit the day before a minor procedure needs no
      modifier).

    A visit with 57 and no procedure found at all is not flagged: the surgery may be billed
    on a claim not seen yet.

    Why it matters
    --------------
    The global package of a major procedure includes the visits on the day before and the
    day of surgery, except the visit at which the decision to operate was made, which is
    paid only with 57. Contractors may not pay a visit with 57 when the procedure has a 0-
    or 10-day global period. Either mistake denies the visit or draws an audit.

    Limitations
    -----------
    Whether a visit was the decision for surgery is in the record, not on the claim: a
    flagged visit without 57 may simply be a pre-operative visit that must not be billed.
    When a minor and a major procedure fall on the same day the visit may need both 25
    and 57; a visit with 25 only is then still flagged for the missing 57. Other claims
    are seen only when stored or earlier in the batch; "same provider" is the same
    rendering NPI. Procedures missing from a sample relative value file are reported as not
    checked.

    References
    ----------
    Medicare Claims Processing Manual (Pub. 100-04), chapter 12, section 30.6.6 C (modifier
    57) and section 40.1 (pre-operative visits in the global package); NCCI Policy Manual
    for Medicare Services, chapter I, section D.
    """

    code = "MD103"
    slug = "modifier-57-vs-25"
    title = "Decision-for-surgery visit: 57 for major procedures, 25 for minor ones"
    category = Category.MODIFIER
    severity = Severity.WARNING
    citation = Citation(
        "NCCI Policy Manual for Medicare Services",
        "chapter I, section D (E/M services with major and minor procedures; modifiers 25 and 57)",
        "2026-01-01",
    )
    needs = ("pfs-rvu",)
    claim_types = frozenset({"professional"})
    examples = (
        Example(
            "25-with-same-day-major-procedure",
            ExClaim(lines=(ExLine("99214", ("25",)), ExLine("27447")), dos=DOS),
            flags=(1,),
        ),
        Example(
            "no-modifier-day-before-major-procedure",
            ExClaim(lines=(ExLine("99204"), ExLine("29881", dos=NEXT)), dos=DOS),
            flags=(1,),
        ),
        Example(
            "57-day-before-major-procedure",
            ExClaim(lines=(ExLine("99204", ("57",)), ExLine("29881", dos=NEXT)), dos=DOS),
        ),
        Example(
            "57-with-major-procedure-two-days-later",
            ExClaim(
                lines=(ExLine("99204", ("57",)), ExLine("29881", dos="2025-02-12")),
                dos=DOS,
            ),
        ),
        Example(
            "visit-two-days-before-major-procedure",
            ExClaim(lines=(ExLine("99204"), ExLine("29881", dos="2025-02-12")), dos=DOS),
        ),
        Example(
            "57-with-minor-procedure",
            ExClaim(lines=(ExLine("99213", ("57",)), ExLine("17110")), dos=DOS),
            flags=(1,),
        ),
        Example(
            "25-and-57-with-minor-and-major",
            ExClaim(
                lines=(ExLine("99214", ("25", "57")), ExLine("20610"), ExLine("27447")),
                dos=DOS,
            ),
        ),
        Example(
            "57-alone-on-the-claim",
            ExClaim(lines=(ExLine("99204", ("57",)),), dos=DOS),
        ),
        Example(
            "major-procedure-on-earlier-claim",
            ExClaim(lines=(ExLine("99223", ("25",)),), dos=DOS, claim_id="EX2"),
            flags=(1,),
            history=(ExClaim(lines=(ExLine("27447"),), dos=DOS, claim_id="EX1"),),
        ),
        Example(
            "major-procedure-by-another-surgeon",
            ExClaim(lines=(ExLine("99223"),), dos=DOS, claim_id="EX2"),
            history=(
                ExClaim(lines=(ExLine("27447"),), dos=DOS, claim_id="EX1", rendering_npi=OTHER_NPI),
            ),
        ),
    )

    def check(self, claim: Claim, ctx: RuleContext) -> Iterator[Finding | NotChecked]:
        for line in claim.lines:
            code = line.procedure_code or ""
            day = line_date(claim, line)
            if not is_visit(code) or day is None:
                continue
            mods = set(line.modifiers)
            major: list[str] = []
            minor: list[str] = []
            for when in (day, day + ONE_DAY):
                view = ctx.view(when)
                label = "same day" if when == day else "next day"
                for other, where in _services(claim, ctx, line, when):
                    if is_em_section(other):
                        continue
                    answer = pfs_entry(view, other)
                    if answer.value is None:
                        if not answer.authoritative:
                            yield self.not_checked(
                                f"pfs-rvu: global period of {other} on {when.isoformat()} "
                                f"is unknown ({answer.source})"
                            )
                        continue
                    days = answer.value.global_days
                    text = f"{other} ({days}-day global, {label}, {where})"
                    if days == "090":
                        major.append(text)
                    elif days in ("000", "010"):
                        minor.append(text)
            finding = self._judge(line.number, code, day, mods, major, minor)
            if finding is not None:
                yield finding

    def _judge(
        self,
        number: int,
        code: str,
        day: dt.date,
        mods: set[str],
        major: list[str],
        minor: list[str],
    ) -> Finding | None:
        when = day.isoformat()
        if major and "57" not in mods:
            procs = ", ".join(major)
            if "25" in mods:
                message = (
                    f"{code}-25 on {when} is billed with major procedure {procs}: 25 does not "
                    "take a visit out of a major procedure's global package"
                )
            else:
                message = (
                    f"{code} on {when} falls in the global package of major procedure "
                    f"{procs} and has no modifier 57"
                )
            return self.finding(
                line=number,
                message=message,
                fix=(
                    f"If this visit led to the decision to operate, append 57 to {code} "
                    "(keep 25 only if a separate minor procedure was also done that day); if "
                    "the decision was made earlier, remove the visit line."
                ),
            )
        if "57" in mods and minor and not major:
            procs = ", ".join(minor)
            same_day = any("same day" in m for m in minor)
            fix = (
                f"Replace 57 with 25 on {code} if the visit was significant and separately "
                "identifiable from the minor procedure; otherwise remove the visit line."
                if same_day
                else f"Remove 57 from {code}: a visit the day before a minor procedure is "
                "not part of its global package and needs no modifier."
            )
            return self.finding(
                line=number,
                message=(
                    f"{code}-57 on {when} is billed with minor procedure {procs}; 57 applies "
                    "only to procedures with a 90-day global period"
                ),
                fix=fix,
            )
        return None
