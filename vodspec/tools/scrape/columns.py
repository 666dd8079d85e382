"""Which tables hold codes (read or refused, never skipped), and what each column means, by
content and header words (a header *containing* 说明 describes); a column with no role is
kept under its header, so no text is lost.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from vodspec import standard
from vodspec.errors import CellError, HeaderError
from vodspec.layout import ERROR_CODES, STATUS_CODES
from vodspec.record import (
    CATEGORIES,
    DESCRIPTION,
    ERROR_CODE,
    MESSAGE,
    MODULE,
    REASON,
    REMEDY,
)
from vodspec.tools.scrape import grammar
from vodspec.tools.scrape.grammar import REASON_PHRASE
from vodspec.tools.scrape.tables import Cell, Row, Table

#: Roles by header words, in order: the first role with a word in the header wins (错误码说明
#: describes). "reason?" needs known phrases in its cells. One regex a role: testing each
#: word costs a step per word.
HEADER_PATTERNS = tuple(
    (role, re.compile("|".join(re.escape(word) for word in words.split())))
    for role, words in (
        (
            REMEDY,
            "处理 解决 措施 建议 修复 应对 排查 solution remed handl action suggest"
            " resolution workaround measure troubleshoot howto",
        ),
        (REASON, "短语 phrase reason statustext"),
        (
            DESCRIPTION,
            "说明 描述 含义 语义 解释 意义 释义 原因 description descr meaning"
            " explanation detail definition cause",
        ),
        (MESSAGE, "信息 提示 消息 报错 message msg info text"),
        (MODULE, "模块 module 组件 component 所属服务 分类 category"),
        ("reason?", "名称 name 类型 type"),
        (ERROR_CODE, "错误码 错误代码 错误编码 错误编号 errorcode errcode error"),
        ("status", "状态码 状态 status http 返回码 返回值 响应码 响应 return response result"),
        # Alone, these name a code whose kind the cells tell ("code?"): 编码 is the reason
        # phrase on some status pages ("Continue") and the error code on others.
        ("code?", "编码 代码 编号 code"),
        # A parameter table's columns: never codes, whatever numbers they hold (256, 300).
        ("parameter", "参数 字段 属性 parameter field attribute property"),
        (
            "quantity",
            "长度 上限 下限 最大 最小 大小 数量 个数 取值 范围 默认 限制 length limit max min"
            " size count default range quota",
        ),
    )
)
#: What str.isalnum() rejects (re's \w is isalnum() or "_").
NOT_ALNUM = re.compile(r"[\W_]+")
CODE_ROLES = ("status", "code?", ERROR_CODE)
#: What a record keeps of a column, by kind of table.
STATUS_ROLES = ("status", REASON, DESCRIPTION)
ERROR_ROLES = (ERROR_CODE, "status", REASON, MESSAGE, DESCRIPTION, REMEDY, MODULE)
#: A column is a code column when at least this share of its body cells read as codes.
CODE_SHARE = 0.5


def header_key(text: str) -> str:
    """How header cells compare: width, case, spacing and punctuation do not matter."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return NOT_ALNUM.sub("", folded)


def header_roles(text: str) -> list[str]:
    """Every role a header's words name, in HEADER_PATTERNS' order."""
    key = header_key(text)
    return [role for role, pattern in HEADER_PATTERNS if pattern.search(key)]


@dataclass(frozen=True)
class CodeTable:
    kind: str
    table: Table
    #: Role -> column index.
    roles: dict[str, int]
    #: Columns with no role, kept under their header.
    extra: tuple[int, ...] = ()
    #: Rows that are a prose note, not a row of codes (one cell across the whole row).
    notes: tuple[Row, ...] = ()

    def name(self, column: int) -> str:
        return self.table.header[column] or f"column {column + 1}"


def _is_status(text: str) -> bool:
    """Whether a cell starts as a status does (loosely): ``404``, ``404 Not Found``, ``400/500``."""
    head = text[:3]
    return (
        len(head) == 3
        and head.isascii()
        and head.isdigit()
        and "1" <= head[0] <= "5"
        and (len(text) == 3 or not text[3].isdigit())
    )


def _is_registered_status(text: str) -> bool:
    """Not 128 or 256 in a limits column."""
    return _is_status(text) and standard.standard_phrase(int(text[:3])) is not None


def is_class(text: str) -> bool:
    """``4xx``."""
    return len(text) == 3 and text[0] in "12345" and text[1:].lower() == "xx"


#: A digit, and a letter or four digits in all (read from the start: one call a cell).
_CODE_CHARACTERS = re.compile(r"(?=[^0-9]*[0-9])(?:(?=[^A-Za-z]*[A-Za-z])|(?:[^0-9]*[0-9]){4})")


def _is_error_code(text: str) -> bool:
    """An ASCII token holding digits and a letter, or four digits or more: ``VOD.10053``,
    ``SVCSTG_AMS_4000``, ``111400002``."""
    if not text.isascii() or " " in text or "\n" in text or _is_status(text):
        return False
    return _CODE_CHARACTERS.match(text) is not None


def _share(cells: Sequence[str], test: Callable[[str], bool]) -> float:
    filled = [text for text in cells if text]
    if not filled:
        return 0.0
    return sum(map(test, filled)) / len(filled)


class _Columns(dict[int, list[str]]):
    """A table's column texts (a cell's words joined by newlines) and shares of error codes,
    each worked out when a rule first asks: most columns hold text no rule reads."""

    def __init__(self, table: Table) -> None:
        super().__init__()
        self._rows = table.rows
        self._code_shares: dict[int, float] = {}

    def __missing__(self, column: int) -> list[str]:
        texts = ["\n".join(row.cells[column].words) for row in self._rows]
        self[column] = texts
        return texts

    def code_share(self, column: int) -> float:
        if column not in self._code_shares:
            self._code_shares[column] = _share(self[column], _is_error_code)
        return self._code_shares[column]


def _all_phrases(table: Table, column: int) -> bool:
    """Whether every cell of a column is one reason phrase ("NoContent")."""
    cells = [row.cells[column].words for row in table.rows]
    return all(len(cell) == 1 and REASON_PHRASE.fullmatch(cell[0]) for cell in cells)


def known_phrase(code: int, text: str) -> bool:
    """Whether the HTTP standards named ``code`` so (now or before RFC 9110)."""
    return header_key(text) in {header_key(p) for p in standard.known_phrases(code)}


#: A column naming them for some rows ("Client Error") is one of types, whatever else it holds.
CLASS_KEYS = frozenset(header_key(category) for category in CATEGORIES)


def _known_phrases(table: Table, code: int, column: int) -> bool:
    """Whether a column holds reason phrases, half of them or more known for the rows'
    codes (others may be older or misspelt), and no class of codes."""
    if not _all_phrases(table, column):
        return False
    hits = 0
    for row in table.rows:
        status = row.cells[code].words[:1]
        text = row.cells[column].words
        if header_key(text[0]) in CLASS_KEYS:
            return False
        if status and _is_status(status[0]) and known_phrase(int(status[0][:3]), text[0]):
            hits += 1
    return hits > 0 and hits >= CODE_SHARE * len(table.rows)


def _notes(table: Table, width: int) -> tuple[Row, ...]:
    """The rows that are one cell of prose across the table (a cell that reads as a code, or
    an empty one, is read as a row of codes and refused as such)."""
    if width < 2:
        return ()
    return tuple(
        row
        for row in table.rows
        if row.cells
        and row.cells[0].colspan == width
        and row.cells[0].paragraphs
        and not _reads_as_codes(row.cells[:1])
    )


def _reads_as_codes(cells: Sequence[Cell]) -> bool:
    """Whether a row of cells reads as codes, not as a header."""
    return any(
        _is_status(text) or _is_error_code(text) for cell in cells for text in cell.words[:1]
    )


def _headerless(table: Table) -> Table:
    """The table with its first row as data when it is <td> cells that read as codes: a
    browser shows no header there, so the columns get roles by content."""
    first = table.first_row
    if table.header_th or first is None or len(first.cells) != len(table.header_cells):
        return table
    if not _reads_as_codes(first.cells):
        return table
    empty = tuple(Cell.of((), cell.line) for cell in table.header_cells)
    return dataclasses.replace(table, header_cells=empty, rows=(first, *table.rows), first_row=None)


def _refuse_headerless_codes(table: Table, columns: _Columns) -> None:
    """A table without a header (its first row reads as codes) whose first column, a code
    table's key, reads half as statuses but not as a status column (``403`` / ``N/A``, an
    unregistered status) beside a column of error codes: a browser shows its rows, so it is
    refused, never skipped. (A list of regions, codecs or resolutions, ``720 | 高清``, has no
    column of error codes: skipped, as a table of no codes.)"""
    if any(table.header) or not table.rows or _share(columns[0], _is_status) < CODE_SHARE:
        return
    if any(columns.code_share(i) == 1.0 for i in range(1, len(table.header))):
        raise CellError(
            "a table without a header whose first column reads half as HTTP statuses beside"
            " a column of error codes, though not each cell as a status (an N/A, an"
            " unregistered one): give it a header (状态码, 错误码) to read it; refused rather"
            " than skipped",
            line=table.rows[0].line,
            row=table.rows[0].id,
        )


def _code_role_by_content(
    role: str | None, words: list[str], columns: _Columns, column: int, codes_elsewhere: bool
) -> str | None:
    """A header naming a code and another role (状态码及说明, 错误码说明) names the code
    when its cells read as codes: the cells decide between the words. Beside a column named
    for codes alone, its statuses must read whole (a description may start "100个以内");
    without one, they are the table's codes, read by their grammar or refused."""
    if role in CODE_ROLES or not any(word in CODE_ROLES for word in words):
        return role
    statuses = _whole_status if codes_elsewhere else _is_status
    if "status" in words and _share(columns[column], statuses) >= CODE_SHARE:
        return "status"
    if columns.code_share(column) >= CODE_SHARE:
        return ERROR_CODE
    return role


def _status_column(table: Table, named: list[str | None], columns: _Columns) -> int | None:
    """The status column: named for codes with half its cells statuses, else an unnamed
    first column of registered statuses (a code table's key; a value column's 300 only
    happens to be one), odd cells (``N/A``) allowed beside a named error-code column.
    Refuse a first column of 名称 or 类型 whose cells all start as registered statuses but
    do not all read as one with its registered phrase (``500 Server Error`` beside
    ``100 GB``): statuses or sizes, no rule can tell, and skipping it could lose codes."""
    for i, role in enumerate(named):
        if role in CODE_ROLES and _share(columns[i], _is_status) >= CODE_SHARE:
            return i
    if not named or named[0] not in (None, "reason?"):
        return None
    filled = [text for text in columns[0] if text]
    # A first column of 名称 or 类型 is the codes when each cell is one with at most its
    # registered phrase (not "100 GB").
    registered = _is_registered_status if named[0] is None else _with_known_phrases
    if filled and all(map(registered, filled)):
        return 0
    error_codes = any(
        role == ERROR_CODE and columns.code_share(i) >= CODE_SHARE for i, role in enumerate(named)
    )
    statuses = [text for text in filled if not grammar.odd(text)]
    if error_codes and statuses and all(map(_is_registered_status, statuses)):
        return 0
    if named[0] == "reason?" and filled and all(map(_is_registered_status, filled)):
        # Not each with its phrase (else the column is the codes, above): one is odd.
        odd = next(text for text in filled if not _with_known_phrases(text))
        cell = table.header_cells[0]
        raise _header_error(
            cell,
            f"column {cell.text!r} starts each cell as an HTTP status, but {odd!r} reads as"
            " no status with its registered phrase: if the column lists status codes, name"
            " it so (状态码, status code); if not, this table is not one vodspec reads",
        )
    return None


def no_phrase(words: tuple[str, ...]) -> bool:
    """Whether a reason cell is empty or a dash."""
    return not words or (len(words) == 1 and words[0] in ("-", "—", "–", "--"))


def phrase_column(table: Table, status: int, column: int) -> bool:
    """Whether every non-empty cell of ``column`` is a known phrase of its row's one status
    ("-" for none), and at least one is."""
    filled = 0
    for row in table.rows:
        words = row.cells[column].words
        if no_phrase(words):
            continue
        parsed = grammar.statuses(row.cells[status].words)
        if parsed is None:
            continue  # an odd status cell says nothing about the column
        if len(words) != 1 or len(parsed) != 1 or not known_phrase(parsed[0][0], words[0]):
            return False
        filled += 1
    return filled > 0


def classify(table: Table) -> CodeTable | None:
    """The table's kind and column roles; None for tables that hold no codes."""
    table = _headerless(table)
    width = len(table.header)
    header_words = [header_roles(text) for text in table.header]
    named = [words[0] if words else None for words in header_words]
    notes = _notes(table, width)
    if "parameter" in named and not any(role in CODE_ROLES for role in named):
        return None  # a parameter table: its numbers are limits, not codes
    body = table
    if notes:
        body = dataclasses.replace(table, rows=tuple(r for r in table.rows if r not in notes))
    columns = _Columns(body)
    plain = [i for i, role in enumerate(named) if role in CODE_ROLES]
    for i, words in enumerate(header_words):
        named[i] = _code_role_by_content(named[i], words, columns, i, bool(set(plain) - {i}))
    status = _status_column(body, named, columns)
    if status is None:  # a column of status classes (4xx)
        status = next((i for i in range(width) if _share(columns[i], is_class) >= CODE_SHARE), None)
    error = _error_column(body, named, columns, status)
    if error is not None:
        found = _assign(ERROR_CODES, body, named, {ERROR_CODE: error, "status": status})
    elif status is not None:
        _refuse_partial_codes(body, named, columns, status)
        found = _assign(STATUS_CODES, body, named, {"status": status})
    else:
        _refuse_headerless_codes(body, columns)
        return None
    _check_header_row(found)
    _check_spans(found)
    _refuse_second_codes(found, named, columns)
    return dataclasses.replace(found, notes=notes)


def _refuse_second_codes(found: CodeTable, named: list[str | None], columns: _Columns) -> None:
    """Refuse a table split side by side (``状态码 | 说明 | 状态码 | 说明``): one record a row
    would glue the second half's codes into a text. A second half is a column of other codes
    of the key's kind, not the last, under the key's own header or followed by the roles
    that follow the key (``Code | Message`` after ``错误码 | 错误信息``); a column of codes
    alone (``旧错误码``, last) maps to old codes, and one of the same codes restates them."""
    keys = {role: i for role, i in found.roles.items() if role in ("status", ERROR_CODE)}
    header = found.table.header
    for i in range(min(keys.values()) + 1, len(named) - 1):
        for role, key in keys.items():
            if i == key:
                continue
            after = named[i + 1 :]
            again = header[i] == header[key] or (
                named[i] is not None and after == named[key + 1 : key + 1 + len(after)]
            )
            if not again:  # the header tells first, without a pass over the cells
                continue
            reads = _share(columns[i], _is_status) if role == "status" else columns.code_share(i)
            if reads >= CODE_SHARE and _other_codes(found.table, key, i, role):
                cell = found.table.header_cells[i]
                raise _header_error(
                    cell,
                    f"a second column of codes ({cell.text or f'column {i + 1}'!r}) beside the"
                    " table's own: its codes would be glued into another record's text;"
                    " refusing (write one code column per table)",
                )


def _other_codes(table: Table, key: int, column: int, role: str) -> bool:
    """Whether ``column`` gives most rows another code than the key does (the same, as
    ``404`` and ``404 Not Found``, restates it)."""
    compared = differ = 0
    for row in table.rows:
        own = _first_code(row.cells[key].words, role)
        other = _first_code(row.cells[column].words, role)
        if own is not None and other is not None:
            compared += 1
            differ += own != other
    return compared > 0 and differ * 2 >= compared


def _first_code(words: tuple[str, ...], role: str) -> object:
    """The first status (its number) or error code a cell reads as, or None."""
    if role == "status":
        statuses = grammar.statuses(words)
        return statuses[0][0] if statuses else None
    codes = grammar.error_codes(words)
    return codes[0] if codes else None


def _check_spans(found: CodeTable) -> None:
    """Refuse a cell spanning columns of two roles: which one it fills, no rule can tell."""
    if not found.table.spans:
        return  # no cell spans a column on this page: no cell is looked at
    role_of = {index: role for role, index in found.roles.items()}
    for row in found.table.rows:
        for index, cell in enumerate(row.cells):
            if cell.from_left or cell.colspan < 2:
                continue
            covered = {role_of.get(i) for i in range(index, index + cell.colspan)} - {None}
            if len(covered) > 1:
                raise CellError(
                    f"a cell spans {cell.colspan} columns across roles"
                    f" {' and '.join(sorted(str(role) for role in covered))}; expected one cell"
                    " per column",
                    line=row.line,
                    row=row.id,
                    column=found.name(index),
                )


def _check_header_row(found: CodeTable) -> None:
    """Refuse a header of <th> cells that reads as codes: the first row of codes written as
    the header (a pipe table always has one)."""
    for role, test in (("status", _is_status), (ERROR_CODE, _is_error_code)):
        index = found.roles.get(role)
        if index is not None and test(" ".join(found.table.header_cells[index].words)):
            cell = found.table.header_cells[index]
            raise HeaderError(
                f"the table's first row reads as codes ({cell.text!r}), not as a header;"
                " expected a header row naming the columns",
                line=cell.line,
            )


def _refuse_partial_codes(
    table: Table, named: list[str | None], columns: _Columns, status: int
) -> None:
    """Refuse an unnamed column beside statuses that is error codes in half its cells or
    more, not all: odd codes or ids that look like codes, no rule can tell which."""
    for i, role in enumerate(named):
        if i == status or role is not None:
            continue
        share = columns.code_share(i)
        if CODE_SHARE <= share < 1.0:
            cell = table.header_cells[i]
            raise _header_error(
                cell,
                f"column {cell.text!r} beside the statuses reads as error codes in"
                f" {share:.0%} of its cells, not all: if it holds error codes, name it so"
                " (错误码, error code) and check its other cells; if not, this table is not"
                " one vodspec reads",
            )


def _refuse_statuses_among_codes(table: Table, columns: _Columns, column: int) -> None:
    """Refuse a column named for statuses that holds error codes (as BMS's 状态码 may) and a
    registered status (``200`` beside ``4O4``): no rule can tell which it lists."""
    status = next((text for text in columns[column] if _whole_status(text)), None)
    if status is not None:
        # Half its cells at least read as error codes (its code share): one is no status.
        other = next(text for text in columns[column] if text and not _whole_status(text))
        cell = table.header_cells[column]
        raise _header_error(
            cell,
            f"column {cell.text!r} holds an HTTP status ({status!r}) and what reads as error"
            f" codes ({other!r}): refusing rather than guessing which it lists",
        )


def _header_error(cell: Cell, message: str) -> HeaderError:
    """A refusal naming the header cell of the column it is about."""
    return HeaderError(message, line=cell.line, column=cell.text)


def _whole_status(text: str, known_phrases: bool = False) -> bool:
    """Whether a cell reads whole as registered HTTP statuses (``404.1`` does not), with
    ``known_phrases`` each alone or with a phrase the standards gave it (not ``100 GB``)."""
    found = grammar.statuses(tuple(text.split("\n"))) or []
    return bool(found) and all(
        standard.standard_phrase(code)
        and (not known_phrases or phrase is None or known_phrase(code, phrase))
        for code, phrase in found
    )


def _with_known_phrases(text: str) -> bool:
    return _whole_status(text, known_phrases=True)


def _error_column(
    table: Table, named: list[str | None], columns: _Columns, status: int | None
) -> int | None:
    """The error-code column: named so and holding codes, else an unnamed column beside the
    statuses all of whose cells are code-like (half is not enough unnamed: ``missing-429``
    is an id), else one named so (OBS's codes are words: ``AccessDenied``)."""
    others = [i for i in range(len(named)) if i != status]
    for i in others:
        if named[i] == ERROR_CODE and columns.code_share(i) >= CODE_SHARE:
            return i
    for i in others:
        if named[i] in ("code?", "status") and columns.code_share(i) >= CODE_SHARE:
            if named[i] == "status" and status is None:
                _refuse_statuses_among_codes(table, columns, i)
            return i
    if status is not None:
        for i in others:
            if named[i] is None and columns.code_share(i) == 1.0:
                return i
    return next((i for i in others if named[i] == ERROR_CODE), None)


def _assign(
    kind: str,
    table: Table,
    named: list[str | None],
    anchors: dict[str, int | None],
) -> CodeTable:
    roles = {role: index for role, index in anchors.items() if index is not None}
    allowed = STATUS_ROLES if kind == STATUS_CODES else ERROR_ROLES
    free = [i for i in range(len(named)) if i not in roles.values()]
    status = roles.get("status")
    if status is not None:
        # The reason column by content, whatever word its header uses (返回, 类型, 名称…),
        # unless the header names another role (描述: the code's only text is described).
        # On an error page it is the status's phrase, read with the status cell.
        for i in free:
            if named[i] in (None, REASON, "reason?") and phrase_column(table, status, i):
                roles[REASON] = i
                break
    for i in free:
        role = named[i]
        if kind == STATUS_CODES and role == "code?":
            role = REASON  # 编码 on a status page: "Continue", "Bad Request"
        if role == REASON and not _all_phrases(table, i):
            continue  # not phrases: kept as an extra column
        if role == REASON and kind == ERROR_CODES and roles.get(REASON) != i:
            continue  # read with the status cell only as its phrase ("Reason" is a cause too)
        if role == "reason?":  # 类型, name: the reason only if its cells are known phrases
            if status is None or not _known_phrases(table, status, i):
                continue
            role = REASON
        if role is not None and role in allowed and role not in roles:
            roles[role] = i
    text_role = DESCRIPTION if kind == STATUS_CODES else MESSAGE
    if DESCRIPTION not in roles and text_role not in roles:
        # A code table's text is its description, whatever its header says ("状态码 | 备注",
        # "Code | Message" on a status page): the first unnamed column, else the first left.
        left = [i for i in free if i not in roles.values()]
        unnamed = [i for i in left if named[i] is None]
        if unnamed or left:
            roles[DESCRIPTION] = (unnamed or left)[0]
    if kind == STATUS_CODES and REASON not in roles:
        # Beside a description, another column of known phrases ("Not Found") is the reason.
        for i in free:
            if i not in roles.values() and _known_phrases(table, roles["status"], i):
                roles[REASON] = i
                break
    extra = tuple(i for i in range(len(named)) if i not in roles.values())
    return CodeTable(kind, table, roles, extra)
