"""The denial code table: shipped content, consistency, and override errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleanclaim.denials.carc_table import SCRUB_CATEGORIES, load_table
from cleanclaim.edits.model import Category
from cleanclaim.errors import InputError

NOT_DENIALS = [("CO", "45"), ("CO", "253"), ("CO", "59"), ("CO", "131"), ("CO", "237"),
               ("OA", "23"), ("PR", "1"), ("PR", "2"), ("PR", "3")]  # fmt: skip


@pytest.mark.parametrize(("group", "carc"), NOT_DENIALS, ids=[f"{g}-{c}" for g, c in NOT_DENIALS])
def test_required_pairs_are_not_denials(group: str, carc: str) -> None:
    entry = load_table().lookup(group, carc)
    assert entry is not None and not entry.denial
    assert entry.verdict.root_cause == "not-a-denial"


def test_categories_are_the_scrubber_categories() -> None:
    assert set(SCRUB_CATEGORIES) == {c.value for c in Category}


def test_every_reason_is_published_with_a_consistent_root_cause() -> None:
    table = load_table()
    for entry in table.codes.values():
        verdicts = [entry.verdict.__dict__] + [w.changes for w in entry.when]
        for v in verdicts:
            reason = v.get("reason", entry.verdict.reason)
            root = v.get("root_cause", entry.verdict.root_cause)
            if root == "not-a-denial":
                continue
            assert reason in table.reasons, (entry.group, entry.carc, reason)
            assert table.reasons[reason].root_cause == root, (entry.carc, reason)


def test_docs_publish_every_reason() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "denials.md").read_text("utf-8")
    for reason, info in load_table().reasons.items():
        row = f"| `{reason}` | {info.root_cause} | "
        assert row in docs, reason
        cats = ", ".join(f"`{c}`" for c in info.categories) or "none"
        assert f"{row}{cats} |" in docs, reason


def test_unknown_group_falls_back_to_any_group() -> None:
    table = load_table()
    assert table.lookup("PI", "97") is table.lookup("CO", "97")
    assert table.lookup("CO", "Z99") is None
    assert table.plb_entry("QQ").reason == "provider-adjustment"


OVERRIDE_ERRORS = [
    ("not-toml", "[[code]\n", "{p}: not valid TOML: "),
    ("bad-root-cause",
     '# comment\n[[code]]\ngroup = "CO"\ncarc = "B1"\ndenial = true\nroot_cause = "luck"\n',
     "{p}:2: root_cause 'luck' is not one of documentation, eligibility, authorization, "
     "coding, billing, payer-error, not-a-denial, unclassified"),
    ("bad-group", '[[code]]\ngroup = "XX"\ncarc = "B1"\n',
     "{p}:1: group 'XX' is not one of CO, PR, OA, PI, CR, *"),
    ("missing-explanation",
     '[[code]]\ngroup = "CO"\ncarc = "B1"\ndenial = true\nroot_cause = "coding"\n'
     'reason = "x"\nresponsible = "coder"\navoidable = true\nconfidence = "likely"\n',
     "{p}:1: explanation must be a non-empty string"),
    ("unknown-category", '[reason.x]\nroot_cause = "coding"\ncategories = ["magic"]\n',
     "{p}:1: unknown scrubber categories: magic"),
    ("empty-when",
     '[[code]]\ngroup = "CO"\ncarc = "B1"\ndenial = true\nroot_cause = "coding"\n'
     'reason = "x"\nresponsible = "coder"\navoidable = true\nconfidence = "likely"\n'
     'explanation = "y"\n[[code.when]]\nreason = "z"\n',
     "{p}:11: a [[code.when]] needs a list of rarcs or of findings"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in OVERRIDE_ERRORS],
                         ids=[c[0] for c in OVERRIDE_ERRORS])  # fmt: skip
def test_override_errors(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "denial_codes.toml"
    path.write_text(text)
    with pytest.raises(InputError) as info:
        load_table(path)
    assert str(info.value).startswith(message.format(p=path))


def test_default_override_in_the_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          ) -> None:  # fmt: skip
    from cleanclaim.settings import reset_settings

    monkeypatch.setenv("CLEANCLAIM_DATA_DIR", str(tmp_path))
    reset_settings()
    shipped = load_table().version
    (tmp_path / "denial_codes.toml").write_text('[reason.timely-filing]\nroot_cause = "billing"\n'
                                                'categories = []\n')  # fmt: skip
    table = load_table()
    assert table.version.startswith(shipped + "+") and table.categories("timely-filing") == ()
    with pytest.raises(InputError, match="no such file"):
        load_table(tmp_path / "missing.toml")
