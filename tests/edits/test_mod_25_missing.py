"""MD101: E/M visit with a minor procedure and no 25, on invented FULL relative values."""

from __future__ import annotations

import pytest
from tests.edits._modkit import COMMERCIAL, flagged, install_pfs, pfs, rendering, scrub, with_line

from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.edits.examples import ExClaim, ExLine, build
from cleanclaim.payers.registry import PayerTerms

CODE = "MD101"
ROWS = [
    pfs("17110", "010"),
    pfs("20610", "000"),
    pfs("27447", "090"),
    pfs("71046", "XXX"),
    pfs("99213", "XXX"),
    pfs("11045", "ZZZ"),
    pfs("59400", "MMM"),
    pfs("20999", "YYY"),
]
DOS = "2026-03-02"


@pytest.fixture
def store(empty_store: CodesetStore) -> CodesetStore:
    return install_pfs(empty_store, ROWS)


CASES = [
    pytest.param(("99213",), ("17110",), [1], id="010-flags"),
    pytest.param(("99213",), ("20610",), [1], id="000-flags"),
    pytest.param(("99213", "25"), ("20610",), [], id="25-passes"),
    pytest.param(("99213", "57"), ("20610",), [], id="57-left-to-md103"),
    pytest.param(("99213", "24"), ("20610",), [1], id="24-is-not-25"),
    pytest.param(("99213",), ("27447",), [], id="090-not-this-rule"),
    pytest.param(("99213",), ("11045",), [], id="zzz-add-on"),
    pytest.param(("99213",), ("59400",), [], id="maternity-mmm"),
    pytest.param(("99213",), ("20999",), [], id="yyy-carrier-priced"),
    pytest.param(("99213",), ("J3301",), [], id="absent-from-full-file"),
    pytest.param(("99381",), ("20610",), [], id="preventive-visit-not-examined"),
    pytest.param(("99223",), ("20610",), [1], id="hospital-visit"),
    pytest.param(("99285",), ("17110",), [1], id="emergency-visit"),
]


@pytest.mark.parametrize(("visit", "procedure", "expected"), CASES)
def test_visit_and_procedure(
    store: CodesetStore,
    medicare: PayerTerms,
    visit: tuple[str, ...],
    procedure: tuple[str, ...],
    expected: list[int],
) -> None:
    claim = build(ExClaim(lines=(ExLine(visit[0], visit[1:]), ExLine(procedure[0])), dos=DOS))
    result = scrub(store, CODE, claim, medicare)
    assert flagged(result, CODE) == expected
    assert result.coverage == []


def test_message_and_fix(store: CodesetStore, medicare: PayerTerms) -> None:
    claim = build(ExClaim(lines=(ExLine("99213"), ExLine("17110"), ExLine("20610")), dos=DOS))
    (finding,) = scrub(store, CODE, claim, medicare).findings
    assert finding.message == (
        "99213 on 2026-03-02 is billed by the same provider on the same day as 17110 "
        "(010-day global, line 2), 20610 (000-day global, line 3) without modifier 25"
    )
    assert finding.fix.startswith("If the record shows a significant, separately identifiable")
    assert finding.severity.value == "error"


def test_line_rendered_by_another_provider_is_not_the_same_provider(
    store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = build(ExClaim(lines=(ExLine("99213"), ExLine("17110")), dos=DOS))
    claim = with_line(claim, 2, rendering_provider=rendering("1679576722"))
    assert flagged(scrub(store, CODE, claim, medicare), CODE) == []


def test_commercial_payer_is_checked_too(store: CodesetStore) -> None:
    claim = build(ExClaim(lines=(ExLine("99213"), ExLine("17110")), dos=DOS))
    assert flagged(scrub(store, CODE, claim, COMMERCIAL), CODE) == [1]


def test_unknown_global_period_in_sample_data_is_not_checked(
    empty_store: CodesetStore, medicare: PayerTerms
) -> None:
    install_pfs(empty_store, ROWS, completeness=Completeness.FIXTURE)
    claim = build(ExClaim(lines=(ExLine("99213"), ExLine("J3301")), dos=DOS))
    result = scrub(empty_store, CODE, claim, medicare)
    assert flagged(result, CODE) == []
    reasons = [c.reason for c in result.coverage]
    assert "pfs-rvu: global period of J3301 on 2026-03-02 is unknown (PFS test rows (fixture))" in (
        reasons
    )


def test_no_relative_values_for_the_date_is_a_gap(
    store: CodesetStore, medicare: PayerTerms
) -> None:
    claim = build(ExClaim(lines=(ExLine("99213"), ExLine("17110")), dos="2019-12-31"))
    result = scrub(store, CODE, claim, medicare)
    assert flagged(result, CODE) == []
    assert [c.reason for c in result.coverage] == [
        "pfs-rvu: no release covers 2019-12-31; import it to run this check"
    ]


def test_stored_version_of_the_same_claim_is_not_counted(
    store: CodesetStore, medicare: PayerTerms
) -> None:
    """A procedure on an earlier claim with the same key (the same claim scrubbed again)
    does not count against the visit."""
    earlier = build(ExClaim(lines=(ExLine("17110"),), dos=DOS, claim_id="SAME"))
    later = build(ExClaim(lines=(ExLine("99213"),), dos=DOS, claim_id="SAME"))
    assert flagged(scrub(store, CODE, later, medicare, history=(earlier,)), CODE) == []
