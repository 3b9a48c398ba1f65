"""Every root cause and reason, from synthetic 835s ingested through ``ingest_file``."""

from __future__ import annotations

from decimal import Decimal

import pytest
from tests.denials._denialkit import World, claim, clp, one, svc, world

from cleanclaim.denials.carc_table import ROOT_CAUSES, load_table

__all__ = ["world"]

# id, line adjustments (one 100.00 line), line remark codes, the adjustment checked,
# expected (root_cause, reason, responsible, avoidable, confidence)
CASES = [
    # billing
    ("co16-ma130-n290-missing-info", ["CO-16:100.00"], ["MA130", "N290"], "CO-16",
     ("billing", "missing-info", "biller", True, "certain")),
    ("co16-no-remark-ambiguous", ["CO-16:100.00"], [], "CO-16",
     ("billing", "missing-info", "biller", True, "ambiguous")),
    ("co16-ma61-registration", ["CO-16:100.00"], ["MA61"], "CO-16",
     ("eligibility", "registration", "front-desk", True, "likely")),
    ("co16-n4-cob", ["CO-16:100.00"], ["N4"], "CO-16",
     ("eligibility", "cob", "front-desk", True, "likely")),
    ("co16-m62-authorization", ["CO-16:100.00"], ["M62"], "CO-16",
     ("authorization", "prior-auth-missing", "front-desk", True, "likely")),
    ("co16-m51-code-missing", ["CO-16:100.00"], ["M51"], "CO-16",
     ("coding", "code-missing-invalid", "coder", True, "likely")),
    ("co29-timely-filing", ["CO-29:100.00"], [], "CO-29",
     ("billing", "timely-filing", "biller", True, "certain")),
    ("co18-duplicate-first-submission", ["CO-18:100.00"], [], "CO-18",
     ("billing", "duplicate", "biller", True, "ambiguous")),
    ("oa18-duplicate", ["OA-18:100.00"], [], "OA-18",
     ("billing", "duplicate", "biller", True, "ambiguous")),
    ("b13-already-paid", ["CO-B13:100.00"], [], "CO-B13",
     ("billing", "duplicate", "biller", True, "ambiguous")),
    ("co129-prior-processing", ["CO-129:100.00"], [], "CO-129",
     ("billing", "missing-info", "biller", True, "likely")),
    ("co206-npi-missing", ["CO-206:100.00"], [], "CO-206",
     ("billing", "missing-info", "biller", True, "certain")),
    ("co207-npi-malformed", ["CO-207:100.00"], [], "CO-207",
     ("billing", "missing-info", "biller", True, "certain")),
    ("co208-enrollment", ["CO-208:100.00"], [], "CO-208",
     ("billing", "provider-enrollment", "biller", True, "likely")),
    ("co170-provider-type", ["CO-170:100.00"], [], "CO-170",
     ("billing", "provider-enrollment", "biller", True, "likely")),
    ("co185-rendering-not-eligible", ["CO-185:100.00"], [], "CO-185",
     ("billing", "provider-enrollment", "biller", True, "likely")),
    ("b7-not-certified", ["CO-B7:100.00"], [], "CO-B7",
     ("billing", "provider-enrollment", "biller", True, "likely")),
    # eligibility (registration, benefits, coordination of benefits)
    ("co22-cob", ["CO-22:100.00"], [], "CO-22", ("eligibility", "cob", "front-desk", True,
                                                  "certain")),
    ("co19-workers-comp", ["CO-19:100.00"], [], "CO-19",
     ("eligibility", "cob", "front-desk", True, "likely")),
    ("co20-liability", ["CO-20:100.00"], [], "CO-20",
     ("eligibility", "cob", "front-desk", True, "likely")),
    ("co21-no-fault", ["CO-21:100.00"], [], "CO-21",
     ("eligibility", "cob", "front-desk", True, "likely")),
    ("co27-coverage-terminated", ["CO-27:100.00"], [], "CO-27",
     ("eligibility", "coverage-terminated", "front-desk", True, "certain")),
    ("co26-coverage-not-started", ["CO-26:100.00"], [], "CO-26",
     ("eligibility", "coverage-not-started", "front-desk", True, "certain")),
    ("co200-coverage-gap", ["CO-200:100.00"], [], "CO-200",
     ("eligibility", "coverage-terminated", "front-desk", True, "likely")),
    ("co31-member-not-found", ["CO-31:100.00"], [], "CO-31",
     ("eligibility", "member-not-found", "front-desk", True, "certain")),
    ("co140-name-id-mismatch", ["CO-140:100.00"], [], "CO-140",
     ("eligibility", "member-not-found", "front-desk", True, "certain")),
    ("co32-dependent", ["CO-32:100.00"], [], "CO-32",
     ("eligibility", "registration", "front-desk", True, "likely")),
    ("co33-no-dependent-coverage", ["CO-33:100.00"], [], "CO-33",
     ("eligibility", "registration", "front-desk", True, "likely")),
    ("b9-hospice", ["CO-B9:100.00"], [], "CO-B9",
     ("eligibility", "registration", "front-desk", True, "likely")),
    ("co109-wrong-payer", ["CO-109:100.00"], [], "CO-109",
     ("eligibility", "wrong-payer", "front-desk", True, "likely")),
    ("pr204-not-covered-by-plan", ["PR-204:100.00"], [], "PR-204",
     ("eligibility", "non-covered", "front-desk", True, "likely")),
    ("co96-n130-benefit", ["CO-96:100.00"], ["N130"], "CO-96",
     ("eligibility", "non-covered", "front-desk", True, "likely")),
    ("co96-no-remark-ambiguous", ["CO-96:100.00"], [], "CO-96",
     ("eligibility", "non-covered", "front-desk", True, "ambiguous")),
    ("co119-benefit-limit", ["CO-119:100.00"], [], "CO-119",
     ("eligibility", "benefit-limit", "front-desk", True, "likely")),
    ("co35-lifetime-limit", ["CO-35:100.00"], [], "CO-35",
     ("eligibility", "benefit-limit", "front-desk", True, "likely")),
    ("co49-routine-exam", ["CO-49:100.00"], [], "CO-49",
     ("eligibility", "non-covered", "front-desk", True, "likely")),
    # authorization
    ("co197-no-prior-auth", ["CO-197:100.00"], [], "CO-197",
     ("authorization", "prior-auth-missing", "front-desk", True, "certain")),
    ("co15-auth-invalid", ["CO-15:100.00"], [], "CO-15",
     ("authorization", "auth-invalid", "front-desk", True, "likely")),
    ("co198-auth-exceeded", ["CO-198:100.00"], [], "CO-198",
     ("authorization", "auth-exceeded", "front-desk", True, "certain")),
    ("co210-auth-late", ["CO-210:100.00"], [], "CO-210",
     ("authorization", "prior-auth-missing", "front-desk", True, "likely")),
    ("co39-auth-refused", ["CO-39:100.00"], [], "CO-39",
     ("authorization", "auth-denied", "none", False, "likely")),
    ("co242-out-of-network", ["CO-242:100.00"], [], "CO-242",
     ("authorization", "out-of-network", "front-desk", True, "likely")),
    ("co243-no-referral", ["CO-243:100.00"], [], "CO-243",
     ("authorization", "out-of-network", "front-desk", True, "likely")),
    # coding
    ("co4-modifier", ["CO-4:100.00"], [], "CO-4", ("coding", "modifier", "coder", True,
                                                   "certain")),
    ("co182-modifier-invalid", ["CO-182:100.00"], [], "CO-182",
     ("coding", "modifier", "coder", True, "certain")),
    ("co11-dx-px-mismatch", ["CO-11:100.00"], [], "CO-11",
     ("coding", "dx-px-mismatch", "coder", True, "likely")),
    ("co167-dx-not-covered", ["CO-167:100.00"], [], "CO-167",
     ("coding", "dx-px-mismatch", "coder", True, "ambiguous")),
    ("co146-dx-invalid", ["CO-146:100.00"], [], "CO-146",
     ("coding", "dx-invalid", "coder", True, "certain")),
    ("co181-px-invalid", ["CO-181:100.00"], [], "CO-181",
     ("coding", "px-invalid", "coder", True, "certain")),
    ("co189-unlisted-code", ["CO-189:100.00"], [], "CO-189",
     ("coding", "px-invalid", "coder", True, "likely")),
    ("co97-m15-ncci-bundling", ["CO-97:100.00"], ["M15"], "CO-97",
     ("coding", "ncci-bundling", "coder", True, "certain")),
    ("co97-no-remark", ["CO-97:100.00"], [], "CO-97",
     ("coding", "ncci-bundling", "coder", True, "likely")),
    ("co97-n525-global-period", ["CO-97:100.00"], ["N525"], "CO-97",
     ("coding", "global-period", "coder", True, "likely")),
    ("co234-not-separately-paid", ["CO-234:100.00"], [], "CO-234",
     ("coding", "ncci-bundling", "coder", True, "likely")),
    ("co236-code-pair", ["CO-236:100.00"], [], "CO-236",
     ("coding", "ncci-bundling", "coder", True, "certain")),
    ("co231-mutually-exclusive", ["CO-231:100.00"], [], "CO-231",
     ("coding", "ncci-bundling", "coder", True, "certain")),
    ("co151-n362-mue-units", ["CO-151:100.00"], ["N362"], "CO-151",
     ("coding", "mue-units", "coder", True, "certain")),
    ("co151-no-remark", ["CO-151:100.00"], [], "CO-151",
     ("coding", "mue-units", "coder", True, "likely")),
    ("co5-place-of-service", ["CO-5:100.00"], [], "CO-5",
     ("coding", "place-of-service", "coder", True, "likely")),
    ("co6-age", ["CO-6:100.00"], [], "CO-6",
     ("coding", "demographic-mismatch", "coder", True, "ambiguous")),
    ("co7-sex", ["CO-7:100.00"], [], "CO-7",
     ("coding", "demographic-mismatch", "coder", True, "ambiguous")),
    ("co9-dx-age", ["CO-9:100.00"], [], "CO-9",
     ("coding", "demographic-mismatch", "coder", True, "ambiguous")),
    ("co10-dx-sex", ["CO-10:100.00"], [], "CO-10",
     ("coding", "demographic-mismatch", "coder", True, "ambiguous")),
    ("co199-revenue-code", ["CO-199:100.00"], [], "CO-199",
     ("coding", "revenue-code", "coder", True, "likely")),
    ("co233-hac", ["CO-233:100.00"], [], "CO-233",
     ("coding", "hac-poa", "coder", True, "ambiguous")),
    ("b16-new-patient", ["CO-B16:100.00"], [], "CO-B16",
     ("coding", "em-level", "coder", True, "likely")),
    # documentation
    ("co50-medical-necessity", ["CO-50:100.00"], [], "CO-50",
     ("documentation", "medical-necessity", "provider", True, "likely")),
    ("co96-n386-ncd", ["CO-96:100.00"], ["N386"], "CO-96",
     ("documentation", "medical-necessity", "provider", True, "likely")),
    ("co96-m127-records", ["CO-96:100.00"], ["M127"], "CO-96",
     ("documentation", "records-requested", "provider", True, "likely")),
    ("co151-n102-records", ["CO-151:100.00"], ["N102"], "CO-151",
     ("documentation", "records-requested", "provider", True, "likely")),
    ("co150-level", ["CO-150:100.00"], [], "CO-150",
     ("documentation", "level-not-supported", "provider", True, "likely")),
    ("co152-length", ["CO-152:100.00"], [], "CO-152",
     ("documentation", "level-not-supported", "provider", True, "likely")),
    ("b12-not-documented", ["CO-B12:100.00"], [], "CO-B12",
     ("documentation", "not-documented", "provider", True, "likely")),
    ("co252-attachment", ["CO-252:100.00"], [], "CO-252",
     ("documentation", "records-requested", "provider", True, "likely")),
    ("co226-info-requested", ["CO-226:100.00"], [], "CO-226",
     ("documentation", "records-requested", "provider", True, "likely")),
    ("co163-attachment-missing", ["CO-163:100.00"], [], "CO-163",
     ("documentation", "records-requested", "provider", True, "likely")),
    ("co164-attachment-late", ["CO-164:100.00"], [], "CO-164",
     ("documentation", "records-requested", "provider", True, "likely")),
    ("co251-attachment-lacking", ["CO-251:100.00"], [], "CO-251",
     ("documentation", "records-requested", "provider", True, "likely")),
    ("co55-experimental", ["CO-55:100.00"], [], "CO-55",
     ("documentation", "experimental", "provider", False, "likely")),
    ("co56-not-proven", ["CO-56:100.00"], [], "CO-56",
     ("documentation", "experimental", "provider", False, "likely")),
    # generic codes that need a remark code
    ("a1-no-remark", ["CO-A1:100.00"], [], "CO-A1",
     ("unclassified", "remark-needed", "none", False, "ambiguous")),
    ("a1-n290", ["CO-A1:100.00"], ["N290"], "CO-A1",
     ("billing", "missing-info", "biller", True, "likely")),
    ("a1-n102", ["CO-A1:100.00"], ["N102"], "CO-A1",
     ("documentation", "records-requested", "provider", True, "likely")),
    # unknown codes: unclassified, still denials so they are counted and shown
    ("unknown-carc", ["CO-Z99:100.00"], [], "CO-Z99",
     ("unclassified", "unknown-code", "none", False, "ambiguous")),
    ("known-but-unmapped-carc", ["CO-B1:100.00"], [], "CO-B1",
     ("unclassified", "unmapped-code", "none", False, "ambiguous")),
    # not denials
    ("co45-contractual", ["CO-45:30.00"], [], "CO-45",
     ("not-a-denial", "contractual", "none", False, "certain")),
    ("co42-usual-customary", ["CO-42:30.00"], [], "CO-42",
     ("not-a-denial", "contractual", "none", False, "certain")),
    ("pr45-patient-above-allowance", ["PR-45:30.00"], [], "PR-45",
     ("not-a-denial", "contractual", "none", False, "certain")),
    ("co253-sequestration", ["CO-253:1.40"], [], "CO-253",
     ("not-a-denial", "sequestration", "none", False, "certain")),
    ("co59-multiple-procedure", ["CO-59:50.00"], [], "CO-59",
     ("not-a-denial", "multiple-procedure", "none", False, "certain")),
    ("co131-negotiated-discount", ["CO-131:10.00"], [], "CO-131",
     ("not-a-denial", "negotiated-discount", "none", False, "certain")),
    ("co237-penalty", ["CO-237:2.00"], [], "CO-237",
     ("not-a-denial", "penalty", "none", False, "certain")),
    ("co24-capitation", ["CO-24:100.00"], [], "CO-24",
     ("not-a-denial", "capitation", "none", False, "certain")),
    ("co144-incentive", ["CO-144:5.00"], [], "CO-144",
     ("not-a-denial", "contractual", "none", False, "certain")),
    ("co133-pending", ["CO-133:100.00"], [], "CO-133",
     ("not-a-denial", "pending-review", "none", False, "certain")),
    ("oa23-prior-payer", ["OA-23:60.00"], [], "OA-23",
     ("not-a-denial", "prior-payer", "none", False, "certain")),
    ("co23-prior-payer-odd-group", ["CO-23:60.00"], [], "CO-23",
     ("not-a-denial", "prior-payer", "none", False, "likely")),
    ("pr1-deductible", ["PR-1:100.00"], [], "PR-1",
     ("not-a-denial", "deductible", "none", False, "certain")),
    ("pr2-coinsurance", ["PR-2:20.00"], [], "PR-2",
     ("not-a-denial", "coinsurance", "none", False, "certain")),
    ("pr3-copay", ["PR-3:25.00"], [], "PR-3",
     ("not-a-denial", "copay", "none", False, "certain")),
]  # fmt: skip


@pytest.mark.parametrize(("adjs", "rarcs", "code", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])  # fmt: skip
def test_root_cause(world: World, adjs: list[str], rarcs: list[str], code: str,
                    expected: tuple[str, str, str, bool, str]) -> None:  # fmt: skip
    world.submit(claim("C1", "100.00"))
    paid = Decimal("100.00") - sum(Decimal(a.split(":")[1]) for a in adjs)
    status = "4" if paid == 0 and expected[0] != "not-a-denial" else "1"
    world.remit(clp("C1", status, svc(0, "100.00", *adjs, rarcs=rarcs)))
    world.classify()
    row = one(world.rows(), code)
    got = (row.root_cause, row.reason, row.responsible, row.avoidable, row.confidence)
    assert got == expected
    assert row.denial is (expected[0] != "not-a-denial")
    assert row.explanation
    assert row.claim_key is not None and row.clm01 == "C1" and row.line == 1
    if row.denial:
        assert row.line_denied and row.claim_denied and not row.partial
    else:
        assert not row.line_denied and not row.claim_denied


def test_cases_cover_every_reason_and_root_cause() -> None:
    table = load_table()
    reasons = {e.verdict.reason for e in table.codes.values()}
    reasons |= {w.changes["reason"] for e in table.codes.values() for w in e.when
                if "reason" in w.changes}  # fmt: skip
    covered = {c[4][1] for c in CASES}
    assert reasons - covered == set()
    # payer-error comes from reversals and appeals (test_classify_special.py)
    assert set(ROOT_CAUSES) - {c[4][0] for c in CASES} == {"payer-error"}


PARTIAL = [
    # id, second-line adjustments, status, line denied, claim denied, partial
    ("line-denied-claim-partly-paid", ["CO-97:40.00"], "1", True, False, True),
    ("line-partly-reduced", ["CO-97:10.00"], "1", False, False, True),
    ("every-line-denied", ["CO-50:40.00"], "1", True, True, False),
    ("clp02-4-denies-the-claim", ["CO-50:10.00"], "4", False, True, False),
]  # fmt: skip


@pytest.mark.parametrize(("adjs", "status", "line_denied", "claim_denied", "partial"),
                         [c[1:] for c in PARTIAL], ids=[c[0] for c in PARTIAL])  # fmt: skip
def test_partial_denials_are_kept_apart(world: World, adjs: list[str], status: str,
                                        line_denied: bool, claim_denied: bool,
                                        partial: bool) -> None:  # fmt: skip
    world.submit(claim("C1", "100.00", "40.00"))
    first = ("CO-50:100.00",) if claim_denied and status == "1" else ("CO-45:30.00",)
    world.remit(clp("C1", status, svc(0, "100.00", *first), svc(1, "40.00", *adjs)))
    world.classify()
    row = next(r for r in world.rows() if r.line == 2)
    assert (row.denial, row.line_denied, row.claim_denied, row.partial) == (
        True, line_denied, claim_denied, partial)  # fmt: skip


def test_claim_level_denial_without_lines(world: World) -> None:
    world.submit(claim("C1", "100.00"))
    world.remit(clp("C1", "4", claim_adjs=["CO-29:100.00"], charge="100.00"))
    world.classify()
    row = one(world.rows(), "CO-29")
    assert (row.line, row.denial, row.claim_denied, row.line_denied) == (None, True, True, False)


def test_kpis_count_lines_and_claims_not_cas_triples(world: World) -> None:
    from cleanclaim.denials.service import denial_kpis

    world.submit(claim("C1", "100.00", "40.00"), claim("C2", "100.00"))
    world.remit(
        clp("C1", "1", svc(0, "100.00", "CO-45:30.00"),
            svc(1, "40.00", "CO-97:30.00", "CO-16:10.00", rarcs=["M15"])),
        clp("C2", "4", svc(0, "100.00", "CO-50:60.00", "CO-Z99:40.00"), pcn="PCN2"),
    )  # fmt: skip
    world.classify()
    kpis = denial_kpis(world.rows())
    assert kpis == {
        "denied_claims": 1, "partially_denied_claims": 1, "denied_lines": 2,
        "unclassified_adjustments": 1,
        "claims_by_root_cause": {"billing": 1, "coding": 1, "documentation": 1,
                                 "unclassified": 1},
    }  # fmt: skip
