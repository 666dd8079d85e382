"""`vodspec fetch`: download each source's page into raw/, safely and only when it changed.

The manifest is read with the build's loader, and every target must be a file inside the raw
dir. Downloads: httpx with the environment's proxies, http(s) only, connect and read timeouts
plus a deadline per source, at most MAX_REDIRECTS redirects to the same host (http may
upgrade to https), a size cap on the body as sent and as decoded (gzip and deflate, decoded
here: httpx's decoder accepts a truncated gzip body), a body cut short of its Content-Length
or last chunk refused, and only a 200 (or a 304 to a conditional GET) taken. A page
replaces its raw file (atomically) only if it scrapes as its manifest entry says. The ETag
and Last-Modified for the next conditional GET are kept in raw/sources.json with the sha256
of the page they describe (sent only while the file has it), rewritten (every other key and
the order kept) after each source when one changed, read again first: an edit made during
the download is kept. A source's failure is its outcome; the other sources are still fetched.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypedDict, Unpack

import httpx

from vodspec.errors import (
    FetchError,
    ManifestError,
    PageRefusedError,
    VodspecError,
    VodspecWarning,
    shown_path,
)
from vodspec.reading import MAX_PAGE_BYTES, dump_json, inside, read_regular
from vodspec.tools.manifest import (
    MANIFEST_NAME,
    SourceEntry,
    check_doc_id,
    read_manifest,
    scrape_source,
)
from vodspec.tools.publish.atomic import replace_file

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
#: The most one source may take, however slowly the server trickles its bytes.
DEADLINE = 60.0
#: What a documentation page may be served as: the Markdown source or the rendered page.
ACCEPTED_TYPES = ("text/html", "text/markdown", "text/x-markdown", "text/plain")
USER_AGENT = "vodspec-fetch (+https://pypi.org/project/vodspec/)"
#: A header value we may send or keep: Latin-1 without control characters (so no CR/LF),
#: nor white space at either end (h11 refuses to send that).
_HEADER_VALUE = re.compile(
    r"[\x21-\x7e\x80-\xff]([\t\x20-\x7e\x80-\xff]{0,1022}[\x21-\x7e\x80-\xff])?"
)
#: HTTP headers are Latin-1 text, both ways (httpx would guess ASCII or UTF-8 otherwise).
_HEADER_ENCODING = "iso-8859-1"
_REDIRECTS = (301, 302, 303, 307, 308)


@dataclass(frozen=True)
class Fetched:
    status: Literal["changed", "unchanged"]
    #: The page downloaded (None: a 304); a source's outcome, the page its file now holds.
    body: bytes | None
    etag: str | None
    last_modified: str | None


def header_value(value: str | None) -> str | None:
    """``value`` if it is safe as an HTTP header value, else None (treated as absent)."""
    return value if value is not None and _HEADER_VALUE.fullmatch(value) else None


class _Budget:
    """One source's time: timeouts bound each read, not their sum (one byte a second never
    trips them), so a timer shuts the source's sockets down at the deadline."""

    def __init__(self, connect_timeout: float, read_timeout: float, deadline: float) -> None:
        self.connect_timeout, self.read_timeout = connect_timeout, read_timeout
        self.seconds, self.ends = deadline, time.monotonic() + deadline
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(deadline, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def _expire(self) -> None:
        with self._lock:
            for sock in self._sockets:
                _shut(sock)

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpcore's trace hook: each socket once connected, and again once TLS wraps it."""
        extra = getattr(info.get("return_value"), "get_extra_info", None)
        sock = extra("socket") if extra and event.endswith(".complete") else None
        if isinstance(sock, socket.socket):
            with self._lock:
                self._sockets.append(sock)
                if time.monotonic() >= self.ends:  # connected after the timer shut the others
                    _shut(sock)

    def timeout(self) -> httpx.Timeout:
        """The timeouts, the connect one shortened so that it cannot outlast the deadline."""
        remaining = self.ends - time.monotonic()
        return httpx.Timeout(
            self.read_timeout, connect=max(0.01, min(self.connect_timeout, remaining))
        )

    def check(self, url: str) -> None:
        if time.monotonic() >= self.ends:
            raise FetchError(f"{url}: cut off at the deadline of {self.seconds:g} s")

    def stop(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    # OSError: already closed, or detached by the TLS wrapper.
    with contextlib.suppress(OSError):
        # The base method: SSLSocket.shutdown would also drop its TLS state under a reader.
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


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
    try:  # as a browser would: the host in IDNA, spaces and non-ASCII characters escaped
        return str(httpx.URL(url))  # ('%' escapes kept)
    except httpx.InvalidURL as exc:
        raise FetchError(f"refusing {url!r}: malformed URL ({exc})") from None


def _origin(parts: urllib.parse.SplitResult) -> tuple[str, int]:
    return (parts.hostname or "").lower(), parts.port or (443 if parts.scheme == "https" else 80)


def redirect_target(chain: list[str], location: str) -> str:
    """Where a redirect from ``chain[-1]`` leads if allowed: the host of ``chain[0]`` (same
    port, or http upgraded to https on 443), no downgrade, no loop, MAX_REDIRECTS in all."""
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
    """GET ``url`` (see the module docstring for the rules); 304 means unchanged."""
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": ", ".join(ACCEPTED_TYPES),
        "Accept-Encoding": "gzip, deflate",
    }
    for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified)):
        if safe := header_value(value):  # never a CR/LF or non-Latin-1 value from the manifest
            headers[name] = safe
    chain = [url := checked_url(url)]

    def follow(response: httpx.Response) -> None:
        """Check a redirect (its target put on the chain) before httpx reads its Location."""
        response.headers.encoding = _HEADER_ENCODING
        if response.status_code in _REDIRECTS:
            if not (location := response.headers.get("Location")):
                raise FetchError(f"{chain[-1]}: redirect {response.status_code} without a Location")
            # As a browser reads it: bytes that are UTF-8 as UTF-8 ("/p\u00c3\u00a9" is
            # "/p\u00e9", escaped once as "/p%C3%A9").
            with contextlib.suppress(UnicodeError):
                location = location.encode("latin-1").decode("utf-8")
            chain.append(redirect_target(chain, location))

    try:
        # Redirects are followed by _get, not httpx, which would read their bodies uncapped.
        client = httpx.Client(
            headers=httpx.Headers(headers, encoding=_HEADER_ENCODING),
            verify=ssl.create_default_context(),  # the system's CAs, as Python's own clients
            trust_env=True,
            event_hooks={"response": [follow]},
        )
    except (ImportError, ValueError, httpx.InvalidURL) as exc:  # e.g. a socks or bad proxy
        raise FetchError(f"{url}: cannot use the proxy the environment names ({exc})") from None
    # What a 304 stands for: what was last downloaded is current (if it was asked about).
    unchanged = Fetched(
        "unchanged", None, headers.get("If-None-Match"), headers.get("If-Modified-Since")
    )
    budget = _Budget(connect_timeout, read_timeout, deadline)
    try:
        with client:
            return _get(client, chain, budget, max_bytes, unchanged)
    except (httpx.HTTPError, httpx.InvalidURL, OSError, ValueError) as exc:
        budget.check(url)
        raise FetchError(f"{url}: {_reason(exc, url)}") from None
    finally:
        budget.stop()


def _get(
    client: httpx.Client, chain: list[str], budget: _Budget, max_bytes: int, unchanged: Fetched
) -> Fetched:
    """GET ``chain[-1]``, following the redirects the client's hook put on the chain."""
    trace = {"trace": budget.trace}
    while True:
        url = chain[-1]
        with client.stream("GET", url, timeout=budget.timeout(), extensions=trace) as response:
            code = response.status_code
            if code in _REDIRECTS:
                continue
            if code == 304 and (unchanged.etag or unchanged.last_modified):
                return unchanged
            if code != 200:  # 206, 203, 204...: not the whole page as the server holds it
                raise FetchError(
                    f"{url}: HTTP {code} {response.reason_phrase}; expected 200 OK, the whole page"
                )
            content_type = response.headers.get("Content-Type") or ""
            content_type = content_type.split(";")[0].strip().lower()
            if content_type not in ACCEPTED_TYPES:
                raise FetchError(
                    f"{url}: content type {content_type or 'none'!r};"
                    f" expected one of {', '.join(ACCEPTED_TYPES)}"
                )
            body = _read_body(response, url, budget, max_bytes)
            try:
                page = decode_body(body, response.headers.get("Content-Encoding") or "", max_bytes)
            except FetchError as exc:
                raise FetchError(f"{url}: {exc}") from None
            return Fetched(
                "changed",
                page,
                header_value(response.headers.get("ETag")),
                header_value(response.headers.get("Last-Modified")),
            )


def _reason(exc: BaseException, url: str) -> str:
    """Why a download failed, naming the host (the proxy's, if it is the environment's)."""
    parts = urllib.parse.urlsplit(url)
    host = parts.hostname or url
    # The environment's *_PROXY and NO_PROXY variables, as httpx reads them.
    proxies = urllib.request.getproxies_environment()
    proxy = proxies.get(parts.scheme) or proxies.get("all")
    if proxy and not urllib.request.proxy_bypass(parts.hostname or ""):
        try:  # as httpx reads it: "user:password@proxy:3128" is an http:// URL
            name = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}").hostname
        except ValueError:  # "http://[bad": never its text (a password may be in it)
            name = None
        host = f"{name} (the proxy for {host})" if name else f"the proxy for {host}"
    cause = exc
    # httpx's error wraps httpcore's, which was raised while handling the socket's.
    while (inner := cause.__cause__ or cause.__context__) is not None:
        cause = inner
    if isinstance(exc, httpx.TimeoutException) or isinstance(cause, TimeoutError):
        return "timed out"
    if isinstance(exc, httpx.ProxyError):
        return f"the proxy refused the connection to {host}: {exc}"
    if isinstance(cause, socket.gaierror):
        return f"cannot look up the host {host}: no network, or no such host ({cause.strerror})"
    if isinstance(cause, ConnectionRefusedError):
        return f"{host} refused the connection (nothing listens there)"
    if isinstance(cause, OSError) and cause.strerror:
        return f"cannot reach {host}: {cause.strerror}"
    if isinstance(exc, httpx.RemoteProtocolError):  # e.g. a malformed Content-Length
        return f"a bad response from {host} ({exc})"
    return f"{type(exc).__name__}: {exc}"


def _read_body(response: httpx.Response, url: str, budget: _Budget, max_bytes: int) -> bytes:
    """The body as sent, refused if over the cap, past the deadline or short of its length."""
    declared = response.headers.get("Content-Length")  # digits: h11 refuses any other
    expected = int(declared) if declared is not None else None
    if expected is not None and expected > max_bytes:
        raise FetchError(f"{url}: {expected:,} bytes is over the cap of {max_bytes:,}")
    chunks, size = [], 0
    try:
        # iter_raw gives what each socket read gives (still encoded: decode_body undoes it),
        # so the deadline and the cap are checked as the bytes arrive.
        for chunk in response.iter_raw():
            budget.check(url)
            size += len(chunk)
            if size > max_bytes:
                raise FetchError(f"{url}: the body is over the cap of {max_bytes:,} bytes")
            chunks.append(chunk)
    except httpx.RemoteProtocolError as exc:
        # h11 refuses a body cut short of its Content-Length (said below, in these words), a
        # chunked one cut off (no last chunk) or malformed.
        if expected is None or size >= expected:
            budget.check(url)  # the deadline shuts the socket: that is why it broke off
            raise FetchError(f"{url}: the body broke off after {size:,} bytes ({exc})") from None
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
        raise FetchError("the compressed body is cut off before its end")
    if inflater.unused_data:
        raise FetchError("data after the end of the compressed body")
    return decoded


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


def _page(raw_dir: Path, entry: SourceEntry) -> bytes | None:
    """What the entry's file holds (None: no file yet), or a refusal of a file fetch could
    neither compare nor replace (not a regular file, too large, unreadable, in no folder)."""
    target = _target(raw_dir, entry)
    if not (folder := target.resolve().parent).is_dir():
        raise ManifestError(
            f"source {entry.id!r}: there is no folder {shown_path(str(folder))} for file"
            f" {entry.file!r} (fetch makes none); make it, or name a file in a folder",
            file=str(raw_dir / MANIFEST_NAME),
        )
    return read_regular(target) if target.exists() else None


def _fetch_one(raw_dir: Path, entry: SourceEntry, had: bytes | None, limits: Limits) -> Fetched:
    target = _target(raw_dir, entry)
    # The validators describe the page as downloaded: sent only while the file holds it (a
    # 304 would call a page edited by hand since upstream's; it is downloaded whole).
    as_fetched = had is not None and hashlib.sha256(had).hexdigest() == entry.sha256
    result = download(
        entry.url,
        etag=entry.etag if as_fetched else None,
        last_modified=entry.last_modified if as_fetched else None,
        **limits,
    )
    if result.body is None or result.body == had:
        return Fetched("unchanged", had, result.etag, result.last_modified)
    try:  # a page the build could not publish as this entry's is refused
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", VodspecWarning)  # the build reports them
            check_doc_id(raw_dir, entry, scrape_source(result.body, entry, entry.url))
    except VodspecError as exc:
        raise PageRefusedError(
            f"the downloaded page cannot be published as the {entry.kind} page of"
            f" {entry.service} ({exc}); {entry.file} is left as it was"
        ) from None
    _target(raw_dir, entry)  # again: a link leading out may have appeared meanwhile
    try:
        # Through a link (one inside the raw dir: _target says so), which is the user's.
        replace_file(target.resolve(), result.body)
    except OSError as exc:
        raise VodspecError(f"cannot write the page: {exc.strerror}", file=str(target)) from None
    return result


class Limits(TypedDict, total=False):
    """What may be set of :func:`download`'s limits (its defaults otherwise)."""

    connect_timeout: float
    read_timeout: float
    deadline: float
    max_bytes: int


def fetch_each(
    raw_dir: Path, ids: list[str], **limits: Unpack[Limits]
) -> Iterator[tuple[str, Fetched | VodspecError]]:
    """Fetch the manifest's sources (all, or those in ``ids``): what each gave, or why not
    (a FetchError: the download failed; a PageRefusedError: a page the build cannot read;
    another error: the raw dir's), as each is done. A bad manifest, id or raw file raises
    first."""
    entries, stored = read_manifest(raw_dir)
    for entry in entries:
        _target(raw_dir, entry)
    path = raw_dir / MANIFEST_NAME
    unknown = [name for name in ids if name not in {entry.id for entry in entries}]
    if unknown:
        raise FetchError(
            f"no source with id {', '.join(unknown)} in the manifest",
            file=str(path),
        )
    _dumped(stored, path)  # it is rewritten: what it cannot be is refused before any download
    chosen = [entry for entry in entries if not ids or entry.id in ids]
    pages = {entry.id: _page(raw_dir, entry) for entry in chosen}  # before any download too
    for entry in chosen:
        try:
            result = _fetch_one(raw_dir, entry, pages[entry.id], limits)
            _record(raw_dir, entry, result)
        except VodspecError as exc:
            yield entry.id, exc
        else:
            yield entry.id, result


def _record(raw_dir: Path, entry: SourceEntry, result: Fetched) -> None:
    """Keep the validators for the next conditional GET, and the page they describe, in the
    entry's object of the manifest as it is now: read again, so that an edit made during the
    download is kept (an entry whose url or file changed meanwhile is left as it is)."""
    assert result.body is not None  # the page the file holds
    fields = {
        "etag": result.etag,
        "last_modified": result.last_modified,
        "sha256": hashlib.sha256(result.body).hexdigest(),
    }
    path = raw_dir / MANIFEST_NAME
    try:
        entries, stored = read_manifest(raw_dir)
        for now, item in zip(entries, stored, strict=True):
            if (now.id, now.url, now.file) != (entry.id, entry.url, entry.file):
                continue
            changed = {key: value for key, value in fields.items() if item.get(key) != value}
            if changed:
                item.update(changed)
                replace_file(path.resolve(), _dumped(stored, path))  # through a link
    except (VodspecError, OSError) as exc:
        reason = exc.message if isinstance(exc, VodspecError) else exc.strerror
        raise ManifestError(
            f"{entry.file} {result.status}, but its validators cannot be kept in the"
            f" manifest: {reason}",
            file=str(path),
        ) from None


def _dumped(stored: list[dict[str, Any]], path: Path) -> bytes:
    """The manifest's JSON as fetch writes it back, or a refusal of text UTF-8 cannot hold."""
    try:
        return dump_json(stored)
    except UnicodeEncodeError as exc:
        raise ManifestError(
            f"{exc.object[exc.start : exc.end]!r} (a lone surrogate) cannot be written back"
            " as UTF-8, and fetch rewrites the manifest; expected text",
            file=str(path),
        ) from None
