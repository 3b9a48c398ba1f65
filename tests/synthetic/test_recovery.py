"""Recovery of the true denial causes (issue 7): the classifier against the truth ledger.

The end-to-end test generates the synthetic practice on a seed that was not used while
the classifier was built (the development default is 1, the other synthetic tests use
20261), runs the whole pipeline through the command line (payer registry, ingest with
scrubbing, work log, classification, appeals log) and scores the classified denials with
``cleanclaim demo recovery``. It runs on SQLite only: ingesting some 2,200 claims is
most of its cost and a PostgreSQL run would double it, while the classifier and the join
do not depend on the backend (tests/denials runs those on both).

The other tests check the join and the arithmetic on hand-made rows.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from tests.clirunner import Result

from cleanclaim.analytics.recovery import (
    CLASSES,
    EXCLUDED_PAYER_ERROR,
    EXCLUDED_REJECTION,
    EXCLUDED_RESUBMITTED,
    ClassifiedRow,
    Key,
    TruthRow,
    read_ledger,
    score,
)
from cleanclaim.analytics.synthetic import generate

SEED = 20261127
MONTHS = 8
CLAIMS_PER_MONTH = 250
AS_OF = dt.date(2026, 9, 30)
FLOOR = Decimal("0.9")


def _table(data: dict[str, object]) -> str:
    classes = data["classes"]
    assert isinstance(classes, list)
    lines = [f"{'root cause':<14} {'support':>7} {'precision':>9} {'recall':>7} {'F1':>7}"]
    lines += [f"{c['root_cause']:<14} {c['support']:>7} {c['precision']:>9} {c['recall']:>7} "
              f"{c['f1']:>7}" for c in classes]  # fmt: skip
    macro = data["macro"]
    assert isinstance(macro, dict)
    lines.append(f"{'macro':<14} {'':>7} {macro['precision']:>9} {macro['recall']:>7} "
                 f"{macro['f1']:>7}")  # fmt: skip
    return "\n".join(lines)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_classifier_recovers_the_true_causes_on_an_unseen_seed(
    db_url: str, tmp_path: Path, cli: Callable[..., Result]
) -> None:
    out = tmp_path / "practice"
    generate(out, seed=SEED, months=MONTHS, claims_per_month=CLAIMS_PER_MONTH, as_of=AS_OF)
    steps = [
        ("payers", "import", str(out / "payers.toml")),
        ("ingest", *(str(p) for p in sorted(out.rglob("*.x12")))),
        ("worklog", "import", str(out / "worklog.csv")),
        ("denials", "list", "--denials-only", "--format", "csv"),
        ("denials", "appeals-import", str(out / "appeals.csv")),
    ]
    for args in steps:
        result = cli(*args)
        assert result.code == 0, (args[:2], result.out[-2000:], result.err[-2000:])
    result = cli("demo", "recovery", "--ledger", str(out / "truth-ledger.csv"), "--format", "json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    figures = _table(data)
    print(f"\nseed {SEED}, {MONTHS} months x {CLAIMS_PER_MONTH} claims:\n{figures}")
    assert data["unmatched_ledger"] == [] and data["unmatched_classified"] == [], figures
    assert [c["root_cause"] for c in data["classes"]] == list(CLASSES)
    assert all(c["support"] > 0 for c in data["classes"]), figures
    assert Decimal(data["macro"]["precision"]) >= FLOOR, figures
    assert Decimal(data["macro"]["recall"]) >= FLOOR, figures
    ledger = read_ledger(out / "truth-ledger.csv")
    excluded = sum(n for counts in data["excluded"].values() for n in counts.values())
    assert data["scored"] + excluded == len(ledger) == data["ledger_rows"]
    assert set(data["excluded"]) <= {EXCLUDED_REJECTION, EXCLUDED_PAYER_ERROR,
                                     EXCLUDED_RESUBMITTED}  # fmt: skip


# -- the join and the arithmetic, on hand-made rows --------------------------------------------

_N = iter(range(2, 10_000))


def _key(claim: str, line: int | None = 1, carc: str = "97", amount: str = "40.00") -> Key:
    return (claim, "DPAY", f"ICN-{claim}", line, "CO", carc, Decimal(amount))


def truth(root: str, claim: str = "C1", *, kind: str = "denial", resolution: str = "open",
          **key: object) -> TruthRow:  # fmt: skip
    return TruthRow(next(_N), kind, _key(claim, **key), root, resolution)  # type: ignore[arg-type]


def said(root: str, claim: str = "C1", *, denial: bool = True, **key: object) -> ClassifiedRow:
    return ClassifiedRow(next(_N), _key(claim, **key), denial, root)  # type: ignore[arg-type]


def test_multiset_join_pairs_repeated_keys_one_to_one_and_lists_leftovers() -> None:
    result = score(
        [truth("coding"), truth("coding"), truth("billing", "C2")],
        [said("coding"), said("coding"), said("coding"), said("eligibility", "C3"),
         said("not-a-denial", "C4", denial=False)],
    )  # fmt: skip
    assert result.scored == 2
    assert [t.key[0] for t in result.unmatched_ledger] == ["C2"]
    assert [c.key[0] for c in result.unmatched_classified] == ["C1", "C3"]


EXCLUSIONS = [
    # id, ledger row, why it is not scored (None: scored)
    ("277ca-rejection", truth("coding", kind="rejection", line=None), EXCLUDED_REJECTION),
    ("payer-error-open", truth("payer-error"), EXCLUDED_PAYER_ERROR),
    ("payer-error-upheld", truth("payer-error", resolution="appeal-upheld"),
     EXCLUDED_PAYER_ERROR),
    ("payer-error-partial", truth("payer-error", resolution="appeal-partial"),
     EXCLUDED_PAYER_ERROR),
    ("payer-error-resubmitted-not-processed", truth("payer-error", resolution="resubmitted"),
     EXCLUDED_RESUBMITTED),
    ("payer-error-payer-corrected", truth("payer-error", resolution="payer-corrected"), None),
    ("payer-error-overturned", truth("payer-error", resolution="appeal-overturned"), None),
    ("coding-open", truth("coding"), None),
]  # fmt: skip


@pytest.mark.parametrize(("row", "why"), [c[1:] for c in EXCLUSIONS],
                         ids=[c[0] for c in EXCLUSIONS])  # fmt: skip
def test_what_is_not_scored(row: TruthRow, why: str | None) -> None:
    result = score([row], [said("billing", line=row.key[3])])
    assert result.scored == (1 if why is None else 0)
    assert result.excluded == ({} if why is None else {why: {row.root_cause: 1}})
    if why is EXCLUDED_PAYER_ERROR:
        assert result.excluded_predicted == {why: {"billing": 1}}


def test_resubmitted_payer_error_is_scored_once_its_replacement_was_processed() -> None:
    row = truth("payer-error", resolution="resubmitted")
    result = score([row], [said("payer-error")], frozenset({row.key[:3]}))
    assert (result.scored, result.excluded) == (1, {})
    assert result.classes[CLASSES.index("payer-error")].recall == Decimal("1.0000")


def test_per_class_figures_macro_and_confusion() -> None:
    rows = [truth("coding", line=n) for n in (1, 2, 3, 4)] + [truth("billing", line=5)]
    rows.append(truth("eligibility", line=6))
    labels = [said("coding", line=1), said("coding", line=2), said("coding", line=3),
              said("billing", line=4), said("billing", line=5),
              said("not-a-denial", line=6, denial=False)]  # fmt: skip
    result = score(rows, labels)
    by = {c.root_cause: c for c in result.classes}
    assert (by["coding"].precision, by["coding"].recall, by["coding"].f1) == (
        Decimal("1.0000"), Decimal("0.7500"), Decimal("0.8571"))  # fmt: skip
    assert (by["billing"].precision, by["billing"].recall, by["billing"].f1) == (
        Decimal("0.5000"), Decimal("1.0000"), Decimal("0.6667"))  # fmt: skip
    assert (by["eligibility"].support, by["eligibility"].recall) == (1, Decimal(0))
    assert (by["authorization"].support, by["authorization"].precision) == (0, Decimal(0))
    assert result.confusion["coding"] == {"billing": 1, "coding": 3}
    assert result.confusion["eligibility"] == {"not-a-denial": 1}
    assert result.macro_precision == Decimal("0.2500")  # (1 + 0.5) / 6
    assert result.macro_recall == Decimal("0.2917")  # (0.75 + 1) / 6
    assert result.accuracy == Decimal("0.6667")
