"""Read status-code tables, in every form the pages use, into StatusRecords."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from vodspec import standard
from vodspec.errors import ClassOnlyError, DuplicateError
from vodspec.record import (
    CATEGORY,
    CODE,
    DESCRIPTION,
    HIGHEST_STATUS,
    LOWEST_STATUS,
    PARAGRAPHS,
    REASON,
    RETRY,
    STANDARD_PHRASE,
    STANDARD_REFERENCE,
    STANDARD_RETRY,
    STANDARD_RETRY_REFERENCE,
)
from vodspec.tools.scrape import grammar, rows
from vodspec.tools.scrape.columns import CodeTable, is_class, known_phrase, no_phrase
from vodspec.tools.scrape.derived import Retry, category_of, retry_of
from vodspec.tools.scrape.grammar import REASON_PHRASE
from vodspec.tools.scrape.models import StatusRecord
from vodspec.tools.scrape.tables import Cell, Row

Statuses = list[tuple[int, str | None]]
#: A code's reason, paragraphs, first row and description header ("" if none).
Merged = tuple[str | None, list[str], Row, str]


def _text(cell: Cell) -> str | None:
    return cell.words[0] if len(cell.words) == 1 else None


def _combined(parsed: list[Statuses | None]) -> bool:
    """Whether most code cells (as grammar.statuses reads them) write the phrase too."""
    with_reason = sum(1 for found in parsed if found and all(reason for _, reason in found))
    return with_reason * 2 > len(parsed)


def _statuses(
    table: CodeTable, row: Row, found: Statuses | None, combined: bool, origin: rows.Origin
) -> Statuses:
    """The statuses the row's code cell lists (``found``, as grammar.statuses reads it), each
    with its reason phrase; [] for an odd cell (``N/A``, ``40``): the row is a note."""
    column = table.roles["status"]
    name = table.name(column)
    words = row.cells[column].words
    text = " ".join(words)
    if is_class(text):
        raise ClassOnlyError(
            f"the table lists the status class {text!r}, not codes; vodspec publishes codes only",
            line=row.line,
            row=row.id,
            column=name,
        )
    if found is None and words and grammar.odd(text):
        origin.note(row, name, f"the status cell {text!r} is not a status code; the row is a note")
        return []
    if found is None and text:  # the grammar first: "400，401" is two codes
        rows.check_ascii(text.partition(" ")[0], row, name, "the status code")
    expected = "'NNN Reason Phrase' (e.g. '404 Not Found')" if combined else "a code ('404')"
    if found is None:
        raise rows.cell_error(row, name, f"expected {expected}, found {rows.as_found(words)}")
    for code, reason in found:
        if not LOWEST_STATUS <= code <= HIGHEST_STATUS:
            raise rows.cell_error(
                row, name, f"status code {code} is outside {LOWEST_STATUS}-{HIGHEST_STATUS}"
            )
        # Where the column writes "NNN Reason", only success rows may give a bare code (DNS:
        # 200 | 请求成功。): a bare 404 there is a cell cut short.
        if combined and reason is None and code // 100 != 2:
            raise rows.cell_error(row, name, f"expected {expected}, found {text!r}")
    return _with_reasons(table, row, found)


def _with_reasons(table: CodeTable, row: Row, found: Statuses) -> Statuses:
    """The statuses with the reason column's phrase, or the description's when it is the
    code's known phrase (ECS: 200 | OK)."""
    if REASON in table.roles:
        column = table.roles[REASON]
        words = row.cells[column].words
        if no_phrase(words):
            return found
        reason_text = _text(row.cells[column])
        if (
            len(found) != 1
            or found[0][1] is not None
            or reason_text is None
            or not REASON_PHRASE.fullmatch(reason_text)
        ):
            raise rows.cell_error(
                row,
                table.name(column),
                "expected one reason phrase ('Not Found') for the row's one code, found"
                f" {' / '.join(words)!r}",
            )
        return [(found[0][0], reason_text)]
    if len(found) == 1 and found[0][1] is None and DESCRIPTION in table.roles:
        # English prose that happens to have no final period is not a phrase.
        candidate = _text(row.cells[table.roles[DESCRIPTION]])
        if candidate is not None and known_phrase(found[0][0], candidate):
            return [(found[0][0], candidate)]
    return found


def status_records(tables: Iterable[CodeTable], origin: rows.Origin) -> list[StatusRecord]:
    """The records of a page's status tables, sorted by code; odd rows and note rows noted."""
    merged: dict[int, Merged] = {}
    for table in tables:
        origin.note_rows(table)
        code_column = table.roles["status"]
        body = table.table.rows
        # Each code cell is read once, for _combined and _statuses.
        parsed = [grammar.statuses(row.cells[code_column].words) for row in body]
        combined = _combined(parsed)
        description = table.roles.get(DESCRIPTION)
        description_name = table.table.header[description] if description is not None else ""
        for row, cell_statuses in zip(body, parsed, strict=True):
            found = _statuses(table, row, cell_statuses, combined, origin)
            paragraphs: tuple[str, ...] = ()
            if description is not None and found:
                paragraphs = row.cells[description].paragraphs
                if not paragraphs:
                    raise rows.cell_error(row, description_name, "the description cell is empty")
            if table.extra:
                paragraphs += rows.extra_paragraphs(table, row)
            code_cell = row.cells[code_column]
            for code, reason in found:
                if code in merged:
                    first_reason, first_paragraphs, first_row, _ = merged[code]
                    # A code spanning several rows (rowspan) lists several causes: one record.
                    if not code_cell.spanned or first_reason != reason or first_row is row:
                        raise DuplicateError(
                            f"status code {code} is listed twice (first at line {first_row.line})",
                            line=row.line,
                            row=row.id,
                            column=table.table.header[code_column],
                        )
                    first_paragraphs.extend(_below(table, row, description))
                    continue
                merged[code] = (reason, list(paragraphs), row, description_name)
    return _records(merged, origin)


def _below(table: CodeTable, row: Row, description: int | None) -> tuple[str, ...]:
    """The paragraphs a row continuing a code's rowspan adds to its record: not those of the
    cells spanning down into it from a row above, which the record holds already."""
    own: tuple[str, ...] = ()
    if description is not None and not row.from_above(description):
        own = row.cells[description].paragraphs
    return own + rows.extra_paragraphs(table, row, above=False) if table.extra else own


def _records(merged: dict[int, Merged], origin: rows.Origin) -> list[StatusRecord]:
    """The codes' records, sorted by code; refused at the lowest code with a problem, as if
    made one by one."""
    batch = rows.Batch(StatusRecord)
    for code in sorted(merged):
        reason, paragraphs, row, description_name = merged[code]
        advice = retry_of(paragraphs)
        if len(advice) > 1:
            batch.validate()  # see Batch: a lower code's invalid record is refused first
            raise rows.cell_error(
                row,
                description_name,
                "the description gives contradictory retry advice ("
                + ", ".join(a.value for a in advice)
                + ")",
            )
        batch.add(
            row,
            {
                CODE: code,
                REASON: reason,
                DESCRIPTION: "\n".join(paragraphs) or None,
                PARAGRAPHS: paragraphs,
                RETRY: advice[0] if advice else Retry.UNSPECIFIED,
                **_of_the_code(code),
                **origin.provenance(row),
            },
            description_name,
        )
    return batch.validate()


@functools.cache  # a few hundred codes at most
def _of_the_code(code: int) -> dict[str, object]:
    """What a record derives from its code alone, the same on every page."""
    return {
        CATEGORY: category_of(code),
        STANDARD_PHRASE: standard.standard_phrase(code),
        STANDARD_REFERENCE: standard.standard_reference(code),
        STANDARD_RETRY: standard.standard_retry(code),
        STANDARD_RETRY_REFERENCE: standard.STANDARD_RETRY.get(code),
    }
