"""The scraping side: a source page in, a validated dataset model out.

Needs the ``scrape`` extra (beautifulsoup4, lxml, pydantic); the accessor never imports it.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from vodspec.errors import InputError, NoTableError, TooLargeError, VodspecError, WrongKindError
from vodspec.layout import ERROR_CODES, STATUS_CODES
from vodspec.scrape.decode import check_size, decode
from vodspec.scrape.error_table import error_records
from vodspec.scrape.kinds import CodeTable, classify
from vodspec.scrape.markup import check_conflict_markers, check_parsed, check_table_markup
from vodspec.scrape.models import Dataset, ErrorDataset, Source, StatusDataset
from vodspec.scrape.page import PageInfo, page_info
from vodspec.scrape.pipe_tables import pipe_tables
from vodspec.scrape.service import ANY_SERVICE, check_service
from vodspec.scrape.status_table import status_records
from vodspec.scrape.tables import Table, html_tables, parse_html

__all__ = ["ANY_SERVICE", "ERROR_CODES", "INITIAL_VERSION", "STATUS_CODES", "read_source", "scrape"]

#: The version of a dataset's first publication.
INITIAL_VERSION = "1.0.0"


def read_source(path: str | os.PathLike[str]) -> bytes:
    """A source file's bytes, refusing files over the cap before reading them."""
    path = Path(path)
    try:
        check_size(path.stat().st_size)
        return path.read_bytes()
    except TooLargeError as exc:
        raise exc.located(str(path)) from None
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", file=str(path)) from None


def scrape(
    source: str | os.PathLike[str] | bytes,
    service: str = "vod",
    *,
    kind: str | None = None,
    file: str | None = None,
    source_id: str | None = None,
    url: str | None = None,
) -> Dataset:
    """Scrape one page (a path or its bytes) into a validated dataset model.

    ``service`` is the service the page must belong to, or ``"any"``; ``kind`` the kind of
    codes it must hold (``status_codes`` or ``error_codes``; None accepts either and the
    dataset says which). ``file``, ``source_id`` and ``url`` describe the source.
    """
    if isinstance(source, bytes):
        data, where = source, file or "<bytes>"
    else:
        data, where = read_source(source), str(source)
    try:
        return _scrape(data, service, kind, file or where, source_id, url)
    except VodspecError as exc:
        raise exc.located(where) from None


def read_tables(text: str) -> list[Table]:
    """Every table of the page, HTML and Markdown pipe tables alike, in page order.

    Refuses table markup that is cut off, unbalanced, or more than the parser kept.
    """
    counts = check_table_markup(text)
    root = parse_html(text)
    check_parsed(counts, root)
    return sorted(html_tables(root) + pipe_tables(text), key=lambda t: t.line)


def code_tables(text: str, kind: str | None) -> tuple[str, list[CodeTable]]:
    """The page's kind and its code tables of that kind, in page order."""
    tables = [found for found in map(classify, read_tables(text)) if found is not None]
    kinds = sorted({table.kind for table in tables})
    if not kinds:
        raise NoTableError(
            "no status-code or error-code table: expected a table headed e.g."
            " 返回值 | 说明, 状态码 | 编码 | 说明 or 状态码 | 错误码 | 错误信息 | …"
        )
    if kind is not None and kind not in kinds:
        raise WrongKindError(f"expected a {kind} page, found {' and '.join(kinds)} tables")
    if kind is None and len(kinds) > 1:
        raise WrongKindError("the page mixes status-code and error-code tables; say which to read")
    page_kind = kind or kinds[0]
    return page_kind, [table for table in tables if table.kind == page_kind]


def _scrape(
    data: bytes, service: str, kind: str | None, file: str, source_id: str | None, url: str | None
) -> Dataset:
    sha256 = hashlib.sha256(data).hexdigest()
    text = decode(data)
    check_conflict_markers(text)
    # Tables first: a cut-off or malformed page is refused as such, whatever else it lacks.
    page_kind, tables = code_tables(text, kind)
    info = page_info(text)
    if info.doc_id is None:
        raise InputError(
            "no '# Title<a name=\"doc-id\"></a>' (or <h1><a name=…>) heading;"
            " expected the doc id of a Huawei Cloud page",
            line=1,
        )
    if page_kind == STATUS_CODES:
        found_service = check_service(info, service)
        records = status_records(tables, info.doc_id, sha256)
        if not records:
            raise NoTableError("the status table has no rows", line=tables[0].table.line)
        return StatusDataset(
            name=f"{found_service or 'unknown'}-status-codes",
            version=INITIAL_VERSION,
            source=_source(info, found_service, source_id, url, file, sha256),
            records=records,
        )
    error_rows = error_records(tables, info.doc_id, sha256)
    if not error_rows:
        raise NoTableError("the error-code table has no rows", line=tables[0].table.line)
    found_service = check_service(info, service, (record.error_code for record in error_rows))
    return ErrorDataset(
        name=f"{found_service or 'unknown'}-error-codes",
        version=INITIAL_VERSION,
        source=_source(info, found_service, source_id, url, file, sha256),
        records=error_rows,
    )


def _source(
    info: PageInfo,
    service: str | None,
    source_id: str | None,
    url: str | None,
    file: str,
    sha256: str,
) -> Source:
    assert info.doc_id is not None  # checked by the caller
    return Source(
        id=source_id or info.doc_id,
        doc_id=info.doc_id,
        title=info.title,
        service=service,
        url=url,
        file=file,
        sha256=sha256,
    )
