"""`vodspec fetch` against a real HTTP server on 127.0.0.1, started inside the test."""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from conftest import PAGE_SHAPES, ROOT, SEED, run_cli

import vodspec.tools.fetch
from vodspec.errors import VodspecError
from vodspec.tools.fetch import Fetched, FetchError, download, fetch_each
from vodspec.tools.scrape.pipeline import scrape


def fetch_sources(raw: Path, ids: list[str], **options: Any) -> list[tuple[str, str]]:
    """Each source's outcome as `vodspec fetch` prints it: changed, unchanged, error: why."""
    return [
        (name, f"error: {result}" if isinstance(result, VodspecError) else result.status)
        for name, result in fetch_each(raw, ids, **options)
    ]


RENDERED = (Path(__file__).parent / "fixtures" / "pages" / "rendered_vod_04_0133.html").read_bytes()
ERRORS = (PAGE_SHAPES / "errors_two_columns.md").read_bytes()
#: The seed without the anchor that gives its doc id: the build needs the manifest's.
NO_DOC_ID = SEED.read_bytes().replace(b'<a name="vod_04_0133"></a>', b"", 1)
ETAG = '"v1"'
LAST_MODIFIED = "Thu, 18 Mar 2021 11:24:15 GMT"
#: The request headers the server received, by path (for the tests that look at them).
RECEIVED: dict[str, Message] = {}
PROXY_VARIABLES = ("http_proxy", "https_proxy", "no_proxy", "all_proxy")


@pytest.fixture(autouse=True)
def no_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Whatever the machine's proxies, these tests talk to 127.0.0.1 directly."""
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)


def raw_deflate(data: bytes) -> bytes:
    compressor = zlib.compressobj(wbits=-zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


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

    def trickle(self, head: bytes, rest: bytes) -> None:
        """Send ``head``, then ``rest`` one byte every 0.2 s (until the client goes away)."""
        try:
            self.wfile.write(head)
            for byte in rest:
                self.wfile.write(bytes([byte]))
                self.wfile.flush()
                time.sleep(0.2)
        except OSError:
            pass

    def do_GET(self) -> None:
        RECEIVED[self.path] = self.headers
        port = self.connection.getsockname()[1]
        gzip_ = {"Content_Encoding": "gzip"}
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
            # The header's bytes are UTF-8 (send_header writes Latin-1): "/pé.md".
            "/utf8-location": lambda: self.send(
                302, Location="/p\u00e9.md".encode().decode("latin-1")
            ),
            "/p%C3%A9.md": lambda: self.send(200, SEED.read_bytes()),
            "/loop-a": lambda: self.send(302, Location="/loop-b"),
            "/loop-b": lambda: self.send(302, Location="/loop-a"),
            "/chain": lambda: self.send(302, Location="/chain-1"),
            "/huge": lambda: self.send(200, b"x" * 5000),
            "/missing": lambda: self.send(404),
            "/broken": lambda: self.send(500),
            # 2xx answers that are not the whole page (whatever body they carry).
            "/partial": lambda: self.send(
                206, SEED.read_bytes()[:100], Content_Range="bytes 0-99/*"
            ),
            "/non-authoritative": lambda: self.send(203, SEED.read_bytes()),
            "/no-content": lambda: self.send(204),
            "/binary": lambda: self.send(200, b"\x89PNG", "image/png"),
            "/ftp": lambda: self.send(302, Location="ftp://127.0.0.1/x"),
            "/errors.md": lambda: self.send(200, ERRORS, ETag='"e1"'),
            "/echo": lambda: self.send(200, SEED.read_bytes(), ETag='"v2"'),
            "/gzip": lambda: self.send(200, gzip.compress(SEED.read_bytes()), **gzip_),
            "/deflate": lambda: self.send(
                200, zlib.compress(SEED.read_bytes()), Content_Encoding="deflate"
            ),
            "/raw-deflate": lambda: self.send(
                200, raw_deflate(SEED.read_bytes()), Content_Encoding="deflate"
            ),
            "/bomb": lambda: self.send(200, gzip.compress(b"x" * 200_000), **gzip_),
            "/corrupt-gzip": lambda: self.send(
                200, gzip.compress(SEED.read_bytes())[:-20], **gzip_
            ),
            "/brotli": lambda: self.send(200, b"\x1b\x00", Content_Encoding="br"),
            "/empty": lambda: self.send(200, b""),
            "/unrelated": lambda: self.send(
                200, b"<html><body><p>Welcome</p></body></html>", "text/html"
            ),
            "/truncated": lambda: self.send(200, SEED.read_bytes()[:6000]),
            "/no-doc-id": lambda: self.send(200, NO_DOC_ID),
            "/away": lambda: self.send(302, Location="http://169.254.169.254/latest/meta-data/"),
            "/other-host": lambda: self.send(302, Location=f"http://localhost:{port}/page.md"),
            "/other-port": lambda: self.send(302, Location="http://127.0.0.1:1/page.md"),
            "/bad-port": lambda: self.send(302, Location="http://127.0.0.1:99999/"),
            "/bad-ipv6": lambda: self.send(302, Location="http://[::1/"),
            "/short": lambda: self.trickle(
                b"HTTP/1.0 200 OK\r\nContent-Type: text/markdown\r\n"
                b"Content-Length: 20000\r\n\r\n" + SEED.read_bytes(),
                b"",
            ),
            "/trickle": lambda: self.trickle(
                b"HTTP/1.0 200 OK\r\nContent-Type: text/markdown\r\nContent-Length: 40\r\n\r\n",
                b"x" * 40,
            ),
            "/chunked-cut": lambda: self.trickle(  # the last chunk (0) never comes
                b"HTTP/1.1 200 OK\r\nContent-Type: text/markdown\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
                + f"{len(SEED.read_bytes()):x}\r\n".encode()
                + SEED.read_bytes()
                + b"\r\n",
                b"",
            ),
            "/trickle-headers": lambda: self.trickle(b"HTTP/1.0 200 OK\r\n", b"X-Slow: " * 6),
            "/folded-etag": lambda: self.trickle(
                b"HTTP/1.0 200 OK\r\nContent-Type: text/markdown\r\n"
                b'ETag: "a"\r\n X-Injected: yes\r\n'
                + f"Content-Length: {len(SEED.read_bytes())}\r\n\r\n".encode()
                + SEED.read_bytes(),
                b"",
            ),
        }
        if self.path.startswith("/hops-"):
            left = int(self.path.rsplit("-", 1)[1])
            self.send(302, Location=f"/hops-{left - 1}") if left else routes["/page.md"]()
        elif self.path.startswith("/chain-"):
            number = int(self.path.rsplit("-", 1)[1])
            self.send(302, Location=f"/chain-{number + 1}")
        elif self.path == "/slow":
            time.sleep(1.5)
            self.send(200, b"late")
        else:
            routes.get(self.path, lambda: self.send(404))()


class ProxyHandler(BaseHTTPRequestHandler):
    """A forward proxy that records the request lines it receives and answers itself."""

    lines: ClassVar[list[str]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.lines.append(self.requestline)
        body = SEED.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "text/markdown")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_CONNECT(self) -> None:
        self.lines.append(self.requestline)
        self.send_error(403)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    yield from serve(Handler)


@pytest.fixture
def proxy() -> Iterator[str]:
    ProxyHandler.lines = []
    yield from serve(ProxyHandler)


class QuietServer(ThreadingHTTPServer):
    """A client that gave up (a timeout under test) makes the late answer fail: that is
    expected here, and its traceback would land in whatever stderr a test is capturing."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    httpd = QuietServer(("127.0.0.1", 0), handler)
    # Polled every 0.05 s, not 0.5: shutdown() waits for the next poll, and a test's proxy
    # is shut down after each test.
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def status_source(url: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": "vod_04_0133",
        "kind": "status_codes",
        "service": "vod",
        "url": url,
        "file": "vod_04_0133.md",
        **fields,
    }


def error_source(url: str, **fields: Any) -> dict[str, Any]:
    return {
        "id": "e",
        "kind": "error_codes",
        "service": "vod",
        "url": url,
        "file": "e.md",
        **fields,
    }


def manifest(tmp_path: Path, url: str, *more: dict[str, Any], **fields: Any) -> Path:
    """raw/ under ``tmp_path`` with one status source (``fields`` override its keys)."""
    raw = tmp_path / "raw"
    raw.mkdir(parents=True)
    sources: Any = [status_source(url, **fields), *more]
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


def test_a_page_edited_since_it_was_fetched_is_downloaded_whole(
    server: str, tmp_path: Path
) -> None:
    """A 304 says upstream's page is the one the validators describe, not that the file
    still holds it: the file edited by hand, they are not sent, and upstream's page is back."""
    raw = manifest(tmp_path, f"{server}/page.md")
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed")]
    edited = SEED.read_bytes().replace(b"</table>", b"</table>\n\nEdited by hand.\n", 1)
    (raw / "vod_04_0133.md").write_bytes(edited)
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed")]
    assert RECEIVED["/page.md"]["If-None-Match"] is None
    assert (raw / "vod_04_0133.md").read_bytes() == SEED.read_bytes()
    assert fetch_sources(raw, []) == [("vod_04_0133", "unchanged")]
    assert RECEIVED["/page.md"]["If-None-Match"] == ETAG


def test_a_page_edited_by_hand_since_it_was_fetched_is_not_dated_by_upstream(
    server: str, tmp_path: Path
) -> None:
    """The Last-Modified fetch keeps is the date of the page it downloaded: a build of the
    page edited since gives that page no date (as for a page dropped into raw/ by hand)."""
    raw = manifest(tmp_path, f"{server}/page.md")
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed")]
    page = raw / "vod_04_0133.md"
    for text, date in [(None, "2021-03-18T11:24:15Z"), ("网关超时，请稍后再试。", None)]:
        if text:
            page.write_text(page.read_text(encoding="utf-8").replace("网关超时。", text), "utf-8")
        result = run_cli("build", "--raw", str(raw), "--data", str(tmp_path / "data"))
        assert result.returncode == 0, result.stderr
        entry = json.loads((tmp_path / "data" / "changes.json").read_bytes())[0]
        assert entry["sources"]["status_codes"]["date"] == date


def test_redirects_are_followed(server: str) -> None:
    assert download(f"{server}/redirect").body == SEED.read_bytes()


def test_a_utf8_location_is_escaped_once_as_a_browser_does(server: str) -> None:
    assert download(f"{server}/utf8-location").body == SEED.read_bytes()


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


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/missing", "HTTP 404"),
        ("/partial", "HTTP 206"),
        ("/non-authoritative", "HTTP 203"),
        ("/no-content", "HTTP 204"),
    ],
)
def test_errors_are_reported_per_source_and_leave_raw_alone(
    server: str, tmp_path: Path, path: str, status: str
) -> None:
    raw = manifest(tmp_path, f"{server}{path}")
    (raw / "vod_04_0133.md").write_bytes(b"old")
    ((source_id, outcome),) = fetch_sources(raw, [])
    assert source_id == "vod_04_0133" and outcome.startswith("error:") and status in outcome
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


@pytest.mark.parametrize(
    "words",
    [
        ["fetch", "--raw", ""],
        ["update", "--raw", ""],
        ["update", "--data", ""],
        ["fetch", "--raw", " "],
    ],
)
def test_an_empty_folder_option_is_refused_not_taken_for_the_current_folder(
    server: str, tmp_path: Path, words: list[str]
) -> None:
    """`--raw "$RAW"` with RAW unset, run in raw/ itself: the current folder was fetched into
    (as `build` refuses it)."""
    raw = manifest(tmp_path, f"{server}/page.md")
    result = run_cli(*words, cwd=raw)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == f"vodspec: {words[1]} is an empty path; expected a folder\n"
    assert sorted(path.name for path in raw.iterdir()) == ["sources.json"]


def sources_of(raw: Path) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = json.loads((raw / "sources.json").read_bytes())
    return entries


# The build's manifest loader; the manifest is the user's file.


@pytest.mark.parametrize(
    "change",
    [
        {"file": "../../outside/x.md"},
        {"file": "ABSOLUTE"},
        {"file": None},
        {"file": "."},
        {"file": "sources.json"},
        {"file": "link.md"},  # a symlink in raw/ leading outside
        {"file": "linked/x.md"},  # a directory symlink in raw/ leading outside
        {"manifest": "dict"},
        {"manifest": 3},
    ],
    ids=str,
)
def test_manifests_the_build_refuses_are_refused(
    server: str, tmp_path: Path, change: dict[str, Any]
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "x.md").write_bytes(b"outside")
    raw = manifest(tmp_path / "a", f"{server}/page.md")
    (raw / "link.md").symlink_to(outside / "x.md")
    (raw / "linked").symlink_to(outside)
    entry = status_source(f"{server}/page.md")
    if "file" in change:
        entry["file"] = str(outside / "x.md") if change["file"] == "ABSOLUTE" else change["file"]
    document: Any = {"dict": entry, 3: 3}.get(change.get("manifest"), [entry])
    (raw / "sources.json").write_text(json.dumps(document), encoding="utf-8")
    before = (raw / "sources.json").read_bytes()
    with pytest.raises(VodspecError) as caught:
        fetch_sources(raw, [])
    assert "\n" not in str(caught.value) and "sources.json" in str(caught.value)
    assert (outside / "x.md").read_bytes() == b"outside"
    assert sorted(path.name for path in outside.iterdir()) == ["x.md"]
    assert (raw / "sources.json").read_bytes() == before


def test_a_raw_file_that_is_no_page_is_refused_before_any_download(
    server: str, tmp_path: Path
) -> None:
    raw = manifest(tmp_path, f"{server}/page.md", error_source(f"{server}/errors.md"))
    os.mkfifo(raw / "e.md")
    with pytest.raises(VodspecError, match=r"e\.md: not a regular file \(a FIFO\)"):
        fetch_sources(raw, [])
    assert sorted(path.name for path in raw.iterdir()) == ["e.md", "sources.json"]


def test_two_sources_of_one_file_are_refused_before_fetching(server: str, tmp_path: Path) -> None:
    """Each page would be written over the other's (and a 304 for the first would call the
    second's page unchanged): refused, as the build refuses it, before any download."""
    raw = manifest(
        tmp_path, f"{server}/page.md", error_source(f"{server}/errors.md", file="./x.md")
    )
    (raw / "sources.json").write_text(
        (raw / "sources.json").read_text(encoding="utf-8").replace("vod_04_0133.md", "x.md"),
        encoding="utf-8",
    )
    with pytest.raises(VodspecError, match="'vod_04_0133' and 'e' name the same file"):
        fetch_sources(raw, [])
    assert sorted(path.name for path in raw.iterdir()) == ["sources.json"]


def test_refused_manifest_is_one_line_and_exit_1(server: str, tmp_path: Path) -> None:
    raw = manifest(tmp_path / "a", f"{server}/page.md", file="../../outside/x.md")
    result = run_cli("fetch", "--raw", str(raw))
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "must stay inside the raw dir" in result.stderr


def test_manifest_keeps_keys_and_order_and_is_rewritten_only_on_change(
    server: str, tmp_path: Path
) -> None:
    errors = error_source(f"{server}/errors.md", title="错误码", note="kept")
    raw = manifest(tmp_path, f"{server}/page.md", errors, title="状态码")
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed"), ("e", "changed")]
    entries = sources_of(raw)
    assert [entry["id"] for entry in entries] == ["vod_04_0133", "e"]
    # A validator the server did not send is not added as null.
    assert list(entries[1]) == [*error_source("", title="", note=""), "etag", "sha256"]
    assert entries[1]["note"] == "kept" and entries[1]["etag"] == '"e1"'
    assert entries[0]["etag"] == ETAG and entries[0]["last_modified"] == LAST_MODIFIED
    # The user's own formatting, with the validators already current: fetch must not touch it.
    compact = json.dumps(entries, separators=(",", ":")).encode()
    (raw / "sources.json").write_bytes(compact)
    stamp = (raw / "sources.json").stat().st_mtime_ns
    assert fetch_sources(raw, []) == [("vod_04_0133", "unchanged"), ("e", "unchanged")]
    assert (raw / "sources.json").read_bytes() == compact
    assert (raw / "sources.json").stat().st_mtime_ns == stamp


def test_a_manifest_that_cannot_be_written_back_is_refused_before_fetching(
    server: str, tmp_path: Path
) -> None:
    """JSON may escape a lone surrogate ("\\ud800"), which UTF-8 cannot hold: fetch, which
    rewrites the manifest, refuses it before downloading (it crashed after, pages written)."""
    raw = manifest(tmp_path, f"{server}/page.md", note="\ud800")
    before = (raw / "sources.json").read_bytes()
    with pytest.raises(VodspecError, match="lone surrogate") as caught:
        fetch_sources(raw, [])
    assert "\n" not in str(caught.value) and "sources.json" in str(caught.value)
    assert sorted(path.name for path in raw.iterdir()) == ["sources.json"]
    assert (raw / "sources.json").read_bytes() == before


@pytest.mark.parametrize(
    "validators",
    [
        {"etag": '"v1"\r\nX-Injected: yes'},
        {"etag": '"\u7248\u672c"'},
        {"last_modified": "Thu, 18 Mar 2021\nX-Injected: yes"},
        {"last_modified": "\u661f\u671f\u56db"},
        {"etag": '"v1" '},  # white space at an end: not a value h11 sends
        {"last_modified": "\tThu, 18 Mar 2021 11:24:15 GMT"},
    ],
    ids=str,
)
def test_unsafe_validators_in_the_manifest_are_never_sent(
    server: str, tmp_path: Path, validators: dict[str, str]
) -> None:
    # The file holds the page they describe: only their being unsafe keeps them from being sent.
    raw = manifest(
        tmp_path, f"{server}/echo", sha256=hashlib.sha256(b"old").hexdigest(), **validators
    )
    (raw / "vod_04_0133.md").write_bytes(b"old")
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed")]
    sent = RECEIVED["/echo"]
    assert sent["If-None-Match"] is None and sent["If-Modified-Since"] is None
    assert sent["X-Injected"] is None
    assert sources_of(raw)[0]["etag"] == '"v2"'


def test_a_header_folded_into_the_etag_is_never_injected(server: str, tmp_path: Path) -> None:
    """The server folds a header line into its ETag (obsolete line folding). Whether the
    client drops that ETag or unfolds it into one line, no line break reaches the manifest
    and the next request carries no header of the server's making."""
    raw = manifest(tmp_path, f"{server}/folded-etag")
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed")]
    kept = sources_of(raw)[0].get("etag")
    assert kept is None or ("\r" not in kept and "\n" not in kept)
    assert fetch_sources(raw, []) == [("vod_04_0133", "unchanged")]
    sent = RECEIVED["/folded-etag"]
    assert sent["X-Injected"] is None and sent["If-None-Match"] == kept


# The manifest is the user's: what they write in it while a page downloads is kept.


def edit_during_the_download(
    monkeypatch: pytest.MonkeyPatch, manifest: Path, edit: Callable[[bytes], bytes]
) -> None:
    """The first download done, ``edit`` rewrites the manifest, as its user might meanwhile."""

    def download_then_edit(url: str, **options: Any) -> Fetched:
        result = download(url, **options)
        if url.endswith("/page.md"):
            manifest.write_bytes(edit(manifest.read_bytes()))
        return result

    monkeypatch.setattr(vodspec.tools.fetch, "download", download_then_edit)


@pytest.mark.parametrize(
    ("change", "recorded"),
    [({"title": "edited"}, True), ({"url": "https://elsewhere.invalid/"}, False)],
    ids=["a key of its own", "the url, which the validators do not describe"],
)
def test_an_edit_of_the_manifest_during_the_download_is_kept(
    server: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: dict[str, str],
    recorded: bool,
) -> None:
    raw = manifest(tmp_path, f"{server}/page.md", error_source(f"{server}/errors.md"))

    def edit(document: bytes) -> bytes:
        entries = json.loads(document)
        entries[0].update(change)
        return json.dumps(entries).encode()

    edit_during_the_download(monkeypatch, raw / "sources.json", edit)
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed"), ("e", "changed")]
    status, errors = sources_of(raw)
    assert {**status_source(f"{server}/page.md"), **change}.items() <= status.items()
    assert ("etag" in status) == recorded and errors["etag"] == '"e1"'
    assert (raw / "vod_04_0133.md").read_bytes() == SEED.read_bytes()


def test_a_manifest_broken_during_the_download_is_left_as_it_is(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = manifest(tmp_path, f"{server}/page.md")
    edit_during_the_download(monkeypatch, raw / "sources.json", lambda document: document[:-1])
    ((_, outcome),) = fetch_sources(raw, [])
    assert outcome.startswith("error: ") and "sources.json" in outcome and "\n" not in outcome
    assert "vod_04_0133.md changed, but its validators cannot be kept" in outcome
    assert (raw / "vod_04_0133.md").read_bytes() == SEED.read_bytes()
    assert json.loads((raw / "sources.json").read_bytes() + b"]") == [
        status_source(f"{server}/page.md")
    ]


# Stay under raw/, even if a link leading out appears while downloading.


def test_a_link_leading_out_that_appears_during_the_download_is_not_followed(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    raw = manifest(tmp_path, f"{server}/page.md", file="sub/x.md")
    (raw / "sub").mkdir()

    def download_then_link(url: str, **options: Any) -> Fetched:
        result = download(url, **options)
        (raw / "sub").rmdir()
        (raw / "sub").symlink_to(outside)
        return result

    monkeypatch.setattr(vodspec.tools.fetch, "download", download_then_link)
    ((_, outcome),) = fetch_sources(raw, [])
    assert outcome.startswith("error:") and "inside the raw dir" in outcome
    assert list(outside.iterdir()) == []


def test_links_inside_the_raw_dir_are_written_through(server: str, tmp_path: Path) -> None:
    """The page and the manifest are links to files inside raw/: the links are the user's,
    the files they lead to get the page and the validators."""
    raw = manifest(tmp_path, f"{server}/page.md")
    (raw / "pages").mkdir()
    (raw / "sources.json").rename(raw / "pages" / "sources.json")
    (raw / "sources.json").symlink_to("pages/sources.json")
    (raw / "vod_04_0133.md").symlink_to("pages/status.md")  # not there yet
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed")]
    assert os.readlink(raw / "vod_04_0133.md") == "pages/status.md"
    assert os.readlink(raw / "sources.json") == "pages/sources.json"
    assert (raw / "pages" / "status.md").read_bytes() == SEED.read_bytes()
    assert sources_of(raw)[0]["etag"] == ETAG
    assert fetch_sources(raw, []) == [("vod_04_0133", "unchanged")]


# An overall deadline per source.


def test_a_trickling_body_is_cut_off_at_the_deadline(server: str, tmp_path: Path) -> None:
    raw = manifest(tmp_path, f"{server}/trickle", error_source(f"{server}/errors.md"))
    (raw / "vod_04_0133.md").write_bytes(b"old")
    started = time.monotonic()
    # The body would take 8 s to trickle in, with no read ever over read_timeout: only the
    # deadline (0.5 s) ends it, well before the bound (which leaves 1.5 s of slack).
    (status, errors) = fetch_sources(raw, [], deadline=0.5, read_timeout=5.0)
    assert time.monotonic() - started < 2.0
    assert status[1].startswith("error:") and "deadline" in status[1]
    assert errors == ("e", "changed")
    assert (raw / "vod_04_0133.md").read_bytes() == b"old"


def test_trickling_headers_are_cut_off_at_the_deadline(server: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match="deadline"):
        download(f"{server}/trickle-headers", deadline=0.5, read_timeout=5.0)
    assert time.monotonic() - started < 2.0  # the headers would take 9.6 s


# Redirects, at most 5, same host only, malformed ones are errors.


def test_five_redirects_are_followed_not_six(server: str) -> None:
    assert download(f"{server}/hops-5").body == SEED.read_bytes()
    with pytest.raises(FetchError, match="more than 5 redirects"):
        download(f"{server}/hops-6")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/away", "another host"),
        ("/other-host", "another host"),
        ("/other-port", "another host"),
        ("/bad-port", "malformed URL"),
        ("/bad-ipv6", "malformed URL"),
    ],
)
def test_redirects_elsewhere_or_malformed_are_refused(server: str, path: str, message: str) -> None:
    started = time.monotonic()
    with pytest.raises(FetchError, match=message):
        download(f"{server}{path}", connect_timeout=1.0)
    assert time.monotonic() - started < 1.5  # refused without connecting anywhere


def test_a_malformed_redirect_fails_only_its_source(server: str, tmp_path: Path) -> None:
    raw = manifest(tmp_path, f"{server}/bad-ipv6", error_source(f"{server}/errors.md"))
    result = run_cli("fetch", "--raw", str(raw))
    assert result.returncode == 1 and result.stdout == "e: changed\n"
    assert result.stderr.count("\n") == 1 and "vod_04_0133: error:" in result.stderr
    assert "Traceback" not in result.stderr
    assert sources_of(raw)[1]["etag"] == '"e1"'  # the manifest is still written


# Proxies from the environment.


@pytest.mark.parametrize("case", [str.upper, str.lower], ids=["upper", "lower"])
def test_proxies_from_the_environment(
    server: str,
    proxy: str,
    monkeypatch: pytest.MonkeyPatch,
    case: Callable[[str], str],
) -> None:
    monkeypatch.setenv(case("http_proxy"), proxy)
    assert download("http://docs.example.invalid/page.md").body == SEED.read_bytes()
    assert ProxyHandler.lines == ["GET http://docs.example.invalid/page.md HTTP/1.1"]
    monkeypatch.setenv(case("no_proxy"), "127.0.0.1")
    assert download(f"{server}/page.md").body == SEED.read_bytes()  # bypassed
    assert len(ProxyHandler.lines) == 1


def test_a_host_outside_ascii_is_asked_for_in_idna_as_a_browser_does(
    proxy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The proxy sees the request line: the host in IDNA (its percent escapes named no host)."""
    monkeypatch.setenv("HTTP_PROXY", proxy)
    assert download("http://例子.测试/page.md").body == SEED.read_bytes()
    assert ProxyHandler.lines == ["GET http://xn--fsqu00a.xn--0zwm56d/page.md HTTP/1.1"]


def test_a_proxy_that_cannot_be_reached_is_named_not_the_host(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:1")
    with pytest.raises(FetchError, match=r"127\.0\.0\.1 \(the proxy for docs\.example\.invalid\)"):
        download("http://docs.example.invalid/page.md", connect_timeout=2.0)


@pytest.mark.parametrize(
    ("proxy", "named"),
    [
        ("user:s3cret@127.0.0.1:1", r"127\.0\.0\.1 \(the proxy for"),  # no scheme: http://
        ("http://user:s3cret@[bad", r"the proxy for docs\.example\.invalid"),  # unparsable
    ],
)
def test_a_proxy_is_named_by_its_host_alone(
    monkeypatch: pytest.MonkeyPatch, proxy: str, named: str
) -> None:
    monkeypatch.setenv("HTTP_PROXY", proxy)
    with pytest.raises(FetchError, match=named) as caught:
        download("http://docs.example.invalid/page.md", connect_timeout=2.0)
    assert "s3cret" not in str(caught.value)


def test_https_goes_through_the_proxy_tunnel(proxy: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", proxy)
    with pytest.raises(FetchError, match="403"):
        download("https://docs.example.invalid/page.md", connect_timeout=2.0)
    assert [line.rsplit(" ", 1)[0] for line in ProxyHandler.lines] == [
        "CONNECT docs.example.invalid:443"
    ]


# Content-Encoding.


@pytest.mark.parametrize("path", ["/gzip", "/deflate", "/raw-deflate"])
def test_compressed_bodies_are_stored_decoded(server: str, tmp_path: Path, path: str) -> None:
    raw = manifest(tmp_path, f"{server}{path}")
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed")]
    assert (raw / "vod_04_0133.md").read_bytes() == SEED.read_bytes()
    assert RECEIVED[path]["Accept-Encoding"] == "gzip, deflate"


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/bomb", "decoded body is over the cap"),
        ("/brotli", "content encoding 'br' is not supported"),
    ],
)
def test_bad_encodings_are_refused(server: str, path: str, message: str) -> None:
    with pytest.raises(FetchError, match=message):
        download(f"{server}{path}", max_bytes=100_000)


# Bodies cut off: the whole page arrived (the scrape would read a cut at a row's end).


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/short", f"short read: {len(SEED.read_bytes()):,} of 20,000 bytes"),
        ("/chunked-cut", f"the body broke off after {len(SEED.read_bytes()):,} bytes"),
        ("/corrupt-gzip", "the compressed body is cut off before its end"),
    ],
)
def test_a_body_cut_off_is_an_error_and_the_old_file_stays(
    server: str, tmp_path: Path, path: str, message: str
) -> None:
    with pytest.raises(FetchError, match=f"^{server}{path}: {message}"):
        download(f"{server}{path}")
    raw = manifest(tmp_path, f"{server}{path}")
    (raw / "vod_04_0133.md").write_bytes(b"old")
    ((_, outcome),) = fetch_sources(raw, [])
    assert outcome.startswith("error: ") and message in outcome
    assert (raw / "vod_04_0133.md").read_bytes() == b"old"
    assert sorted(path.name for path in raw.iterdir()) == ["sources.json", "vod_04_0133.md"]


# Only a page that scrapes as the entry says replaces the raw file.


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/empty", "no status-code or error-code table"),
        ("/unrelated", "no status-code or error-code table"),
        ("/truncated", "cut off"),
        ("/errors.md", "error_codes"),  # the wrong kind
    ],
)
def test_pages_that_do_not_scrape_leave_the_old_file(
    server: str, tmp_path: Path, path: str, message: str
) -> None:
    raw = manifest(tmp_path, f"{server}{path}")
    (raw / "vod_04_0133.md").write_bytes(b"old")
    ((_, outcome),) = fetch_sources(raw, [])
    assert outcome.startswith("error: ") and message in outcome and "\n" not in outcome
    # Where the page read wrong is the page downloaded, not the file (which holds "old").
    assert f"({server}{path}" in outcome and "vod_04_0133.md:" not in outcome
    assert (raw / "vod_04_0133.md").read_bytes() == b"old"
    assert sorted(path.name for path in raw.iterdir()) == ["sources.json", "vod_04_0133.md"]


def test_a_page_the_build_refuses_for_want_of_a_doc_id_leaves_the_old_file(
    server: str, tmp_path: Path
) -> None:
    raw = manifest(tmp_path / "a", f"{server}/no-doc-id")
    (raw / "vod_04_0133.md").write_bytes(SEED.read_bytes())
    ((_, outcome),) = fetch_sources(raw, [])
    assert outcome.startswith("error: ") and "no doc id" in outcome
    assert (raw / "vod_04_0133.md").read_bytes() == SEED.read_bytes()
    # With the doc id in the manifest, the build publishes the page: fetch takes it.
    raw = manifest(tmp_path / "b", f"{server}/no-doc-id", doc_id="vod_04_0133")
    assert fetch_sources(raw, []) == [("vod_04_0133", "changed")]
    assert (raw / "vod_04_0133.md").read_bytes() == NO_DOC_ID


# One line per failure, exit 1, and a closed stdout does not turn it into 0.


def test_a_closed_stdout_does_not_hide_the_errors(server: str, tmp_path: Path) -> None:
    raw = manifest(tmp_path, f"{server}/missing", error_source(f"{server}/errors.md"))
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader went away before anything was printed
    try:
        result = subprocess.run(
            [sys.executable, "-m", "vodspec", "fetch", "--raw", str(raw)],
            cwd=ROOT,
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},  # the write itself must fail
        )
    finally:
        os.close(write_end)
    assert result.returncode not in (0, 3) and "Traceback" not in result.stderr


def test_fetch_without_network_says_so_and_names_the_host(tmp_path: Path) -> None:
    from vodspec.errors import FetchError
    from vodspec.tools.fetch import download

    with pytest.raises(FetchError, match=r"cannot look up the host no-such-host\.invalid"):
        download("http://no-such-host.invalid/page.html")
