"""Classify a practice's stored 835 adjustments into ``denial`` rows, and list them.

:func:`classify_practice` is idempotent: it classifies adjustments (and PLB amounts) that
have no current row, and reclassifies a row when what it computes differs from what is
stored (a new table version, a reversal or split part that arrived later, new findings),
keeping the old values as a history row (:func:`~cleanclaim.storage.tables_denials.
keep_history`). A row an appeal turned into ``payer-error`` stays payer-error.

Listing with attribution (:func:`denial_rows`, :class:`DenialFilters`, :class:`DenialView`,
:func:`denial_kpis`) is implemented in :mod:`cleanclaim.denials.attribution` and exported
here too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from cleanclaim.denials.attribution import DenialFilters, DenialView, denial_kpis, denial_rows
from cleanclaim.denials.carc_table import DenialTable, known_carcs, load_table
from cleanclaim.denials.classify import (
    CLASSIFIER,
    AdjIn,
    ClaimInfo,
    Classified,
    ClpIn,
    LineIn,
    classify_group,
)
from cleanclaim.denials.links import submitted_findings
from cleanclaim.storage.accounts import audit
from cleanclaim.storage.db import read_rows
from cleanclaim.storage.models import Payer
from cleanclaim.storage.tables_denials import DenialRow, keep_history
from cleanclaim.storage.tables_x12 import (
    AdjustmentRow,
    ClaimRow,
    ProviderAdjustmentRow,
    RemitClaimRow,
    RemitLineRow,
    RemittanceRow,
)

__all__ = [
    "ClassifyReport",
    "DenialFilters",
    "DenialView",
    "classify_practice",
    "denial_kpis",
    "denial_rows",
]

BATCH = 1000
"""CLP loops classified per batch (one query each for lines, adjustments, claims...)."""

_COMPUTED = (
    "claim_id", "claim_key", "clm01", "line", "payer", "rarcs", "denial", "line_denied",
    "claim_denied", "partial", "root_cause", "reason", "responsible", "avoidable",
    "explanation", "confidence", "scrub_link", "scrub_link_by", "scrub_rules", "remit_date",
    "counted", "original_root_cause", "classifier_version",
)  # fmt: skip
_VERDICT = ("root_cause", "reason", "responsible", "avoidable", "explanation", "confidence")


@dataclass
class ClassifyReport:
    """What one classification run did."""

    classifier_version: str
    new: int = 0
    reclassified: int = 0
    unchanged: int = 0

    def to_json(self) -> dict[str, Any]:
        return {"classifier_version": self.classifier_version, "new": self.new,
                "reclassified": self.reclassified, "unchanged": self.unchanged}  # fmt: skip


def payer_keys(session: Session) -> dict[str, str]:
    """835 payer id -> payer registry key (ids the registry lists as remit payer ids)."""
    out: dict[str, str] = {}
    for key, ids in session.execute(select(Payer.key, Payer.remit_payer_ids)):
        for pid in ids or []:
            out.setdefault(pid, key)
    return out


def classifier_version(table: DenialTable) -> str:
    return f"{CLASSIFIER}/{table.version}"


def _digest(values: dict[str, Any]) -> str:
    data = json.dumps({k: values[k] for k in _COMPUTED}, sort_keys=True, default=str)
    return hashlib.sha256(data.encode()).hexdigest()


# -- loading ---------------------------------------------------------------------------------


@dataclass
class _Clp:
    id: int
    remittance_id: int
    claim_id: int | None
    clp01: str
    status: str
    paid: Decimal
    chain_role: str
    previous_id: int | None
    remarks: list[str]
    payer_id: str
    remit_date: dt.date | None


def _components(clps: list[_Clp]) -> list[list[_Clp]]:
    """Adjudication groups: same payer and claim version (or CLP01), joined by chains."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    first: dict[tuple[Any, ...], int] = {}
    ids = {c.id for c in clps}
    for c in clps:
        key = (c.payer_id, "c", c.claim_id) if c.claim_id else (c.payer_id, "u", c.clp01)
        parent[find(c.id)] = find(first.setdefault(key, c.id))
        if c.previous_id is not None and c.previous_id in ids:
            parent[find(c.id)] = find(c.previous_id)
    groups: dict[int, list[_Clp]] = defaultdict(list)
    for c in clps:
        groups[find(c.id)].append(c)
    return sorted(groups.values(), key=lambda g: g[0].id)


def _batches(groups: list[list[_Clp]]) -> Iterator[list[list[_Clp]]]:
    batch: list[list[_Clp]] = []
    size = 0
    for g in groups:
        batch.append(g)
        size += len(g)
        if size >= BATCH:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _chunks(values: Sequence[Any], size: int = 900) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _claim_infos(session: Session, claim_ids: list[int], auth_check: set[int]) -> tuple[
        dict[int, ClaimInfo], dict[int, ClaimRow]]:  # fmt: skip
    claims: dict[int, Any] = {}
    for chunk in _chunks(claim_ids):
        for row in read_rows(
            session,
            select(ClaimRow.id, ClaimRow.claim_key, ClaimRow.clm01, ClaimRow.version,
                   ClaimRow.version_kind, ClaimRow.previous_id, ClaimRow.original_id)
            .where(ClaimRow.id.in_(chunk))
        ):  # fmt: skip
            claims[row.id] = row
    auth: set[int] = set()
    for chunk in _chunks(sorted(auth_check & set(claims))):
        for cid, data in read_rows(
            session, select(ClaimRow.id, ClaimRow.claim_json).where(ClaimRow.id.in_(chunk))
        ):
            lines = data.get("lines") or []
            if data.get("prior_authorization") or any(
                ln.get("prior_authorization") for ln in lines
            ):
                auth.add(cid)
    findings = submitted_findings(session, list(claims))
    infos = {
        cid: ClaimInfo(
            version_kind=c.version_kind,
            has_earlier_submission=c.version > 1 or c.previous_id is not None
            or c.original_id is not None,
            has_prior_auth=cid in auth,
            findings=tuple(findings[cid]) if cid in findings else None,
        )
        for cid, c in claims.items()
    }  # fmt: skip
    return infos, claims


# -- classification --------------------------------------------------------------------------


class _Writer:
    """Inserts new rows and reclassifies changed ones, counting both."""

    def __init__(self, session: Session, practice_id: int, user: str, report: ClassifyReport,
                 now: dt.datetime) -> None:  # fmt: skip
        self.session, self.practice_id, self.user = session, practice_id, user
        self.report, self.now = report, now
        self.pending: list[dict[str, Any]] = []

    def put(self, values: dict[str, Any], current: tuple[int, str] | None) -> None:
        values["inputs_hash"] = _digest(values)
        if current is None:
            values.update(practice_id=self.practice_id, created_by=self.user,
                          classified_at=self.now, superseded_by=None)  # fmt: skip
            self.pending.append(values)
            self.report.new += 1
            return
        row_id, stored_hash = current
        if stored_hash == values["inputs_hash"]:
            self.report.unchanged += 1
            return
        row = self.session.get(DenialRow, row_id)
        assert row is not None
        keep_history(self.session, row, self.user)
        if row.root_cause == "payer-error" and values["root_cause"] != "payer-error":
            values["original_root_cause"] = values["root_cause"]
            for name in _VERDICT:
                values[name] = getattr(row, name)
        for name in (*_COMPUTED, "inputs_hash"):
            setattr(row, name, values[name])
        row.classified_at = self.now
        self.report.reclassified += 1

    def flush(self) -> None:
        if self.pending:
            self.session.execute(insert(DenialRow), self.pending)
            self.pending = []
        self.session.flush()


def classify_practice(
    session: Session,
    practice_id: int,
    *,
    user: str,
    table: DenialTable | None = None,
    now: dt.datetime | None = None,
) -> ClassifyReport:
    """Classify what is new or changed among the practice's 835 adjustments (idempotent)."""
    table = table or load_table()
    version = classifier_version(table)
    report = ClassifyReport(version)
    writer = _Writer(session, practice_id, user, report, now or dt.datetime.now(dt.UTC))
    keys = payer_keys(session)
    clps = [
        _Clp(r.id, r.remittance_id, r.claim_id, r.clp01, r.status_code, r.paid, r.chain_role,
             r.previous_id, list(r.remark_codes or []), r.payer_id,
             r.payment_date or r.production_date)
        for r in read_rows(
            session,
            select(RemitClaimRow.id, RemitClaimRow.remittance_id, RemitClaimRow.claim_id,
                   RemitClaimRow.clp01, RemitClaimRow.status_code, RemitClaimRow.paid,
                   RemitClaimRow.chain_role, RemitClaimRow.previous_id,
                   RemitClaimRow.remark_codes, RemittanceRow.payer_id,
                   RemittanceRow.payment_date, RemittanceRow.production_date)
            .join(RemittanceRow, RemittanceRow.id == RemitClaimRow.remittance_id)
            .where(RemitClaimRow.practice_id == practice_id)
            .order_by(RemitClaimRow.id)
        )
    ]  # fmt: skip
    for batch in _batches(_components(clps)):
        _classify_batch(session, batch, table, version, keys, writer)
        writer.flush()
    _classify_plb(session, practice_id, table, version, keys, writer)
    writer.flush()
    if report.new or report.reclassified:
        audit(session, user, practice_id, "classify", "denial", version, report.to_json())
    return report


def classify_and_reconcile(session: Session, practice_id: int, *, user: str) -> ClassifyReport:
    """Classify what is new, then reclassify denials overturned on resubmission: what every
    reader of denials (list, queue, appeals, the report) runs first."""
    from cleanclaim.denials.payer_error import reconcile_resubmissions

    report = classify_practice(session, practice_id, user=user)
    reconcile_resubmissions(session, practice_id, user=user)
    return report


def _classify_batch(
    session: Session, batch: list[list[_Clp]], table: DenialTable, version: str,
    keys: dict[str, str], writer: _Writer,
) -> None:  # fmt: skip
    ids = [c.id for g in batch for c in g]
    lines: dict[int, list[Any]] = defaultdict(list)
    adjs: dict[int, list[Any]] = defaultdict(list)
    current: dict[int | None, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        for ln in read_rows(
            session,
            select(RemitLineRow.id, RemitLineRow.remit_claim_id, RemitLineRow.line_number,
                   RemitLineRow.paid).where(RemitLineRow.remit_claim_id.in_(chunk))
        ):  # fmt: skip
            lines[ln.remit_claim_id].append(ln)
        for a in read_rows(
            session,
            select(AdjustmentRow.id, AdjustmentRow.remit_claim_id, AdjustmentRow.remit_line_id,
                   AdjustmentRow.group_code, AdjustmentRow.carc, AdjustmentRow.amount,
                   AdjustmentRow.rarcs)
            .where(AdjustmentRow.remit_claim_id.in_(chunk)).order_by(AdjustmentRow.id)
        ):  # fmt: skip
            adjs[a.remit_claim_id].append(a)
        for aid, did, digest in read_rows(
            session,
            select(DenialRow.adjustment_id, DenialRow.id, DenialRow.inputs_hash).where(
                DenialRow.remit_claim_id.in_(chunk), DenialRow.superseded_by.is_(None),
                DenialRow.adjustment_id.is_not(None))
        ):  # fmt: skip
            current[aid] = (did, digest)
    claim_ids = sorted({c.claim_id for g in batch for c in g if c.claim_id})
    auth_check = {c.claim_id for g in batch for c in g if c.claim_id
                  and any(a.carc.strip().upper() == "197" for a in adjs[c.id])}  # fmt: skip
    infos, claims = _claim_infos(session, claim_ids, auth_check)
    for group in batch:
        clp_in: list[ClpIn] = []
        raw: dict[int, Any] = {}
        for c in group:
            by_line: dict[int | None, list[AdjIn]] = defaultdict(list)
            for a in adjs[c.id]:
                raw[a.id] = a
                by_line[a.remit_line_id].append(
                    AdjIn(
                        a.id, a.remit_line_id, a.group_code, a.carc, a.amount, tuple(a.rarcs or [])
                    )
                )
            svc = tuple(
                LineIn(ln.id, ln.line_number, ln.paid, tuple(by_line[ln.id]))
                for ln in sorted(lines[c.id], key=lambda x: x.line_number)
            )
            clp_in.append(
                ClpIn(
                    c.id,
                    c.status,
                    c.paid,
                    c.chain_role,
                    c.previous_id,
                    c.claim_id,
                    tuple(c.remarks),
                    tuple(by_line[None]),
                    svc,
                )
            )
        info = {cid: infos[cid] for c in group if (cid := c.claim_id) in infos}
        by_clp = {c.id: c for c in group}
        for cl in classify_group(clp_in, table, known_carcs(), info):
            c = by_clp[cl.remit_claim_id]
            claim = claims.get(c.claim_id) if c.claim_id else None
            values = _values(cl, c, claim, raw[cl.adjustment_id], keys, version)
            writer.put(values, current.get(cl.adjustment_id))


def _values(cl: Classified, c: _Clp, claim: Any, adj: Any, keys: dict[str, str],
            version: str) -> dict[str, Any]:  # fmt: skip
    v = cl.verdict
    return {
        "source": "cas", "adjustment_id": cl.adjustment_id, "provider_adjustment_id": None,
        "remittance_id": c.remittance_id, "remit_claim_id": c.id,
        "remit_line_id": cl.remit_line_id, "claim_id": c.claim_id,
        "claim_key": claim.claim_key if claim else None,
        "clm01": claim.clm01 if claim else c.clp01, "line": cl.line,
        "payer": keys.get(c.payer_id, c.payer_id), "group_code": adj.group_code,
        "carc": adj.carc, "rarcs": list(adj.rarcs or []), "amount": adj.amount,
        "denial": cl.denial, "line_denied": cl.line_denied, "claim_denied": cl.claim_denied,
        "partial": cl.partial, "root_cause": v.root_cause, "reason": v.reason,
        "responsible": v.responsible, "avoidable": v.avoidable, "explanation": v.explanation,
        "confidence": v.confidence, "scrub_link": cl.link.kind, "scrub_link_by": cl.link.by,
        "scrub_rules": list(cl.link.rules), "remit_date": c.remit_date, "counted": cl.counted,
        "original_root_cause": cl.original_root_cause, "classifier_version": version,
    }  # fmt: skip


def _classify_plb(session: Session, practice_id: int, table: DenialTable, version: str,
                  keys: dict[str, str], writer: _Writer) -> None:  # fmt: skip
    current = {
        pid: (did, digest)
        for pid, did, digest in read_rows(
            session,
            select(DenialRow.provider_adjustment_id, DenialRow.id, DenialRow.inputs_hash).where(
                DenialRow.practice_id == practice_id, DenialRow.superseded_by.is_(None),
                DenialRow.provider_adjustment_id.is_not(None))
        )
    }  # fmt: skip
    for plb, remit in session.execute(
        select(ProviderAdjustmentRow, RemittanceRow)
        .join(RemittanceRow, RemittanceRow.id == ProviderAdjustmentRow.remittance_id)
        .where(ProviderAdjustmentRow.practice_id == practice_id)
        .order_by(ProviderAdjustmentRow.id)
    ):  # fmt: skip
        entry = table.plb_entry(plb.reason)
        explanation = entry.explanation + (f" Reference: {plb.reference}." if plb.reference
                                           else "")  # fmt: skip
        values: dict[str, Any] = {
            "source": "plb", "adjustment_id": None, "provider_adjustment_id": plb.id,
            "remittance_id": remit.id, "remit_claim_id": None, "remit_line_id": None,
            "claim_id": None, "claim_key": None, "clm01": None, "line": None,
            "payer": keys.get(remit.payer_id, remit.payer_id), "group_code": "",
            "carc": plb.reason, "rarcs": [], "amount": plb.amount, "denial": False,
            "line_denied": False, "claim_denied": False, "partial": False,
            "root_cause": "not-a-denial", "reason": entry.reason,
            "responsible": entry.responsible, "avoidable": False,
            "explanation": explanation, "confidence": "certain", "scrub_link": None,
            "scrub_link_by": None, "scrub_rules": [],
            "remit_date": remit.payment_date or remit.production_date, "counted": False,
            "original_root_cause": None, "classifier_version": version,
        }  # fmt: skip
        writer.put(values, current.get(plb.id))
