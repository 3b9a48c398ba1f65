"""The compiled parsers are used only when built from the sources beside them, and give what
the Python sources give."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

import cleanclaim.x12.parse835
import cleanclaim.x12.parse837
from cleanclaim.errors import X12Error
from cleanclaim.x12 import _accel, build_parsers
from cleanclaim.x12._accel import COMPILED, GROUP, MANIFEST, compiled_dirs, is_current
from cleanclaim.x12.build_parsers import sources
from cleanclaim.x12.envelope import TransactionSet, iter_envelope

HERE = Path(__file__).parent
SUFFIX = EXTENSION_SUFFIXES[0]
LIBRARY = GROUP.rsplit(".", 1)[1] + "__mypyc"


def _tree(tmp_path: Path) -> tuple[Path, Path]:
    """A source tree (the compiled modules and one module they import) and a build of it."""
    root, target = tmp_path / "cleanclaim", tmp_path / "compiled"
    (root / "x12").mkdir(parents=True)
    target.mkdir()
    files = {f"x12/{name}.py": f"# {name}\n" for name in COMPILED} | {"errors.py": "# errors\n"}
    for rel, text in files.items():
        (root / rel).write_text(text, "utf-8")
    for name in (*COMPILED, LIBRARY):
        (target / f"{name}{SUFFIX}").write_bytes(b"\x7fELF")
    hashes = {rel: hashlib.sha256(text.encode()).hexdigest() for rel, text in files.items()}
    manifest = {"suffix": SUFFIX, "sources": hashes}
    (target / MANIFEST).write_text(json.dumps(manifest), "utf-8")
    return root, target


def _edit_source(root: Path, target: Path) -> None:
    (root / "x12" / "parse837.py").write_text("# parse837, edited\n", "utf-8")


def _edit_dependency(root: Path, target: Path) -> None:
    (root / "errors.py").write_text("# errors, edited\n", "utf-8")


def _other_python(root: Path, target: Path) -> None:
    manifest = json.loads((target / MANIFEST).read_text("utf-8"))
    manifest["suffix"] = ".cpython-399-x86_64-linux-gnu.so"
    (target / MANIFEST).write_text(json.dumps(manifest), "utf-8")


def _module_missing(root: Path, target: Path) -> None:
    (target / f"_837_claim{SUFFIX}").unlink()


def _library_missing(root: Path, target: Path) -> None:
    (target / f"{LIBRARY}{SUFFIX}").unlink()


def _no_manifest(root: Path, target: Path) -> None:
    (target / MANIFEST).unlink()


def _manifest_unreadable(root: Path, target: Path) -> None:
    (target / MANIFEST).write_text('{"suffix": ', "utf-8")


def _module_not_in_manifest(root: Path, target: Path) -> None:
    manifest = json.loads((target / MANIFEST).read_text("utf-8"))
    del manifest["sources"]["x12/_835_claims.py"]
    (target / MANIFEST).write_text(json.dumps(manifest), "utf-8")


def _source_deleted(root: Path, target: Path) -> None:
    (root / "errors.py").unlink()


STALE: dict[str, Callable[[Path, Path], None]] = {
    "a compiled source was edited": _edit_source,
    "a module it imports was edited": _edit_dependency,
    "built by another Python": _other_python,
    "a compiled module is missing": _module_missing,
    "the shared library is missing": _library_missing,
    "no manifest (build interrupted)": _no_manifest,
    "the manifest is cut short": _manifest_unreadable,
    "a compiled module is not in the manifest": _module_not_in_manifest,
    "a source recorded in the manifest is gone": _source_deleted,
}


def test_a_current_build_is_current(tmp_path: Path) -> None:
    root, target = _tree(tmp_path)
    assert is_current(target, root)


@pytest.mark.parametrize("change", list(STALE.values()), ids=list(STALE))
def test_a_stale_or_partial_build_is_not_used(
    tmp_path: Path, change: Callable[[Path, Path], None]
) -> None:
    root, target = _tree(tmp_path)
    change(root, target)
    assert not is_current(target, root)


@pytest.mark.parametrize("value", ["1", "yes"])
def test_pure_python_can_be_asked_for(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv(_accel.PURE_ENV, value)
    assert compiled_dirs() == []


def test_the_sources_of_a_build_include_what_the_parsers_import() -> None:
    found = sources(_accel.ROOT)
    assert {f"x12/{name}.py" for name in COMPILED} <= set(found)
    assert {"errors.py", "claims/model.py", "claims/remittance.py"} <= set(found)


def test_the_compiled_parsers_run_exactly_when_their_build_is_current() -> None:
    pure = os.environ.get(_accel.PURE_ENV, "").strip() not in ("", "0")
    expected = is_current() and not pure
    for module in (cleanclaim.x12.parse837, cleanclaim.x12.parse835):
        assert (module.__file__ or "").endswith(SUFFIX) is expected, module.__file__


_DIGEST = """
import hashlib, sys
from pathlib import Path
from cleanclaim.errors import X12Error
from cleanclaim.x12.envelope import TransactionKind, TransactionSet, iter_envelope
from cleanclaim.x12.parse835 import parse_835
from cleanclaim.x12.parse837 import parse_837
h = hashlib.sha256()
for name in sys.argv[1:]:
    for item in iter_envelope(Path(name)):
        if not isinstance(item, TransactionSet):
            continue
        try:
            if item.kind is TransactionKind.REMITTANCE_835:
                got = [parse_835(item.segments, item.delimiters, name,
                                 control_number=item.control_number)]
            else:
                got = parse_837(item, path_name=name)
        except X12Error as exc:
            got = [str(exc)]
        h.update(repr(got).encode())
print(h.hexdigest())
"""


def test_compiled_and_pure_python_parsers_give_the_same_values_and_errors(
    tmp_path: Path,
) -> None:
    files = sorted(str(p) for p in (HERE / "data").glob("*.x12"))
    files += sorted(str(p) for p in (HERE / "data835").glob("*.835"))
    broken = tmp_path / "broken.x12"
    text = (HERE / "data" / "837p_two_claims.x12").read_text("latin-1")
    broken.write_text(text.replace("SV1*", "SV1*HC:", 1).replace("CLM*", "CLM**", 1), "latin-1")
    files.append(str(broken))
    digests = {}
    for label, pure in (("default", "0"), ("pure", "1")):
        env = {**os.environ, _accel.PURE_ENV: pure}
        run = subprocess.run(
            [sys.executable, "-c", _DIGEST, *files],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        digests[label] = run.stdout.strip()
    assert digests["default"] == digests["pure"]
    (ts,) = [item for item in iter_envelope(broken) if isinstance(item, TransactionSet)]
    with pytest.raises(X12Error, match="CLM01"):  # the errors were compared too
        cleanclaim.x12.parse837.parse_837(ts, path_name=str(broken))


def test_a_current_build_is_not_compiled_again(tmp_path: Path) -> None:
    root, target = _tree(tmp_path)
    assert build_parsers.build(target=target, root=root) is False


def test_two_builds_side_by_side_compile_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root, target = _tree(tmp_path)
    built = (target / MANIFEST).read_text("utf-8")
    (target / MANIFEST).unlink()  # stale: both builds want to compile
    calls: list[int] = []

    def compile_slowly(target: Path, root: Path) -> None:
        calls.append(1)
        time.sleep(0.2)
        (target / MANIFEST).write_text(built, "utf-8")

    monkeypatch.setattr(build_parsers, "_compile", compile_slowly)
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = list(pool.map(lambda _: build_parsers.build(target=target, root=root), range(2)))
    assert sorted(done) == [False, True]
    assert len(calls) == 1
    assert is_current(target, root)
