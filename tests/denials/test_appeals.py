"""The payer-error ledger: comparing versions, appeal flows, resubmissions, errors, rates."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from tests.clirunner import Result
from tests.denials._ledgerkit import Env, claim, line, make_env, payment, pcn
from tests.ingest._x12 import BILLING, BILLING_B, PATIENT

from cleanclaim.claims.lifecycle import to_jsonable
from cleanclaim.denials.appeals import parse_amount, record_appeal
from cleanclaim.denials.payer_error import (
    claim_changes,
    payer_error_rates,
    payer_error_verdict,
    reconcile_resubmissions,
)
from cleanclaim.edits.examples import parse_x12
from cleanclaim.errors import UsageError
from cleanclaim.storage.tables_denials import AppealRow, DenialRow
from cleanclaim.storage.tables_x12 import ClaimEvent, ClaimRow
from cleanclaim.x12.generate.claims837 import write_837p
from cleanclaim.x12.generate.model import (
    GenClaim,
    GenOtherPayer,
    Payer,
    Practitioner,
    Subscriber,
)

D = dt.date
FILED = D(2026, 4, 10)
TODAY = D(2026, 5, 1)

# -- comparing a replacement with its original (pure) ----------------------------------------

BASE = claim("CMP1", line("99213", mods=("25",)), line("36415", "20.00", ptrs=(2,)),
             dx=("E119", "I10"))  # fmt: skip


def _json(gc: GenClaim) -> dict[str, Any]:
    text = write_837p([gc], sender="SUBMITTER", receiver="DCOMM", created=D(2026, 3, 10))
    (parsed,) = parse_x12(text)
    return to_jsonable(parsed)


def _line0(**changes: Any) -> Callable[[GenClaim], GenClaim]:
    return lambda c: replace(c, lines=(replace(c.lines[0], **changes), *c.lines[1:]))


DOCTOR = Practitioner("1245319599", "ALDERWICK", "MAYA", "207Q00000X")
OTHER_DOCTOR = Practitioner("1679576722", "BRENNOCK", "OWEN", "207R00000X")


def replace_base(**changes: Any) -> GenClaim:
    return replace(BASE, **changes)


OTHER = GenOtherPayer("P", Payer("MCR01", "DEMO MEDICARE"), Subscriber("1EG4TE5MK72", PATIENT),
                      "MB", Decimal("50.00"))  # fmt: skip
CHANGE_CASES: list[tuple[Any, ...]] = [
    ("frequency-and-reference-only",
     lambda c: replace(c, frequency="7", original_reference="PCN-CMP1-1"), []),
    ("charge-only", _line0(charge=Decimal("125.00")), []),
    ("modifier-added", _line0(modifiers=("59", "25")), ["modifiers"]),
    ("procedure-code", _line0(procedure="99214"), ["codes"]),
    ("modifier-removed", _line0(modifiers=()), ["modifiers"]),
    ("units", _line0(units=Decimal(2)), ["units"]),
    ("diagnosis-added", lambda c: replace(c, diagnoses=("E119", "I10", "E785")), ["diagnoses"]),
    ("diagnosis-pointer", _line0(dx_pointers=(2,)), ["diagnoses"]),
    ("payer", lambda c: replace(c, payer=Payer("OTHER", "OTHER PLAN")), ["payer"]),
    ("subscriber-member-id",
     lambda c: replace(c, subscriber=Subscriber("DCM000000001", PATIENT)), ["subscriber"]),
    ("cob-added", lambda c: replace(c, other_payers=(OTHER,), sbr_sequence="S"),
     ["payer", "cob"]),
    ("authorization-added", lambda c: replace(c, prior_auth="PA123456"), ["authorization"]),
    ("rendering-provider-added", lambda c: replace(c, rendering=DOCTOR), ["providers"]),
    ("rendering-provider-changed", lambda c: replace(c, rendering=DOCTOR),
     ["providers"], replace_base(rendering=OTHER_DOCTOR)),
    ("rendering-provider-renamed", lambda c: replace(c, rendering=DOCTOR),
     [], replace_base(rendering=replace(DOCTOR, last_name="RENAMED"))),
    ("place-of-service", lambda c: replace(c, place_of_service="02"), ["place-of-service"]),
]  # fmt: skip


@pytest.mark.parametrize(("change", "expected", "base"),
                         [(c[1], c[2], c[3] if len(c) > 3 else BASE) for c in CHANGE_CASES],
                         ids=[c[0] for c in CHANGE_CASES])  # fmt: skip
def test_claim_changes(
    change: Callable[[GenClaim], GenClaim], expected: list[str], base: GenClaim
) -> None:
    assert claim_changes(_json(base), _json(change(base))) == expected


def test_modifier_order_alone_is_no_change() -> None:
    two = _line0(modifiers=("25", "59"))(BASE)
    assert claim_changes(_json(two), _json(_line0(modifiers=("59", "25"))(BASE))) == []


def test_documentation_change_is_seen_when_the_reader_keeps_it() -> None:
    original = _json(BASE)
    assert claim_changes(original, {**original, "attachments": [["OZ", "EL", "A1"]]}) == [
        "documentation"
    ]


VERDICT_CASES = [
    # id, root cause, outcome, level, changes, payer error?, why
    ("coding-overturned-first-appeal", "coding", "overturned", 1, [], True,
     "overturned with no change to the claim"),
    ("billing-overturned", "billing", "overturned", 1, [], True,
     "overturned with no change to the claim"),
    ("documentation-never", "documentation", "overturned", 1, [], False,
     "its original cause was documentation, which the practice fixes by sending what was "
     "missing"),
    ("eligibility-never", "eligibility", "overturned", 1, [], False,
     "its original cause was eligibility, which the practice fixes by sending what was "
     "missing"),
    ("authorization-never", "authorization", "overturned", 1, [], False,
     "its original cause was authorization, which the practice fixes by sending what was "
     "missing"),
    ("unclassified-unknown-cause", "unclassified", "overturned", 1, [], False,
     "its original cause is unknown, so it may have been documentation, eligibility or "
     "authorization"),
    ("changed-replacement", "coding", "overturned", 1, ["modifiers", "units"], False,
     "the replacement claim changed modifiers, units"),
    ("upheld", "coding", "upheld", 1, [], False, "the appeal was upheld, not overturned"),
    ("partial", "coding", "partial", 1, [], False, "the appeal was partial, not overturned"),
    ("second-level", "coding", "overturned", 2, [], False,
     "overturned at appeal level 2, not on the first appeal"),
    ("already-payer-error", "payer-error", "overturned", 1, [], False,
     "already classified as payer-error"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("root", "outcome", "level", "changes", "expected", "why"),
    [c[1:] for c in VERDICT_CASES],
    ids=[c[0] for c in VERDICT_CASES],
)
def test_payer_error_verdict(root: str, outcome: str, level: int, changes: list[str],
                             expected: bool, why: str) -> None:  # fmt: skip
    verdict = payer_error_verdict(root, outcome=outcome, level=level, changes=changes)
    assert (verdict.payer_error, verdict.why) == (expected, why)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("80", Decimal("80.00")), ("80.5", Decimal("80.50")), ("0", Decimal("0.00"))],
    ids=["whole", "one-decimal", "zero"],
)
def test_parse_amount(text: str, expected: Decimal) -> None:
    assert parse_amount(text) == expected


@pytest.mark.parametrize(
    "text",
    ["-1", "abc", "1.005", "NaN"],
    ids=["negative", "not-a-number", "fraction-of-cent", "nan"],
)
def test_parse_amount_rejects(text: str) -> None:
    pattern = r"^--paid: .* is not an amount \(expected e\.g\. 80\.00\)$"
    with pytest.raises(UsageError, match=pattern):
        parse_amount(text)


# -- appeal flows (database) -----------------------------------------------------------------


@dataclass(frozen=True)
class Flow:
    carc: str
    outcome: str
    payer_error: bool
    root_cause: str
    replacement: Callable[[GenClaim], GenClaim] | None = None
    paid: str | None = None


FLOWS = {
    "overturned-no-change-is-payer-error": Flow("4", "overturned", True, "coding", paid="70.00"),
    "overturned-after-changed-replacement": Flow(
        "4", "overturned", False, "coding", _line0(modifiers=("GP", "59"))),
    "overturned-after-unchanged-replacement": Flow(
        "4", "overturned", True, "coding", lambda c: c),
    "documentation-cause-never-payer-error": Flow("50", "overturned", False, "documentation"),
    "eligibility-cause-never-payer-error": Flow("27", "overturned", False, "eligibility"),
    "upheld-is-not-payer-error": Flow("4", "upheld", False, "coding"),
    "partial-is-not-payer-error": Flow("4", "partial", False, "coding", paid="30.00"),
}  # fmt: skip


def _denied_claim(env: Env, clm01: str, carc: str) -> GenClaim:
    gc = claim(clm01, line("97110", mods=("GP",)), line("99213", "80.00"))
    env.send(gc)
    env.remit(payment(gc, {0: ("CO", carc)}))
    env.classify()
    return gc


@pytest.mark.parametrize("name", list(FLOWS))
def test_appeal_flow(db_url: str, tmp_path: Path, name: str) -> None:
    flow = FLOWS[name]
    env = make_env(db_url, tmp_path)
    gc = _denied_claim(env, "AP1", flow.carc)
    if flow.replacement is not None:
        fixed = flow.replacement(gc)
        env.send(replace(fixed, frequency="7", original_reference=pcn(gc)), on=D(2026, 4, 5))
    (denial,) = env.denials("AP1")
    assert denial.root_cause == flow.root_cause
    paid = Decimal(flow.paid) if flow.paid else None
    with env.session() as s:
        filed = record_appeal(s, env.who, "AP1", filed_on=FILED, today=TODAY)
        assert (filed.level, filed.outcome, filed.denial_ids, filed.created) == (
            1,
            None,
            [denial.id],
            True,
        )
        decided = record_appeal(s, env.who, "AP1", filed_on=FILED, outcome=flow.outcome,
                                paid=paid, today=TODAY)  # fmt: skip
    assert (decided.appeal_id, decided.created, decided.outcome, decided.paid) == (
        filed.appeal_id,
        False,
        flow.outcome,
        paid,
    )
    assert decided.payer_error == ([denial.id] if flow.payer_error else [])
    (current,) = env.denials("AP1")
    history = [d for d in env.denials("AP1", history=True) if d.superseded_by is not None]
    if flow.payer_error:
        assert (
            current.id,
            current.root_cause,
            current.original_root_cause,
            current.responsible,
            current.reason,
        ) == (denial.id, "payer-error", flow.root_cause, "payer", "overturned-on-appeal")
        assert [(h.superseded_by, h.root_cause) for h in history] == [(denial.id, flow.root_cause)]
    else:
        assert (current.root_cause, current.original_root_cause, history) == (
            flow.root_cause,
            None,
            [],
        )
    with env.session() as s:
        appeal = s.scalars(select(AppealRow)).one()
        version = s.get(ClaimRow, appeal.claim_id)
        assert version is not None
        events = [
            (e.event, e.to_status, e.source_kind, e.created_by)
            for e in s.scalars(
                select(ClaimEvent).where(ClaimEvent.source_kind == "user").order_by(ClaimEvent.id)
            )
        ]
    assert (appeal.filed_by, appeal.filed_on, appeal.outcome, appeal.paid, appeal.outcome_on) == (
        "bea",
        FILED,
        flow.outcome,
        paid,
        TODAY,
    )
    assert version.clm01 == "AP1" and version.version == 1
    final = "appealed" if flow.outcome == "upheld" else "closed"
    assert events == [("appeal-filed", "appealed", "user", "bea"),
                      (f"appeal-{flow.outcome}", final, "user", "bea")]  # fmt: skip
    assert version.status == final


def test_second_level_overturn_is_not_payer_error(db_url: str, tmp_path: Path) -> None:
    env = make_env(db_url, tmp_path)
    _denied_claim(env, "AP2", "4")
    with env.session() as s:
        record_appeal(s, env.who, "AP2", filed_on=FILED, outcome="upheld", today=TODAY)
        second = record_appeal(
            s,
            env.who,
            "AP2",
            filed_on=D(2026, 4, 20),
            outcome="overturned",
            paid=Decimal("70"),
            today=TODAY,
        )
    assert (second.level, second.payer_error) == (2, [])
    assert second.not_payer_error[0][1] == "overturned at appeal level 2, not on the first appeal"
    assert env.denials("AP2")[0].root_cause == "coding"


APPEAL_ERRORS = [
    ("no-such-claim", "NOPE", {}, "no claim 'NOPE' (give a claim key or a CLM01)"),
    ("bad-outcome", "AP3", {"outcome": "won"},
     "--outcome: 'won' is not one of overturned, upheld, partial"),
    ("paid-without-outcome", "AP3", {"paid": Decimal("5")},
     "--paid needs --outcome (the amount is paid on a decided appeal)"),
    ("upheld-with-payment", "AP3", {"outcome": "upheld", "paid": Decimal("5")},
     "--paid: an upheld appeal pays nothing"),
    ("filed-in-the-future", "AP3", {"filed_on": D(2026, 5, 2)},
     "--filed: 2026-05-02 is in the future"),
    ("filed-before-the-denial", "AP3", {"filed_on": D(2026, 4, 1)},
     "--filed: 2026-04-01 is before the denial it appeals (remittance of 2026-04-02)"),
    ("paid-claim-has-nothing-to-appeal", "PAID1", {},
     "claim {PAID1} (CLM01 PAID1) has no open denials to appeal"),
    ("co-29-cannot-be-appealed", "LATE1", {},
     "claim {LATE1}: its only denials are CARC 29 (filing time expired), which cannot be "
     "appealed; see the write-off review in `denials queue`"),
]  # fmt: skip


@pytest.mark.parametrize(("ref", "options", "message"), [c[1:] for c in APPEAL_ERRORS],
                         ids=[c[0] for c in APPEAL_ERRORS])  # fmt: skip
def test_appeal_errors(db_url: str, tmp_path: Path, ref: str, options: dict[str, Any],
                       message: str) -> None:  # fmt: skip
    env = make_env(db_url, tmp_path)
    _denied_claim(env, "AP3", "4")
    paid, late = claim("PAID1"), claim("LATE1")
    env.send(paid, late)
    env.remit(payment(paid), payment(late, {0: ("CO", "29")}))
    env.classify()
    keys = {"PAID1": env.key("PAID1"), "LATE1": env.key("LATE1")}
    args = {"filed_on": FILED, "today": TODAY, **options}
    with env.session() as s, pytest.raises(Exception) as caught:
        record_appeal(s, env.who, ref, **args)
    assert str(caught.value) == message.format_map(keys)
    assert getattr(caught.value, "exit_code", None) == 2


def test_outcome_cannot_change(db_url: str, tmp_path: Path) -> None:
    env = make_env(db_url, tmp_path)
    _denied_claim(env, "AP4", "4")
    with env.session() as s:
        record_appeal(s, env.who, "AP4", filed_on=FILED, outcome="upheld", today=TODAY)
        again = record_appeal(s, env.who, "AP4", filed_on=FILED, outcome="upheld", today=TODAY)
        assert again.created is False
        with pytest.raises(UsageError, match=r"already has outcome upheld$"):
            record_appeal(s, env.who, "AP4", filed_on=FILED, outcome="overturned", today=TODAY)


# -- overturned on resubmission --------------------------------------------------------------

RESUBMISSIONS = [
    # id, CARC, how the resubmission differs, frequency, payer error?
    ("unchanged-replacement-paid", "4", None, "7", True),
    ("changed-replacement-paid", "4", _line0(modifiers=("GP", "59")), "7", False),
    ("unchanged-replacement-documentation-cause", "50", None, "7", False),
    ("replacement-names-the-rendering-provider", "16", lambda c: replace(c, rendering=DOCTOR),
     "7", False),
    ("frequency-1-resubmission-not-compared", "4", _line0(charge=Decimal("101.00")), "1",
     False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("carc", "change", "frequency", "expected"),
    [c[1:] for c in RESUBMISSIONS],
    ids=[c[0] for c in RESUBMISSIONS],
)
def test_overturned_on_resubmission(db_url: str, tmp_path: Path, carc: str,
                                    change: Callable[[GenClaim], GenClaim] | None,
                                    frequency: str, expected: bool) -> None:  # fmt: skip
    env = make_env(db_url, tmp_path)
    gc = _denied_claim(env, "RS1", carc)
    again = (change or (lambda c: c))(gc)
    again = replace(again, frequency=frequency,
                    original_reference=pcn(gc) if frequency == "7" else "")  # fmt: skip
    env.send(again, on=D(2026, 4, 6))
    env.remit(payment(again), paid_on=D(2026, 4, 30))
    env.classify()
    with env.session() as s:
        changed = reconcile_resubmissions(s, env.who.practice_id, user="bea")
        assert reconcile_resubmissions(s, env.who.practice_id, user="bea") == []
    (denial,) = [d for d in env.denials("RS1") if d.remit_date == D(2026, 4, 2)]
    assert (changed == [denial.id]) is expected
    assert (denial.root_cause == "payer-error") is expected
    if expected:
        assert (denial.reason, denial.original_root_cause) == (
            "overturned-on-resubmission",
            "coding",
        )
    env.classify()  # a later classification keeps the payer-error verdict
    assert (env.denials("RS1")[0].root_cause == "payer-error") is expected


# -- payer-error rate ------------------------------------------------------------------------


def test_payer_error_rate_per_payer_per_month(db_url: str, tmp_path: Path) -> None:
    env = make_env(db_url, tmp_path)
    for clm01 in ("PR1", "PR2", "PR3"):
        _denied_claim(env, clm01, "4")
    may = claim("PR4", line("97110", mods=("GP",)))
    env.send(may)
    env.remit(payment(may, {0: ("CO", "4")}), paid_on=D(2026, 5, 6))
    env.classify()
    with env.session() as s:
        record_appeal(s, env.who, "PR1", filed_on=FILED, outcome="overturned",
                      paid=Decimal("70"), today=D(2026, 5, 10))  # fmt: skip
        rows = [r.to_json() for r in payer_error_rates(s, env.who.practice_id)]
        april = payer_error_rates(s, env.who.practice_id, until=D(2026, 4, 30))
    assert rows == [
        {"payer": "dcomm", "month": "2026-04", "denied": 3, "payer_errors": 1,
         "rate": "0.3333", "denied_amount": "300.00", "payer_error_amount": "100.00"},
        {"payer": "dcomm", "month": "2026-05", "denied": 1, "payer_errors": 0,
         "rate": "0.0000", "denied_amount": "100.00", "payer_error_amount": "0.00"},
    ]  # fmt: skip
    assert [r.month for r in april] == ["2026-04"]


# -- command line ----------------------------------------------------------------------------


def _one_line_error(result: Result) -> str:
    assert result.code == 2, result
    assert result.out == ""
    assert result.err.endswith("\n") and result.err.count("\n") == 1
    return result.err.strip()


def test_cli_appeal_records_who_when_outcome_amount(
    db_url: str, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    env = make_env(db_url, tmp_path)
    _denied_claim(env, "CL1", "4")
    key = env.key("CL1")
    filed = cli("--user", "bea", "denials", "appeal", "CL1", "--filed", "2026-04-10")
    assert filed.code == 0, filed
    assert filed.out.splitlines()[0] == (
        f"appeal of {key} (CLM01 CL1) filed 2026-04-10 by bea, level 1: pending"
    )
    done = cli("--user", "bea", "denials", "appeal", key, "--filed", "2026-04-10",
               "--outcome", "overturned", "--paid", "70")  # fmt: skip
    assert done.code == 0, done
    lines = done.out.splitlines()
    assert lines[0] == (f"appeal of {key} (CLM01 CL1) filed 2026-04-10 by bea, level 1: "
                        "overturned, paid 70.00")  # fmt: skip
    assert lines[1].startswith("reclassified as payer-error: denial ")
    with env.session() as s:
        appeal = s.scalars(select(AppealRow)).one()
        current = s.scalars(select(DenialRow).where(DenialRow.id.in_(appeal.denial_ids))).one()
    assert (appeal.filed_by, appeal.paid, current.root_cause) == (
        "bea",
        Decimal("70.00"),
        "payer-error",
    )


def test_cli_unknown_claim_is_a_one_line_error(db_url: str, tmp_path: Path,
                                                cli: Callable[..., Result]) -> None:  # fmt: skip
    make_env(db_url, tmp_path)
    result = cli("denials", "appeal", "NOPE", "--filed", "2026-04-10")
    assert _one_line_error(result) == "error: no claim 'NOPE' (give a claim key or a CLM01)"


def test_cli_ambiguous_claim_lists_candidates(db_url: str, tmp_path: Path,
                                              cli: Callable[..., Result]) -> None:  # fmt: skip
    env = make_env(db_url, tmp_path)
    env.send(claim("AMB1"), claim("AMB1", billing=BILLING_B))
    with env.session() as s:
        query = select(ClaimRow.billing_npi, ClaimRow.claim_key).where(ClaimRow.clm01 == "AMB1")
        keys = {npi: key for npi, key in s.execute(query)}
    message = _one_line_error(cli("denials", "appeal", "AMB1", "--filed", "2026-04-10"))
    assert message == (
        "error: CLM01 'AMB1' matches several claims: "
        f"{keys[BILLING_B.npi]} (billing NPI {BILLING_B.npi}), "
        f"{keys[BILLING.npi]} (billing NPI {BILLING.npi}); give a claim key"
    )


CLI_USAGE = [
    ("bad-date", ["--filed", "2026-13-01"],
     "error: --filed: '2026-13-01' is not a date (expected YYYY-MM-DD)"),
    ("bad-amount", ["--filed", "2026-04-10", "--outcome", "overturned", "--paid", "7O"],
     "error: --paid: '7O' is not an amount (expected e.g. 80.00)"),
    ("paid-without-outcome", ["--filed", "2026-04-10", "--paid", "70"],
     "error: --paid needs --outcome (the amount is paid on a decided appeal)"),
]  # fmt: skip


@pytest.mark.parametrize(("args", "message"), [c[1:] for c in CLI_USAGE],
                         ids=[c[0] for c in CLI_USAGE])  # fmt: skip
def test_cli_appeal_usage_errors(db_url: str, tmp_path: Path, cli: Callable[..., Result],
                                 args: list[str], message: str) -> None:  # fmt: skip
    env = make_env(db_url, tmp_path)
    _denied_claim(env, "CL2", "4")
    assert _one_line_error(cli("denials", "appeal", "CL2", *args)) == message


def test_cli_bad_outcome_is_a_usage_error(db_url: str, tmp_path: Path,
                                          cli: Callable[..., Result]) -> None:  # fmt: skip
    make_env(db_url, tmp_path)
    result = cli("denials", "appeal", "CL2", "--filed", "2026-04-10", "--outcome", "won")
    assert result.code == 2
    assert "'won' is not one of 'overturned', 'upheld', 'partial'" in result.err
