"""The inputs rules read from ``RuleContext.options``, gathered for one practice.

Rules stay pure: everything that comes from storage or files (the practice's settings, the
payer packs, stored visit history, the encounter sidecar) is gathered here once per run and
handed to the engine.

=====================  ==============================================================
option                 used by
=====================  ==============================================================
``mac_jurisdiction``   CV101 (LCD articles are chosen by the practice's MAC)
``practice_state``     PO101/PO102 (Maryland hospitals are not subject to POA rules)
``packs``              AU101, PK101 (payer packs; the shipped examples plus the user's)
``visit_history``      EM102 (new-patient check over stored claims)
``hcc_history``        HC102 (recapture over stored claims), when available
``encounters``         EM101 (the encounter documentation sidecar, ``--encounters``)
=====================  ==============================================================
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from cleanclaim.storage.models import Practice


def practice_options(
    session: Session,
    practice_id: int,
    *,
    salt: str | None = None,
    encounters_path: Path | None = None,
) -> dict[str, Any]:
    """Rule options for ``practice_id`` (salt: the practice's patient-key salt)."""
    from cleanclaim.edits.history_sql import SqlVisitHistory
    from cleanclaim.edits.packs import load_registry

    practice = session.get(Practice, practice_id)
    options: dict[str, Any] = {}
    if practice is not None:
        options["mac_jurisdiction"] = practice.mac_jurisdiction
        options["practice_state"] = practice.state
    registry, _errors = load_registry()
    options["packs"] = registry
    options["visit_history"] = SqlVisitHistory(session, practice_id, salt)
    from cleanclaim.edits.hcc_history import StoredHccHistory

    options["hcc_history"] = StoredHccHistory(session, practice_id, salt)
    if encounters_path is not None:
        from cleanclaim.edits.encounters import load

        options["encounters"] = load(encounters_path)
    return options
