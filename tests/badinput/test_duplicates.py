"""Catalogue 43 for remittances: the same 835 twice, at the same time, is stored once.

The 837 cases (in sequence, in threads, in processes) and the 835 in sequence are in
tests/ingest/test_idempotency.py; this adds the concurrent 835.
"""

from __future__ import annotations

import threading
from pathlib import Path

from tests.badinput import _build as b
from tests.badinput.conftest import Counts

from cleanclaim.claims.ingest import FileReport, ingest_file
from cleanclaim.storage.accounts import Actor
from cleanclaim.storage.db import get_engine


def test_concurrent_ingest_of_one_835_keeps_one_copy(
    tmp_path: Path, db_url: str, who: Actor, counts: Counts
) -> None:
    path = b.write(tmp_path, "remit.835", b.REMITS)
    engine = get_engine(db_url)
    barrier = threading.Barrier(2)
    reports: list[FileReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            reports.append(ingest_file(path, who, engine=engine))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(r.duplicate for r in reports) == [False, True]
    assert {(r.claims, r.accepted_sets) for r in reports} == {(3, 2)}
    rows = counts()
    assert (rows["x12_file"], rows["remittance"], rows["remit_claim"]) == (1, 2, 3)
    assert rows["remit_provider_adjustment"] == 2
