"""The denial code table: which group/CARC pairs deny, and what they mean (versioned TOML).

The shipped table is ``denials/data/denial_codes.toml`` (its header documents the format).
A practice overrides it with a file of the same format, by default
``$CLEANCLAIM_DATA_DIR/denial_codes.toml``: an override ``[[code]]`` replaces the shipped
entry with the same group and CARC (new ones are added), an override ``[reason.*]``
replaces the shipped reason, an override ``[[plb]]`` the PLB code. The table's
:attr:`DenialTable.version` names the shipped version plus a digest of the override, so a
changed override triggers reclassification.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import tomllib
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from cleanclaim.errors import InputError

ROOT_CAUSES = (
    "documentation", "eligibility", "authorization", "coding", "billing", "payer-error",
    "not-a-denial", "unclassified",
)  # fmt: skip
RESPONSIBLE = ("provider", "coder", "biller", "front-desk", "payer", "none")
CONFIDENCE = ("certain", "likely", "ambiguous")
GROUPS = ("CO", "PR", "OA", "PI", "CR", "*")
SCRUB_CATEGORIES = (
    "dx-invalid", "dx-unspecified", "dx-px-mismatch", "modifier", "ncci-ptp", "mue",
    "em-level", "px-invalid", "pos", "hcc", "cob", "poa", "demographic", "duplicate",
    "timely-filing", "authorization", "structure",
)  # fmt: skip
"""The values of :class:`cleanclaim.edits.model.Category` (kept here to avoid importing
the rule engine; a test checks they agree)."""

OVERRIDE_NAME = "denial_codes.toml"
_VERDICT_FIELDS = ("root_cause", "reason", "responsible", "avoidable", "confidence",
                   "explanation")  # fmt: skip


@dataclass(frozen=True)
class Verdict:
    """What a code (or a refinement) says about an adjustment."""

    root_cause: str
    reason: str
    responsible: str
    avoidable: bool
    confidence: str
    explanation: str


@dataclass(frozen=True)
class When:
    """A refinement: applies when any of ``rarcs`` is present, or any finding category."""

    rarcs: frozenset[str]
    findings: frozenset[str]
    changes: dict[str, Any]


@dataclass(frozen=True)
class CodeEntry:
    """One group/CARC row of the table."""

    group: str
    carc: str
    denial: bool
    verdict: Verdict
    when: tuple[When, ...] = ()


@dataclass(frozen=True)
class ReasonInfo:
    """A reason slug: its root cause and the scrubber categories that can prevent it."""

    reason: str
    root_cause: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class PlbEntry:
    """A PLB adjustment reason code and how it is shown."""

    code: str
    reason: str
    responsible: str
    explanation: str


@dataclass
class DenialTable:
    """The merged table (shipped + override)."""

    version: str
    codes: dict[tuple[str, str], CodeEntry] = field(default_factory=dict)
    reasons: dict[str, ReasonInfo] = field(default_factory=dict)
    plb: dict[str, PlbEntry] = field(default_factory=dict)

    def lookup(self, group: str, carc: str) -> CodeEntry | None:
        """The entry for ``group``/``carc``, else the any-group entry for ``carc``."""
        carc = carc.strip().upper()
        return self.codes.get((group.strip().upper(), carc)) or self.codes.get(("*", carc))

    def categories(self, reason: str) -> tuple[str, ...]:
        """Scrubber categories whose rules can prevent ``reason`` (none: unknown reason)."""
        info = self.reasons.get(reason)
        return info.categories if info else ()

    def plb_entry(self, code: str) -> PlbEntry:
        return self.plb.get(code.strip().upper()) or self.plb["*"]


class _Reader:
    """Validates one TOML file; errors name the file and the entry's line."""

    def __init__(self, path: Path | str, text: str) -> None:
        self.path = path
        self.lines = text.splitlines()
        try:
            self.data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(path, f"not valid TOML: {exc}") from None

    def _line(self, marker: str, index: int) -> int | None:
        seen = -1
        for number, line in enumerate(self.lines, start=1):
            if line.strip() == marker:
                seen += 1
                if seen == index:
                    return number
        return None

    def fail(self, marker: str, index: int, reason: str) -> InputError:
        return InputError(self.path, reason, line=self._line(marker, index))

    def choice(self, raw: dict[str, Any], key: str, allowed: tuple[str, ...], where: tuple[
            str, int]) -> str:  # fmt: skip
        value = raw.get(key)
        if value not in allowed:
            raise self.fail(*where, f"{key} {value!r} is not one of {', '.join(allowed)}")
        return str(value)

    def text(self, raw: dict[str, Any], key: str, where: tuple[str, int]) -> str:
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(*where, f"{key} must be a non-empty string")
        return value.strip()

    def flag(self, raw: dict[str, Any], key: str, where: tuple[str, int]) -> bool:
        value = raw.get(key)
        if not isinstance(value, bool):
            raise self.fail(*where, f"{key} must be true or false")
        return value

    def verdict(self, raw: dict[str, Any], where: tuple[str, int]) -> Verdict:
        return Verdict(
            root_cause=self.choice(raw, "root_cause", ROOT_CAUSES, where),
            reason=self.text(raw, "reason", where),
            responsible=self.choice(raw, "responsible", RESPONSIBLE, where),
            avoidable=self.flag(raw, "avoidable", where),
            confidence=self.choice(raw, "confidence", CONFIDENCE, where),
            explanation=self.text(raw, "explanation", where),
        )

    def when(self, raw: dict[str, Any], where: tuple[str, int]) -> When:
        rarcs = raw.get("rarcs", [])
        findings = raw.get("findings", [])
        if not isinstance(rarcs, list) or not isinstance(findings, list) or not (rarcs or findings):
            raise self.fail(*where, "a [[code.when]] needs a list of rarcs or of findings")
        bad = sorted(set(findings) - set(SCRUB_CATEGORIES))
        if bad:
            raise self.fail(*where, f"unknown finding categories: {', '.join(bad)}")
        changes = {k: v for k, v in raw.items() if k in _VERDICT_FIELDS}
        allowed = {"root_cause": ROOT_CAUSES, "responsible": RESPONSIBLE,
                   "confidence": CONFIDENCE}  # fmt: skip
        for key, values in allowed.items():
            if key in changes:
                self.choice(changes, key, values, where)
        return When(frozenset(str(r).upper() for r in rarcs), frozenset(findings), changes)

    def codes(self) -> dict[tuple[str, str], CodeEntry]:
        out: dict[tuple[str, str], CodeEntry] = {}
        whens_seen = 0
        for index, raw in enumerate(self.data.get("code", [])):
            where = ("[[code]]", index)
            group = self.choice(raw, "group", GROUPS, where)
            carc = self.text(raw, "carc", where).upper()
            whens = []
            for w in raw.get("when", []):
                whens.append(self.when(w, ("[[code.when]]", whens_seen)))
                whens_seen += 1
            if (group, carc) in out:
                raise self.fail(*where, f"{group}-{carc} is listed twice")
            out[(group, carc)] = CodeEntry(
                group, carc, self.flag(raw, "denial", where), self.verdict(raw, where), tuple(whens)
            )
        return out

    def reasons(self) -> dict[str, ReasonInfo]:
        out: dict[str, ReasonInfo] = {}
        for slug, raw in self.data.get("reason", {}).items():
            where = (f"[reason.{slug}]", 0)
            cats = raw.get("categories", [])
            bad = sorted(set(cats) - set(SCRUB_CATEGORIES))
            if bad:
                raise self.fail(*where, f"unknown scrubber categories: {', '.join(bad)}")
            root = self.choice(raw, "root_cause", ROOT_CAUSES, where)
            out[slug] = ReasonInfo(slug, root, tuple(cats))
        return out

    def plb(self) -> dict[str, PlbEntry]:
        out: dict[str, PlbEntry] = {}
        for index, raw in enumerate(self.data.get("plb", [])):
            where = ("[[plb]]", index)
            code = self.text(raw, "code", where).upper()
            out[code] = PlbEntry(
                code,
                self.text(raw, "reason", where),
                self.choice(raw, "responsible", RESPONSIBLE, where),
                self.text(raw, "explanation", where),
            )
        return out


def _shipped_text() -> str:
    return (
        resources.files("cleanclaim.denials")
        .joinpath("data/denial_codes.toml")
        .read_text(encoding="utf-8")
    )


@functools.cache
def _shipped() -> DenialTable:
    reader = _Reader("denial_codes.toml (shipped)", _shipped_text())
    version = str(reader.data.get("version", "0"))
    return DenialTable(version, reader.codes(), reader.reasons(), reader.plb())


@functools.cache
def known_carcs() -> frozenset[str]:
    """The CARCs of the curated list shipped with cleanclaim (``codesets/data/carc.csv``)."""
    text = resources.files("cleanclaim.codesets").joinpath("data/carc.csv").read_text("utf-8")
    return frozenset(row["code"].strip().upper() for row in csv.DictReader(text.splitlines()))


def default_override_path() -> Path:
    """``$CLEANCLAIM_DATA_DIR/denial_codes.toml``."""
    from cleanclaim.settings import get_settings

    return get_settings().data_dir / OVERRIDE_NAME


def load_table(override: Path | None = None) -> DenialTable:
    """The shipped table merged with ``override`` (default: the data-dir file, if any).

    Raises:
        InputError: the override is not valid TOML or breaks the format (``path:line``).
    """
    base = _shipped()
    path = override if override is not None else default_override_path()
    if not path.is_file():
        if override is not None:
            raise InputError(path, "no such file")
        return DenialTable(base.version, dict(base.codes), dict(base.reasons), dict(base.plb))
    text = path.read_text(encoding="utf-8")
    reader = _Reader(path, text)
    digest = hashlib.sha256(text.encode()).hexdigest()[:8]
    table = DenialTable(
        f"{base.version}+{digest}",
        {**base.codes, **reader.codes()},
        {**base.reasons, **reader.reasons()},
        {**base.plb, **reader.plb()},
    )
    for entry in table.codes.values():
        if entry.verdict.reason not in table.reasons:
            table.reasons[entry.verdict.reason] = ReasonInfo(
                entry.verdict.reason, entry.verdict.root_cause, ()
            )
    return table


def refine(entry: CodeEntry, rarcs: set[str], findings: set[str]) -> tuple[Verdict, str]:
    """The entry's verdict after the first matching refinement, and what matched."""
    for w in entry.when:
        hit_r = sorted(w.rarcs & rarcs)
        hit_f = sorted(w.findings & findings)
        if hit_r or hit_f:
            changes = {k: v for k, v in w.changes.items()}
            matched = "remark " + ", ".join(hit_r) if hit_r else "finding " + ", ".join(hit_f)
            return replace(entry.verdict, **changes), matched
    return entry.verdict, ""
