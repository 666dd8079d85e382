"""The scraping pipeline: a source page in, a validated dataset model out."""

from __future__ import annotations

import hashlib
import os
import warnings
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vodspec.errors import (
    CellError,
    InputError,
    NoTableError,
    OddContentWarning,
    VodspecError,
    WrongKindError,
    shown_path,
)
from vodspec.layout import ERROR_CODES, STATUS_CODES
from vodspec.reading import MAX_PAGE_BYTES, read_regular
from vodspec.tools.diff import INITIAL_VERSION
from vodspec.tools.scrape.columns import CodeTable, classify
from vodspec.tools.scrape.conflicts import conflict_error, find_conflict
from vodspec.tools.scrape.decode import decode_with_utf8
from vodspec.tools.scrape.document import line_of, read_document
from vodspec.tools.scrape.error_table import error_records
from vodspec.tools.scrape.models import Dataset, ErrorDataset, PageNote, Source, StatusDataset
from vodspec.tools.scrape.page import PageInfo, page_info
from vodspec.tools.scrape.rows import Origin
from vodspec.tools.scrape.service import check_service
from vodspec.tools.scrape.status_table import status_records
from vodspec.tools.scrape.tables import Table, html_tables
from vodspec.tools.scrape.text import PAGE, located

if TYPE_CHECKING:  # the manifest scrapes its pages through this module
    from vodspec.tools.manifest import SourceEntry

TABLE_WORDS = {STATUS_CODES: "status", ERROR_CODES: "error-code"}
#: Whether odd but clear content (a status cell "N/A") is refused instead of published with
#: a warning (``--strict``).
STRICT: ContextVar[bool] = ContextVar("strict", default=False)


def scrape(
    source: str | os.PathLike[str] | bytes,
    service: str = "vod",
    *,
    kind: str | None = None,
    file: str | None = None,
    listed: SourceEntry | None = None,
) -> Dataset:
    """Scrape one page (a path or its bytes) into a validated dataset model.

    ``service`` may be ``"any"``, ``kind`` None (either); ``listed``: the manifest entry the
    page is published under, whose id, url and doc id describe the source too.
    """
    if isinstance(source, bytes):
        data, where = source, file or "<bytes>"
    else:
        data, where = read_regular(Path(source), MAX_PAGE_BYTES), str(source)
    file = file or where
    source_id, url, doc_id = (listed.id, listed.url, listed.doc_id) if listed else (None,) * 3
    notes: list[PageNote] = []
    page = PAGE.set(shown_path(where))  # for the warnings to name it
    try:
        sha256 = hashlib.sha256(data).hexdigest()
        text, utf8 = decode_with_utf8(data)
        conflict = find_conflict(text)
        if conflict is not None:
            raise conflict_error(conflict, _row_at(text, conflict[0]))
        document = read_document(text, utf8)
        # Tables first: a cut-off or malformed page is refused as such, whatever else it lacks.
        page_kind, tables = code_tables(html_tables(document), kind)
        info = page_info(document.root)
        if info.doc_id is not None and doc_id is not None and info.doc_id != doc_id:
            raise InputError(
                f"the page's heading names doc id {info.doc_id!r}, the manifest {doc_id!r};"
                " expected the same page",
                line=1,
            )
        info = PageInfo(info.title, info.doc_id or doc_id, info.intro)
        origin = Origin(info.doc_id, sha256, notes)
        records: list[Any]
        if page_kind == STATUS_CODES:
            found_service = check_service(info, service)  # another service's page: refused first
            records = status_records(tables, origin)
        else:
            records = error_records(tables, origin)
        if not records:
            held = f"{len(notes)} note row(s) and no record" if notes else "no rows"
            raise NoTableError(
                f"the {TABLE_WORDS[page_kind]} table has {held}", line=tables[0].table.line
            )
        if page_kind == ERROR_CODES:  # the codes tell the service too (VOD.*)
            found_service = check_service(info, service, (record.error_code for record in records))
        model = StatusDataset if page_kind == STATUS_CODES else ErrorDataset
        dataset = model(
            name=f"{found_service or 'unknown'}-{page_kind.replace('_', '-')}",
            version=INITIAL_VERSION,
            source=Source(
                id=source_id or info.doc_id or file,
                doc_id=info.doc_id,
                title=info.title,
                service=found_service,
                url=url,
                file=file,
                sha256=sha256,
            ),
            records=records,  # type: ignore[arg-type]  # the model that matches page_kind
            notes=sorted(notes, key=lambda note: note.line),
        )
        _report(notes)
    except VodspecError as exc:
        raise exc.located(where) from None
    finally:
        PAGE.reset(page)
    return dataset


def _report(notes: list[PageNote]) -> None:
    """Warn of each note (see located); refuse the first one under STRICT."""
    for note in notes:
        text = shown_path(note.text)  # a whole note row may be long: cut as a path is
        if STRICT.get():
            raise CellError(
                f"{note.why} ({text!r}); refused under --strict",
                line=note.line,
                row=note.row,
                column=note.column,
            )
        warnings.warn(
            OddContentWarning(
                f"{located(note.line, note.row)}{note.why} ({text!r}); published as written"
            ),
            stacklevel=3,
        )


def read_tables(text: str) -> list[Table]:
    """Every table of the page, HTML and Markdown pipe tables alike, in page order."""
    return html_tables(read_document(text))


def code_tables(tables: list[Table], kind: str | None) -> tuple[str, list[CodeTable]]:
    """The page's kind and its code tables of that kind, in page order."""
    found = [code for code in map(classify, tables) if code is not None]
    kinds = sorted({table.kind for table in found})
    if not kinds:
        raise NoTableError(
            "no status-code or error-code table: expected a table with a column of HTTP"
            " statuses (404, 404 Not Found) or of error codes (VOD.10053)"
        )
    if kind is not None and kind not in kinds:
        raise WrongKindError(f"expected a page of {kind}, found tables of {' and '.join(kinds)}")
    if kind is None and len(kinds) > 1:
        raise WrongKindError("the page mixes status-code and error-code tables; say which to read")
    page_kind = kind or kinds[0]
    return page_kind, [table for table in found if table.kind == page_kind]


def _row_at(text: str, line: int) -> str | None:
    """The id of the table row holding ``line``, to name it in a refusal."""
    try:
        root = read_document(text).root
    except VodspecError:
        return None
    rows = [] if root is None else [row for row in root.iter("tr") if line_of(row) <= line]
    return rows[-1].get("id") if rows else None
