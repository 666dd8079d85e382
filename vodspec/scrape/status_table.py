"""Read status-code tables (返回值 | 说明) into StatusRecords."""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import ValidationError

from vodspec.errors import CellError, DuplicateError, HeaderError, NoTableError
from vodspec.scrape.models import StatusRecord
from vodspec.scrape.rules import Retry, category_of, retry_of
from vodspec.scrape.tables import Cell, Row, Table

#: Header cell -> the column's role. A table with a "status" column is a status table.
STATUS_COLUMNS: dict[str, str] = {
    "返回值": "status",
    "说明": "description",
}
REQUIRED_ROLES = ("status", "description")

# "404 Not Found": three ASCII digits, one space, an English reason phrase.
STATUS_CELL = re.compile(r"(?P<code>[0-9]{3}) (?P<reason>[A-Za-z][A-Za-z0-9' -]*[A-Za-z0-9])")
LOWEST_CODE, HIGHEST_CODE = 100, 599


def is_status_table(table: Table) -> bool:
    return any(STATUS_COLUMNS.get(name) == "status" for name in table.header)


def column_roles(table: Table) -> dict[str, int]:
    """Role -> column index; refuses unknown or repeated header cells."""
    roles: dict[str, int] = {}
    for index, name in enumerate(table.header):
        role = STATUS_COLUMNS.get(name)
        if role is None or role in roles:
            known = " | ".join(STATUS_COLUMNS)
            raise HeaderError(
                f"status table has {'a repeated' if role else 'an unexpected'} header cell"
                f" {name!r}; expected {known}",
                line=table.header_cells[index].line,
                column=name,
            )
        roles[role] = index
    missing = [role for role in REQUIRED_ROLES if role not in roles]
    if missing:
        raise HeaderError(
            f"status table lacks a {missing[0]} column; expected {' | '.join(STATUS_COLUMNS)}",
            line=table.line,
        )
    return roles


def status_records(tables: Iterable[Table], doc_id: str, sha256: str) -> list[StatusRecord]:
    """The records of every status table, in code order; refuses a page with none."""
    records: dict[int, StatusRecord] = {}
    found = False
    for table in tables:
        if not is_status_table(table):
            continue
        found = True
        roles = column_roles(table)
        for row in table.rows:
            record = _record(table, roles, row, doc_id, sha256)
            if record.code in records:
                first = records[record.code]
                raise DuplicateError(
                    f"status code {record.code} is listed twice"
                    f" (first at line {first.source_line})",
                    line=row.line,
                    row=row.id,
                    column=table.header[roles["status"]],
                )
            records[record.code] = record
    if not found:
        raise NoTableError(
            f"no status table: expected a table whose header has {' | '.join(STATUS_COLUMNS)}"
        )
    if not records:
        raise NoTableError("the status table has no rows")
    return [records[code] for code in sorted(records)]


def _record(
    table: Table, roles: dict[str, int], row: Row, doc_id: str, sha256: str
) -> StatusRecord:
    status_column = table.header[roles["status"]]
    description_column = table.header[roles["description"]]

    def refuse(message: str, column: str) -> CellError:
        return CellError(message, line=row.line, row=row.id, column=column)

    status_cell: Cell = row.cells[roles["status"]]
    if len(status_cell.paragraphs) != 1:
        raise refuse(
            f"expected one 'NNN Reason Phrase' paragraph, found {len(status_cell.paragraphs)}",
            status_column,
        )
    match = STATUS_CELL.fullmatch(status_cell.paragraphs[0])
    if match is None:
        raise refuse(
            "expected 'NNN Reason Phrase' (e.g. '404 Not Found'),"
            f" found {status_cell.paragraphs[0]!r}",
            status_column,
        )
    code = int(match["code"])
    if not LOWEST_CODE <= code <= HIGHEST_CODE:
        raise refuse(f"status code {code} is outside {LOWEST_CODE}-{HIGHEST_CODE}", status_column)
    paragraphs = row.cells[roles["description"]].paragraphs
    if not paragraphs:
        raise refuse("the description cell is empty", description_column)
    advice = retry_of(paragraphs)
    if len(advice) > 1:
        raise refuse(
            "the description gives contradictory retry advice ("
            + ", ".join(a.value for a in advice)
            + ")",
            description_column,
        )
    try:
        return StatusRecord(
            code=code,
            reason=match["reason"],
            description="\n".join(paragraphs),
            paragraphs=list(paragraphs),
            category=category_of(code),
            retry=advice[0] if advice else Retry.UNSPECIFIED,
            doc_id=doc_id,
            source_row=row.id,
            source_line=row.line,
            source_sha256=sha256,
        )
    except ValidationError as exc:
        error = exc.errors()[0]
        field = ".".join(str(part) for part in error["loc"])
        raise refuse(f"invalid {field}: {error['msg']}", status_column) from None
