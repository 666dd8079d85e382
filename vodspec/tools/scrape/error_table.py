"""Read error-code tables into ErrorCodeRecords: one per code and status a row lists."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

from vodspec.errors import VodspecWarning
from vodspec.record import (
    DESCRIPTION,
    ERROR_CODE,
    HIGHEST_STATUS,
    LOWEST_STATUS,
    MESSAGE,
    MODULE,
    REASON,
    REMEDY,
)
from vodspec.tools.scrape import grammar
from vodspec.tools.scrape.columns import CodeTable, no_phrase
from vodspec.tools.scrape.models import ErrorCodeRecord
from vodspec.tools.scrape.rows import (
    Origin,
    cell_error,
    check_ascii,
    extra_paragraphs,
    validated,
)
from vodspec.tools.scrape.tables import Row

TEXT_ROLES = (MESSAGE, DESCRIPTION, REMEDY, MODULE)
#: Template slots in messages: {0}, {name}, {} and printf's %s / %d.
PLACEHOLDER = re.compile(r"\{[^{}\s]*\}|%[sd]")


def _statuses(table: CodeTable, row: Row, origin: Origin) -> tuple[list[int | None], str | None]:
    """The HTTP statuses a row gives, and the cell's text as written. An odd but clear cell
    (``N/A``, ``--``, ``40``) gives one status, null, and a note."""
    if "status" not in table.roles:
        return [None], None
    index = table.roles["status"]
    column = table.name(index)
    words = row.cells[index].words
    text = "\n".join(row.cells[index].paragraphs) or None
    reason = _reason(table, row)
    if reason is not None:
        words, text = (*words, reason), f"{text} {reason}"
    found = grammar.statuses(words)
    if found is None:
        if words and grammar.odd(" ".join(words)):
            why = f"the status cell {' '.join(words)!r} is not an HTTP status; http_status is null"
            origin.note(row, column, why, in_records=True)
            return [None], text
        raise cell_error(
            row,
            column,
            "expected an HTTP status ('400', '400 Bad Request', '400/500'),"
            f" found {' / '.join(words) or 'an empty cell'!r}",
        )
    codes: list[int | None] = []
    for code, _ in found:
        if not LOWEST_STATUS <= code <= HIGHEST_STATUS:
            raise cell_error(
                row,
                column,
                f"HTTP status {code} is outside {LOWEST_STATUS}-{HIGHEST_STATUS}",
            )
        if code not in codes:
            codes.append(code)
    return codes, text


def _reason(table: CodeTable, row: Row) -> str | None:
    """The status's reason phrase from a column of them (found by content), if the row has
    one: it belongs with the status ("400" | "Bad Request" reads as "400 Bad Request")."""
    if REASON not in table.roles:
        return None
    words = row.cells[table.roles[REASON]].words
    if no_phrase(words):
        return None
    return " ".join(words)


def _error_codes(table: CodeTable, row: Row, origin: Origin) -> list[str]:
    """The error codes the row's code cell lists ([] for an odd cell: the row is a note)."""
    column = table.table.header[table.roles[ERROR_CODE]]
    words = row.cells[table.roles[ERROR_CODE]].words
    found = grammar.error_codes(words)
    if found is None and words and grammar.odd(" ".join(words)):
        why = f"the error-code cell {' '.join(words)!r} holds no code; the row is a note"
        origin.note(row, column, why)
        return []
    if len(words) == 1:
        check_ascii(words[0], row, column, "the error code")
    if found is None:
        raise cell_error(
            row,
            column,
            "expected one error code without spaces, found"
            f" {' / '.join(words) or 'an empty cell'!r}",
        )
    return found


def error_records(tables: Iterable[CodeTable], origin: Origin) -> list[ErrorCodeRecord]:
    """Every row of the page's error tables, in page order; exact repeats kept once. One
    record per error code and HTTP status a row lists; odd rows and note rows are noted."""
    records: list[ErrorCodeRecord] = []
    seen: dict[tuple[object, ...], int] = {}
    for table in tables:
        origin.note_rows(table)
        for row in table.table.rows:
            codes = _error_codes(table, row, origin)
            if not codes:
                continue
            texts = {
                role: "\n".join(row.cells[table.roles[role]].paragraphs) or None
                if role in table.roles
                else None
                for role in TEXT_ROLES
            }
            if extra := extra_paragraphs(table, row):
                texts[DESCRIPTION] = "\n".join(filter(None, (texts[DESCRIPTION], *extra)))
            statuses, status_text = _statuses(table, row, origin)
            placeholders = list(dict.fromkeys(PLACEHOLDER.findall(texts[MESSAGE] or "")))
            for code in codes:
                for status in statuses:
                    content = (code, status, status_text, *texts.values())
                    if content in seen:
                        warnings.warn(
                            VodspecWarning(
                                f"line {row.line}: row {code} repeats the row at line"
                                f" {seen[content]} exactly; kept once"
                            ),
                            stacklevel=2,
                        )
                        continue
                    seen[content] = row.line
                    record = validated(
                        ErrorCodeRecord,
                        row,
                        None,
                        error_code=code,
                        http_status=status,
                        http_status_text=status_text,
                        placeholders=placeholders,
                        **texts,
                        **origin.provenance(row),
                    )
                    records.append(record)
    return records
