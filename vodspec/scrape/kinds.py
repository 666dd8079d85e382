"""Which tables hold codes, and what each column means: decided by header cells only."""

from __future__ import annotations

from dataclasses import dataclass

from vodspec.errors import HeaderError
from vodspec.layout import ERROR_CODES, STATUS_CODES
from vodspec.scrape.tables import Table


def header_key(text: str) -> str:
    """How header cells compare: case and spacing do not matter (HTTP状态码 = http状态码)."""
    return "".join(text.split()).casefold()


@dataclass(frozen=True)
class TableKind:
    name: str
    #: Header cell (as written on the pages) -> the column's role.
    columns: dict[str, str]
    #: Roles that make a table a code table of this kind.
    anchors: frozenset[str]
    #: Each set is one acceptable minimum: a table must have all roles of at least one.
    minimums: tuple[frozenset[str], ...]

    def __post_init__(self) -> None:
        keys = {header_key(name): role for name, role in self.columns.items()}
        object.__setattr__(self, "_keys", keys)  # frozen: computed once, here

    def role(self, header: str) -> str | None:
        keys: dict[str, str] = self.__dict__["_keys"]
        return keys.get(header_key(header))


STATUS_KIND = TableKind(
    name=STATUS_CODES,
    columns={
        "返回值": "status",  # "404 Not Found" in one cell
        "状态码": "code",
        "HTTP状态码": "code",
        "正常状态码": "code",
        "错误状态码": "code",
        "正常返回码": "code",
        "异常返回码": "code",
        "编码": "reason",
        "类型": "reason",
        "说明": "description",
        "描述": "description",
        "错误码说明": "description",
        "状态说明": "description",
    },
    anchors=frozenset({"status", "code"}),
    minimums=(
        frozenset({"status"}),
        frozenset({"code", "reason"}),
        frozenset({"code", "description"}),
    ),
)

ERROR_KIND = TableKind(
    name=ERROR_CODES,
    columns={
        "错误码": "error_code",
        "返回值": "error_code",  # BMS: HTTP状态码 | 返回值 | 说明 | Error Message | 处理措施
        "状态码": "http_status",
        "HTTP状态码": "http_status",
        "错误信息": "message",
        "Error Message": "message",
        "错误提示": "message",
        "Message": "message",
        "描述": "description",
        "语义": "description",
        "说明": "description",
        "错误说明": "description",
        "中文说明": "description",
        "错误描述": "description",
        "处理措施": "remedy",
        "解决方案": "remedy",
        "建议解决方法": "remedy",
        "模块": "module",
    },
    anchors=frozenset({"error_code"}),
    # An error code with only a description would be indistinguishable from 返回值 | 说明.
    minimums=(frozenset({"error_code", "message"}), frozenset({"error_code", "http_status"})),
)

KINDS = (STATUS_KIND, ERROR_KIND)


@dataclass(frozen=True)
class CodeTable:
    kind: str
    table: Table
    #: Role -> column index.
    roles: dict[str, int]


def _roles(kind: TableKind, table: Table) -> tuple[dict[str, int], int | None]:
    """Role -> column for the header cells ``kind`` knows; and the first cell it does not."""
    roles: dict[str, int] = {}
    for index, name in enumerate(table.header):
        role = kind.role(name)
        if role is None or role in roles:
            return roles, index
        roles[role] = index
    return roles, None


def classify(table: Table) -> CodeTable | None:
    """The table's kind and column roles; None for tables that are not code tables.

    A table with a code column (an anchor) whose other headers do not fit is refused,
    naming the header cell, rather than guessed at.
    """
    fits, near = [], []
    for kind in KINDS:
        roles, unknown = _roles(kind, table)
        complete = unknown is None and any(minimum <= roles.keys() for minimum in kind.minimums)
        if complete:
            fits.append(CodeTable(kind.name, table, roles))
        elif kind.anchors & {kind.role(name) for name in table.header}:
            near.append((len(roles), kind, unknown))
    if len(fits) == 1:
        return fits[0]
    if len(fits) > 1:
        raise HeaderError(
            f"header {' | '.join(table.header)} fits both status and error tables",
            line=table.line,
        )
    if not near:
        return None  # parameter tables and the like
    _, kind, unknown = max(near, key=lambda item: item[0])
    known = " | ".join(kind.columns)
    if unknown is None:
        raise HeaderError(
            f"{kind.name} table lacks a required column (has {' | '.join(table.header)})",
            line=table.line,
        )
    cell = table.header_cells[unknown]
    raise HeaderError(
        f"{kind.name.replace('_', '-')} table has an unexpected or repeated header cell"
        f" {cell.text!r}; known headers: {known}",
        line=cell.line,
        column=cell.text,
    )
