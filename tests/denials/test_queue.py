"""The work queue: deadlines from the payer registry, order, write-off review, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from tests.clirunner import Result
from tests.denials._ledgerkit import MEDICARE as MEDICARE_PAYER
from tests.denials._ledgerkit import Env, claim, line, make_env, payment, pcn

from cleanclaim.analytics.monthly import extras
from cleanclaim.analytics.monthly.extras import OWNERS, queue_rows
from cleanclaim.denials.appeals import record_appeal
from cleanclaim.denials.deadlines import appealable, deadlines_for, notice_date
from cleanclaim.denials.queue import build_queue, open_items
from cleanclaim.edits.packs import shipped_registry
from cleanclaim.payers.registry import PayerTerms
from cleanclaim.x12.generate.model import Payer

D = dt.date
MEDICARE = PayerTerms(
    key="medicare-ffs", name="Medicare", type="medicare-ffs", timely_filing="12m",
    appeal_window_days=120, receipt_presumption_days=5, ncci_applies=True, mue_applies=True,
    effective_from=D(2010, 1, 1),
)  # fmt: skip
COMMERCIAL = replace(MEDICARE, key="acme", type="commercial", timely_filing="90d",
                     appeal_window_days=90, receipt_presumption_days=0)  # fmt: skip
SUMMIT = replace(COMMERCIAL, key="summit", timely_filing="12m",
                 rule_packs=("example-summit-commercial",))  # fmt: skip

# -- deadlines (pure) ------------------------------------------------------------------------

APPEAL_CASES = [
    # id, terms, notice, presumed receipt, appeal deadline
    ("medicare-120-plus-5", MEDICARE, D(2026, 1, 30), D(2026, 2, 4), D(2026, 6, 4)),
    ("medicare-receipt-on-leap-day", MEDICARE, D(2024, 2, 24), D(2024, 2, 29), D(2024, 6, 28)),
    ("medicare-no-leap-day", MEDICARE, D(2023, 2, 24), D(2023, 3, 1), D(2023, 6, 29)),
    ("medicare-across-year-end", MEDICARE, D(2025, 12, 29), D(2026, 1, 3), D(2026, 5, 3)),
    ("commercial-90-no-presumption", COMMERCIAL, D(2026, 3, 31), D(2026, 3, 31), D(2026, 6, 29)),
]


@pytest.mark.parametrize(
    ("terms", "notice", "received", "deadline"),
    [c[1:] for c in APPEAL_CASES],
    ids=[c[0] for c in APPEAL_CASES],
)
def test_appeal_deadline(terms: PayerTerms, notice: D, received: D, deadline: D) -> None:
    got = deadlines_for(terms, notice=notice, service=None)
    assert (got.received, got.appeal) == (received, deadline)
    assert got.days_left(deadline) == 0
    assert got.days_left(deadline + dt.timedelta(days=1)) == -1


FILING_CASES = [
    # id, terms, date of service, limit applied, deadline
    ("12-months", MEDICARE, D(2026, 3, 2), "12m", D(2027, 3, 2)),
    ("12-months-from-leap-day", MEDICARE, D(2024, 2, 29), "12m", D(2025, 2, 28)),
    ("90-days-over-month-ends", COMMERCIAL, D(2026, 1, 31), "90d", D(2026, 5, 1)),
    (
        "3-months-to-short-month",
        replace(COMMERCIAL, timely_filing="3m"),
        D(2025, 11, 30),
        "3m",
        D(2026, 2, 28),
    ),
    ("pack-override-in-force", SUMMIT, D(2026, 3, 2), "90d", D(2026, 5, 31)),
    ("pack-override-not-yet-in-force", SUMMIT, D(2024, 6, 1), "12m", D(2025, 6, 1)),
]


@pytest.mark.parametrize(
    ("terms", "service", "limit", "deadline"),
    [c[1:] for c in FILING_CASES],
    ids=[c[0] for c in FILING_CASES],
)
def test_timely_filing_deadline(terms: PayerTerms, service: D, limit: str, deadline: D) -> None:
    got = deadlines_for(terms, notice=None, service=service, packs=shipped_registry())
    assert (got.filing_limit, got.timely_filing) == (limit, deadline)
    assert got.appeal is None


def test_no_terms_means_unknown_deadlines() -> None:
    got = deadlines_for(None, notice=D(2026, 4, 1), service=D(2026, 3, 2))
    assert (got.appeal, got.timely_filing, got.payer_terms) == (None, None, None)
    assert got.days_left(D(2026, 5, 1)) is None


@pytest.mark.parametrize(
    ("production", "payment", "expected"),
    [(D(2026, 4, 1), D(2026, 4, 3), D(2026, 4, 1)), (None, D(2026, 4, 3), D(2026, 4, 3)),
     (D(2026, 4, 3), D(2026, 4, 1), D(2026, 4, 1)), (None, None, None)],
    ids=["production-first", "payment-only", "earlier-wins", "none"],
)  # fmt: skip
def test_notice_date_is_the_earlier(production: D | None, payment: D | None,
                                    expected: D | None) -> None:  # fmt: skip
    assert notice_date(production, payment) == expected


@pytest.mark.parametrize(
    ("carc", "expected"),
    [("29", False), ("50", True), ("16", True)],
    ids=["co-29-filing-expired", "co-50", "co-16"],
)
def test_appealable(carc: str, expected: bool) -> None:
    assert appealable(carc) is expected


# -- the queue on generated data (database) --------------------------------------------------

TODAY = D(2026, 5, 1)
ZZPAY = Payer("ZZPAY", "UNLISTED HEALTH PLAN")


def _queue_data(env: Env) -> None:
    q1 = claim("Q1", line("99213", "120.00", dos=D(2026, 1, 5)), payer=MEDICARE_PAYER,
               filing="MB")  # fmt: skip
    env.send(q1, on=D(2026, 1, 8))
    env.remit(payment(q1, {0: ("CO", "50")}), payer=MEDICARE_PAYER, paid_on=D(2026, 1, 30))
    q2 = claim("Q2", line("99213", "300.00"), line("36415", "20.00"))
    q3 = claim("Q3", line("97110", "80.00", mods=("GP",)))
    q4 = claim("Q4", line("99215", "500.00"))
    q5 = claim("Q5", line("99213", "150.00"))
    q6 = claim("Q6", line("97110", "90.00", mods=("GP",)))
    q7 = claim("Q7", line("97110", "60.00", mods=("GP",)))
    q8 = claim("Q8", line("97110", "70.00", mods=("GP",)))
    env.send(q2, q3, q4, q5, q6, q7, q8)
    env.remit(payment(q2, {0: ("CO", "16")}), payment(q3, {0: ("CO", "4")}),
              payment(q4, claim_level=("CO", "29")), payment(q5), payment(q6, {0: ("CO", "4")}),
              payment(q7, {0: ("CO", "4")}), payment(q8, {0: ("CO", "4")}),
              production=D(2026, 3, 31))  # fmt: skip
    env.send(
        replace(
            q8,
            frequency="7",
            original_reference=pcn(q8),
            lines=(line("97110", "70.00", mods=("GO",)),),
        ),
        on=D(2026, 4, 8),
    )
    q9 = claim("Q9", line("97110", "40.00"), payer=ZZPAY)
    env.send(q9)
    env.remit(payment(q9, {0: ("CO", "4")}), payer=ZZPAY)
    env.classify()
    with env.session() as s:
        record_appeal(s, env.who, "Q6", filed_on=D(2026, 4, 10), today=TODAY)
        record_appeal(s, env.who, "Q7", filed_on=D(2026, 4, 10), outcome="upheld", today=TODAY)


EXPECTED_QUEUE = [
    # CLM01, appeal deadline, days left, filing deadline, amount, CAS, lines, why
    ("Q1", "2026-06-04", 34, "2027-01-05", "120.00", ["CO-50"], [1], ""),
    ("Q2", "2026-09-27", 149, "2026-08-29", "300.00", ["CO-16"], [1], ""),
    ("Q3", "2026-09-27", 149, "2026-08-29", "80.00", ["CO-4"], [1], ""),
    ("Q9", None, None, None, "40.00", ["CO-4"], [1],
     "no payer registry terms for 'ZZPAY': deadlines unknown"),
]  # fmt: skip
EXPECTED_WRITE_OFF = [
    ("Q4", "500.00", ["CO-29"], "CARC 29: the time limit for filing expired; not appealable"),
    ("Q7", "60.00", ["CO-4"],
     "appeal level 1 filed 2026-04-10 was upheld; appeal again or write off"),
]  # fmt: skip


def test_queue_order_deadlines_and_write_off_review(db_url: str, tmp_path: Path) -> None:
    env = make_env(db_url, tmp_path)
    _queue_data(env)
    with env.session() as s:
        queue = build_queue(s, env.who.practice_id, today=TODAY, packs=shipped_registry())
    got = [(i["clm01"], i["appeal_deadline"], i["days_left"], i["timely_filing_deadline"],
            i["amount"], i["carcs"], i["lines"], i["why"])
           for i in queue.to_json()["queue"]]  # fmt: skip
    assert got == EXPECTED_QUEUE
    assert [(i.clm01, f"{i.amount:.2f}", list(i.carcs), i.why)
            for i in queue.write_off] == EXPECTED_WRITE_OFF  # fmt: skip
    medicare = queue.items[0].to_json()
    assert (medicare["notice_date"], medicare["received"], medicare["payer_terms"],
            medicare["filing_limit"]) == (
        "2026-01-30", "2026-02-04", "medicare-ffs@2010-01-01", "12m")  # fmt: skip
    assert queue.items[1].deadlines.notice == D(2026, 3, 31)  # production date, not BPR16


def test_cli_queue_json_and_csv(db_url: str, tmp_path: Path, cli: Callable[..., Result]) -> None:
    env = make_env(db_url, tmp_path)
    _queue_data(env)
    result = cli("denials", "queue", "--format", "json")
    assert result.code == 0, result
    data = json.loads(result.out)
    today = dt.date.fromisoformat(data["today"])
    assert [i["clm01"] for i in data["queue"]] == [c[0] for c in EXPECTED_QUEUE]
    assert [i["clm01"] for i in data["write_off_review"]] == ["Q4", "Q7"]
    for item, expected in zip(data["queue"], EXPECTED_QUEUE, strict=True):
        deadline = expected[1]
        days = None if deadline is None else (D.fromisoformat(deadline) - today).days
        assert item["days_left"] == days
    csv_out = cli("denials", "queue", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(csv_out.out)))
    assert [(r["section"], r["clm01"], r["carcs"]) for r in rows] == [
        ("appeal", "Q1", "CO-50"), ("appeal", "Q2", "CO-16"), ("appeal", "Q3", "CO-4"),
        ("appeal", "Q9", "CO-4"), ("write-off", "Q4", "CO-29"), ("write-off", "Q7", "CO-4"),
    ]  # fmt: skip
    table = cli("denials", "queue")
    assert table.code == 0 and "4 to work, 2 for write-off review" in table.out


def test_appeal_since_counts_the_older_queue_items(db_url: str, tmp_path: Path) -> None:
    env = make_env(db_url, tmp_path)
    _queue_data(env)
    with env.session() as s:
        full = build_queue(s, env.who.practice_id, today=TODAY)
        since = build_queue(s, env.who.practice_id, today=TODAY, appeal_since=D(2026, 7, 1))
    assert (full.older, f"{full.older_amount:.2f}") == (0, "0.00")
    assert [i.clm01 for i in since.items] == ["Q2", "Q3", "Q9"]
    assert since.items == full.items[1:]
    assert since.write_off == full.write_off
    assert (since.older, f"{since.older_amount:.2f}") == (1, "120.00")


def test_report_queue_rows_list_the_workable_and_count_the_older(
    db_url: str, tmp_path: Path
) -> None:
    env = make_env(db_url, tmp_path)
    _queue_data(env)
    with env.session() as s:
        rows, note = queue_rows(s, env.who.practice_id, D(2026, 7, 20), OWNERS)
    assert [(r.claim, r.section, r.appeal_deadline) for r in rows] == [
        ("Q2", "appeal", D(2026, 9, 27)), ("Q3", "appeal", D(2026, 9, 27)),
        ("Q9", "appeal", None), ("Q4", "write-off", D(2026, 9, 27)),
        ("Q7", "write-off", D(2026, 9, 27)),
    ]  # fmt: skip
    assert note.startswith("1 older denials (120.00 dollars) passed their appeal deadline")
    with env.session() as s:
        rows, note = queue_rows(s, env.who.practice_id, D(2026, 7, 1), OWNERS)
    assert [(r.claim, r.section, r.days_left) for r in rows][2:4] == [
        ("Q9", "appeal", None),
        ("Q1", "write-off", -27),
    ]
    assert note == ""


def test_open_items_are_ordered_as_the_items_built_from_them(db_url: str, tmp_path: Path) -> None:
    env = make_env(db_url, tmp_path)
    _queue_data(env)
    with env.session() as s:
        found = open_items(s, env.who.practice_id)
        built = build_queue(s, env.who.practice_id, today=TODAY)
    for unbuilt, items in ((found.items, built.items), (found.write_off, built.write_off)):
        assert [i.build(TODAY) for i in unbuilt] == items
        assert [(i.appeal_deadline, i.amount, i.claim_key, i.denial_ids) for i in unbuilt] == [
            (i.deadlines.appeal, i.amount, i.claim_key, i.denial_ids) for i in items
        ]


def test_report_queue_rows_build_only_the_most_urgent(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = make_env(db_url, tmp_path)
    _queue_data(env)
    with env.session() as s:
        every, _ = queue_rows(s, env.who.practice_id, D(2026, 7, 20), OWNERS)
        monkeypatch.setattr(extras, "QUEUE_LIMIT", 2)
        shown, note = queue_rows(s, env.who.practice_id, D(2026, 7, 20), OWNERS)
    assert shown == every[:2]
    assert "the 2 most urgent of 5 open items are shown" in note
