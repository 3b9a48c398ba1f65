"""CPT: a licensee's own import (synthetic descriptors only, never AMA text)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from cleanclaim.codesets.kinds import ImportOptions
from cleanclaim.codesets.loaders import cpt
from cleanclaim.codesets.model import Completeness
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

D = dt.date

CSV = """code,descriptor,effective_from,effective_to
99213,TEST DESCRIPTOR 1,2026-01-01,
99999,,2026-01-01,2026-06-30
0001F,TEST DESCRIPTOR 2,,
0042T,TEST DESCRIPTOR 3,2026-07-01,
"""


def _write(tmp_path: Path, text: str = CSV, name: str = "cpt2026.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("code", "cpt_like", "level2"),
    [
        pytest.param("99213", True, False, id="category-1"),
        pytest.param("0001F", True, False, id="category-2"),
        pytest.param("0042T", True, False, id="category-3"),
        pytest.param("0001U", True, False, id="pla"),
        pytest.param("0001f", True, False, id="lower-case-suffix"),
        pytest.param("G0438", False, True, id="level-2"),
        pytest.param("j3301", False, True, id="level-2-lower"),
        pytest.param("9921", False, False, id="too-short"),
        pytest.param("0001X", False, False, id="bad-suffix"),
        pytest.param("GG438", False, False, id="two-letters"),
        pytest.param("", False, False, id="empty"),
    ],
)
def test_code_shapes(code: str, cpt_like: bool, level2: bool) -> None:
    assert cpt.is_cpt_like(code) is cpt_like
    assert cpt.is_hcpcs_level2(code) is level2


def test_import_and_lookup(empty_store: CodesetStore, tmp_path: Path) -> None:
    release, new = empty_store.import_file("cpt", _write(tmp_path))
    assert new and release.completeness is Completeness.FULL and release.row_count == 4
    assert (release.effective_from, release.effective_to) == (D(2026, 1, 1), D(2026, 12, 31))
    view = CodesetView(empty_store, D(2026, 3, 1))
    answer = cpt.cpt_code(view, "99213")
    assert answer.value is not None and answer.value.descriptor == "TEST DESCRIPTOR 1"
    assert cpt.cpt_code(view, "99999").value.descriptor is None  # type: ignore[union-attr]
    assert cpt.cpt_code(view, "12345").value is None
    assert cpt.cpt_code(view.at(D(2027, 1, 1)), "99213").completeness is Completeness.MISSING


@pytest.mark.parametrize(
    ("code", "day", "valid"),
    [
        pytest.param("99999", D(2026, 6, 30), True, id="last-day"),
        pytest.param("99999", D(2026, 7, 1), False, id="after-end"),
        pytest.param("0042T", D(2026, 6, 30), False, id="before-start"),
        pytest.param("0042T", D(2026, 7, 1), True, id="on-start"),
        pytest.param("0001F", D(2026, 1, 1), True, id="open-row"),
    ],
)
def test_row_dates(
    empty_store: CodesetStore, tmp_path: Path, code: str, day: D, valid: bool
) -> None:
    release, _ = empty_store.import_file("cpt", _write(tmp_path))
    assert empty_store.table(release).valid_on(code, day) is valid


def test_descriptor_column_is_optional(tmp_path: Path) -> None:
    path = _write(tmp_path, "code,effective_from,effective_to\n99213,2026-01-01,\n")
    parsed = cpt.parse(path, ImportOptions())
    assert parsed.payload[0].descriptor is None


def test_window_needed_when_the_name_has_no_year(tmp_path: Path) -> None:
    path = _write(tmp_path, name="licensed.csv")
    with pytest.raises(UsageError, match="cannot tell the effective dates of this CPT file"):
        cpt.parse(path, ImportOptions())
    parsed = cpt.parse(
        path, ImportOptions(effective_from=D(2025, 1, 1), effective_to=D(2025, 12, 31))
    )
    assert parsed.version == "2025-01-01"


def test_cpt_is_never_bundled() -> None:
    assert not hasattr(cpt, "bundled")


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        pytest.param("", 1, "empty file", id="empty"),
        pytest.param(
            "code,descriptor\n99213,X\n",
            1,
            "missing column 'effective_from' in header",
            id="missing-column",
        ),
        pytest.param(
            "code,effective_from\n9921,2026-01-01\n",
            2,
            "'9921' is not a CPT code (5 digits, or 4 digits and F/T/U)",
            id="bad-code",
        ),
        pytest.param(
            "code,effective_from\nG0438,2026-01-01\n",
            2,
            "'G0438' is not a CPT code (5 digits, or 4 digits and F/T/U)",
            id="level-2-code",
        ),
        pytest.param(
            "code,effective_from\n99213,2026-13-01\n",
            2,
            "bad date '2026-13-01' (expected YYYY-MM-DD)",
            id="bad-date",
        ),
        pytest.param(
            "code,effective_from\n99213,2026-01-01,extra\n",
            2,
            "expected 2 fields, found 3",
            id="field-count",
        ),
        pytest.param(
            "code,effective_from\n99213,\n99213,\n", 3, "code 99213 listed twice", id="duplicate"
        ),
        pytest.param("code,effective_from\n\n", 2, "no rows after the header", id="no-rows"),
    ],
)
def test_malformed(tmp_path: Path, text: str, line: int, reason: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(CodesetFileError) as err:
        cpt.parse(path, ImportOptions())
    assert str(err.value) == f"{path}:{line}: {reason}"


def test_reimport_is_a_no_op(empty_store: CodesetStore, tmp_path: Path) -> None:
    path = _write(tmp_path)
    first, _ = empty_store.import_file("cpt", path)
    again, new = empty_store.import_file("cpt", path)
    assert not new and again == first
