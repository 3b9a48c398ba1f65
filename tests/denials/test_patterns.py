"""Recurring denials: grouping, proposals in preview status, and the CLI on generated data."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from tests.clirunner import Result
from tests.denials._ledgerkit import Env, claim, line, make_env, payment
from tests.ingest._x12 import PATIENT, SUBSCRIBER

from cleanclaim.denials.patterns import Occurrence, group_patterns, proposal_toml
from cleanclaim.edits.packs import parse_pack
from cleanclaim.x12.generate.practice import random_practice_claims
from cleanclaim.x12.generate.remits_random import random_remits_for

D = dt.date


def occ(
    procedure: str,
    mods: tuple[str, ...],
    dx: str,
    carc: str,
    reason: str,
    n: int,
    *,
    payer: str = "dcomm",
    amount: str = "100.00",
    tag: str = "",
) -> list[Occurrence]:
    return [
        Occurrence(payer, procedure, mods, dx, "CO", carc, reason, Decimal(amount),
                   f"c-{procedure}-{carc}-{tag}{i:02d}", D(2026, 3, 2), D(2026, 4, 2 + i))
        for i in range(n)
    ]  # fmt: skip


# 6 x 97110-GP denied CO-4; 4 x 99214 with M5450 denied CO-11 (whatever the modifiers);
# noise: the same CO-4 at another payer, other modifiers, other CARCs (each below 4).
KNOWN = (
    occ("97110", ("GP",), "M5450", "4", "modifier", 6)
    + occ("99214", (), "M5450", "11", "dx-px-mismatch", 2)
    + occ("99214", ("25",), "M5450", "11", "dx-px-mismatch", 2, tag="b")
    + occ("97110", ("GP",), "M5450", "4", "modifier", 3, payer="other")
    + occ("97110", ("GO",), "M5450", "4", "modifier", 3)
    + occ("97110", ("GP",), "M5450", "97", "ncci-bundling", 3)
    + occ("99214", (), "E119", "11", "dx-px-mismatch", 3)
)
GROUPING = [
    ("min-6-only-the-modifier-pattern", 6, ["co-4-97110-mod-gp"]),
    ("min-5", 5, ["co-4-97110-mod-gp"]),
    ("min-4-adds-the-diagnosis-pattern", 4, ["co-4-97110-mod-gp", "co-11-99214-dx-m5450"]),
    ("min-7-nothing", 7, []),
]


@pytest.mark.parametrize(("min_count", "expected"), [c[1:] for c in GROUPING],
                         ids=[c[0] for c in GROUPING])  # fmt: skip
def test_group_patterns(min_count: int, expected: list[str]) -> None:
    assert [p.edit_id for p in group_patterns(KNOWN, min_count)] == expected


def test_pattern_evidence() -> None:
    (mod, dx) = group_patterns(KNOWN, 4)
    assert mod.to_json() == {
        "payer": "dcomm", "procedure": "97110", "dimension": "modifiers", "value": "GP",
        "carc": "CO-4", "reasons": ["modifier"], "count": 6, "claims": 6, "amount": "600.00",
        "examples": [f"c-97110-4-{i:02d}" for i in range(5)], "first_remit": "2026-04-02",
        "last_remit": "2026-04-07", "kind": "denial_pattern", "edit_id": "co-4-97110-mod-gp",
    }  # fmt: skip
    assert (dx.dimension, dx.value, dx.count, dx.claims) == ("diagnosis", "M5450", 4, 4)
    assert dx.describe() == ("dcomm denied 99214 with primary diagnosis M5450 4 times with "
                             "CO-11 (dx-px-mismatch)")  # fmt: skip


def _without_preview_keys(doc: dict[str, Any]) -> str:
    """The proposal as a pack the current format accepts (status/evidence dropped)."""
    lines = ["[pack]"] + [f'{k} = "{v}"' for k, v in doc["pack"].items()]
    for edit in doc["edits"]:
        lines.append("[[edits]]")
        for key, value in edit.items():
            if key in ("status", "evidence"):
                continue
            if key == "citation":
                inner = ", ".join(f'{k} = "{v}"' for k, v in value.items())
                lines.append(f"citation = {{ {inner} }}")
            elif isinstance(value, list):
                lines.append(f"{key} = [" + ", ".join(f'"{v}"' for v in value) + "]")
            elif isinstance(value, dt.date):
                lines.append(f"{key} = {value.isoformat()}")
            else:
                lines.append(f'{key} = "{value}"')
    return "\n".join(lines) + "\n"


def test_proposal_is_a_preview_pack_with_evidence() -> None:
    auth = group_patterns(occ("70553", (), "G4489", "197", "prior-auth-missing", 5), 5)
    found = group_patterns(KNOWN, 4) + auth
    text = proposal_toml("dcomm", found, today=D(2026, 5, 1), since=D(2025, 5, 1), min_count=4)
    doc = tomllib.loads(text)
    assert doc["pack"]["name"] == "proposed-dcomm"
    assert [(e["id"], e["kind"], e["status"], e["codes"]) for e in doc["edits"]] == [
        ("co-4-97110-mod-gp", "denial_pattern", "preview", ["97110"]),
        ("co-11-99214-dx-m5450", "denial_pattern", "preview", ["99214"]),
        ("co-197-70553-mod-none", "authorization", "preview", ["70553"]),
    ]  # fmt: skip
    first = doc["edits"][0]
    assert (first["modifiers"], first["diagnoses"], first["carc"]) == (["GP"], [], "CO-4")
    assert first["effective_from"] == D(2026, 3, 2)
    assert first["evidence"]["count"] == 6 and first["evidence"]["amount"] == "600.00"
    assert doc["edits"][1]["diagnoses"] == ["M5450"]
    # the authorization proposal is a valid edit of today's pack format once approved
    approved = {"pack": doc["pack"], "edits": [doc["edits"][2]]}
    pack = parse_pack(_without_preview_keys(approved), "proposed-dcomm.toml")
    assert [(e.kind, e.codes_text()) for e in pack.edits] == [("authorization", "70553")]


def test_proposal_file_is_a_valid_pack_in_preview() -> None:
    found = group_patterns(KNOWN, 4)
    text = proposal_toml("dcomm", found, today=D(2026, 5, 1), since=D(2025, 5, 1), min_count=4)
    pack = parse_pack(text, "proposed-dcomm.toml")
    assert {e.status for e in pack.edits} == {"preview"}
    assert pack.edits[0].carc == "CO-4" and pack.edits[1].diagnoses == ("M5450",)
    # a proposal is never in force until a user approves it (status stable)
    assert not any(e.in_force(D(2026, 4, 1)) for e in pack.edits)


# -- generated data with known injected patterns (database + CLI) ---------------------------


def _inject(env: Env) -> None:
    """Noise from the seeded generator, plus known patterns at payer DCOMM."""
    noise = random_practice_claims(7, 60, D(2026, 1, 5), D(2026, 3, 20))
    env.send(*noise, on=D(2026, 3, 25))
    env.remit_specs(random_remits_for(noise, 7), on=D(2026, 5, 1))
    gp = [claim(f"INJ-GP-{i:02d}", line("97110", "90.00", mods=("GP",)), line("99213"))
          for i in range(6)]  # fmt: skip
    dx = [claim(f"INJ-DX-{i:02d}", line("99214", "150.00"), dx=("M5450",)) for i in range(4)]
    auth = [claim(f"INJ-PA-{i:02d}", line("70553", "900.00"), dx=("G4489",)) for i in range(6)]
    env.send(*gp, *dx, *auth)
    env.remit(*(payment(c, {0: ("CO", "4")}) for c in gp),
              *(payment(c, {0: ("CO", "11")}) for c in dx),
              *(payment(c, claim_level=("CO", "197")) for c in auth))  # fmt: skip


def _proposed(data_dir: Path) -> dict[str, dict[str, Any]]:
    path = data_dir / "packs" / "proposed" / "proposed-dcomm.toml"
    if not path.is_file():
        return {}
    return {e["id"]: e for e in tomllib.loads(path.read_text("utf-8"))["edits"]}


def test_cli_patterns_find_the_injected_patterns(
    db_url: str, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    env = make_env(db_url, tmp_path)
    _inject(env)
    data_dir = tmp_path / "cleanclaim-data"
    result = cli("denials", "patterns", "--min", "6")
    assert result.code == 0, result
    edits = _proposed(data_dir)
    assert sorted(edits) == ["co-197-70553-mod-none", "co-4-97110-mod-gp"]
    assert (edits["co-4-97110-mod-gp"]["evidence"]["count"],
            edits["co-4-97110-mod-gp"]["evidence"]["amount"],
            edits["co-197-70553-mod-none"]["kind"],
            edits["co-197-70553-mod-none"]["evidence"]["amount"]) == (
        6, "540.00", "authorization", "5400.00")  # fmt: skip
    path = data_dir / "packs" / "proposed" / "proposed-dcomm.toml"
    text = path.read_text("utf-8")
    assert f"# {path}" in result.out and text in result.out
    for phi in ("INJ-", SUBSCRIBER.member_id, PATIENT.last_name, PATIENT.first_name):
        assert phi not in text
    keys = edits["co-4-97110-mod-gp"]["evidence"]["examples"]
    assert len(keys) == 5 and all(k.startswith("c-") for k in keys)

    cli("denials", "patterns", "--min", "4")
    assert "co-11-99214-dx-m5450" in _proposed(data_dir)


@pytest.mark.parametrize(
    "args",
    [["--min", "7"], ["--min", "6", "--since", "2026-04-03"]],
    ids=["below-min", "outside-window"],
)
def test_cli_patterns_not_found(db_url: str, tmp_path: Path, cli: Callable[..., Result],
                                args: list[str]) -> None:  # fmt: skip
    env = make_env(db_url, tmp_path)
    _inject(env)
    result = cli("denials", "patterns", *args)
    assert result.code == 0, result
    edits = _proposed(tmp_path / "cleanclaim-data")
    assert "co-4-97110-mod-gp" not in edits and "co-197-70553-mod-none" not in edits


def test_cli_patterns_bad_options(db_url: str, tmp_path: Path,
                                  cli: Callable[..., Result]) -> None:  # fmt: skip
    make_env(db_url, tmp_path)
    bad_date = cli("denials", "patterns", "--since", "April")
    assert (bad_date.code, bad_date.err) == (
        2,
        "error: --since: 'April' is not a date (expected YYYY-MM-DD)\n",
    )
    assert cli("denials", "patterns", "--min", "0").code == 2
    empty = cli("denials", "patterns")
    assert (empty.code, empty.out) == (0, "no denials recur 5 or more times (no denials "
                                          "stored)\n")  # fmt: skip
