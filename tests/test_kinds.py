"""Header synonyms are data; each maps a real header to its column's role."""

from __future__ import annotations

import pytest

from vodspec.scrape.kinds import ERROR_KIND, STATUS_KIND, classify, header_key
from vodspec.scrape.tables import Cell, Table


def table(*headers: str) -> Table:
    return Table(header_cells=tuple(Cell((h,), 1) for h in headers), rows=(), line=1)


@pytest.mark.parametrize(
    ("headers", "kind", "roles"),
    [
        (("返回值", "说明"), "status_codes", {"status", "description"}),
        (("状态码", "编码", "错误码说明"), "status_codes", {"code", "reason", "description"}),
        (("状态码", "编码", "状态说明"), "status_codes", {"code", "reason", "description"}),
        (("正常状态码", "描述"), "status_codes", {"code", "description"}),
        (("正常返回码", "类型", "说明"), "status_codes", {"code", "reason", "description"}),
        (("错误码", "错误提示"), "error_codes", {"error_code", "message"}),
        (
            ("状态码", "错误码", "错误信息", "描述", "解决方案"),
            "error_codes",
            {"http_status", "error_code", "message", "description", "remedy"},
        ),
        (
            ("HTTP状态码", "错误码", "错误信息", "语义", "解决方案"),
            "error_codes",
            {"http_status", "error_code", "message", "description", "remedy"},
        ),
        (
            ("HTTP状态码", "返回值", "说明", "Error Message", "处理措施"),
            "error_codes",
            {"http_status", "error_code", "description", "message", "remedy"},
        ),
        (
            ("模块", "http状态码", "错误码", "错误说明", "Error Message", "处理措施"),
            "error_codes",
            {"module", "http_status", "error_code", "description", "message", "remedy"},
        ),
        (
            ("模块", "状态码", "错误码", "Message", "说明", "处理措施"),
            "error_codes",
            {"module", "http_status", "error_code", "message", "description", "remedy"},
        ),
    ],
)
def test_real_headers(headers: tuple[str, ...], kind: str, roles: set[str]) -> None:
    found = classify(table(*headers))
    assert found is not None and found.kind == kind and set(found.roles) == roles


@pytest.mark.parametrize(
    "headers",
    [("参数", "类型", "说明"), ("元素名称", "描述"), ("参数", "是否必选", "类型", "说明")],
)
def test_other_tables_are_ignored(headers: tuple[str, ...]) -> None:
    assert classify(table(*headers)) is None


def test_header_keys_ignore_case_and_spacing() -> None:
    assert header_key("HTTP 状态码 ") == header_key("http状态码")
    assert (
        STATUS_KIND.role("Http状态码") == "code" and ERROR_KIND.role("error message") == "message"
    )


def test_every_synonym_is_unique_per_kind() -> None:
    for kind in (STATUS_KIND, ERROR_KIND):
        keys = [header_key(name) for name in kind.columns]
        assert len(keys) == len(set(keys))
