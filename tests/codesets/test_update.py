"""``codesets update`` against a local HTTP server: fetch, skip, licence page, failures.

Every test points the sources at a server on 127.0.0.1; nothing touches the internet. Kinds
whose loaders belong to other modules are replaced by a stub kind registered for the test.
"""

from __future__ import annotations

import datetime as dt
import io
import socket
import sys
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType

import pytest

from cleanclaim.codesets import kinds
from cleanclaim.codesets.kinds import ImportOptions, KindSpec
from cleanclaim.codesets.loaders._common import package_data, sha256_file
from cleanclaim.codesets.model import Completeness, ParsedRelease, Release
from cleanclaim.codesets.sources import (
    SOURCES,
    Edition,
    Source,
    hcpcs_editions,
    icd10cm_editions,
    mue_editions,
    quarterly_manual,
)
from cleanclaim.codesets.store import CodesetStore
from cleanclaim.codesets.update import update
from cleanclaim.codesets.view import CodesetView
from cleanclaim.errors import CodesetFileError, UsageError

D = dt.date
ICD_2027 = "/files/zip/2027-code-descriptions-tabular-order.zip"
MUE_Q4 = "/files/zip/medicare-ncci-2026-q4-practitioner-services-mue-table.zip"
LICENCE_HTML = (
    b"<!DOCTYPE html><html><head><title>License for use of CPT</title></head><body>"
    b"<p>End user point and click agreement. CPT codes and descriptions are copyright of the "
    b"American Medical Association.</p><form method='post'><button>Accept</button>"
    b"<button>Do not accept</button></form></body></html>"
)
POS_CSV = b"code,effective_from,effective_to,summary\n11,2015-10-01,,Office\n"


def _zip(member: str, text: str | bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr(member, text)
    return buffer.getvalue()


ICD_ZIP = _zip("Code Descriptions/icd10cm_order_2027.txt", "00001 A00     0 Cholera\n")


# -- a local HTTP server --------------------------------------------------------------------


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/zip"
    location: str | None = None


@dataclass
class Server:
    base: str = ""
    routes: dict[str, Route] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def server() -> Iterator[Server]:
    state = Server()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state.requests.append(self.path)
            route = state.routes.get(self.path)
            if route is None:
                self.send_response(404)
                self.send_header("Content-Type", "text/html")
                self.end_headers()
                self.wfile.write(b"<html><body>Page not found</body></html>")
                return
            self.send_response(route.status)
            if route.location is not None:
                self.send_header("Location", route.location)
            self.send_header("Content-Type", route.content_type)
            self.send_header("Content-Length", str(len(route.body)))
            self.end_headers()
            self.wfile.write(route.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.base = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


# -- a stub kind for loaders owned by other modules -------------------------------------------

STUB = "cleanclaim_test_stub_kind"


def _stub_parse(path: Path, options: ImportOptions, kind: str) -> ParsedRelease:
    if path.read_bytes().startswith(b"BAD"):
        raise CodesetFileError(path, "not an order file", line=1)
    assert options.effective_from is not None
    return ParsedRelease(
        kind=kind,
        name=f"{kind} from {path.name}",
        version=options.effective_from.isoformat(),
        effective_from=options.effective_from,
        effective_to=options.effective_to,
        source=path.name,
        sha256=sha256_file(path),
        row_count=1,
        completeness=Completeness(options.completeness or "full"),
        payload=path.read_bytes(),
    )


def _stub_write(parsed: ParsedRelease, dest: Path) -> None:
    (dest / "data.bin").write_bytes(parsed.payload)


def _stub_open(data_dir: Path, release: Release) -> bytes:
    return (data_dir / "data.bin").read_bytes()


@pytest.fixture(autouse=True)
def stub_kinds(monkeypatch: pytest.MonkeyPatch) -> None:
    module = ModuleType(STUB)
    module.parse = _stub_parse  # type: ignore[attr-defined]
    module.write = _stub_write  # type: ignore[attr-defined]
    module.open_table = _stub_open  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, STUB, module)
    for slug in ("icd10cm", "hcpcs", "poa-exempt", "mue-practitioner"):
        monkeypatch.setitem(kinds._BY_SLUG, slug, KindSpec(slug, f"stub {slug}", STUB, "test"))


ICD = [Source("icd10cm", icd10cm_editions)]


def _run(store: CodesetStore, server: Server, through: dt.date, **kwargs: object):  # type: ignore[no-untyped-def]
    kwargs.setdefault("sources", ICD)
    kwargs.setdefault("since", through)
    return update(store, through, base_urls={"cms": server.base}, **kwargs)  # type: ignore[arg-type]


# -- tests ------------------------------------------------------------------------------------


def test_fetches_and_imports_missing_release(empty_store: CodesetStore, server: Server) -> None:
    server.routes[ICD_2027] = Route(body=ICD_ZIP)
    messages: list[str] = []
    report = _run(empty_store, server, D(2026, 10, 15), progress=messages.append)
    [release] = empty_store.releases("icd10cm")
    assert report.kinds["icd10cm"].fetched == [release.release_id]
    assert report.ok and report.fetched == [release.release_id]
    assert (release.effective_from, release.effective_to) == (D(2026, 10, 1), D(2027, 9, 30))
    assert release.source == "2027-code-descriptions-tabular-order.zip"
    assert messages == [f"icd10cm FY2027: downloading {server.base}{ICD_2027}"]
    assert server.requests == [ICD_2027]  # the April 2027 update is not due yet


def test_second_run_fetches_nothing(empty_store: CodesetStore, server: Server) -> None:
    server.routes[ICD_2027] = Route(body=ICD_ZIP)
    first = _run(empty_store, server, D(2026, 10, 15))
    second = _run(empty_store, server, D(2026, 10, 15))
    assert second.kinds["icd10cm"].fetched == []
    assert second.kinds["icd10cm"].present == first.kinds["icd10cm"].fetched
    assert server.requests == [ICD_2027]


def test_same_file_under_a_new_window_is_reported_present(
    empty_store: CodesetStore, server: Server, tmp_path: Path
) -> None:
    path = tmp_path / "2027-code-descriptions-tabular-order.zip"
    path.write_bytes(ICD_ZIP)
    # Installed by hand with other dates: the file name still identifies the edition.
    empty_store.import_file("icd10cm", path, ImportOptions(effective_from=D(2026, 9, 1)))
    report = _run(empty_store, server, D(2026, 10, 15))
    assert report.kinds["icd10cm"].fetched == [] and len(report.kinds["icd10cm"].present) == 1
    assert server.requests == []


def test_fixture_release_does_not_count_as_present(
    empty_store: CodesetStore, server: Server, tmp_path: Path
) -> None:
    sample = tmp_path / "sample.zip"
    sample.write_bytes(_zip("order.txt", "sample"))
    empty_store.import_file(
        "icd10cm", sample, ImportOptions(effective_from=D(2026, 10, 1), completeness="fixture")
    )
    server.routes[ICD_2027] = Route(body=ICD_ZIP)
    report = _run(empty_store, server, D(2026, 10, 15))
    assert len(report.kinds["icd10cm"].fetched) == 1


@pytest.mark.parametrize(
    ("through", "labels"),
    [
        pytest.param(D(2026, 9, 30), ["FY2026", "FY2026 April 1 update"], id="day-before-fy2027"),
        pytest.param(
            D(2026, 10, 1), ["FY2026", "FY2026 April 1 update", "FY2027"], id="first-day-of-fy2027"
        ),
        pytest.param(D(2027, 4, 1), ["FY2027", "FY2027 April 1 update"], id="april-update-due"),
    ],
)
def test_editions_due_by_through(through: dt.date, labels: list[str]) -> None:
    since = D(2026, 9, 1) if through < D(2027, 1, 1) else D(2027, 1, 1)
    assert [e.label for e in icd10cm_editions(since, through)] == labels


def test_through_before_next_release_fetches_nothing(
    empty_store: CodesetStore, server: Server
) -> None:
    server.routes["/files/zip/2026-code-descriptions-tabular-order.zip"] = Route(body=ICD_ZIP)
    _run(empty_store, server, D(2026, 9, 30))
    server.requests.clear()
    report = _run(empty_store, server, D(2026, 9, 30))
    assert report.kinds["icd10cm"].fetched == [] and report.ok
    assert not any("2027" in r for r in server.requests)


@pytest.mark.parametrize(
    "routes",
    [
        pytest.param(
            {
                MUE_Q4: Route(302, location=f"/license/ama?file={MUE_Q4}"),
                f"/license/ama?file={MUE_Q4}": Route(body=LICENCE_HTML, content_type="text/html"),
            },
            id="redirect-to-licence-page",
        ),
        pytest.param(
            {MUE_Q4: Route(body=LICENCE_HTML, content_type="application/octet-stream")},
            id="licence-page-in-place-of-zip",
        ),
    ],
)
def test_licence_page_is_not_imported(
    empty_store: CodesetStore, server: Server, routes: dict[str, Route]
) -> None:
    server.routes.update(routes)
    source = Source("mue-practitioner", mue_editions("mue-practitioner", "practitioner"))
    report = _run(empty_store, server, D(2026, 10, 2), sources=[source])
    assert report.kinds["mue-practitioner"].skipped == [
        f"2026-Q4: the download returned the AMA licence page; download {server.base}{MUE_Q4} "
        "in a browser, accept the licence, then run: "
        "cleanclaim codesets import mue-practitioner <path>"
    ]
    assert report.ok and empty_store.releases("mue-practitioner") == []


def test_manual_kind_is_never_downloaded(empty_store: CodesetStore, server: Server) -> None:
    source = Source(
        "ncci-ptp-practitioner",
        quarterly_manual("ncci-ptp-practitioner"),
        landing="/ptp-page",
        manual=True,
    )
    report = _run(empty_store, server, D(2026, 10, 2), sources=[source])
    assert report.kinds["ncci-ptp-practitioner"].skipped == [
        "2026-Q4: CMS publishes this file behind the AMA licence page under a name that changes "
        f"each release; download it from {server.base}/ptp-page in a browser, accept the "
        "licence, then run: cleanclaim codesets import ncci-ptp-practitioner <path>"
    ]
    assert server.requests == []


def test_404_is_a_failure_line(empty_store: CodesetStore, server: Server) -> None:
    report = _run(empty_store, server, D(2026, 10, 15))
    assert report.kinds["icd10cm"].failed == [
        f"FY2027: not found (HTTP 404): {server.base}{ICD_2027}"
    ]
    assert not report.ok


def test_missing_optional_update_is_a_note(empty_store: CodesetStore, server: Server) -> None:
    server.routes["/files/zip/2027-code-descriptions-tabular-order.zip"] = Route(body=ICD_ZIP)
    report = _run(empty_store, server, D(2027, 4, 2), since=D(2027, 4, 1))
    april = "/files/zip/april-1-2027-code-descriptions-tabular-order.zip"
    assert report.kinds["icd10cm"].notes == [
        f"FY2027 April 1 update: not published (HTTP 404): {server.base}{april}"
    ]
    assert report.ok and len(report.kinds["icd10cm"].fetched) == 1


def test_hcpcs_tries_the_other_file_names(empty_store: CodesetStore, server: Server) -> None:
    plural = "/files/zip/january-2024-alpha-numeric-hcpcs-files.zip"
    server.routes[plural] = Route(body=_zip("HCPC2024_JAN_ANWEB.txt", "A0021"))
    report = _run(empty_store, server, D(2024, 1, 2), sources=[Source("hcpcs", hcpcs_editions)])
    assert len(report.kinds["hcpcs"].fetched) == 1
    assert empty_store.releases("hcpcs")[0].source == "january-2024-alpha-numeric-hcpcs-files.zip"
    assert server.requests == ["/files/zip/january-2024-alpha-numeric-hcpcs-file.zip", plural]


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        pytest.param(Route(500, b"oops", "text/plain"), "HTTP 500 from {url}", id="server-error"),
        pytest.param(
            Route(body=b"<html><body>Maintenance</body></html>", content_type="text/html"),
            "{url} returned a web page, not the data file",
            id="html-not-licence",
        ),
        pytest.param(Route(body=b""), "{url} returned an empty file", id="empty-body"),
    ],
)
def test_bad_answers_are_failure_lines(
    empty_store: CodesetStore, server: Server, route: Route, reason: str
) -> None:
    server.routes[ICD_2027] = route
    report = _run(empty_store, server, D(2026, 10, 15))
    url = f"{server.base}{ICD_2027}"
    assert report.kinds["icd10cm"].failed == ["FY2027: " + reason.format(url=url)]
    assert empty_store.releases("icd10cm") == []


def test_too_large_download_is_refused(empty_store: CodesetStore, server: Server) -> None:
    server.routes[ICD_2027] = Route(body=ICD_ZIP + b"\0" * 4096)
    report = _run(empty_store, server, D(2026, 10, 15), max_bytes=2048)
    assert report.kinds["icd10cm"].failed == [
        f"FY2027: {server.base}{ICD_2027} is larger than 2048 bytes; not imported"
    ]


def test_unreadable_download_is_a_failure_line(empty_store: CodesetStore, server: Server) -> None:
    server.routes[ICD_2027] = Route(body=b"BAD file")
    report = _run(empty_store, server, D(2026, 10, 15))
    [line] = report.kinds["icd10cm"].failed
    assert line.startswith(f"FY2027: downloaded {server.base}{ICD_2027} but could not import it: ")
    assert line.endswith("2027-code-descriptions-tabular-order.zip:1: not an order file")


def test_server_down_is_a_failure_line_per_edition(empty_store: CodesetStore) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    sources = [Source("icd10cm", icd10cm_editions), Source("poa-exempt", SOURCES[1].editions)]
    report = update(
        empty_store, D(2026, 10, 15), since=D(2026, 10, 1), sources=sources, base_urls={"cms": base}
    )
    [icd] = report.kinds["icd10cm"].failed
    [poa] = report.kinds["poa-exempt"].failed
    assert icd.startswith(f"FY2027: cannot download {base}{ICD_2027}: ConnectError")
    assert poa.startswith(f"FY2027: not tried: {base} could not be reached earlier (ConnectError")
    assert not report.ok


def test_curated_kind_through_the_real_loader(empty_store: CodesetStore, server: Server) -> None:
    server.routes["/lists/pos.csv"] = Route(body=POS_CSV, content_type="text/csv")
    source = Source(
        "pos",
        lambda since, through: [
            Edition("pos", "2026 list", D(2026, 1, 1), None, ("/lists/pos.csv",))
        ],
    )
    report = update(empty_store, D(2026, 3, 1), sources=[source], base_urls={"pos": server.base})
    [release] = empty_store.releases("pos")
    assert report.kinds["pos"].fetched == [release.release_id]
    assert release.effective_from == D(2026, 1, 1) and release.source == "pos.csv"
    view = CodesetView(empty_store, D(2026, 2, 1))
    assert view.ask("pos", lambda t: t.get("11", view.on)).value is not None


def test_icd10cm_through_the_real_loader(
    empty_store: CodesetStore, server: Server, monkeypatch: pytest.MonkeyPatch
) -> None:
    sample = package_data("icd10cm", "icd10cm_order_sample.txt")
    if not sample.is_file():
        pytest.skip("no ICD-10-CM order-file sample shipped")
    real = next(k for k in kinds.KINDS if k.slug == "icd10cm")
    monkeypatch.setitem(kinds._BY_SLUG, "icd10cm", real)
    body = _zip("Code Descriptions/icd10cm_order_2027.txt", sample.read_bytes())
    server.routes[ICD_2027] = Route(body=body)
    report = _run(empty_store, server, D(2026, 10, 15))
    [release] = empty_store.releases("icd10cm")
    assert report.kinds["icd10cm"].fetched == [release.release_id] and report.ok
    assert (release.effective_from, release.effective_to) == (D(2026, 10, 1), D(2027, 9, 30))
    again = _run(empty_store, server, D(2026, 10, 15))
    assert again.kinds["icd10cm"].present == [release.release_id]


def test_report_json(empty_store: CodesetStore, server: Server) -> None:
    server.routes[ICD_2027] = Route(body=ICD_ZIP)
    report = _run(empty_store, server, D(2026, 10, 15))
    [rid] = report.fetched
    assert report.to_json() == {
        "since": "2026-10-15",
        "through": "2026-10-15",
        "ok": True,
        "kinds": {
            "icd10cm": {"fetched": [rid], "present": [], "skipped": [], "failed": [], "notes": []}
        },
    }
    assert report.lines() == [f"icd10cm: fetched {rid}"]


def test_default_window_is_the_year_ending_on_through(
    empty_store: CodesetStore, server: Server
) -> None:
    report = update(empty_store, D(2026, 9, 30), sources=ICD, base_urls={"cms": server.base})
    assert report.since == D(2025, 10, 1)
    assert {r for r in server.requests} == {
        "/files/zip/2026-code-descriptions-tabular-order.zip",
        "/files/zip/april-1-2026-code-descriptions-tabular-order.zip",
    }


def test_since_after_through_is_a_usage_error(empty_store: CodesetStore) -> None:
    with pytest.raises(UsageError) as err:
        update(empty_store, D(2026, 1, 1), since=D(2026, 2, 1), sources=[])
    assert str(err.value) == "--since 2026-02-01 is after --through 2026-01-01"


def test_source_table_covers_fetchable_and_licence_gated_kinds() -> None:
    slugs = {s.kind for s in SOURCES}
    wanted = {k.slug for k in kinds.all_kinds() if k.fetchable or k.licence_gated}
    assert slugs == wanted
