"""The work log: CSV import (all or nothing, exact errors) and attribution of denials."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tests.denials._denialkit import World, claim, clp, one, svc, world

from cleanclaim.denials.attribution import People, Work, caused_by, pick, work_rows
from cleanclaim.denials.worklog import import_worklog
from cleanclaim.errors import InputError
from cleanclaim.storage import db
from cleanclaim.storage.db import session_scope
from cleanclaim.storage.tables_denials import WorkLogRow
from cleanclaim.storage.tables_x12 import ClaimRow

__all__ = ["world"]

HEADER = "claim_id,registrar,coder,biller,coded_at,billed_at\n"


def _import(world: World, path: Path):  # type: ignore[no-untyped-def]
    with session_scope(world.engine) as s:
        return import_worklog(s, world.who, path)


def _stored(world: World) -> int:
    with session_scope(world.engine) as s:
        return int(s.scalar(select(func.count()).select_from(WorkLogRow)) or 0)


def test_import_stores_rows_and_reports_unknown_claims(world: World, tmp_path: Path) -> None:
    world.submit(claim("C1", "100.00"))
    path = tmp_path / "work.csv"
    path.write_text(HEADER + "C1,rita,ann,bill,2026-03-03,2026-03-09T16:30\n"
                    "C1,rita,bob,bill,2026-04-15 09:00,\n"
                    "C9,,cody,,2026-03-04,2026-03-05\n")  # fmt: skip
    report = _import(world, path)
    assert report.to_json() == {"file": str(path), "rows": 3, "stored": 3, "already": 0,
                                "unknown_claims": [{"claim_id": "C9", "line": 4}]}  # fmt: skip
    again = _import(world, path)
    assert (again.stored, again.already) == (0, 3)
    with session_scope(world.engine) as s:
        rows = s.scalars(select(WorkLogRow).order_by(WorkLogRow.line_no)).all()
        assert [(r.claim_id, r.coder, r.registrar, r.billed_at, r.claim_key is None)
                for r in rows] == [
            ("C1", "ann", "rita", dt.datetime(2026, 3, 9, 16, 30), False),
            ("C1", "bob", "rita", None, False),
            ("C9", "cody", None, dt.datetime(2026, 3, 5), True),
        ]  # fmt: skip


ERRORS = [
    ("wrong-headers", "claim,registrar,coder,biller,coded_at,billed_at\nC1,a,b,c,2026-03-03,\n",
     ["{p}:1: wrong headers (missing claim_id; unexpected 'claim'); expected: claim_id, "
      "registrar, coder, biller, coded_at, billed_at"]),
    ("repeated-header", HEADER.strip() + ",coder\n",
     ["{p}:1: wrong headers (repeated coder); expected: claim_id, registrar, coder, biller, "
      "coded_at, billed_at"]),
    ("empty-file", "", ["{p}:1: empty file: expected a header line"]),
    ("bad-coded-at", HEADER + "C1,rita,ann,bill,03/02/2026,\n",
     ["{p}:2: coded_at '03/02/2026' is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)"]),
    ("bad-billed-at", HEADER + "C1,rita,ann,bill,2026-03-02,2026-02-30\n",
     ["{p}:2: billed_at '2026-02-30' is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)"]),
    ("empty-coded-at", HEADER + "C1,rita,ann,bill,,\n", ["{p}:2: coded_at is empty"]),
    ("empty-claim-id", HEADER + ",rita,ann,bill,2026-03-02,\n", ["{p}:2: claim_id is empty"]),
    ("billed-before-coded", HEADER + "C1,rita,ann,bill,2026-03-03,2026-03-01\n",
     ["{p}:2: billed_at 2026-03-01 is before coded_at 2026-03-03"]),
    ("wrong-field-count", HEADER + "C1,rita,ann,2026-03-03,\n",
     ["{p}:2: expected 6 fields, found 5"]),
    ("duplicate-rows", HEADER + "C1,rita,ann,bill,2026-03-03,\nC1,rita,bob,bill,2026-03-03,\n",
     ["{p}:3: duplicate of line 2 (claim 'C1' coded at 2026-03-03)"]),
    ("good-rows-then-errors", HEADER + "C1,rita,ann,bill,2026-03-03,\nC2,rita,ann,bill,x,\n"
     "C3,,,,2026-03-05,2026-03-04\n",
     ["{p}:3: coded_at 'x' is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM)",
      "{p}:4: billed_at 2026-03-04 is before coded_at 2026-03-05"]),
]  # fmt: skip


@pytest.mark.parametrize(("text", "expected"), [c[1:] for c in ERRORS],
                         ids=[c[0] for c in ERRORS])  # fmt: skip
def test_bad_csv_gives_exact_errors_and_stores_nothing(
    world: World, tmp_path: Path, text: str, expected: list[str]
) -> None:
    path = tmp_path / "work.csv"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        _import(world, path)
    assert str(info.value).splitlines() == [e.format(p=path) for e in expected]
    assert _stored(world) == 0


def test_not_utf8(world: World, tmp_path: Path) -> None:
    path = tmp_path / "work.csv"
    path.write_bytes(HEADER.encode() + b"C1,r\xe9gis,ann,bill,2026-03-03,\n")
    with pytest.raises(InputError) as info:
        _import(world, path)
    assert str(info.value) == f"{path}:2: not UTF-8 text (save the file as UTF-8)"


def test_same_work_with_other_values_is_refused(world: World, tmp_path: Path) -> None:
    first = tmp_path / "first.csv"
    first.write_text(HEADER + "C1,rita,ann,bill,2026-03-03,\n")
    _import(world, first)
    second = tmp_path / "second.csv"
    second.write_text(HEADER + "C2,rita,ann,bill,2026-03-03,\nC1,rita,bob,bill,2026-03-03,\n")
    with pytest.raises(InputError) as info:
        _import(world, second)
    assert str(info.value) == (f"{second}:3: claim 'C1' coded at 2026-03-03 00:00:00 is already "
                               "in the work log with other values (from first.csv:2)")  # fmt: skip
    assert _stored(world) == 1


# -- attribution ------------------------------------------------------------------------------


def test_attribution_as_of_the_time_of_the_work(world: World, tmp_path: Path) -> None:
    world.submit(claim("C1", "100.00", "40.00"))
    world.remit(clp("C1", "1", svc(0, "100.00", "CO-45:30.00"), svc(1, "40.00", "CO-97:40.00")))
    world.submit(claim("C1", "100.00", "40.00", frequency="7", original_reference="PCN1"),
                 on=dt.date(2026, 4, 20))  # fmt: skip
    world.remit(clp("C1", "4", svc(0, "100.00", "CO-27:100.00"), svc(1, "40.00", "CO-27:40.00"),
                    pcn="PCN2", frequency="7"), paid_on=dt.date(2026, 5, 4))  # fmt: skip
    path = tmp_path / "work.csv"
    path.write_text(HEADER + "C1,rita,ann,bill,2026-03-03,2026-03-09\n"
                    "C1,rosa,bob,bill,2026-04-15,2026-04-20\n")  # fmt: skip
    _import(world, path)
    world.classify()
    rows = world.rows()
    coding = one(rows, "CO-97")
    assert (coding.people.coder, coding.caused_by, coding.on_claims_of) == (
        "ann", "ann", ["rita", "ann", "bill"])  # fmt: skip
    eligibility = [r for r in rows if r.carc == "27"]
    assert {(r.people.coder, r.people.registrar, r.caused_by) for r in eligibility} == {
        ("bob", "rosa", "rosa")
    }
    assert {r.carc for r in world.rows(coder="ann")} == {"45", "97"}
    assert {r.carc for r in world.rows(coder="bob")} == {"27"}


BLAME = [
    # id, root cause, responsible, caused by
    ("coding-by-coder", "coding", "coder", "ann"),
    ("documentation-not-on-coder", "documentation", "coder", None),
    ("biller", "billing", "biller", "bill"),
    ("front-desk", "eligibility", "front-desk", "rita"),
    ("provider", "documentation", "provider", "1234567893"),
    ("payer", "payer-error", "payer", "dcomm"),
    ("nobody", "unclassified", "none", None),
]  # fmt: skip


@pytest.mark.parametrize(("root", "responsible", "expected"), [c[1:] for c in BLAME],
                         ids=[c[0] for c in BLAME])  # fmt: skip
def test_blame_is_separate_from_presence(root: str, responsible: str,
                                         expected: str | None) -> None:  # fmt: skip
    people = People("rita", "ann", "bill")
    assert caused_by(root, responsible, people, "1234567893", "dcomm") == expected
    assert people.on_claims_of == ["rita", "ann", "bill"]


def test_pick_prefers_the_work_before_submission() -> None:
    d = dt.datetime
    rows = [Work(None, "r", "early", "b", d(2026, 3, 1), None),
            Work(None, "r", "late", "b", d(2026, 3, 20), None)]  # fmt: skip
    assert pick(rows, "k", dt.date(2026, 3, 10)).coder == "early"
    assert pick(rows, "k", dt.date(2026, 3, 25)).coder == "late"
    assert pick(rows, "k", dt.date(2026, 2, 1)).coder == "early"
    assert pick(rows, "k", None).coder == "late"
    keyed = [*rows, Work("k", "r", "exact", "b", d(2026, 1, 1), None)]
    assert pick(keyed, "k", dt.date(2026, 3, 25)).coder == "exact"
    assert pick([], "k", None) == People()


def test_work_rows_of_a_list_and_of_a_query_agree(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A month's many claims are joined in the database; a few are listed: same rows."""
    for clm01 in ("C1", "C2", "C3"):
        world.submit(claim(clm01, "100.00"))
    path = tmp_path / "work.csv"
    path.write_text(HEADER + "C1,rita,ann,bill,2026-03-03,2026-03-09\n"
                    "C1,rita,bob,bill,2026-04-15,\n"
                    "C3,,cody,,2026-03-04,2026-03-05\n")  # fmt: skip
    _import(world, path)
    wanted = ["C1", "C3"]
    with session_scope(world.engine) as s:
        listed = work_rows(s, world.who.practice_id, wanted)
        # A selection of more claims than asked for, joined once the list is past a chunk.
        every = select(ClaimRow.clm01).where(ClaimRow.practice_id == world.who.practice_id)
        monkeypatch.setattr(db, "KEYS_PER_LIST", 1)
        joined = work_rows(s, world.who.practice_id, wanted, selection=every)
        chunked = work_rows(s, world.who.practice_id, wanted)
    assert joined == listed == chunked
    assert sorted((k, [w.coder for w in v]) for k, v in listed.items()) == [
        ("C1", ["ann", "bob"]),
        ("C3", ["cody"]),
    ]
