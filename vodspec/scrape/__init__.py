"""The scraping side: a source page in, a validated dataset model out.

Needs the ``scrape`` extra (beautifulsoup4, lxml, pydantic); the accessor never imports it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from vodspec.errors import InputError, TooLargeError, VodspecError
from vodspec.scrape.decode import MAX_BYTES, decode
from vodspec.scrape.markup import check_table_markup
from vodspec.scrape.models import Source, StatusDataset
from vodspec.scrape.page import page_info
from vodspec.scrape.service import ANY_SERVICE, check_service
from vodspec.scrape.status_table import status_records
from vodspec.scrape.tables import html_tables, parse_html

__all__ = ["ANY_SERVICE", "INITIAL_VERSION", "read_source", "scrape"]

#: The version of a dataset's first publication.
INITIAL_VERSION = "1.0.0"


def read_source(path: str | os.PathLike[str]) -> bytes:
    """A source file's bytes, refusing files over the cap before reading them."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise TooLargeError(
                f"input is {size:,} bytes; the cap is {MAX_BYTES:,} bytes", file=str(path)
            )
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from None


def scrape(
    source: str | os.PathLike[str] | bytes,
    service: str = "vod",
    *,
    file: str | None = None,
    source_id: str | None = None,
    url: str | None = None,
) -> StatusDataset:
    """Scrape one page (a path or its bytes) into a validated :class:`StatusDataset`.

    ``service`` is the service the page must belong to, or ``"any"``. ``file``, ``source_id``
    and ``url`` describe the source for the dataset's provenance.
    """
    if isinstance(source, bytes):
        data, where = source, file or "<bytes>"
    else:
        data, where = read_source(source), str(source)
    try:
        return _scrape(data, service, file or where, source_id, url)
    except VodspecError as exc:
        raise exc.located(where) from None


def _scrape(
    data: bytes, service: str, label: str, source_id: str | None, url: str | None
) -> StatusDataset:
    sha256 = hashlib.sha256(data).hexdigest()
    text = decode(data)
    check_table_markup(text)
    info = page_info(text)
    if info.doc_id is None:
        raise InputError(
            "no '# Title<a name=\"doc-id\"></a>' heading;"
            " expected the doc id of a Huawei Cloud page",
            line=1,
        )
    found_service = check_service(info, service)
    records = status_records(html_tables(parse_html(text)), info.doc_id, sha256)
    return StatusDataset(
        name=f"{found_service or 'unknown'}-status-codes",
        version=INITIAL_VERSION,
        source=Source(
            id=source_id or info.doc_id,
            doc_id=info.doc_id,
            title=info.title,
            service=found_service,
            url=url,
            file=label,
            sha256=sha256,
        ),
        records=records,
    )
