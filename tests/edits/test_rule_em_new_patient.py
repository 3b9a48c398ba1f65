"""EM102 em-new-patient: in-batch and stored history (a fake, and the SQL lookup)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from tests.clirunner import Result
from tests.edits._exoptions import flagged_lines, scrub_with
from tests.edits._scrubkit import use_bundled_codesets, use_fake_catalogue, write_837

from cleanclaim.claims.model import Claim
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.edits.history_sql import SqlVisitHistory, visit_query
from cleanclaim.edits.model import ClaimStatus
from cleanclaim.edits.rules.em_new_patient import (
    NO_HISTORY,
    EmNewPatient,
    PriorVisit,
    face_to_face,
)
from cleanclaim.edits.stored import stored_salt
from cleanclaim.payers.registry import PayerTerms
from cleanclaim.storage.accounts import get_practice
from cleanclaim.storage.db import get_engine, session_scope

D = dt.date.fromisoformat
ME = {"billing_npi": "1245319599", "billing_tin": "931234567"}
OTHER_NPI = "1679576722"


@dataclass
class FakeHistory:
    """An in-memory NewPatientHistory."""

    visits: list[PriorVisit] = field(default_factory=list)
    start: dt.date | None = dt.date(2015, 1, 1)
    asked: list[tuple[dt.date, dt.date]] = field(default_factory=list)

    def prior_visits(self, claim: Claim, since: dt.date, before: dt.date) -> Sequence[PriorVisit]:
        self.asked.append((since, before))
        return [v for v in self.visits if since <= v.day < before]

    def history_start(self) -> dt.date | None:
        return self.start


def _visit(day: str, code: str = "99213", **kw: Any) -> PriorVisit:
    values: dict[str, Any] = {**ME, "rendering_npi": "1234567893", "taxonomy": "207Q00000X"}
    values.update(kw)
    return PriorVisit(day=D(day), procedure=code, **values)


def _claim(code: str = "99203", dos: str = "2026-05-04") -> ExClaim:
    return ExClaim(lines=(ExLine(code),), dos=dos)


STORED = [
    pytest.param([_visit("2026-01-10")], [1], "same practitioner", id="same-practitioner"),
    pytest.param(
        [_visit("2026-01-10", rendering_npi=OTHER_NPI)],
        [1],
        "the same specialty (207Q00000X)",
        id="same-taxonomy-other-practitioner",
    ),
    pytest.param(
        [_visit("2026-01-10", rendering_npi=OTHER_NPI, taxonomy="207RC0000X")],
        [],
        None,
        id="other-specialty",
    ),
    pytest.param(
        [_visit("2026-01-10", billing_npi="1999999984")],
        [1],
        "same practitioner",
        id="same-tin-other-billing-npi",
    ),
    pytest.param(
        [_visit("2026-01-10", billing_npi="1999999984", billing_tin="990000001")],
        [],
        None,
        id="other-group",
    ),
    pytest.param([_visit("2026-01-10", "93000", modifiers=("26",))], [], None, id="reading-only"),
    pytest.param([_visit("2026-01-10", "20610")], [1], "20610", id="surgical-procedure"),
    pytest.param([_visit("2023-05-05")], [1], "on 2023-05-05", id="window-first-day"),
    pytest.param([_visit("2023-05-04")], [], None, id="exactly-3-years-before"),
    pytest.param([_visit("2026-05-04")], [], None, id="same-day-is-not-prior"),
]


@pytest.mark.parametrize(("visits", "flags", "text"), STORED)
def test_stored_history(
    visits: list[PriorVisit],
    flags: list[int],
    text: str | None,
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    history = FakeHistory(visits)
    result = scrub_with(
        monkeypatch, bundled_store, "EM102", _claim(), medicare, {"visit_history": history}
    )
    assert flagged_lines(result, "EM102") == flags
    assert history.asked == [(D("2023-05-05"), D("2026-05-04"))]
    if text is not None:
        (finding,) = result.findings
        assert text in finding.message
        assert finding.message.startswith("99203 billed as a new-patient visit on 2026-05-04")
        assert finding.fix == "Bill the established-patient code of the same level (99213)."
    else:
        assert result.findings == [] and result.status is ClaimStatus.CLEAN


START = [
    pytest.param(None, "no stored claims for this practice yet", id="nothing-stored"),
    pytest.param(
        D("2023-05-06"),
        "stored claim history starts 2023-05-06, less than 3 years before 2026-05-04: "
        "earlier visits would not be seen",
        id="starts-one-day-late",
    ),
    pytest.param(D("2023-05-05"), None, id="starts-on-window-first-day"),
    pytest.param(D("2020-01-01"), None, id="long-history"),
]


@pytest.mark.parametrize(("start", "reason"), START)
def test_short_history_is_coverage(
    start: dt.date | None,
    reason: str | None,
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    history = FakeHistory(start=start)
    result = scrub_with(
        monkeypatch, bundled_store, "EM102", _claim(), medicare, {"visit_history": history}
    )
    assert result.findings == []
    reasons = [c.reason for c in result.coverage]
    if reason is None:
        assert reasons == [] and result.status is ClaimStatus.CLEAN
    else:
        assert len(reasons) == 1 and reasons[0].startswith(reason)


def test_no_stored_history_is_coverage(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    result = scrub_with(monkeypatch, bundled_store, "EM102", _claim(), medicare)
    assert [(c.check, c.reason) for c in result.coverage] == [("EM102", NO_HISTORY)]
    assert result.status is ClaimStatus.INCOMPLETE


LEAP = [
    pytest.param("2025-02-28", [], id="outside"),
    pytest.param("2025-03-01", [1], id="inside"),
]


@pytest.mark.parametrize(("earlier", "flags"), LEAP)
def test_leap_day_window(
    earlier: str,
    flags: list[int],
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    history = FakeHistory([_visit(earlier)])
    result = scrub_with(
        monkeypatch,
        bundled_store,
        "EM102",
        _claim(dos="2028-02-29"),
        medicare,
        {"visit_history": history},
    )
    assert flagged_lines(result, "EM102") == flags


def test_batch_visit_by_unknown_specialty_is_coverage(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    earlier = ExClaim(
        lines=(ExLine("99213"),), dos="2026-01-10", rendering_npi=OTHER_NPI, claim_id="EX0"
    )
    result = scrub_with(monkeypatch, bundled_store, "EM102", _claim(), medicare, history=(earlier,))
    assert result.findings == []
    assert [c.reason for c in result.coverage] == [
        "99203 on 2026-05-04: the patient saw another practitioner of the group on "
        "2026-01-10 whose specialty is unknown; new-patient status not decided",
        NO_HISTORY,
    ]


def test_batch_visit_of_another_patient_does_not_count(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    earlier = ExClaim(
        lines=(ExLine("99213"),), dos="2026-01-10", member_id="OTHERMEMBER", claim_id="EX0"
    )
    result = scrub_with(monkeypatch, bundled_store, "EM102", _claim(), medicare, history=(earlier,))
    assert result.findings == []


FACE = [
    pytest.param("99213", (), True, id="office-visit"),
    pytest.param("99385", (), True, id="preventive-visit"),
    pytest.param("G0439", (), True, id="annual-wellness-visit"),
    pytest.param("10004", (), True, id="surgery-first"),
    pytest.param("69990", (), True, id="surgery-last"),
    pytest.param("70010", (), False, id="radiology"),
    pytest.param("10004", ("26",), False, id="professional-component"),
    pytest.param("99213", ("TC",), False, id="technical-component"),
    pytest.param("80053", (), False, id="laboratory"),
    pytest.param("90832", (), False, id="medicine-section-not-counted"),
]


@pytest.mark.parametrize(("code", "mods", "expected"), FACE)
def test_face_to_face(code: str, mods: tuple[str, ...], expected: bool) -> None:
    assert face_to_face(code, mods) is expected


# -- the SQL lookup ---------------------------------------------------------------------------

Run = Callable[..., Result]


@pytest.fixture
def stored(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, db_url: str, cli: Run
) -> Callable[..., None]:
    use_bundled_codesets(monkeypatch, bundled_store.root)
    use_fake_catalogue(monkeypatch)

    def ingest(path: Path, *specs: ExClaim) -> None:
        result = cli("ingest", str(write_837(path, *specs)))
        assert result.code == 0, result.err

    return ingest


@pytest.mark.db
def test_sql_history_finds_stored_visits(
    stored: Callable[..., None], db_url: str, tmp_path: Path
) -> None:
    stored(
        tmp_path / "h.837",
        ExClaim(lines=(ExLine("99213"), ExLine("71046", ("26",))), dos="2025-02-01", claim_id="A"),
        ExClaim(lines=(ExLine("99214"),), dos="2022-01-01", claim_id="B"),
        ExClaim(lines=(ExLine("99213"),), dos="2025-03-01", claim_id="C", member_id="SOMEONE2"),
        ExClaim(
            lines=(ExLine("99213", revenue_code="0510"),),
            dos="2025-02-02",
            claim_id="I",
            claim_type="institutional",
            pos="13",
        ),
    )
    claim = build(_claim())
    with session_scope(get_engine(db_url)) as session:
        practice = get_practice(session, "default")
        history = SqlVisitHistory(session, practice.id, stored_salt(session, practice.id))
        visits = history.prior_visits(claim, D("2023-05-05"), D("2026-05-04"))
        assert sorted((v.day, v.procedure, v.modifiers) for v in visits) == [
            (D("2025-02-01"), "71046", ("26",)),
            (D("2025-02-01"), "99213", ()),
        ]
        assert {(v.billing_npi, v.billing_tin, v.rendering_npi, v.taxonomy) for v in visits} == {
            ("1245319599", "931234567", "1234567893", "207Q00000X")
        }
        assert history.history_start() == D("2022-01-01")
        assert (
            SqlVisitHistory(session, practice.id, None).prior_visits(
                claim, D("2023-05-05"), D("2026-05-04")
            )
            == []
        )


@pytest.mark.db
def test_sql_history_drives_the_rule(
    stored: Callable[..., None],
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    stored(tmp_path / "h.837", ExClaim(lines=(ExLine("99213"),), dos="2024-02-01", claim_id="A"))
    with session_scope(get_engine(db_url)) as session:
        practice = get_practice(session, "default")
        history = SqlVisitHistory(session, practice.id, stored_salt(session, practice.id))
        options = {"visit_history": history}
        found = scrub_with(
            monkeypatch, bundled_store, "EM102", _claim(), medicare, options, rule=EmNewPatient()
        )
        later = scrub_with(
            monkeypatch,
            bundled_store,
            "EM102",
            _claim(dos="2027-01-31"),
            medicare,
            options,
            rule=EmNewPatient(),
        )
    assert flagged_lines(found, "EM102") == [1]
    assert found.coverage == []  # a finding makes the short history irrelevant
    assert "the patient had 99213 on 2024-02-01" in found.findings[0].message
    assert flagged_lines(later, "EM102") == [1]
    nothing = ExClaim(lines=(ExLine("99203"),), dos="2026-05-04", member_id="NEWPERSON")
    with session_scope(get_engine(db_url)) as session:
        history = SqlVisitHistory(session, practice.id, stored_salt(session, practice.id))
        fresh = scrub_with(
            monkeypatch,
            bundled_store,
            "EM102",
            nothing,
            medicare,
            {"visit_history": history},
            rule=EmNewPatient(),
        )
    assert fresh.findings == []
    assert [c.reason for c in fresh.coverage] == [
        "stored claim history starts 2024-02-01, less than 3 years before 2026-05-04: "
        "earlier visits would not be seen"
    ]


def test_visit_query_uses_the_patient_date_index(tmp_path: Path) -> None:
    from cleanclaim.storage.migrate import upgrade

    engine = get_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    upgrade(engine)
    compiled = visit_query().compile(engine)
    params = {"practice_id": 1, "key": "k" * 64, "since": "2023-05-05", "before": "2026-05-04"}
    values = compiled.construct_params(params)
    args = tuple(values[name] for name in compiled.positiontup or ())
    with engine.connect() as conn:
        plan = " | ".join(
            str(row[-1]) for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}", args)
        )
    assert "USING INDEX ix_claim_line_patient_date" in plan, plan
    assert "SCAN claim_line" not in plan, plan
