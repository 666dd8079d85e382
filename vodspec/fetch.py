"""`vodspec fetch`: download each source's page into raw/, safely and only when it changed.

Standard library only. http and https only, separate connect and read timeouts, at most
MAX_REDIRECTS redirects, a size cap, conditional GET (the ETag and Last-Modified of the last
download are kept in raw/sources.json) and atomic replacement of the raw file.
"""

from __future__ import annotations

import http.client
import json
import os
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from vodspec.errors import VodspecError
from vodspec.layout import MAX_PAGE_BYTES

MAX_REDIRECTS = 5
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
#: What a documentation page may be served as: the Markdown source or the rendered page.
ACCEPTED_TYPES = ("text/html", "text/markdown", "text/x-markdown", "text/plain")
USER_AGENT = "vodspec-fetch (+https://pypi.org/project/vodspec/)"


class FetchError(VodspecError):
    """A download that failed or was refused."""


@dataclass(frozen=True)
class Fetched:
    status: str  # "changed" or "unchanged"
    body: bytes | None
    etag: str | None
    last_modified: str | None


def _connection(
    url: urllib.parse.SplitResult, connect_timeout: float
) -> http.client.HTTPConnection:
    if url.scheme not in ("http", "https") or not url.hostname:
        raise FetchError(
            f"refusing {urllib.parse.urlunsplit(url)!r}: only http and https URLs are fetched"
        )
    kind = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
    return kind(url.hostname, url.port, timeout=connect_timeout)


def download(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    connect_timeout: float = CONNECT_TIMEOUT,
    read_timeout: float = READ_TIMEOUT,
    max_bytes: int = MAX_PAGE_BYTES,
) -> Fetched:
    """GET ``url`` following at most MAX_REDIRECTS redirects; 304 means unchanged."""
    seen: list[str] = []
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        if current in seen:
            raise FetchError(f"redirect loop: {' -> '.join([*seen, current])}")
        seen.append(current)
        parts = urllib.parse.urlsplit(current)
        connection = _connection(parts, connect_timeout)
        headers = {"User-Agent": USER_AGENT, "Accept": ", ".join(ACCEPTED_TYPES)}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        path = urllib.parse.urlunsplit(("", "", parts.path or "/", parts.query, ""))
        try:
            connection.connect()
            if connection.sock is not None:
                connection.sock.settimeout(read_timeout)
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"{current}: redirect {response.status} without a Location")
                current = urllib.parse.urljoin(current, location)
                continue
            if response.status == 304:
                return Fetched("unchanged", None, etag, last_modified)
            if response.status != 200:
                raise FetchError(f"{current}: HTTP {response.status} {response.reason}")
            content_type = (response.getheader("Content-Type") or "").split(";")[0].strip().lower()
            if content_type not in ACCEPTED_TYPES:
                raise FetchError(
                    f"{current}: content type {content_type or 'none'!r};"
                    f" expected one of {', '.join(ACCEPTED_TYPES)}"
                )
            length = response.getheader("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise FetchError(
                    f"{current}: {int(length):,} bytes is over the cap of {max_bytes:,}"
                )
            body = response.read(max_bytes + 1)
            if len(body) > max_bytes:
                raise FetchError(f"{current}: the body is over the cap of {max_bytes:,} bytes")
            return Fetched(
                "changed", body, response.getheader("ETag"), response.getheader("Last-Modified")
            )
        except TimeoutError:
            raise FetchError(f"{current}: timed out") from None
        except (OSError, http.client.HTTPException) as exc:
            raise FetchError(f"{current}: {type(exc).__name__}: {exc}") from None
        finally:
            connection.close()
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _replace(path: Path, data: bytes) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.part")
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def fetch_sources(raw_dir: Path, ids: list[str], **options: Any) -> list[tuple[str, str]]:
    """Fetch the manifest's sources (all, or those in ``ids``): [(id, outcome)] in order.

    The outcome is ``changed``, ``unchanged`` or ``error: why``. The manifest keeps each
    source's ETag and Last-Modified for the next conditional GET.
    """
    manifest_path = raw_dir / "sources.json"
    try:
        entries: list[dict[str, Any]] = json.loads(manifest_path.read_bytes())
    except (OSError, ValueError) as exc:
        raise FetchError(f"cannot read the manifest: {exc}", file=str(manifest_path)) from None
    known = {entry.get("id") for entry in entries}
    unknown = [name for name in ids if name not in known]
    if unknown:
        raise FetchError(
            f"no source with id {', '.join(unknown)} in the manifest", file=str(manifest_path)
        )
    outcomes = []
    for entry in entries:
        if ids and entry.get("id") not in ids:
            continue
        target = raw_dir / str(entry.get("file"))
        try:
            had = target.read_bytes() if target.exists() else None
            result = download(
                str(entry.get("url")),
                etag=entry.get("etag") if had is not None else None,
                last_modified=entry.get("last_modified") if had is not None else None,
                **options,
            )
        except FetchError as exc:
            outcomes.append((str(entry.get("id")), f"error: {exc}"))
            continue
        status = result.status
        if result.body is not None:
            status = "unchanged" if result.body == had else "changed"
            if status == "changed":
                _replace(target, result.body)
        entry["etag"], entry["last_modified"] = result.etag, result.last_modified
        outcomes.append((str(entry.get("id")), status))
    updated = (json.dumps(entries, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    if updated != manifest_path.read_bytes():
        _replace(manifest_path, updated)
    return outcomes


__all__ = ["FetchError", "Fetched", "download", "fetch_sources"]
