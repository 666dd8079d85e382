"""The seed page yields exactly its 18 records, text intact, derived fields right."""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata

from conftest import SEED

from vodspec.tools.scrape.pipeline import scrape

# Written down from reading the page, row by row: code, reason, retry advice, paragraphs.
EXPECTED = [
    (200, "OK", "unspecified", ["请求正常。"]),
    (201, "Created", "unspecified", ["创建类的请求完全成功。"]),
    (202, "Accepted", "unspecified", ["已经接受请求，但未处理完成。"]),
    (204, "No Content", "unspecified", ["请求完全成功，同时HTTP响应不包含响应体。"]),
    (400, "Bad Request", "do_not_retry", ["非法请求。", "建议直接修改该请求，不要重试该请求。"]),
    (
        401,
        "Unauthorized",
        "unspecified",
        [
            "在客户端提供认证信息后，返回该状态码，表明服务端指出客户端所提供的认证信息不正确或非法。"
        ],
    ),
    (
        403,
        "Forbidden",
        "do_not_retry",
        [
            "请求被拒绝访问。",
            "返回该状态码，表明请求能够到达服务端，且服务端能够理解用户请求，但是拒绝做更多的事情，"
            "因为该请求被设置为拒绝访问，建议直接修改该请求，不要重试该请求。",
        ],
    ),
    (
        404,
        "Not Found",
        "do_not_retry",
        ["所请求的资源不存在。", "建议直接修改该请求，不要重试该请求。"],
    ),
    (
        405,
        "Method Not Allowed",
        "do_not_retry",
        ["请求中带有该资源不支持的方法。", "建议直接修改该请求，不要重试该请求。"],
    ),
    (406, "Not Acceptable", "unspecified", ["服务器无法根据客户端请求的内容特性完成请求。"]),
    (
        407,
        "Proxy Authentication Required",
        "unspecified",
        ["请求要求代理的身份认证，与401类似，但请求者应当使用代理进行授权。"],
    ),
    (
        408,
        "Request Timeout",
        "retry_unchanged",
        ["服务器等候请求时发生超时。", "客户端可以随时再次提交该请求而无需进行任何更改。"],
    ),
    (
        409,
        "Conflict",
        "unspecified",
        [
            "服务器在完成请求时发生冲突。",
            "返回该状态码，表明客户端尝试创建的资源已经存在，或者由于冲突请求的更新操作不能被完成。",
        ],
    ),
    (
        500,
        "Internal Server Error",
        "unspecified",
        ["表明服务端能被请求访问到，但是不能理解用户的请求。"],
    ),
    (501, "Not Implemented", "unspecified", ["服务器不支持请求的功能，无法完成请求。"]),
    (
        502,
        "Bad Gateway",
        "unspecified",
        ["充当网关或代理的服务器，从远端服务器接收到了一个无效的请求。"],
    ),
    (
        503,
        "Service Unavailable",
        "do_not_retry",
        ["被请求的服务无效。", "建议直接修改该请求，不要重试该请求。"],
    ),
    (504, "Gateway Timeout", "unspecified", ["网关超时。"]),
]
CATEGORY = {2: "success", 4: "client_error", 5: "server_error"}


def test_seed_gives_exactly_the_documented_records() -> None:
    dataset = scrape(SEED)
    got = [(r.code, r.reason, r.retry.value, r.paragraphs) for r in dataset.records]
    assert got == EXPECTED


def test_derived_and_provenance_fields() -> None:
    data = SEED.read_bytes()
    dataset = scrape(SEED)
    lines = data.decode().splitlines()
    for record in dataset.records:
        assert record.category.value == CATEGORY[record.code // 100]
        assert record.description == "\n".join(record.paragraphs)
        assert record.doc_id == "vod_04_0133"
        assert record.source_sha256 == hashlib.sha256(data).hexdigest()
        # The row id and line point at the row's <tr> in the source.
        assert f'<tr id="{record.source_row}">' in lines[record.source_line - 1]
    assert dataset.source.doc_id == "vod_04_0133"
    assert dataset.source.title == "状态码"
    assert dataset.source.service == "vod"


def test_every_paragraph_is_a_p_of_the_source() -> None:
    """An independent oracle: the text of each <p> in the body, read with a plain regex."""
    text = SEED.read_text(encoding="utf-8")
    body = text[text.index("<tbody>") :]
    oracle = []
    for row in re.findall(r"<tr.*?</tr>", body, re.S):
        cells = re.findall(r"<td.*?</td>", row, re.S)
        paragraphs = [
            " ".join(unicodedata.normalize("NFC", html.unescape(re.sub(r"<[^>]+>", "", p))).split())
            for p in re.findall(r"<p\b.*?</p>", cells[1], re.S)
        ]
        oracle.append(paragraphs)
    assert [r.paragraphs for r in scrape(SEED).records] == oracle


def test_bytes_and_path_give_the_same_records() -> None:
    assert scrape(SEED.read_bytes(), file=str(SEED)).records == scrape(SEED).records
