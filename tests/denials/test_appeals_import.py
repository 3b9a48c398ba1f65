"""Importing an appeals log (CSV), and resubmissions processed into the deductible."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.clirunner import Result
from tests.denials._ledgerkit import Env, claim, line, make_env, payment, pcn

from cleanclaim.analytics.synthetic.adjudicate import reversal
from cleanclaim.denials.appeals_import import AppealsFileError, import_appeals_csv
from cleanclaim.denials.payer_error import reconcile_resubmissions
from cleanclaim.storage.tables_denials import AppealRow
from cleanclaim.x12.generate.model import GenAdjustment, GenClaim

D = dt.date
HEADER = "claim_id,filed_on,outcome,paid,outcome_on,filed_by,payer_id,payer_claim_number,level"


def _denied(env: Env, clm01: str, carc: str = "4") -> GenClaim:
    gc = claim(clm01, line("97110", mods=("GP",)), line("99213", "80.00"))
    env.send(gc)
    env.remit(payment(gc, {0: ("CO", carc)}))
    env.classify()
    return gc


def _csv(tmp: Path, *rows: str) -> Path:
    path = tmp / "appeals.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def _import(env: Env, path: Path) -> dict[str, object]:
    with env.session() as s:
        return import_appeals_csv(s, env.who, path).to_json()


def _appeals(env: Env) -> list[tuple[object, ...]]:
    with env.session() as s:
        return [(a.filed_by, a.created_by, a.filed_on, a.level, a.outcome, a.paid, a.outcome_on)
                for a in s.scalars(select(AppealRow).order_by(AppealRow.id))]  # fmt: skip


OUTCOMES = [
    # id, CARC, outcome, paid, root cause after the import, payer-error count
    ("overturned-coding-denial", "4", "overturned", "70.00", "payer-error", 1),
    ("upheld-coding-denial", "4", "upheld", "0.00", "coding", 0),
    ("overturned-documentation-denial", "50", "overturned", "70.00", "documentation", 0),
    ("pending", "4", "", "", "coding", 0),
]  # fmt: skip


@pytest.mark.parametrize(("carc", "outcome", "paid", "root", "errors"),
                         [c[1:] for c in OUTCOMES], ids=[c[0] for c in OUTCOMES])  # fmt: skip
def test_import_records_the_file_and_judges_overturns(
    db_url: str, tmp_path: Path, carc: str, outcome: str, paid: str, root: str, errors: int
) -> None:
    env = make_env(db_url, tmp_path)
    gc = _denied(env, "AI1", carc)
    decided = "2026-05-01" if outcome else ""
    path = _csv(tmp_path, f"AI1,2026-04-10,{outcome},{paid},{decided},ruth,DCOMM,{pcn(gc)},1")
    report = _import(env, path)
    assert (report["filed"], report["decided"], report["payer_error"], report["skipped"]) == (
        1, 1 if outcome else 0, errors, [])  # fmt: skip
    assert _appeals(env) == [(
        "ruth", "bea", D(2026, 4, 10), 1, outcome or None,
        Decimal(paid) if paid else None, D(2026, 5, 1) if outcome else None,
    )]  # fmt: skip
    assert [d.root_cause for d in env.denials("AI1")] == [root]
    again = _import(env, path)
    assert (again["filed"], again["decided"], again["already"]) == (0, 0, 1)
    assert len(_appeals(env)) == 1


def test_appeal_answered_by_a_reversal_and_new_payment_is_still_recorded(
    db_url: str, tmp_path: Path
) -> None:
    """The log is imported after the 835 that reversed the denial and paid the claim: the
    denial is no longer open, and the appeal is recorded against it all the same."""
    env = make_env(db_url, tmp_path)
    gc = _denied(env, "AI2")
    denied = payment(gc, {0: ("CO", "4")})
    env.remit(reversal(denied), replace(payment(gc), payer_claim_number="PCN-AI2-R"),
              paid_on=D(2026, 5, 8))  # fmt: skip
    env.classify()
    (denial,) = env.denials("AI2")
    assert denial.root_cause == "payer-error"  # the classifier saw the same version paid
    report = _import(env, _csv(tmp_path, f"AI2,2026-04-10,overturned,70.00,2026-05-01,ruth,"
                                         f"DCOMM,{pcn(gc)},1"))  # fmt: skip
    assert (report["filed"], report["decided"], report["skipped"]) == (1, 1, [])
    with env.session() as s:
        appeal = s.scalars(select(AppealRow)).one()
    assert (appeal.denial_ids, appeal.outcome) == ([denial.id], "overturned")
    assert "already classified as payer-error" in appeal.notes


def test_unknown_payer_claim_number_is_skipped_and_reported(db_url: str, tmp_path: Path) -> None:
    env = make_env(db_url, tmp_path)
    _denied(env, "AI3")
    report = _import(env, _csv(tmp_path, "AI3,2026-04-10,,,,ruth,DCOMM,NOPE,1"))
    assert report["skipped"] == [
        {"line": 2, "reason": "no stored 835 claim AI3 with payer claim number NOPE"}
    ]
    assert _appeals(env) == []


BAD_ROWS = [
    ("bad-date", "AI4,2026-13-01,,,,ruth,DCOMM,P1,1",
     "filed_on '2026-13-01' is not a date (expected YYYY-MM-DD)"),
    ("bad-outcome", "AI4,2026-04-10,won,,2026-05-01,ruth,DCOMM,P1,1",
     "outcome 'won' is not one of overturned, upheld, partial (or empty)"),
    ("bad-amount", "AI4,2026-04-10,overturned,7O,2026-05-01,ruth,DCOMM,P1,1",
     "paid: '7O' is not an amount (expected e.g. 80.00)"),
    ("decided-before-filed", "AI4,2026-04-10,upheld,0.00,2026-04-01,ruth,DCOMM,P1,1",
     "outcome_on 2026-04-01 is before filed_on 2026-04-10"),
    ("outcome-date-without-outcome", "AI4,2026-04-10,,,2026-05-01,ruth,DCOMM,P1,1",
     "paid or outcome_on given without an outcome"),
    ("no-payer-claim-number", "AI4,2026-04-10,,,,ruth,DCOMM,,1", "payer_claim_number is empty"),
    ("bad-level", "AI4,2026-04-10,,,,ruth,DCOMM,P1,0", "level '0' is not a number from 1"),
    ("short-row", "AI4,2026-04-10", "expected 9 fields, found 2"),
]  # fmt: skip


@pytest.mark.parametrize(("row", "message"), [c[1:] for c in BAD_ROWS],
                         ids=[c[0] for c in BAD_ROWS])  # fmt: skip
def test_a_bad_row_stores_nothing(db_url: str, tmp_path: Path, row: str, message: str) -> None:
    env = make_env(db_url, tmp_path)
    gc = _denied(env, "AI5")
    path = _csv(tmp_path, f"AI5,2026-04-10,,,,ruth,DCOMM,{pcn(gc)},1", row)
    with pytest.raises(AppealsFileError) as caught:
        _import(env, path)
    assert caught.value.errors == [f"{path}:3: {message}"]
    assert _appeals(env) == []


def test_cli_imports_and_reports(db_url: str, tmp_path: Path, cli: Callable[..., Result]) -> None:
    env = make_env(db_url, tmp_path)
    gc = _denied(env, "AI6")
    path = _csv(tmp_path, f"AI6,2026-04-10,overturned,70.00,2026-05-01,ruth,DCOMM,{pcn(gc)},1",
                "AI6,2026-06-10,,,,ruth,DCOMM,NOPE,")  # fmt: skip
    result = cli("--user", "bea", "denials", "appeals-import", str(path))
    assert result.code == 1, result
    assert result.out.splitlines() == [
        f"{path}: 2 rows, 1 appeals filed, 1 outcomes recorded, 0 already known, 1 denials "
        "reclassified as payer-error, 1 skipped",
        f"{path}:3: skipped: no stored 835 claim AI6 with payer claim number NOPE",
    ]
    bad = _csv(tmp_path, "AI6,yesterday,,,,ruth,DCOMM,P1,1")
    result = cli("--user", "bea", "denials", "appeals-import", str(bad))
    assert result.code == 1
    assert result.err.splitlines() == [
        f"error: {bad}:2: filed_on 'yesterday' is not a date (expected YYYY-MM-DD)",
        f"error: {bad}: nothing imported",
    ]
    with env.session() as s:
        assert s.scalar(select(func.count()).select_from(AppealRow)) == 1


def test_replacement_processed_into_the_deductible_overturns_on_resubmission(
    db_url: str, tmp_path: Path
) -> None:
    """An unchanged replacement the payer processes but pays 0 (all to the deductible) lifted
    the denial as surely as one it paid."""
    env = make_env(db_url, tmp_path)
    gc = _denied(env, "RD1")
    again = replace(gc, frequency="7", original_reference=pcn(gc))
    env.send(again, on=D(2026, 4, 6))
    paid = payment(again)
    services = tuple(
        replace(svc, adjustments=(GenAdjustment("CO", "45", svc.charge * Decimal("0.3")),
                                  GenAdjustment("PR", "1", svc.charge * Decimal("0.7"))))
        for svc in paid.services
    )  # fmt: skip
    env.remit(replace(paid, services=services), paid_on=D(2026, 4, 30))
    env.classify()
    with env.session() as s:
        changed = reconcile_resubmissions(s, env.who.practice_id, user="bea")
    (denial,) = [d for d in env.denials("RD1") if d.remit_date == D(2026, 4, 2)]
    assert changed == [denial.id]
    assert (denial.root_cause, denial.reason) == ("payer-error", "overturned-on-resubmission")
