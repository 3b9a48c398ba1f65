"""Payer packs: declarative, dated payer- and state-specific edits, in TOML.

A pack is a TOML file with a ``[pack]`` table (``name``, ``title``, optional
``description``, ``state`` and ``example``) and ``[[edits]]`` tables. A payer uses a pack
when its registry entry lists the pack's name in ``rule_packs``. Every edit has an ``id``,
a ``kind``, ``effective_from`` (and optional ``effective_to``) and a ``citation`` table
(``source``, ``section``, ``date``, optional ``url``). Kinds and their fields:

``telehealth``         ``pos`` (accepted telehealth places of service), optional
                       ``modifiers`` (one of them required), optional ``codes``
``modifier_required``  ``modifiers`` (one of them required), optional ``instead_of``
                       (modifiers the payer does not accept), ``codes`` (needed when
                       there is no ``instead_of``)
``authorization``      ``codes`` (codes or ranges such as ``"70551-70553"``)
``filing_limit``       ``limit`` (``"90d"``, ``"12m"``)
``ncci``               ``ptp`` (true/false), optional ``mue``

A pack is validated whole on load; a bad pack raises :class:`PackError` naming the file
and the key (``pack.toml: edits[2].codes: 'ABC' is not a procedure code or range``;
``edits[N]`` counts from 0). :class:`PackRegistry` keeps the last good version of each
pack by name, so a bad edit of a pack file never removes the pack in force.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from cleanclaim.edits.model import Citation
from cleanclaim.errors import InputError, UsageError
from cleanclaim.payers.registry import PayerTerms, parse_limit

KINDS = (
    "telehealth",
    "modifier_required",
    "authorization",
    "filing_limit",
    "ncci",
    "denial_pattern",
)
STATUSES = ("preview", "stable")
TELEHEALTH_POS = frozenset({"02", "10"})
"""Places of service that mark a telehealth line (patient elsewhere / at home)."""
TELEHEALTH_MODIFIERS = frozenset({"95", "GT", "GQ", "93", "FQ"})
"""Modifiers that mark a telehealth line whatever its place of service."""

_COMMON = (
    "id",
    "kind",
    "title",
    "effective_from",
    "effective_to",
    "citation",
    "note",
    "status",
    "evidence",
)
_FIELDS: dict[str, tuple[str, ...]] = {
    "telehealth": ("codes", "pos", "modifiers"),
    "modifier_required": ("codes", "modifiers", "instead_of"),
    "authorization": ("codes",),
    "filing_limit": ("limit",),
    "ncci": ("ptp", "mue"),
    # Proposed by `cleanclaim denials patterns` from recurring denials; informational until
    # a user turns it into one of the kinds above.
    "denial_pattern": ("codes", "modifiers", "diagnoses", "carc"),
}
_PACK_KEYS = ("name", "title", "description", "state", "example")
_CODE = re.compile(r"^(?:\d{5}|\d{4}[FTU]|[A-V]\d{4})$")
_MODIFIER = re.compile(r"^[A-Z0-9]{2}$")
_POS = re.compile(r"^\d{2}$")
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


class PackError(InputError):
    """A pack file that cannot be used; the message names the file and the key."""


def _shape(code: str) -> str:
    if code.isdigit():
        return "n"
    return code[0] if code[0].isalpha() else code[-1]


@dataclass(frozen=True)
class CodeRange:
    """A procedure code, or an inclusive range of codes of the same shape."""

    first: str
    last: str

    def __contains__(self, code: object) -> bool:
        if not isinstance(code, str):
            return False
        key = code.strip().upper()
        if len(key) != len(self.first) or not _CODE.match(key):
            return False
        return _shape(key) == _shape(self.first) and self.first <= key <= self.last

    def __str__(self) -> str:
        return self.first if self.first == self.last else f"{self.first}-{self.last}"


@dataclass(frozen=True)
class PackEdit:
    """One dated edit of a pack."""

    id: str
    kind: str
    title: str
    citation: Citation
    effective_from: dt.date
    effective_to: dt.date | None = None
    codes: tuple[CodeRange, ...] = ()
    """Procedure codes the edit is limited to; empty means every code."""
    modifiers: tuple[str, ...] = ()
    instead_of: tuple[str, ...] = ()
    pos: tuple[str, ...] = ()
    limit: str | None = None
    ptp: bool | None = None
    mue: bool | None = None
    note: str = ""
    status: str = "stable"
    """``preview`` edits are proposals: listed and checked, never enforced by the rules."""
    carc: str | None = None
    diagnoses: tuple[str, ...] = ()

    def in_force(self, day: dt.date) -> bool:
        """Whether the edit applies to a service on ``day`` (preview edits never do)."""
        if self.status != "stable" or day < self.effective_from:
            return False
        return self.effective_to is None or day <= self.effective_to

    def covers(self, code: str) -> bool:
        """Whether the edit applies to procedure ``code``."""
        return not self.codes or any(code in r for r in self.codes)

    def codes_text(self) -> str:
        return ", ".join(str(r) for r in self.codes)


@dataclass(frozen=True)
class Pack:
    """A validated pack."""

    name: str
    title: str
    source: str
    """The file it was read from."""
    edits: tuple[PackEdit, ...]
    description: str = ""
    state: str | None = None
    example: bool = False

    def in_force(self, kinds: Iterable[str], day: dt.date) -> list[PackEdit]:
        """Edits of ``kinds`` in force on ``day``."""
        wanted = set(kinds)
        return [e for e in self.edits if e.kind in wanted and e.in_force(day)]


# -- parsing ----------------------------------------------------------------------------------


class _Parser:
    def __init__(self, where: str | Path) -> None:
        self.where = where

    def fail(self, key: str, reason: str) -> PackError:
        return PackError(self.where, f"{key}: {reason}")

    def text(self, raw: Mapping[str, Any], key: str, at: str, *, required: bool = True) -> str:
        value = raw.get(key)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{at}{key}", "must be a non-empty string")
        return value.strip()

    def strings(self, raw: Mapping[str, Any], key: str, at: str) -> list[str]:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(f"{at}{key}", "must be a list of strings")
        return [v.strip().upper() for v in value]

    def checked(
        self, raw: Mapping[str, Any], key: str, at: str, pattern: re.Pattern[str], what: str
    ) -> tuple[str, ...]:
        values = self.strings(raw, key, at)
        for value in values:
            if not pattern.match(value):
                raise self.fail(f"{at}{key}", f"{value!r} is not {what}")
        return tuple(values)

    def codes(self, raw: Mapping[str, Any], at: str) -> tuple[CodeRange, ...]:
        out = []
        for value in self.strings(raw, "codes", at):
            first, _, last = (p.strip() for p in value.partition("-"))
            last = last or first
            if (
                not (_CODE.match(first) and _CODE.match(last))
                or len(first) != len(last)
                or (_shape(first) != _shape(last))
            ):
                raise self.fail(f"{at}codes", f"{value!r} is not a procedure code or range")
            if last < first:
                raise self.fail(f"{at}codes", f"{value!r}: the range ends before it starts")
            out.append(CodeRange(first, last))
        return tuple(out)

    def day(self, raw: Mapping[str, Any], key: str, at: str) -> dt.date | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise self.fail(f"{at}{key}", "must be a TOML date like 2026-01-01")
        return value

    def citation(self, raw: Mapping[str, Any], at: str) -> Citation:
        cite = raw.get("citation")
        if not isinstance(cite, dict):
            raise self.fail(f"{at}citation", "must be a table with source, section and date")
        where = f"{at}citation."
        unknown = sorted(set(cite) - {"source", "section", "date", "url"})
        if unknown:
            raise self.fail(f"{where}{unknown[0]}", "unknown key")
        date = cite.get("date")
        date_text = date.isoformat() if isinstance(date, dt.date) else date
        return Citation(
            self.text(cite, "source", where),
            self.text(cite, "section", where),
            self.text({"date": date_text}, "date", where),
            self.text(cite, "url", where, required=False),
        )

    def edit(self, raw: Any, index: int) -> PackEdit:
        at = f"edits[{index}]."
        if not isinstance(raw, dict):
            raise self.fail(f"edits[{index}]", "must be a table")
        kind = raw.get("kind")
        if kind not in KINDS:
            raise self.fail(f"{at}kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        unknown = sorted(set(raw) - set(_COMMON) - set(_FIELDS[kind]))
        if unknown:
            raise self.fail(f"{at}{unknown[0]}", f"unknown key for a {kind} edit")
        ident = self.text(raw, "id", at)
        start = self.day(raw, "effective_from", at)
        if start is None:
            raise self.fail(f"{at}effective_from", "is required")
        end = self.day(raw, "effective_to", at)
        if end is not None and end < start:
            raise self.fail(f"{at}effective_to", "is before effective_from")
        edit = PackEdit(
            id=ident,
            kind=kind,
            title=self.text(raw, "title", at, required=False) or ident,
            citation=self.citation(raw, at),
            effective_from=start,
            effective_to=end,
            codes=self.codes(raw, at),
            modifiers=self.checked(raw, "modifiers", at, _MODIFIER, "a modifier"),
            instead_of=self.checked(raw, "instead_of", at, _MODIFIER, "a modifier"),
            pos=self.checked(raw, "pos", at, _POS, "a two-digit place of service"),
            note=self.text(raw, "note", at, required=False),
            status=self.status(raw, at),
        )
        if "evidence" in raw and not isinstance(raw["evidence"], dict):
            raise self.fail(f"{at}evidence", "must be a table")
        if kind == "denial_pattern":
            carc = raw.get("carc")
            if not isinstance(carc, str) or not carc.strip():
                raise self.fail(f"{at}carc", "give the claim adjustment reason code")
            diagnoses = raw.get("diagnoses", [])
            if not isinstance(diagnoses, list) or not all(isinstance(d, str) for d in diagnoses):
                raise self.fail(f"{at}diagnoses", "must be a list of diagnosis codes")
            edit = dataclasses.replace(edit, carc=carc.strip(), diagnoses=tuple(diagnoses))
        return self.kind_fields(edit, raw, at)

    def status(self, raw: Mapping[str, Any], at: str) -> str:
        value = raw.get("status", "stable")
        if value not in STATUSES:
            raise self.fail(f"{at}status", f"{value!r} is not one of {', '.join(STATUSES)}")
        return str(value)

    def kind_fields(self, edit: PackEdit, raw: Mapping[str, Any], at: str) -> PackEdit:
        if edit.kind == "telehealth" and not edit.pos:
            raise self.fail(f"{at}pos", "list the places of service the payer accepts")
        if edit.kind == "modifier_required":
            if not edit.modifiers:
                raise self.fail(f"{at}modifiers", "list the modifier(s) the payer requires")
            if not edit.instead_of and not edit.codes:
                raise self.fail(f"{at}codes", "give codes, or instead_of, to say where it applies")
        if edit.kind == "authorization" and not edit.codes:
            raise self.fail(f"{at}codes", "list the codes or ranges needing authorization")
        if edit.kind == "filing_limit":
            limit = raw.get("limit")
            try:
                parse_limit(limit if isinstance(limit, str) else "")
            except UsageError:
                raise self.fail(
                    f"{at}limit", f"{limit!r} is not a limit like '90d' or '12m'"
                ) from None
            assert isinstance(limit, str)
            return dataclasses.replace(edit, limit=limit.strip())
        if edit.kind == "ncci":
            for key in ("ptp", "mue"):
                if key in raw and not isinstance(raw[key], bool):
                    raise self.fail(f"{at}{key}", "must be true or false")
            if "ptp" not in raw:
                raise self.fail(f"{at}ptp", "is required (true or false)")
            return dataclasses.replace(edit, ptp=raw["ptp"], mue=raw.get("mue"))
        return edit

    def pack(self, text: str) -> Pack:
        try:
            doc = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.match(r"(.*) \(at line (\d+), column \d+\)$", str(exc))
            reason, line = (match.group(1), int(match.group(2))) if match else (str(exc), None)
            raise PackError(self.where, f"not valid TOML: {reason}", line=line) from None
        unknown = sorted(set(doc) - {"pack", "edits"})
        if unknown:
            raise self.fail(unknown[0], "unknown table (expected [pack] and [[edits]])")
        head = doc.get("pack")
        if not isinstance(head, dict):
            raise self.fail("pack", "a [pack] table with name and title is required")
        extra = sorted(set(head) - set(_PACK_KEYS))
        if extra:
            raise self.fail(f"pack.{extra[0]}", "unknown key")
        name = self.text(head, "name", "pack.")
        if not _NAME.match(name):
            raise self.fail("pack.name", f"{name!r} must be lower-case letters, digits, hyphens")
        example = head.get("example", False)
        if not isinstance(example, bool):
            raise self.fail("pack.example", "must be true or false")
        raw_edits = doc.get("edits", [])
        if not isinstance(raw_edits, list):
            raise self.fail("edits", "must be an array of tables ([[edits]])")
        edits = tuple(self.edit(raw, i) for i, raw in enumerate(raw_edits))
        seen: set[str] = set()
        for index, edit in enumerate(edits):
            if edit.id in seen:
                raise self.fail(f"edits[{index}].id", f"{edit.id!r} is used twice")
            seen.add(edit.id)
        return Pack(
            name=name,
            title=self.text(head, "title", "pack."),
            source=str(self.where),
            edits=edits,
            description=self.text(head, "description", "pack.", required=False),
            state=self.text(head, "state", "pack.", required=False) or None,
            example=example,
        )


def parse_pack(text: str, where: str | Path = "<pack>") -> Pack:
    """Validate and build a pack from its TOML text; errors name ``where`` and the key."""
    return _Parser(where).pack(text)


def read_pack(path: Path) -> Pack:
    """Read and validate a pack file."""
    if not path.is_file():
        raise UsageError(f"{path}: no such file")
    try:
        text = path.read_text("utf-8")
    except UnicodeDecodeError as exc:
        raise PackError(path, f"not UTF-8 text ({exc.reason})") from None
    return parse_pack(text, path)


@cache
def shipped_packs() -> tuple[Pack, ...]:
    """The packs shipped with cleanclaim (examples), read once."""
    folder = resources.files("cleanclaim.edits.data").joinpath("packs")
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".toml")), key=lambda f: f.name)
    return tuple(parse_pack(f.read_text("utf-8"), f.name) for f in files)


# -- registry ---------------------------------------------------------------------------------


class PackRegistry:
    """Packs by name; a failed (re)load leaves the last good version of a pack in force."""

    def __init__(self, packs: Iterable[Pack] = ()) -> None:
        self._packs: dict[str, Pack] = {}
        for pack in packs:
            self.add(pack)

    def add(self, pack: Pack) -> None:
        """Put ``pack`` in force (replacing an earlier version of the same name)."""
        self._packs[pack.name] = pack

    def load(self, path: Path) -> Pack:
        """Read ``path`` and put it in force; on error nothing changes and it raises."""
        pack = read_pack(path)
        self.add(pack)
        return pack

    def load_dir(self, folder: Path) -> list[PackError]:
        """Load every ``*.toml`` of ``folder``; returns the errors of the files left out."""
        errors: list[PackError] = []
        if not folder.is_dir():
            return errors
        for path in sorted(folder.glob("*.toml")):
            try:
                self.load(path)
            except PackError as exc:
                errors.append(exc)
        return errors

    def get(self, name: str) -> Pack | None:
        return self._packs.get(name)

    def __iter__(self) -> Iterator[Pack]:
        return iter(sorted(self._packs.values(), key=lambda p: p.name))

    def __len__(self) -> int:
        return len(self._packs)

    def for_payer(self, terms: PayerTerms | None) -> tuple[list[Pack], list[str]]:
        """The packs a payer lists that are loaded, and the names that are not."""
        names = terms.rule_packs if terms is not None else ()
        found = [p for n in names if (p := self._packs.get(n)) is not None]
        return found, [n for n in names if n not in self._packs]

    def edits(
        self, terms: PayerTerms | None, kinds: Sequence[str], day: dt.date
    ) -> list[tuple[Pack, PackEdit]]:
        """Edits of ``kinds`` in force on ``day`` in the payer's packs, in pack order."""
        packs, _ = self.for_payer(terms)
        return [(p, e) for p in packs for e in p.in_force(kinds, day)]

    def has_kinds(self, terms: PayerTerms | None, kinds: Sequence[str]) -> bool:
        """Whether any of the payer's packs has an edit of ``kinds`` (on any date)."""
        packs, _ = self.for_payer(terms)
        return any(e.kind in kinds for p in packs for e in p.edits)

    def effective_terms(self, terms: PayerTerms, day: dt.date) -> PayerTerms:
        """``terms`` with the pack overrides in force on ``day`` applied (the last pack
        listed wins): ``filing_limit`` replaces the timely-filing limit, ``ncci`` the
        NCCI PTP and MUE adoption flags."""
        changes: dict[str, Any] = {}
        for _, edit in self.edits(terms, ("filing_limit", "ncci"), day):
            if edit.kind == "filing_limit":
                changes["timely_filing"] = edit.limit
            else:
                changes["ncci_applies"] = edit.ptp
                if edit.mue is not None:
                    changes["mue_applies"] = edit.mue
        return dataclasses.replace(terms, **changes) if changes else terms


@cache
def shipped_registry() -> PackRegistry:
    """A registry of the shipped packs only (shared: do not add to it)."""
    return PackRegistry(shipped_packs())


def registry_from(options: Mapping[str, Any]) -> PackRegistry:
    """The registry a rule uses: ``options["packs"]``, else the shipped packs."""
    found = options.get("packs")
    return found if isinstance(found, PackRegistry) else shipped_registry()


def user_pack_dir() -> Path:
    """Where a user's own packs live: ``<data_dir>/packs``."""
    from cleanclaim.settings import get_settings

    return get_settings().data_dir / "packs"


def load_registry(user_dir: Path | None = None) -> tuple[PackRegistry, list[PackError]]:
    """The shipped packs plus the user's (same name: the user's wins), and load errors."""
    registry = PackRegistry(shipped_packs())
    errors = registry.load_dir(user_dir if user_dir is not None else user_pack_dir())
    return registry, errors
