"""EM101 em-level: billed office E/M level against the encounter sidecar; the sidecar loader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from tests.edits._exoptions import example_cases, flagged_lines, run_example, scrub_with

from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits import encounters
from cleanclaim.edits.encounters import Encounter
from cleanclaim.edits.examples import Example, ExClaim, ExLine
from cleanclaim.edits.mdm import TIME_THRESHOLDS, MdmLevel
from cleanclaim.edits.model import ClaimStatus, Severity
from cleanclaim.edits.registry import get_rule
from cleanclaim.edits.rules.em_level import NO_ENTRY, NO_SIDECAR
from cleanclaim.errors import InputError, UsageError
from cleanclaim.payers.registry import PayerTerms

RULE = get_rule("EM101")
S, L, M, H = MdmLevel.STRAIGHTFORWARD, MdmLevel.LOW, MdmLevel.MODERATE, MdmLevel.HIGH


@pytest.mark.parametrize("example", example_cases(RULE))
def test_examples_with_their_sidecar(
    example: Example,
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    run_example(monkeypatch, bundled_store, RULE, example, medicare)


def _scrub(
    monkeypatch: pytest.MonkeyPatch,
    store: CodesetStore,
    payer: PayerTerms,
    code: str,
    encounter: Encounter | None,
    *,
    dos: str = "2026-05-04",
    sidecar: bool = True,
) -> Any:
    claim = ExClaim(lines=(ExLine(code),), dos=dos)
    options = {"encounters": {"EX1": encounter} if encounter else {}} if sidecar else {}
    return scrub_with(monkeypatch, store, "EM101", claim, payer, options)


def _time_cases() -> list[Any]:
    """Each billed code at its threshold, one minute under, and one minute over."""
    cases = []
    for kind, table in TIME_THRESHOLDS.items():
        codes = list(table)
        for index, (code, minutes) in enumerate(table.items()):
            nxt = table[codes[index + 1]] if index + 1 < len(codes) else None
            over = "down" if nxt is not None and minutes + 1 >= nxt else None
            cases.append(pytest.param(code, minutes, None, id=f"{code}-at-{minutes}"))
            cases.append(pytest.param(code, minutes - 1, "up", id=f"{code}-at-{minutes - 1}"))
            cases.append(pytest.param(code, minutes + 1, over, id=f"{code}-at-{minutes + 1}"))
        del kind
    return cases


@pytest.mark.parametrize(("code", "minutes", "verdict"), _time_cases())
def test_time_boundaries(
    code: str,
    minutes: int,
    verdict: str | None,
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    result = _scrub(
        monkeypatch, bundled_store, medicare, code, Encounter("EX1", total_minutes=minutes)
    )
    found = [f for f in result.findings if f.rule == "EM101"]
    if verdict is None:
        assert found == [] and result.status is ClaimStatus.CLEAN
        return
    (finding,) = found
    assert finding.line == 1
    if verdict == "up":
        assert finding.severity is Severity.ERROR and "upcoding" in finding.message
    else:
        assert finding.severity is Severity.WARNING and "lost revenue" in finding.message


MDM_CASES = [
    pytest.param("99213", (L, L, S), None, id="99213-low-low-straightforward-ok"),
    pytest.param("99213", (L, S, S), "99212", id="99213-only-one-element-low"),
    pytest.param("99214", (M, S, M), None, id="99214-problems-risk-moderate-ok"),
    pytest.param("99214", (M, H, L), None, id="99214-mixed-is-moderate"),
    pytest.param("99215", (H, M, H), None, id="99215-problems-risk-high-ok"),
    pytest.param("99215", (H, M, M), "99214", id="99215-one-high-only"),
    pytest.param("99212", (H, H, H), "99215", id="99212-all-high-downcoded"),
    pytest.param("99211", (S, S, S), "99212", id="99211-with-practitioner-mdm"),
    pytest.param("99202", (S, S, S), None, id="99202-straightforward-ok"),
    pytest.param("99205", (L, H, L), "99203", id="99205-low"),
]


@pytest.mark.parametrize(("code", "elements", "supported"), MDM_CASES)
def test_mdm_levels(
    code: str,
    elements: tuple[MdmLevel, MdmLevel, MdmLevel],
    supported: str | None,
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    encounter = Encounter("EX1", *elements)
    result = _scrub(monkeypatch, bundled_store, medicare, code, encounter)
    messages = [f.message for f in result.findings]
    if supported is None:
        assert messages == []
    else:
        assert len(messages) == 1 and f"supports {supported}:" in messages[0]


def test_upcoding_message_names_codes_and_record(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    encounter = Encounter("EX1", problems=L, data=M, risk=L, total_minutes=25)
    result = _scrub(monkeypatch, bundled_store, medicare, "99214", encounter)
    (finding,) = result.findings
    assert finding.message == (
        "99214 billed, but the documentation (MDM low: problems low, data moderate, risk low; "
        "total time 25 min) supports 99213: upcoding"
    )
    assert finding.fix.startswith("Bill 99213")


def test_new_patient_record_supporting_nothing(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    result = _scrub(
        monkeypatch, bundled_store, medicare, "99202", Encounter("EX1", total_minutes=14)
    )
    (finding,) = result.findings
    assert finding.severity is Severity.ERROR
    assert "supports no new-patient office visit level" in finding.message


NOT_CHECKED = [
    pytest.param({"sidecar": False}, NO_SIDECAR, id="no-sidecar"),
    pytest.param({"encounter": None}, NO_ENTRY, id="no-entry-for-claim"),
    pytest.param(
        {"dos": "2020-12-31"},
        "99214 on 2020-12-31: before 2021 the level followed the 1995/1997 guidelines; not checked",
        id="before-2021",
    ),
    pytest.param(
        {"encounter": Encounter("EX1", total_minutes=5, date=dt.date(2026, 5, 3))},
        "99214 on 2026-05-04: the encounter file dates the visit 2026-05-03; not compared",
        id="date-differs",
    ),
]


@pytest.mark.parametrize(("kwargs", "reason"), NOT_CHECKED)
def test_not_checked_is_coverage_not_clean(
    kwargs: dict[str, Any],
    reason: str,
    monkeypatch: pytest.MonkeyPatch,
    bundled_store: CodesetStore,
    medicare: PayerTerms,
) -> None:
    encounter = kwargs.pop("encounter", Encounter("EX1", total_minutes=5))
    result = _scrub(monkeypatch, bundled_store, medicare, "99214", encounter, **kwargs)
    assert result.findings == []
    assert [(c.check, c.reason) for c in result.coverage] == [("EM101", reason)]
    assert result.status is ClaimStatus.INCOMPLETE


def test_first_day_of_framework_is_checked(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    result = _scrub(
        monkeypatch,
        bundled_store,
        medicare,
        "99214",
        Encounter("EX1", total_minutes=29),
        dos="2021-01-01",
    )
    assert flagged_lines(result, "EM101") == [1]


def test_claim_without_office_visit_is_silent(
    monkeypatch: pytest.MonkeyPatch, bundled_store: CodesetStore, medicare: PayerTerms
) -> None:
    result = scrub_with(
        monkeypatch, bundled_store, "EM101", ExClaim(lines=(ExLine("99283"),)), medicare
    )
    assert result.findings == [] and result.coverage == []


# -- the sidecar loader -------------------------------------------------------------------


def test_load_csv(tmp_path: Path) -> None:
    path = tmp_path / "enc.csv"
    path.write_text(
        "claim_id,date,problems,data,risk,total_minutes\n"
        "A1,2026-05-04,moderate,low,Moderate,\n"
        "A2,,,,,32\n"
        "\n"
        "A3,,high,minimal,high,61\n",
        "utf-8",
    )
    found = encounters.load(path)
    assert found == {
        "A1": Encounter("A1", M, L, M, None, dt.date(2026, 5, 4)),
        "A2": Encounter("A2", total_minutes=32),
        "A3": Encounter("A3", H, S, H, 61),
    }
    assert found["A1"].mdm is M and found["A2"].mdm is None


def test_load_json_object_and_list(tmp_path: Path) -> None:
    obj = tmp_path / "a.json"
    obj.write_text('{"A1": {"problems": "low", "data": "low", "risk": "high"}}', "utf-8")
    lst = tmp_path / "b.json"
    lst.write_text('[{"claim_id": "A1", "total_minutes": 40, "date": "2026-05-04"}]', "utf-8")
    assert encounters.load(obj) == {"A1": Encounter("A1", L, L, H)}
    assert encounters.load(lst) == {
        "A1": Encounter("A1", total_minutes=40, date=dt.date(2026, 5, 4))
    }


BAD_FILES = [
    pytest.param(
        "x.csv", "id,problems\n", "x.csv:1: the header has no claim_id column", id="no-id"
    ),
    pytest.param(
        "x.csv",
        "claim_id,problems,data,risk\nA1,moderate,low\n",
        "x.csv:2: give all three MDM elements or none; missing risk",
        id="two-elements",
    ),
    pytest.param(
        "x.csv",
        "claim_id,problems,data,risk\nA1,medium,low,low\n",
        "x.csv:2: problems: 'medium' is not one of straightforward, minimal, none, low, "
        "moderate, high",
        id="bad-level",
    ),
    pytest.param(
        "x.csv",
        "claim_id,total_minutes\nA1,30\nA1,31\n",
        "x.csv:3: claim 'A1' appears twice",
        id="duplicate",
    ),
    pytest.param(
        "x.csv",
        "claim_id,total_minutes\nA1,half an hour\n",
        "x.csv:2: total_minutes: 'half an hour' is not a whole number of minutes",
        id="bad-minutes",
    ),
    pytest.param(
        "x.csv",
        "claim_id,total_minutes,minutes\nA1,30,\n",
        "x.csv:2: unknown field(s) minutes; expected claim_id, date, problems, data, risk, "
        "total_minutes",
        id="unknown-column",
    ),
    pytest.param(
        "x.csv",
        "claim_id,date\nA1,2026-05-04\n",
        "x.csv:2: give the MDM elements (problems, data, risk), total_minutes, or both",
        id="nothing-given",
    ),
    pytest.param(
        "x.csv",
        "claim_id,date,total_minutes\nA1,05/04/2026,30\n",
        "x.csv:2: date: '05/04/2026' is not a date (expected YYYY-MM-DD)",
        id="bad-date",
    ),
    pytest.param(
        "x.json",
        "{",
        "x.json:1: not valid JSON: Expecting property name enclosed in double quotes",
        id="bad-json",
    ),
    pytest.param(
        "x.json",
        '{"A1": {"total_minutes": -5}}',
        "x.json: entry 'A1': total_minutes: -5 is outside 0-1440",
        id="negative-minutes",
    ),
    pytest.param(
        "x.json",
        '[{"total_minutes": 5}]',
        "x.json: [0]: claim_id must be a non-empty string",
        id="list-without-id",
    ),
    pytest.param(
        "x.json",
        '"A1"',
        "x.json: expected an object keyed by claim id, or a list of entries",
        id="not-object",
    ),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_FILES)
def test_bad_sidecar_names_file_and_place(
    name: str, text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text, "utf-8")
    with pytest.raises(InputError) as info:
        encounters.load(Path(name))
    assert str(info.value) == message


@pytest.mark.parametrize(
    ("name", "message"),
    [
        pytest.param("missing.csv", "missing.csv: no such file", id="missing"),
        pytest.param("enc.txt", "enc.txt: encounter files must end in .csv or .json", id="ext"),
    ],
)
def test_sidecar_usage_errors(
    name: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    if name.endswith(".txt"):
        Path(name).write_text("claim_id\n", "utf-8")
    with pytest.raises(UsageError, match="^" + message.replace(".", r"\.") + "$"):
        encounters.load(Path(name))
