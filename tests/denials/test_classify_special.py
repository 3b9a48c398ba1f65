"""Special cases: reversals, corrections, split claims, secondary payers, voids, PLB,
unmatched remittances, ambiguity resolved by findings, links to findings, idempotency."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from tests.denials._denialkit import SECONDARY, World, claim, clp, one, svc, world

from cleanclaim.denials.carc_table import load_table
from cleanclaim.denials.service import denial_kpis
from cleanclaim.x12.generate.model import GenProviderAdjustment

__all__ = ["world"]


def _codes(rows: list) -> list[str]:  # type: ignore[type-arg]
    return [f"{r.group}-{r.carc}" for r in rows]


# -- reversals and corrections ----------------------------------------------------------------


def test_reversal_then_payment_of_the_same_version_is_a_payer_error(world: World) -> None:
    world.submit(claim("C1", "100.00", "40.00"))
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", "CO-97:40.00")))
    world.remit(
        clp("C1", "22", svc(0, "100.00", "CO-45:30.00", sign=-1),
            svc(1, "40.00", "CO-97:40.00", sign=-1), charge="-140.00"),
        clp("C1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", "CO-45:12.00")),
    )  # fmt: skip
    world.classify()
    rows = world.rows()
    denied = [r for r in rows if r.denial]
    assert [(r.carc, r.root_cause, r.original_root_cause, r.responsible, r.counted)
            for r in denied] == [("97", "payer-error", "coding", "payer", True)]  # fmt: skip
    reversal = [r for r in rows if r.reason == "reversal"]
    assert len(reversal) == 2
    assert all(not r.denial and not r.counted and r.amount < 0 for r in reversal)
    assert denial_kpis(rows)["denied_lines"] == 1


def test_denial_reprocessed_into_the_deductible_is_a_payer_error(world: World) -> None:
    """The payer lifts its denial but the allowed amount all goes to the deductible: the
    line is processed (CLP02 1), paid 0, and no longer denied."""
    world.submit(claim("C1", "100.00"))
    world.remit(clp("C1", "4", svc(0, "100.00", "CO-97:100.00", rarcs=("M80",))))
    world.remit(
        clp("C1", "22", svc(0, "100.00", "CO-97:100.00", sign=-1), charge="-100.00"),
        clp("C1", "1", svc(0, "100.00", "CO-45:30.00", "PR-1:70.00"), pcn="PCN2"),
    )  # fmt: skip
    world.classify()
    (row,) = [r for r in world.rows() if r.carc == "97" and r.amount > 0]
    assert (row.root_cause, row.original_root_cause, row.counted) == (
        "payer-error", "coding", True)  # fmt: skip


def test_reversal_with_the_same_denial_again_counts_it_once(world: World) -> None:
    world.submit(claim("C1", "100.00", "40.00"))
    first = clp("C1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", "CO-50:40.00"))
    world.remit(first)
    world.remit(
        clp("C1", "22", svc(0, "100.00", "CO-45:30.00", sign=-1),
            svc(1, "40.00", "CO-50:40.00", sign=-1), charge="-140.00"),
        clp("C1", "1", svc(0, "100.00", "CO-45:20.00"), svc(1, "40.00", "CO-50:40.00")),
    )  # fmt: skip
    world.classify()
    rows = world.rows()
    co50 = [r for r in rows if r.carc == "50" and r.amount > 0]
    assert [(r.root_cause, r.counted) for r in co50] == [
        ("documentation", False), ("documentation", True)]  # fmt: skip
    assert denial_kpis(rows)["denied_lines"] == 1


def test_documentation_denial_paid_after_reversal_is_not_a_payer_error(world: World) -> None:
    world.submit(claim("C1", "100.00"))
    world.remit(clp("C1", "4", svc(0, "100.00", "CO-252:100.00")))
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00")))
    world.classify()
    row = one(world.rows(), "CO-252")
    assert (row.root_cause, row.original_root_cause, row.counted) == (
        "documentation", None, True)  # fmt: skip


# -- split claims -----------------------------------------------------------------------------


SPLIT = [
    # id, part-1 status and adjustments, part-2 ..., claim denied, denied claims (KPI)
    ("one-part-paid-one-denied", ("1", ["CO-45:30.00"]), ("4", ["CO-50:40.00"]), False, 0),
    ("both-parts-denied", ("4", ["CO-50:100.00"]), ("4", ["CO-50:40.00"]), True, 1),
]  # fmt: skip


@pytest.mark.parametrize(("part1", "part2", "claim_denied", "denied_claims"),
                         [c[1:] for c in SPLIT], ids=[c[0] for c in SPLIT])  # fmt: skip
def test_split_claim_is_one_claim(world: World, part1: tuple[str, list[str]],
                                  part2: tuple[str, list[str]], claim_denied: bool,
                                  denied_claims: int) -> None:  # fmt: skip
    world.submit(claim("C1", "100.00", "40.00"))
    world.remit(
        clp("C1", part1[0], svc(0, "100.00", *part1[1]), pcn="PCN-A", remarks=["MA15"]),
        clp("C1", part2[0], svc(1, "40.00", *part2[1]), pcn="PCN-B", remarks=["MA15"]),
    )  # fmt: skip
    world.classify()
    rows = world.rows()
    assert len({r.claim_key for r in rows}) == 1
    second = [r for r in rows if r.carc == "50"][-1]
    assert (second.line_denied, second.claim_denied, second.partial) == (
        True, claim_denied, not claim_denied)  # fmt: skip
    kpis = denial_kpis(rows)
    assert kpis["denied_claims"] == denied_claims
    assert kpis["partially_denied_claims"] == 1 - denied_claims


# -- secondary payers, voids, unmatched -------------------------------------------------------


def test_secondary_payer_adjudication(world: World) -> None:
    world.submit(claim("C1", "100.00"))
    world.remit(clp("C1", "19", svc(0, "100.00", "CO-45:30.00", "PR-2:14.00")))
    world.submit(claim("C1", "100.00", payer=SECONDARY), receiver="DSUPP")
    world.remit(clp("C1", "2", svc(0, "100.00", "OA-23:86.00", "CO-96:14.00", rarcs=["N130"]),
                    pcn="SUP1"), payer=SECONDARY)  # fmt: skip
    world.classify()
    rows = world.rows()
    primary = [r for r in rows if r.payer == "DCOMM"]
    secondary = [r for r in rows if r.payer == "DSUPP"]
    assert _codes(primary) == ["CO-45", "PR-2"] and not any(r.denial for r in primary)
    assert one(secondary, "OA-23").root_cause == "not-a-denial"
    co96 = one(secondary, "CO-96")
    assert (co96.denial, co96.root_cause, co96.claim_denied) == (True, "eligibility", True)
    assert "secondary payer" in co96.explanation
    assert co96.claim_key != primary[0].claim_key
    assert denial_kpis(rows)["denied_claims"] == 1


def test_unmatched_remittance_is_classified_and_listed(world: World) -> None:
    world.remit(clp("NOSUCH", "4", svc(0, "100.00", "CO-27:100.00")))
    world.classify()
    row = one(world.rows(), "CO-27")
    assert (row.clm01, row.claim_key, row.claim_row_id) == ("NOSUCH", None, None)
    assert (row.root_cause, row.scrub_link) == ("eligibility", None)


def test_void_adjudication_is_not_a_denial(world: World) -> None:
    world.submit(claim("C1", "100.00"))
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00")))
    world.submit(claim("C1", "100.00", frequency="8", original_reference="PCN1"))
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-18:100.00"), pcn="PCN9", frequency="8"))
    world.classify()
    row = one(world.rows(), "CO-18")
    assert (row.denial, row.reason, row.counted) == (False, "void", True)


def test_duplicate_after_a_resubmission_is_certain(world: World) -> None:
    world.submit(claim("C1", "100.00"))
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00")))
    world.submit(claim("C1", "100.00", dx=("E1165",)))
    world.remit(clp("C1", "4", svc(0, "100.00", "CO-18:100.00"), pcn="PCN2"))
    world.classify()
    row = one(world.rows(), "CO-18")
    assert row.claim_key is not None and row.confidence == "certain"


def test_prior_auth_on_the_claim_lowers_confidence(world: World) -> None:
    world.submit(claim("C1", "100.00", prior_auth="AUTH123"))
    world.remit(clp("C1", "4", svc(0, "100.00", "CO-197:100.00")))
    world.classify()
    row = one(world.rows(), "CO-197")
    assert (row.root_cause, row.confidence) == ("authorization", "likely")
    assert "did carry an authorization number" in row.explanation


# -- PLB ----------------------------------------------------------------------------------------


def test_plb_rows_are_listed_and_never_denials(world: World) -> None:
    world.submit(claim("C1", "100.00"))
    plb = [GenProviderAdjustment("WO", Decimal("25.00"), "PCN0009"),
           GenProviderAdjustment("L6", Decimal("-3.10")),
           GenProviderAdjustment("XX", Decimal("1.00"))]  # fmt: skip
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00")), plb=plb)
    world.classify()
    rows = [r for r in world.rows() if r.source == "plb"]
    got = [(r.clm01, r.claim_key, r.group, r.carc, str(r.amount), r.denial, r.root_cause,
            r.reason, r.responsible) for r in rows]  # fmt: skip
    assert got == [
        (None, None, None, "WO", "25.00", False, "not-a-denial", "recoupment", "payer"),
        (None, None, None, "L6", "-3.10", False, "not-a-denial", "interest", "payer"),
        (None, None, None, "XX", "1.00", False, "not-a-denial", "provider-adjustment", "none"),
    ]
    assert "PCN0009" in rows[0].explanation


# -- ambiguity and links to findings ------------------------------------------------------------


def test_co16_ambiguity_resolved_by_a_cob_finding(world: World) -> None:
    world.submit(claim("C1", "100.00"))
    world.finding("C1", "CB101", "cob")
    world.remit(clp("C1", "4", svc(0, "100.00", "CO-16:100.00")))
    world.classify()
    row = one(world.rows(), "CO-16")
    assert (row.root_cause, row.reason, row.confidence) == ("eligibility", "cob", "likely")
    assert "inferred from a scrub finding cob" in row.explanation
    assert row.scrub_link == "caught-unfixed"


LINKS = [
    # id, findings (rule, category, line, suppressed by), denial, link, by
    ("suppressed-ncci-finding", [("NC101", "ncci-ptp", 2, "ann")], "CO-97:40.00",
     "caught-overridden", "ann"),
    ("unfixed-claim-level-modifier-finding", [("MD104", "modifier", None, None)],
     "CO-97:40.00", "caught-unfixed", None),
    ("finding-on-another-line-is-not-a-catch", [("NC101", "ncci-ptp", 1, None)],
     "CO-97:40.00", "missed", None),
    ("unrelated-finding-only", [("DX102", "dx-unspecified", None, None)], "CO-97:40.00",
     "missed", None),
    ("never-scrubbed", [], "CO-97:40.00", None, None),
    ("reason-no-rule-can-prevent", [("DX102", "dx-unspecified", None, None)], "CO-27:40.00",
     None, None),
    ("mue-units-caught", [("MU101", "mue", 2, None)], "CO-151:40.00", "caught-unfixed", None),
    ("timely-filing-missed", [("DX102", "dx-unspecified", None, None)], "CO-29:40.00",
     "missed", None),
]  # fmt: skip


@pytest.mark.parametrize(("findings", "adj", "link", "by"), [c[1:] for c in LINKS],
                         ids=[c[0] for c in LINKS])  # fmt: skip
def test_link_to_findings_of_the_submitted_version(
    world: World, findings: list[tuple[str, str, int | None, str | None]], adj: str,
    link: str | None, by: str | None,
) -> None:  # fmt: skip
    world.submit(claim("C1", "100.00", "40.00"))
    for rule, category, line, who in findings:
        world.finding("C1", rule, category, line=line, suppressed_by=who)
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", adj)))
    world.classify()
    row = next(r for r in world.rows() if r.denial)
    assert (row.scrub_link, row.scrub_link_by) == (link, by)


# -- idempotency and history --------------------------------------------------------------------


def test_classify_twice_adds_nothing(world: World) -> None:
    world.submit(claim("C1", "100.00", "40.00"))
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", "CO-97:40.00")),
                plb=[GenProviderAdjustment("L6", Decimal("-1.00"))])  # fmt: skip
    first = world.classify()
    assert (first.new, first.reclassified) == (3, 0)
    second = world.classify()
    assert (second.new, second.reclassified, second.unchanged) == (0, 0, 3)
    assert world.count() == 3


def test_new_remittance_reclassifies_what_it_changes_and_keeps_history(world: World) -> None:
    world.submit(claim("C1", "100.00", "40.00"))
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", "CO-97:40.00")))
    world.classify()
    world.remit(
        clp("C1", "22", svc(0, "100.00", "CO-45:30.00", sign=-1),
            svc(1, "40.00", "CO-97:40.00", sign=-1), charge="-140.00"),
        clp("C1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", "CO-45:12.00")),
    )  # fmt: skip
    report = world.classify()
    assert (report.new, report.reclassified) == (4, 2)
    assert world.count(history=True) == 2
    assert world.count(history=False) == 6
    again = world.classify()
    assert (again.new, again.reclassified) == (0, 0)


def test_table_override_reclassifies_and_keeps_history(world: World, tmp_path: Path) -> None:
    world.submit(claim("C1", "100.00"))
    world.remit(clp("C1", "4", svc(0, "100.00", "CO-B1:100.00")))
    world.classify()
    assert one(world.rows(), "CO-B1").root_cause == "unclassified"
    override = tmp_path / "denial_codes.toml"
    override.write_text(
        '[[code]]\ngroup = "*"\ncarc = "B1"\ndenial = true\nroot_cause = "eligibility"\n'
        'reason = "benefit-limit"\nresponsible = "front-desk"\navoidable = true\n'
        'confidence = "likely"\nexplanation = "Visit limit reached."\n'
    )
    report = world.classify(load_table(override))
    assert report.reclassified == 1 and "+" in report.classifier_version
    row = one(world.rows(), "CO-B1")
    assert (row.root_cause, row.reason, row.explanation) == (
        "eligibility", "benefit-limit", "Visit limit reached.")  # fmt: skip
    assert world.count(history=True) == 1


# -- with the real scrub at ingest --------------------------------------------------------------


@pytest.mark.parametrize(
    ("suppress", "link", "by"),
    [(False, "caught-unfixed", None), (True, "caught-overridden", "system")],
    ids=["duplicate-finding-unfixed", "duplicate-finding-suppressed"],
)
def test_link_uses_the_findings_recorded_at_ingest(
    db_url: str, tmp_path: Path, default_codesets: Path, suppress: bool, link: str,
    by: str | None,
) -> None:  # fmt: skip
    import datetime as dt

    from cleanclaim.edits.suppressions import add_suppression
    from cleanclaim.storage.db import session_scope

    world = World(db_url, tmp_path, scrub=True)
    if suppress:
        with session_scope(world.engine) as s:
            add_suppression(s, world.who, claim="C2", rule="DU101", reason="seen twice on purpose",
                            today=dt.date(2026, 3, 1))  # fmt: skip
    world.submit(claim("C1", "100.00"), claim("C2", "100.00"))
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00")),
                clp("C2", "4", svc(0, "100.00", "CO-18:100.00"), pcn="PCN2"))  # fmt: skip
    world.classify()
    row = one(world.rows(), "CO-18")
    assert (row.clm01, row.reason, row.scrub_link, row.scrub_link_by) == (
        "C2", "duplicate", link, by)  # fmt: skip
