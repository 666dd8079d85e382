"""Read error-code tables into ErrorCodeRecords: one per code and status a row lists."""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable

from vodspec.errors import VodspecError, VodspecWarning
from vodspec.record import (
    DESCRIPTION,
    ERROR_CODE,
    HIGHEST_STATUS,
    HTTP_STATUS,
    HTTP_STATUS_TEXT,
    LOWEST_STATUS,
    MESSAGE,
    MODULE,
    PLACEHOLDERS,
    REASON,
    REMEDY,
)
from vodspec.tools.scrape import grammar, rows
from vodspec.tools.scrape.columns import CodeTable, no_phrase
from vodspec.tools.scrape.models import ErrorCodeRecord
from vodspec.tools.scrape.tables import Row
from vodspec.tools.scrape.text import located

TEXT_ROLES = (MESSAGE, DESCRIPTION, REMEDY, MODULE)
#: Template slots in messages: {0}, {name}, {} and printf's %s / %d.
PLACEHOLDER = re.compile(r"\{[^{}\s]*\}|%[sd]")


def _statuses(
    table: CodeTable, row: Row, origin: rows.Origin
) -> tuple[list[int | None], str | None]:
    """The HTTP statuses a row gives, and the cell's text as written; an odd cell (``N/A``,
    ``40``) gives one status, null, and a note."""
    index = table.roles.get("status")
    if index is None:
        return [None], None
    cell = row.cells[index]
    words = cell.words
    text = "\n".join(cell.paragraphs) or None
    # "400" | "Bad Request" reads as "400 Bad Request".
    phrase = row.cells[table.roles[REASON]].words if REASON in table.roles else ()
    if not no_phrase(phrase):
        reason = " ".join(phrase)
        words, text = (*words, reason), f"{text} {reason}"
    found = grammar.statuses(words)
    if found is None:
        if words and grammar.odd(" ".join(words)):
            why = f"the status cell {' '.join(words)!r} is not an HTTP status; http_status is null"
            origin.note(row, table.name(index), why, in_records=True)
            return [None], text
        raise rows.cell_error(
            row,
            table.name(index),
            "expected an HTTP status ('400', '400 Bad Request', '400/500'),"
            f" found {rows.as_found(words)}",
        )
    codes: list[int | None] = []
    for code, _ in found:
        if not LOWEST_STATUS <= code <= HIGHEST_STATUS:
            raise rows.cell_error(
                row,
                table.name(index),
                f"HTTP status {code} is outside {LOWEST_STATUS}-{HIGHEST_STATUS}",
            )
        if code not in codes:
            codes.append(code)
    return codes, text


def _error_codes(table: CodeTable, row: Row, origin: rows.Origin) -> list[str]:
    """The row's error codes ([] for an odd cell: the row is a note)."""
    index = table.roles[ERROR_CODE]
    cell = row.cells[index]
    words = cell.words
    found = grammar.error_codes(words)
    if found is not None and not cell.glued and not found[0].isalpha():
        return found  # most cells: codes, none a word that could be a placeholder (TBD)
    column = table.name(index)
    # A placeholder is a code of letters at most (TBD, null): asked only of such cells.
    maybe = found is None or (len(found) == 1 and found[0].isalpha())
    if maybe and words and grammar.placeholder(" ".join(words)):
        why = f"the error-code cell {' '.join(words)!r} holds no code; the row is a note"
        origin.note(row, column, why)
        return []
    if found is None and len(words) == 1:  # the grammar first: "VOD.1，VOD.2" is two codes
        rows.check_ascii(words[0], row, column, "the error code")
    if found is None:
        raise rows.cell_error(
            row,
            column,
            "expected one error code (letters and digits, with . _ - between them:"
            f" VOD.10053), found {rows.as_found(words)}",
        )
    if cell.glued:  # VOD<sup>10053</sup>: the code VOD and a mark, or VOD10053?
        raise rows.cell_error(
            row,
            column,
            f"a superscript or subscript touches the code in {rows.as_found(cell.paragraphs)}:"
            " part of the code or a mark? (write a mark after a space, or as a Markdown"
            " footnote)",
        )
    return found


def _placeholders(message: str | None) -> list[str]:
    if message is None or ("{" not in message and "%" not in message):
        return []  # most messages, answered without a regex scan
    return list(dict.fromkeys(PLACEHOLDER.findall(message)))


def _texts(
    table: CodeTable, columns: list[tuple[str, int | None]], row: Row
) -> dict[str, str | None]:
    """The row's texts by role, from ``columns`` (role, index or None); the paragraphs of
    columns without a role go to the description."""
    texts: dict[str, str | None] = {}
    for role, index in columns:  # a loop: cheaper than a dict comprehension (Python 3.11)
        texts[role] = None if index is None else "\n".join(row.cells[index].paragraphs) or None
    if table.extra and (extra := rows.extra_paragraphs(table, row)):
        texts[DESCRIPTION] = "\n".join(filter(None, (texts[DESCRIPTION], *extra)))
    return texts


def error_records(tables: Iterable[CodeTable], origin: rows.Origin) -> list[ErrorCodeRecord]:
    """One record per error code and HTTP status of each row, in page order; exact repeats
    kept once, odd rows and note rows noted."""
    batch = rows.Batch(ErrorCodeRecord)
    seen: dict[tuple[object, ...], int] = {}
    try:
        for table in tables:
            origin.note_rows(table)
            text_columns = [(role, table.roles.get(role)) for role in TEXT_ROLES]
            for row in table.table.rows:
                codes = _error_codes(table, row, origin)
                if not codes:
                    continue
                texts = _texts(table, text_columns, row)
                statuses, status_text = _statuses(table, row, origin)
                placeholders = _placeholders(texts[MESSAGE])
                provenance = origin.provenance(row)
                for code in codes:
                    for status in statuses:
                        content = (code, status, status_text, *texts.values())
                        if content in seen:
                            batch.validate()  # see Batch: an invalid record is refused first
                            warnings.warn(
                                VodspecWarning(
                                    f"{located(row.line)}row {code} repeats the row at line"
                                    f" {seen[content]} exactly; kept once"
                                ),
                                stacklevel=2,
                            )
                            continue
                        seen[content] = row.line
                        record = {
                            ERROR_CODE: code,
                            HTTP_STATUS: status,
                            HTTP_STATUS_TEXT: status_text,
                            PLACEHOLDERS: placeholders,
                            **texts,
                            **provenance,
                        }
                        batch.add(row, record)
    except VodspecError:
        batch.validate()  # see Batch: an invalid record of an earlier row is refused first
        raise
    return batch.validate()
