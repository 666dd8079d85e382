"""`vodspec fetch`: download each source's page into raw/, safely and only when it changed.

The manifest is read with the build's loader, so fetch refuses what the build refuses, and
every target must resolve to a file inside the raw dir (no link leading out). Downloads use
urllib with the proxies of the environment (HTTPS_PROXY, HTTP_PROXY, NO_PROXY), http and
https only, separate connect and read timeouts plus an overall deadline per source, at most
MAX_REDIRECTS redirects and only to the same host (http may upgrade to https), a size cap
on the body as sent and as decoded (gzip and deflate), and a check that the body is as long
as its Content-Length. A page replaces its raw file (atomically) only if it scrapes as the
kind and service its manifest entry names. Conditional GET: the ETag and Last-Modified of
the last download are kept in raw/sources.json, which is rewritten (atomically, every other
key and the order kept) only when one of them changed. Each source's failure is reported
as an outcome; the other sources are still fetched.
"""

from __future__ import annotations

import contextlib
import functools
import http.client
import re
import socket
import ssl
import string
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from vodspec.errors import (
    FetchError,
    ManifestError,
    PageRefusedError,
    VodspecError,
    VodspecWarning,
)
from vodspec.files import dump_json, inside, read_json, read_regular
from vodspec.layout import MAX_PAGE_BYTES
from vodspec.tools.publish.atomic import replace_file
from vodspec.tools.publish.build import scrape_source
from vodspec.tools.publish.manifest import MANIFEST_NAME, SourceEntry, load_manifest

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
#: The most one source may take, however slowly the server trickles its bytes.
DEADLINE = 60.0
#: What a documentation page may be served as: the Markdown source or the rendered page.
ACCEPTED_TYPES = ("text/html", "text/markdown", "text/x-markdown", "text/plain")
USER_AGENT = "vodspec-fetch (+https://pypi.org/project/vodspec/)"
#: A header value we may send or keep: Latin-1 without control characters (so no CR/LF).
_HEADER_VALUE = re.compile(r"[\t\x20-\x7e\x80-\xff]{1,1024}")


@dataclass(frozen=True)
class Fetched:
    status: Literal["changed", "unchanged"]
    body: bytes | None
    etag: str | None
    last_modified: str | None


def header_value(value: str | None) -> str | None:
    """``value`` if it is safe as an HTTP header value, else None (treated as absent)."""
    return value if value is not None and _HEADER_VALUE.fullmatch(value) else None


class _Budget:
    """One source's time: a deadline enforced by shutting its sockets down when it passes.

    Socket timeouts bound each read, not the sum of them: a server sending one byte a
    second would never trip them, so a timer cuts the connection off instead.
    """

    def __init__(self, connect_timeout: float, read_timeout: float, deadline: float) -> None:
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout
        self.seconds, self.ends = deadline, time.monotonic() + deadline
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(deadline, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def timeout(self) -> float:
        """The connect timeout, shortened so that connecting cannot outlast the deadline."""
        return max(0.01, min(self.connect_timeout, self.ends - time.monotonic()))

    def check(self, url: str) -> None:
        if self.expired or time.monotonic() >= self.ends:
            raise FetchError(f"{url}: cut off at the deadline of {self.seconds:g} s")

    def stop(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    # OSError: already closed, or detached by the TLS wrapper.
    with contextlib.suppress(OSError):
        # The base method: SSLSocket.shutdown would also drop its TLS state under a reader.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


class _Connection(http.client.HTTPConnection):
    """An HTTP connection whose sockets the budget can cut off."""

    budget: _Budget

    def connect(self) -> None:
        self.timeout = self.budget.timeout()
        self._create_connection = self._watched_socket
        super().connect()
        self.budget.watch(self.sock)  # TLS wraps the socket into a new object
        self.sock.settimeout(self.budget.read_timeout)

    def _watched_socket(
        self, address: tuple[str, int], timeout: float, source: tuple[str, int] | None = None
    ) -> socket.socket:
        sock = socket.create_connection(address, timeout, source)
        self.budget.watch(sock)
        return sock


class _TLSConnection(_Connection, http.client.HTTPSConnection):
    pass


class _Connections(urllib.request.AbstractHTTPHandler):
    """urllib's http and https handler, with connections bound to one source's budget."""

    def __init__(self, budget: _Budget) -> None:
        super().__init__()
        self.budget = budget
        self.context = ssl.create_default_context()

    def _plain(self, host: str, /, **options: Any) -> http.client.HTTPConnection:
        connection = _Connection(host, **options)
        connection.budget = self.budget
        return connection

    def _tls(self, host: str, /, **options: Any) -> http.client.HTTPConnection:
        connection = _TLSConnection(host, context=self.context, **options)
        connection.budget = self.budget
        return connection

    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._plain, req)

    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        return self.do_open(self._tls, req)

    http_request = urllib.request.AbstractHTTPHandler.do_request_
    https_request = urllib.request.AbstractHTTPHandler.do_request_


def checked_url(url: str, base: str | None = None) -> str:
    """``url`` (relative to ``base``) if it is an http(s) URL with a host and a valid port."""
    try:
        url = urllib.parse.urljoin(base, url) if base else url
        parts = urllib.parse.urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        raise FetchError(f"refusing {url!r}: malformed URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise FetchError(f"refusing {url!r}: only http and https URLs are fetched")
    if "\\" in parts.netloc or "@" in parts.netloc:
        # A browser reads "\\" as "/" and "@" starts a user name: "evil\\@docs" is not docs.
        raise FetchError(f"refusing {url!r}: a user name or a backslash in the host part")
    # Spaces and non-ASCII characters are escaped, as a browser would; '%' escapes are kept.
    return urllib.parse.quote(url, safe=string.punctuation)


def _origin(parts: urllib.parse.SplitResult) -> tuple[str, int]:
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def redirect_target(chain: list[str], location: str) -> str:
    """Where a redirect from ``chain[-1]`` leads, if it is allowed; else a FetchError.

    Allowed: the host of ``chain[0]`` (same port, or http upgraded to https on 443), no
    scheme downgrade, no loop, at most MAX_REDIRECTS in all.
    """
    target = checked_url(location, chain[-1])
    if target in chain:
        raise FetchError(f"redirect loop: {' -> '.join([*chain, target])}")
    if len(chain) > MAX_REDIRECTS:
        raise FetchError(f"{chain[0]}: more than {MAX_REDIRECTS} redirects")
    first, previous = urllib.parse.urlsplit(chain[0]), urllib.parse.urlsplit(chain[-1])
    new = urllib.parse.urlsplit(target)
    upgraded = previous.scheme == "http" and new.scheme == "https"
    same_host = _origin(new) == _origin(first) or (
        upgraded and _origin(new) == (_origin(first)[0], 443)
    )
    if not same_host or (new.scheme != previous.scheme and not upgraded):
        raise FetchError(f"{chain[-1]}: refusing a redirect to another host or scheme: {target}")
    return target


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only where :func:`redirect_target` allows, with the same headers."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        self.chain, self.headers = [url], headers

    def http_error_302(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
    ) -> Any:
        fp.close()
        location = headers.get("Location")
        if not location:
            raise FetchError(f"{req.full_url}: redirect {code} without a Location")
        target = redirect_target(self.chain, location)
        self.chain.append(target)
        request = urllib.request.Request(target, headers=self.headers)
        return self.parent.open(request, timeout=req.timeout)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener(url: str, headers: dict[str, str], budget: _Budget) -> urllib.request.OpenerDirector:
    """http and https only (no file:, ftp: or data:), proxies from the environment."""
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        _Connections(budget),
        _Redirects(url, headers),
        urllib.request.UnknownHandler(),  # e.g. a socks proxy: an error, not None
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
    ):
        opener.add_handler(handler)
    return opener


def _request_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(ACCEPTED_TYPES),
        "Accept-Encoding": "gzip, deflate",
    }
    for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified)):
        safe = header_value(value)  # never a CR/LF or non-Latin-1 value from the manifest
        if safe:
            headers[name] = safe
    return headers


def download(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    deadline: float = DEADLINE,
    max_bytes: int = MAX_PAGE_BYTES,
) -> Fetched:
    """GET ``url`` (see the module docstring for the rules); 304 means unchanged.

    An ``etag`` or ``last_modified`` that is not a safe header value is not sent.
    """
    headers = _request_headers(etag, last_modified)
    url = checked_url(url)
    budget = _Budget(connect_timeout, read_timeout, deadline)
    try:
        with _opener(url, headers, budget).open(
            urllib.request.Request(url, headers=headers), timeout=budget.timeout()
        ) as response:
            return _fetched(response, budget, max_bytes)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 304 and ("If-None-Match" in headers or "If-Modified-Since" in headers):
            return Fetched("unchanged", None, header_value(etag), header_value(last_modified))
        raise FetchError(f"{exc.filename or url}: HTTP {exc.code} {exc.reason}") from None
    except (OSError, http.client.HTTPException, ValueError, OverflowError) as exc:
        budget.check(url)
        raise FetchError(f"{url}: {_reason(exc, url)}") from None
    finally:
        budget.stop()


def _reason(exc: BaseException, url: str) -> str:
    """Why a download failed, in words (the host named where the network is the cause)."""
    import socket

    if isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, BaseException):
        exc = exc.reason
    host = urllib.parse.urlsplit(url).hostname or url
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, socket.gaierror):
        return f"cannot look up the host {host}: no network, or no such host ({exc.strerror})"
    if isinstance(exc, ConnectionRefusedError):
        return f"{host} refused the connection (nothing listens there)"
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot reach {host}: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"


def _fetched(response: http.client.HTTPResponse, budget: _Budget, max_bytes: int) -> Fetched:
    url = response.url
    budget.check(url)  # a cut-off while the headers trickled in looks like their end
    content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
    if content_type not in ACCEPTED_TYPES:
        raise FetchError(
            f"{url}: content type {content_type or 'none'!r};"
            f" expected one of {', '.join(ACCEPTED_TYPES)}"
        )
    body = _read_body(response, budget, max_bytes)
    body = decode_body(body, response.getheader("Content-Encoding") or "", max_bytes)
    return Fetched(
        "changed",
        body,
        header_value(response.getheader("ETag")),
        header_value(response.getheader("Last-Modified")),
    )


def _read_body(response: http.client.HTTPResponse, budget: _Budget, max_bytes: int) -> bytes:
    """The body as sent, refused if over the cap, past the deadline or short of its length."""
    url = response.url
    declared = response.getheader("Content-Length")
    if declared is not None and not declared.strip().isdigit():
        raise FetchError(f"{url}: malformed Content-Length {declared!r}")
    expected = int(declared) if declared is not None else None
    if expected is not None and expected > max_bytes:
        raise FetchError(f"{url}: {expected:,} bytes is over the cap of {max_bytes:,}")
    chunks, size = [], 0
    # read1 returns what one socket read gives, so the deadline is checked as bytes arrive.
    while chunk := response.read1(64 * 1024):
        budget.check(url)
        size += len(chunk)
        if size > max_bytes:
            raise FetchError(f"{url}: the body is over the cap of {max_bytes:,} bytes")
        chunks.append(chunk)
    budget.check(url)
    if expected is not None and size < expected:
        raise FetchError(f"{url}: short read: {size:,} of {expected:,} bytes (connection closed)")
    return b"".join(chunks)


def decode_body(body: bytes, encoding: str, max_bytes: int) -> bytes:
    """Undo a gzip or deflate Content-Encoding, capping the decoded size; refuse others."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "x-gzip", "deflate"):
        raise FetchError(
            f"content encoding {encoding!r} is not supported; expected gzip or deflate"
        )
    try:
        if encoding != "deflate":
            return _inflate(body, 16 + zlib.MAX_WBITS, max_bytes)
        try:
            return _inflate(body, zlib.MAX_WBITS, max_bytes)  # zlib-wrapped, as the RFC says
        except zlib.error:
            return _inflate(body, -zlib.MAX_WBITS, max_bytes)  # raw, as some servers send
    except zlib.error as exc:
        raise FetchError(f"cannot decode the {encoding} body: {exc}") from None


def _inflate(data: bytes, wbits: int, max_bytes: int) -> bytes:
    inflater = zlib.decompressobj(wbits)
    decoded = inflater.decompress(data, max_bytes + 1)  # a bomb stops at the cap
    if len(decoded) > max_bytes:
        raise FetchError(f"the decoded body is over the cap of {max_bytes:,} bytes")
    if not inflater.eof:
        raise FetchError("the compressed body is truncated")
    if inflater.unused_data:
        raise FetchError("data after the end of the compressed body")
    return decoded


def _load(raw_dir: Path) -> tuple[list[SourceEntry], list[dict[str, Any]]]:
    """The validated entries and, for writing back, the manifest's JSON objects as they are."""
    entries = load_manifest(raw_dir)
    path = raw_dir / MANIFEST_NAME
    stored = read_json(path)
    ids = [item.get("id") if isinstance(item, dict) else None for item in stored or []]
    if not isinstance(stored, list) or ids != [entry.id for entry in entries]:
        raise ManifestError("the manifest changed while fetch was reading it", file=str(path))
    for entry in entries:
        _target(raw_dir, entry)
    return entries, stored


def _target(raw_dir: Path, entry: SourceEntry) -> Path:
    """The entry's raw file: inside the raw dir, neither the dir itself nor the manifest."""
    target = raw_dir / entry.file
    try:
        misplaced = (
            not inside(target, raw_dir)
            or target.resolve() in (raw_dir.resolve(), (raw_dir / MANIFEST_NAME).resolve())
            or target.is_dir()
        )
    except (OSError, ValueError):  # a name too long for the file system
        misplaced = True
    if misplaced:
        raise ManifestError(
            f"source {entry.id!r}: file {entry.file!r} must name a file inside the raw dir"
            " (not the dir, not the manifest, no link leading out)",
            file=str(raw_dir / MANIFEST_NAME),
        )
    return target


def _check_page(body: bytes, entry: SourceEntry) -> None:
    """Refuse a body that the build could not scrape as this entry's page."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VodspecWarning)  # the build reports them
            scrape_source(body, entry)
    except VodspecError as exc:
        raise PageRefusedError(
            f"the downloaded page is not a {entry.kind} page of {entry.service}"
            f" ({exc}); {entry.file} is left as it was"
        ) from None


def _fetch_one(raw_dir: Path, entry: SourceEntry, get: Callable[..., Fetched]) -> Fetched:
    """Download one source (``get`` is :func:`download` with the limits bound)."""
    target = _target(raw_dir, entry)
    had = read_regular(target) if target.exists() else None
    result = get(
        entry.url,
        etag=entry.etag if had is not None else None,
        last_modified=entry.last_modified if had is not None else None,
    )
    if result.body is None or result.body == had:
        return Fetched("unchanged", None, result.etag, result.last_modified)
    _check_page(result.body, entry)
    _target(raw_dir, entry)  # again: a link leading out may have appeared meanwhile
    try:
        replace_file(target, result.body)
    except OSError as exc:
        raise FetchError(f"cannot write {entry.file}: {exc.strerror}") from None
    return result


def _remember(item: dict[str, Any], result: Fetched) -> bool:
    """Keep the validators for the next conditional GET; whether anything changed."""
    changed = False
    for key, value in (("etag", result.etag), ("last_modified", result.last_modified)):
        if item.get(key) != value:
            item[key] = value
            changed = True
    return changed


def _save(raw_dir: Path, stored: list[dict[str, Any]]) -> None:
    path = raw_dir / MANIFEST_NAME
    data = dump_json(stored)
    try:
        replace_file(path, data)
    except OSError as exc:
        raise ManifestError(
            f"cannot rewrite the manifest: {exc.strerror}", file=str(path)
        ) from None


def fetch_sources(
    raw_dir: Path,
    ids: list[str],
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    deadline: float = DEADLINE,
    max_bytes: int = MAX_PAGE_BYTES,
) -> list[tuple[str, str]]:
    """Fetch the manifest's sources (all, or those in ``ids``): [(id, outcome)] in order.

    The outcome is ``changed``, ``unchanged`` or ``error: why``. A manifest the build
    would refuse, or an unknown id, raises a VodspecError before anything is fetched.
    """
    results = fetch_each(
        raw_dir,
        ids,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        deadline=deadline,
        max_bytes=max_bytes,
    )
    return [
        (source_id, f"error: {result}" if isinstance(result, VodspecError) else result.status)
        for source_id, result in results
    ]


def fetch_each(
    raw_dir: Path,
    ids: list[str],
    *,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    deadline: float = DEADLINE,
    max_bytes: int = MAX_PAGE_BYTES,
) -> list[tuple[str, Fetched | VodspecError]]:
    """:func:`fetch_sources` with each source's result as a value: what was fetched, or
    why not (a :class:`PageRefusedError` when the page came but the build could not read it)."""
    entries, stored = _load(raw_dir)
    unknown = [name for name in ids if name not in {entry.id for entry in entries}]
    if unknown:
        raise FetchError(
            f"no source with id {', '.join(unknown)} in the manifest",
            file=str(raw_dir / MANIFEST_NAME),
        )
    get = functools.partial(
        download,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        deadline=deadline,
        max_bytes=max_bytes,
    )
    results: list[tuple[str, Fetched | VodspecError]] = []
    changed = False
    for entry, item in zip(entries, stored, strict=True):
        if ids and entry.id not in ids:
            continue
        try:
            result = _fetch_one(raw_dir, entry, get)
        except VodspecError as exc:
            results.append((entry.id, exc))
            continue
        changed = _remember(item, result) or changed
        results.append((entry.id, result))
    if changed:
        _save(raw_dir, stored)
    return results


__all__ = ["FetchError", "Fetched", "PageRefusedError", "download", "fetch_each", "fetch_sources"]
