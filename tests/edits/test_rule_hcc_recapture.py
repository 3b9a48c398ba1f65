"""HC102 hcc-recapture: gaps from stored and in-run history, hierarchies, chronic flags,
coverage entries, and the indexed stored-history query."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from tests.clirunner import Result
from tests.edits._scrubkit import use_bundled_codesets, use_fake_catalogue, write_837

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.context import RuleContext
from cleanclaim.edits.engine import Scrubber, Selection
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.hcc_history import (
    InMemoryHccHistory,
    StoredHccHistory,
    batch_memory,
    record_of,
)
from cleanclaim.edits.model import Finding, NotChecked, Severity
from cleanclaim.edits.rules.hcc_recapture import HccRecapture
from cleanclaim.payers.registry import PayerTerms

RULE = HccRecapture()
Run = Callable[..., Result]


def visit(dos: str, *dx: str, claim_id: str = "V1", code: str = "99214", **kw: Any) -> ExClaim:
    return ExClaim(
        lines=(ExLine(code),),
        dx=dx or ("I10",),
        dos=dos,
        claim_id=claim_id,
        submitted="2026-06-30",
        **kw,
    )


def _history(*specs: ExClaim, starts: dt.date | None = dt.date(2020, 1, 1)) -> InMemoryHccHistory:
    memory = InMemoryHccHistory(starts=starts)
    for spec in specs:
        memory.add(build(spec), spec.claim_id)
    return memory


def _run(
    store: CodesetStore, spec: ExClaim, history: object | None = None, **options: Any
) -> list[Finding | NotChecked]:
    if history is not None:
        options["hcc_history"] = history
    return list(RULE.check(build(spec), RuleContext(store, options=options)))


def _gap_hccs(found: list[Finding | NotChecked]) -> list[str]:
    import re

    (finding,) = [f for f in found if isinstance(f, Finding)]
    return re.findall(r"HCC (\d+) \(", finding.message)


CASES = [
    pytest.param(
        [visit("2025-03-02", "E11.22", "N18.30", claim_id="A")],
        visit("2026-02-03", "I10"),
        ["37", "329"],
        id="two-gaps",
    ),
    pytest.param(
        [visit("2025-03-02", "E11.22", claim_id="A")],
        visit("2026-02-03", "E11.9"),
        ["37"],
        id="downgraded-diabetes-leaves-37-open",
    ),
    pytest.param(
        [visit("2025-03-02", "E11.9", claim_id="A")],
        visit("2026-02-03", "E11.22"),
        [],
        id="upgraded-this-year",
    ),
    pytest.param(
        [visit("2025-03-02", "A41.9", "E11.22", claim_id="A")],
        visit("2026-02-03", "I10"),
        ["37"],
        id="sepsis-is-not-chronic",
    ),
    pytest.param(
        [visit("2025-01-01", "E11.22", claim_id="A")],
        visit("2026-12-31", "I10"),
        ["37"],
        id="first-and-last-day",
    ),
    pytest.param(
        [visit("2024-12-31", "E11.22", claim_id="A")],
        visit("2026-02-03", "I10"),
        [],
        id="two-years-back",
    ),
    pytest.param(
        [visit("2025-03-02", "E11.22", claim_id="A"), visit("2026-01-15", "E11.22", claim_id="B")],
        visit("2026-02-03", "I10"),
        [],
        id="recaptured-earlier-this-year",
    ),
    pytest.param(
        [
            visit("2025-03-02", "E11.22", claim_id="A"),
            visit("2026-01-15", "E11.22", claim_id="B", code="80053"),
        ],
        visit("2026-02-03", "I10"),
        ["37"],
        id="this-years-lab-claim-does-not-count",
    ),
    pytest.param(
        [
            visit(
                "2025-03-02", "E11.22", claim_id="A", rendering_taxonomy="225100000X", code="97161"
            )
        ],
        visit("2026-02-03", "I10"),
        [],
        id="last-years-therapist-does-not-count",
    ),
]


@pytest.mark.parametrize(("earlier", "now", "gaps"), CASES)
def test_gaps(
    bundled_store: CodesetStore, earlier: list[ExClaim], now: ExClaim, gaps: list[str]
) -> None:
    found = _run(bundled_store, now, _history(*earlier))
    assert [f for f in found if isinstance(f, NotChecked)] == []
    if gaps:
        assert sorted(_gap_hccs(found), key=int) == gaps
    else:
        assert [f for f in found if isinstance(f, Finding)] == []


def test_finding_text(bundled_store: CodesetStore) -> None:
    found = _run(
        bundled_store,
        visit("2025-11-04", "I10"),
        _history(visit("2024-05-06", "I50.22", claim_id="A")),
    )
    (finding,) = found
    assert isinstance(finding, Finding)
    assert finding.severity is Severity.INFO and finding.line is None
    assert finding.message == (
        "Chronic HCCs coded for this patient in 2024 are not yet coded in 2025 (they count for "
        "payment year 2026 only if coded again): HCC 226 (Heart Failure, Except End-Stage and "
        "Acute; I50.22 on 2024-05-06; RAF +0.360, $4,320.00 a year). All together +0.360 raw "
        "RAF, $4,320.00 a year at $12,000.00 per RAF point."
    )


def test_not_eligible_visit_is_not_a_prompt(bundled_store: CodesetStore) -> None:
    history = _history(visit("2025-03-02", "E11.22", claim_id="A"))
    assert _run(bundled_store, visit("2026-02-03", "I10", code="80053"), history) == []


def test_without_stored_history_says_so(bundled_store: CodesetStore) -> None:
    found = _run(bundled_store, visit("2026-02-03", "I10"))
    assert found == [
        NotChecked(
            "HC102",
            "no stored claim history: only claims earlier in this "
            "run were searched for HCCs coded in 2025",
        )
    ]


@pytest.mark.parametrize(
    ("starts", "note"),
    [
        pytest.param(dt.date(2025, 1, 1), None, id="history-from-first-day"),
        pytest.param(
            dt.date(2025, 1, 2),
            "stored claim history starts on 2025-01-02: HCCs "
            "coded in 2025 before then are not known",
            id="history-one-day-short",
        ),
        pytest.param(
            None,
            "stored claim history holds no claims: HCCs coded in 2025 before then are not known",
            id="empty-history",
        ),
    ],
)
def test_short_stored_history_is_a_coverage_entry(
    bundled_store: CodesetStore, starts: dt.date | None, note: str | None
) -> None:
    found = _run(bundled_store, visit("2026-02-03", "I10"), _history(starts=starts))
    assert found == ([NotChecked("HC102", note)] if note else [])


def test_batch_memory_is_per_scrubber(bundled_store: CodesetStore, medicare: PayerTerms) -> None:
    selection = Selection(select=frozenset({"HC102"}))
    first = Scrubber(bundled_store, selection=selection)
    first.scrub(build(visit("2025-03-02", "E11.22", claim_id="A")), payer=medicare)
    flagged = first.scrub(build(visit("2026-02-03", "I10")), payer=medicare)
    assert [f.rule for f in flagged.findings] == ["HC102"]
    second = Scrubber(bundled_store, selection=selection)
    assert second.scrub(build(visit("2026-02-03", "I10")), payer=medicare).findings == []
    assert batch_memory(first._history) is not batch_memory(second._history)


def test_rescrubbed_claim_replaces_its_record() -> None:
    memory = InMemoryHccHistory()
    memory.add(build(visit("2026-02-03", "I10")), "V1")
    memory.add(build(visit("2026-02-03", "E11.22")), "V1")
    claim = build(visit("2026-02-03"))
    (record,) = memory.records(claim, dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert record.codes == ("E1122",)


def test_record_hides_phi_in_repr() -> None:
    record = record_of(build(visit("2026-02-03", "E11.22")), "V1")
    assert record is not None
    assert "1958" not in repr(record) and "sex" not in repr(record)


# -- stored history ---------------------------------------------------------------------------


@pytest.fixture
def stored(monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, db_url: str) -> str:
    use_bundled_codesets(monkeypatch, bundled_store.root)
    use_fake_catalogue(monkeypatch)
    return db_url


def _ingest(cli: Run, path: Path, *specs: ExClaim) -> None:
    result = cli("ingest", str(write_837(path, *specs)))
    assert result.code == 0, result.err


def _history_of(db_url: str) -> tuple[Any, StoredHccHistory]:
    from cleanclaim.edits.stored import stored_salt
    from cleanclaim.storage.db import get_engine
    from cleanclaim.storage.tables_x12 import ClaimRow

    session = sa.orm.Session(get_engine(db_url))
    practice = session.scalar(sa.select(ClaimRow.practice_id).limit(1))
    assert practice is not None
    return session, StoredHccHistory(session, practice, stored_salt(session, practice))


@pytest.mark.db
def test_stored_records_keep_latest_versions_in_the_window(
    stored: str, cli: Run, tmp_path: Path
) -> None:
    _ingest(
        cli,
        tmp_path / "a.837",
        visit("2024-12-31", "E11.22", claim_id="OLD"),
        visit("2025-01-01", "E11.9", claim_id="FIRST"),
        visit("2025-06-10", "E11.22", claim_id="KEPT"),
        visit("2025-07-01", "I50.22", claim_id="VOIDED"),
        visit("2025-08-01", "I10", claim_id="OTHERPT", member_id="EXMEMBER02"),
    )
    _ingest(
        cli,
        tmp_path / "b.837",
        visit("2025-01-01", "E11.22", "N18.30", claim_id="FIRST", frequency="7"),
        visit("2025-07-01", "I50.22", claim_id="VOIDED", frequency="8"),
    )
    session, history = _history_of(stored)
    with session:
        assert history.available
        assert history.starts() == dt.date(2024, 12, 31)
        found = history.records(
            build(visit("2026-02-03")), dt.date(2025, 1, 1), dt.date(2025, 12, 31)
        )
        assert sorted((r.day.isoformat(), r.codes) for r in found) == [
            ("2025-01-01", ("E1122", "N1830")),
            ("2025-06-10", ("E1122",)),
        ]


@pytest.mark.db
def test_stored_history_feeds_hc102(
    stored: str, cli: Run, tmp_path: Path, bundled_store: CodesetStore
) -> None:
    _ingest(cli, tmp_path / "a.837", visit("2025-06-10", "E11.22", "I50.22", claim_id="A"))
    session, history = _history_of(stored)
    with session:
        found = _run(bundled_store, visit("2026-02-03", "I10"), history)
    assert sorted(_gap_hccs(found), key=int) == ["37", "226"]
    assert [f for f in found if isinstance(f, NotChecked)] == [
        NotChecked(
            "HC102",
            "stored claim history starts on 2025-06-10: HCCs coded in 2025 "
            "before then are not known",
        )
    ]


@pytest.mark.db
def test_stored_query_uses_the_patient_date_index(stored: str, cli: Run, tmp_path: Path) -> None:
    if not stored.startswith("sqlite"):
        pytest.skip("query plans are checked on SQLite")
    _ingest(cli, tmp_path / "a.837", visit("2025-06-10", "E11.22", claim_id="A"))
    session, history = _history_of(stored)
    statements: list[str] = []

    def capture(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = session.get_bind()
    sa.event.listen(engine, "before_cursor_execute", capture)
    with session:
        history.records(build(visit("2026-02-03")), dt.date(2025, 1, 1), dt.date(2025, 12, 31))
        first = next(s for s in statements if "claim_line" in s)
        params = ("x", 1, "k", "2025-01-01", "2025-12-31")
        plan = (
            session.connection()
            .exec_driver_sql("EXPLAIN QUERY PLAN " + first, params[-first.count("?") :])
            .all()
        )
    sa.event.remove(engine, "before_cursor_execute", capture)
    assert any("ix_claim_line_patient_date" in str(row) for row in plan), plan
