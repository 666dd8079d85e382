"""Read error-code tables into ErrorCodeRecords: one per row, or per status a row lists."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

from vodspec.errors import VodspecWarning
from vodspec.tools.scrape.cells import (
    cell_error,
    check_ascii,
    extra_paragraphs,
    provenance,
    validated,
)
from vodspec.tools.scrape.columns import REASON_PHRASE, CodeTable
from vodspec.tools.scrape.models import ErrorCodeRecord
from vodspec.tools.scrape.tables import Row

TEXT_ROLES = ("message", "description", "remedy", "module")
# One status of a status cell: "400" or "400 Bad Request". A cell may list several, one per
# <p> or separated as pages write them: "400/500", "400, 500", "400、500", "400 或 500".
ONE_STATUS = re.compile(rf"[0-9]{{3}}(?: (?:{REASON_PHRASE.pattern}))?")
STATUS_SEPARATORS = ("/", ",", "，", "、", ";", "；", " or ", "或")
ERROR_CODE = re.compile(r"\S+")
#: Template slots in messages: {0}, {name}, {} and printf's %s / %d.
PLACEHOLDER = re.compile(r"\{[^{}\s]*\}|%[sd]")
LOWEST_CODE, HIGHEST_CODE = 100, 599


def _status_parts(paragraphs: tuple[str, ...]) -> list[str] | None:
    """The statuses a cell lists, each "NNN" or "NNN Phrase"; None if it says anything else."""
    if len(paragraphs) == 2 and REASON_PHRASE.fullmatch(paragraphs[1]):
        paragraphs = (f"{paragraphs[0]} {paragraphs[1]}",)  # "400" / "Bad Request"
    parts = []
    for text in paragraphs:
        for separator in STATUS_SEPARATORS[1:]:
            text = text.replace(separator, STATUS_SEPARATORS[0])
        parts += [part.strip() for part in text.split(STATUS_SEPARATORS[0])]
    if not parts or not all(ONE_STATUS.fullmatch(part) for part in parts):
        return None
    return parts


def _statuses(table: CodeTable, row: Row) -> tuple[list[int | None], str | None]:
    """The HTTP statuses a row gives, and the cell's text as written."""
    if "status" not in table.roles:
        return [None], None
    column = table.table.header[table.roles["status"]]
    paragraphs = row.cells[table.roles["status"]].paragraphs
    parts = _status_parts(paragraphs)
    if parts is None:
        raise cell_error(
            row,
            column,
            "expected an HTTP status ('400', '400 Bad Request', '400/500'),"
            f" found {' / '.join(paragraphs) or 'an empty cell'!r}",
        )
    codes: list[int | None] = []
    for part in parts:
        code = int(part[:3])
        if not LOWEST_CODE <= code <= HIGHEST_CODE:
            raise cell_error(
                row,
                column,
                f"HTTP status {code} is outside {LOWEST_CODE}-{HIGHEST_CODE}",
            )
        if code not in codes:
            codes.append(code)
    return codes, "\n".join(paragraphs)


def error_records(
    tables: Iterable[CodeTable], doc_id: str | None, sha256: str
) -> list[ErrorCodeRecord]:
    """Every row of the page's error tables, in page order; exact repeats kept once."""
    records: list[ErrorCodeRecord] = []
    seen: dict[tuple[object, ...], int] = {}
    for table in tables:
        code_column = table.table.header[table.roles["error_code"]]
        for row in table.table.rows:
            code_cell = row.cells[table.roles["error_code"]].paragraphs
            if len(code_cell) == 1:
                check_ascii(code_cell[0], row, code_column, "the error code")
            if len(code_cell) != 1 or not ERROR_CODE.fullmatch(code_cell[0]):
                raise cell_error(
                    row,
                    code_column,
                    "expected one error code without spaces, found"
                    f" {' / '.join(code_cell) or 'an empty cell'!r}",
                )
            texts = {
                role: "\n".join(row.cells[table.roles[role]].paragraphs) or None
                if role in table.roles
                else None
                for role in TEXT_ROLES
            }
            if extra := extra_paragraphs(table, row):
                texts["description"] = "\n".join(filter(None, (texts["description"], *extra)))
            statuses, status_text = _statuses(table, row)
            for status in statuses:
                content = (code_cell[0], status, status_text, *texts.values())
                if content in seen:
                    warnings.warn(
                        VodspecWarning(
                            f"line {row.line}: row {code_cell[0]} repeats the row at line"
                            f" {seen[content]} exactly; kept once"
                        ),
                        stacklevel=2,
                    )
                    continue
                seen[content] = row.line
                records.append(
                    _record(code_cell[0], status, status_text, texts, row, doc_id, sha256)
                )
    return records


def _record(
    code: str,
    status: int | None,
    status_text: str | None,
    texts: dict[str, str | None],
    row: Row,
    doc_id: str | None,
    sha256: str,
) -> ErrorCodeRecord:
    message = texts["message"]
    return validated(
        ErrorCodeRecord,
        row,
        None,
        error_code=code,
        http_status=status,
        http_status_text=status_text,
        placeholders=list(dict.fromkeys(PLACEHOLDER.findall(message or ""))),
        **texts,
        **provenance(row, doc_id, sha256),
    )
