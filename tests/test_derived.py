"""Each derivation rule, named in vodspec.tools.scrape.derived, on its own."""

from __future__ import annotations

import pytest

from vodspec.tools.scrape.derived import (
    RETRY_RULES,
    Category,
    Retry,
    category_of,
    retry_of,
)


@pytest.mark.parametrize(
    ("code", "category"),
    [
        (100, Category.INFORMATIONAL),
        (199, Category.INFORMATIONAL),
        (200, Category.SUCCESS),
        (302, Category.REDIRECTION),
        (404, Category.CLIENT_ERROR),
        (499, Category.CLIENT_ERROR),
        (500, Category.SERVER_ERROR),
        (599, Category.SERVER_ERROR),
    ],
)
def test_category_from_first_digit(code: int, category: Category) -> None:
    assert category_of(code) is category


def test_do_not_retry_as_its_own_paragraph() -> None:
    assert retry_of(["非法请求。", "建议直接修改该请求，不要重试该请求。"]) == (Retry.DO_NOT_RETRY,)


def test_do_not_retry_ending_a_longer_paragraph() -> None:
    paragraph = (
        "返回该状态码，表明……因为该请求被设置为拒绝访问，建议直接修改该请求，不要重试该请求。"
    )
    assert retry_of([paragraph]) == (Retry.DO_NOT_RETRY,)


def test_retry_unchanged() -> None:
    assert retry_of(["超时。", "客户端可以随时再次提交该请求而无需进行任何更改。"]) == (
        Retry.RETRY_UNCHANGED,
    )


def test_no_advice_is_unspecified() -> None:
    assert retry_of(["网关超时。"]) == ()


def test_near_misses_do_not_count() -> None:
    assert retry_of(["建议直接修改该请求。"]) == ()
    assert retry_of(["不要重试"]) == ()


def test_both_advices_are_both_reported() -> None:
    both = [
        "建议直接修改该请求，不要重试该请求。",
        "客户端可以随时再次提交该请求而无需进行任何更改。",
    ]
    assert retry_of(both) == (Retry.DO_NOT_RETRY, Retry.RETRY_UNCHANGED)


def test_rules_are_named_data() -> None:
    assert {rule.retry for rule in RETRY_RULES} == {Retry.DO_NOT_RETRY, Retry.RETRY_UNCHANGED}
