"""`vodspec fetch` against a real HTTP server on 127.0.0.1, started inside the test."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import SEED

from vodspec.fetch import FetchError, download, fetch_sources
from vodspec.scrape import scrape

RENDERED = (Path(__file__).parent / "fixtures" / "pages" / "rendered_vod_04_0133.html").read_bytes()
ETAG = '"v1"'


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/markdown; charset=utf-8",
        **headers: str,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        routes = {
            "/page.md": lambda: (
                self.send(304)
                if self.headers.get("If-None-Match") == ETAG
                else self.send(
                    200, SEED.read_bytes(), ETag=ETAG, Last_Modified="Thu, 18 Mar 2021 11:24:15 GMT"
                )
            ),
            "/rendered.html": lambda: self.send(200, RENDERED, "text/html; charset=utf-8"),
            "/redirect": lambda: self.send(302, Location="/page.md"),
            "/loop-a": lambda: self.send(302, Location="/loop-b"),
            "/loop-b": lambda: self.send(302, Location="/loop-a"),
            "/chain": lambda: self.send(302, Location="/chain-1"),
            "/huge": lambda: self.send(200, b"x" * 5000),
            "/missing": lambda: self.send(404),
            "/broken": lambda: self.send(500),
            "/binary": lambda: self.send(200, b"\x89PNG", "image/png"),
            "/ftp": lambda: self.send(302, Location="ftp://127.0.0.1/x"),
        }
        if self.path.startswith("/chain-"):
            number = int(self.path.rsplit("-", 1)[1])
            self.send(302, Location=f"/chain-{number + 1}")
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send(200, b"late")
        else:
            routes.get(self.path, lambda: self.send(404))()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def manifest(tmp_path: Path, url: str) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir(parents=True)
    sources = [
        {
            "id": "vod_04_0133",
            "kind": "status_codes",
            "service": "vod",
            "url": url,
            "file": "vod_04_0133.md",
        }
    ]
    (raw / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    return raw


def test_fetch_then_304_then_build_reads_it(server: str, tmp_path: Path) -> None:
    raw = manifest(tmp_path, f"{server}/page.md")
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed")]
    assert (raw / "vod_04_0133.md").read_bytes() == SEED.read_bytes()
    entry = json.loads((raw / "sources.json").read_bytes())[0]
    assert entry["etag"] == ETAG and entry["last_modified"] == "Thu, 18 Mar 2021 11:24:15 GMT"
    assert fetch_sources(raw, []) == [("vod_04_0133", "unchanged")]  # conditional GET: 304
    assert not list(raw.glob(".*"))  # no temporary files left


def test_redirects_are_followed(server: str) -> None:
    assert download(f"{server}/redirect").body == SEED.read_bytes()


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/loop-a", "redirect loop"),
        ("/chain", "more than 5 redirects"),
        ("/missing", "HTTP 404"),
        ("/broken", "HTTP 500"),
        ("/binary", "content type 'image/png'"),
        ("/ftp", "only http and https"),
    ],
)
def test_refusals(server: str, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        download(f"{server}{path}")


def test_size_cap(server: str) -> None:
    with pytest.raises(FetchError, match="over the cap"):
        download(f"{server}/huge", max_bytes=1000)


def test_slow_response_times_out(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="timed out"):
        download(f"{server}/slow", read_timeout=0.3)
    assert time.monotonic() - started < 1.4


def test_non_http_url_is_refused_without_a_connection() -> None:
    with pytest.raises(FetchError, match="only http and https"):
        download("file:///etc/passwd")


def test_errors_are_reported_per_source_and_leave_raw_alone(server: str, tmp_path: Path) -> None:
    raw = manifest(tmp_path, f"{server}/missing")
    (raw / "vod_04_0133.md").write_bytes(b"old")
    ((source_id, outcome),) = fetch_sources(raw, [])
    assert source_id == "vod_04_0133" and outcome.startswith("error:") and "HTTP 404" in outcome
    assert (raw / "vod_04_0133.md").read_bytes() == b"old"


def test_unknown_id_is_refused(server: str, tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="no source with id nope"):
        fetch_sources(manifest(tmp_path, f"{server}/page.md"), ["nope"])


def test_rendered_html_page_is_accepted(server: str, tmp_path: Path) -> None:
    raw = manifest(tmp_path, f"{server}/rendered.html")
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed")]
    dataset = scrape(raw / "vod_04_0133.md")
    assert dataset.source.doc_id == "vod_04_0133" and dataset.source.title == "状态码"
    assert [(r.code, r.retry.value) for r in dataset.records] == [(404, "do_not_retry")]


def test_cli_exit_status(server: str, tmp_path: Path) -> None:
    from conftest import run_cli

    ok = run_cli("fetch", "--raw", str(manifest(tmp_path / "a", f"{server}/page.md")))
    assert ok.returncode == 0 and ok.stdout.strip() == "vod_04_0133: changed"
    bad = run_cli("fetch", "--raw", str(manifest(tmp_path / "b", f"{server}/broken")))
    assert bad.returncode == 1 and "vod_04_0133: error:" in bad.stderr
