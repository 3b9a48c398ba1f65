"""The payer registry: exchange format, validation, dated terms, deadlines."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cleanclaim.errors import InputError, NotFoundError
from cleanclaim.payers.registry import (
    add_months,
    all_entries,
    export_toml,
    find_by_id,
    import_file,
    read_toml,
    seed_defaults,
    terms_on,
)
from cleanclaim.storage.db import get_engine, session_scope

D = dt.date

GOOD = """\
[[payer]]
key = "acme-ppo"
name = "Acme Health PPO"
type = "commercial"
state = "OR"
claim_payer_ids = ["ACME1"]
remit_payer_ids = ["ACME835"]
timely_filing = "90d"
appeal_window_days = 180
ncci_applies = true
mue_applies = false
rule_packs = ["acme-commercial"]
effective_from = 2024-01-01
effective_to = 2025-12-31

[[payer]]
key = "acme-ppo"
name = "Acme Health PPO"
type = "commercial"
state = "OR"
claim_payer_ids = ["ACME1"]
remit_payer_ids = ["ACME835"]
timely_filing = "120d"
appeal_window_days = 180
ncci_applies = true
mue_applies = true
effective_from = 2026-01-01
"""


@pytest.mark.parametrize(
    ("dos", "deadline"),
    [
        pytest.param(D(2026, 3, 15), D(2027, 3, 15), id="plain"),
        pytest.param(D(2024, 2, 29), D(2025, 2, 28), id="leap-day"),
        pytest.param(D(2025, 12, 31), D(2026, 12, 31), id="year-end"),
    ],
)
def test_medicare_timely_filing_is_12_months(db_url: str, dos: dt.date, deadline: dt.date) -> None:
    with session_scope(get_engine(db_url)) as s:
        seed_defaults(s)
        medicare = terms_on(s, "medicare-ffs", dos)
    assert medicare.timely_filing_deadline(dos) == deadline


def test_medicare_redetermination_deadline(db_url: str) -> None:
    with session_scope(get_engine(db_url)) as s:
        seed_defaults(s)
        medicare = terms_on(s, "medicare-ffs", D(2026, 5, 1))
    # Notice 2026-05-01, presumed received 2026-05-06, plus 120 days.
    assert medicare.appeal_deadline(D(2026, 5, 1)) == D(2026, 9, 3)


def test_import_is_dated_and_idempotent(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(GOOD)
    engine = get_engine(db_url)
    with session_scope(engine) as s:
        first = import_file(s, path, by="system")
    with session_scope(engine) as s:
        second = import_file(s, path, by="system")
        assert terms_on(s, "acme-ppo", D(2025, 6, 1)).timely_filing == "90d"
        assert terms_on(s, "acme-ppo", D(2026, 6, 1)).timely_filing == "120d"
        assert find_by_id(s, "ACME835", D(2026, 6, 1), remit=True) is not None
        assert find_by_id(s, "ACME835", D(2026, 6, 1)) is None
        with pytest.raises(NotFoundError):
            terms_on(s, "acme-ppo", D(2023, 6, 1))
    assert first.added == ["acme-ppo@2024-01-01", "acme-ppo@2026-01-01"]
    assert second.added == [] and len(second.unchanged) == 2


def test_export_round_trips(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "acme.toml"
    path.write_text(GOOD)
    with session_scope(get_engine(db_url)) as s:
        import_file(s, path, by="system")
        entries = all_entries(s)
    out = tmp_path / "out.toml"
    out.write_text(export_toml(entries))
    assert read_toml(out) == entries


BAD = [
    pytest.param(
        '[[payer]]\nkey = "x"\n',
        "bad.toml:1: payer 'x': missing name, type, "
        "timely_filing, appeal_window_days, ncci_applies, mue_applies, effective_from",
        id="missing-fields",
    ),
    pytest.param(
        GOOD.replace('"commercial"', '"hmo"', 1),
        "bad.toml:4: payer 'acme-ppo': type 'hmo' is not one of medicare-ffs, "
        "medicare-advantage, medicaid-ffs, medicaid-mco, commercial, other",
        id="bad-type",
    ),
    pytest.param(
        GOOD.replace('"120d"', '"4 months"'),
        "bad.toml:23: bad timely filing limit '4 months': use a number of days or "
        "months, e.g. '90d' or '12m'",
        id="bad-limit",
    ),
    pytest.param(
        GOOD.replace("effective_to = 2025-12-31", "effective_to = 2023-12-31"),
        "bad.toml:14: payer 'acme-ppo': effective_to is before effective_from",
        id="reversed-dates",
    ),
    pytest.param(
        GOOD.replace('state = "OR"\n', "colour = 1\n", 1),
        "bad.toml:1: payer 'acme-ppo': unknown field(s) colour",
        id="unknown-field",
    ),
    pytest.param(
        "[[payer]\n",
        "bad.toml:1: not valid TOML: Expected ']]' at the end of an array declaration",
        id="broken-toml",
    ),
    pytest.param("# nothing\n", "bad.toml:1: no [[payer]] tables found", id="empty"),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_bad_registry_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str, message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.toml").write_text(text)
    with pytest.raises(InputError) as err:
        read_toml(Path("bad.toml"))
    assert str(err.value) == message


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        pytest.param(D(2026, 1, 31), 1, D(2026, 2, 28), id="short-month"),
        pytest.param(D(2026, 11, 30), 3, D(2027, 2, 28), id="across-year"),
        pytest.param(D(2027, 8, 31), 6, D(2028, 2, 29), id="into-leap-year"),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected
