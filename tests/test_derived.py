"""Each derivation rule, named in vodspec.tools.scrape.derived, on its own."""

from __future__ import annotations

import http

from vodspec.tools.scrape.derived import Category, Retry, category_of, retry_of

#: RFC 9110, Section 15: "1xx (Informational)", "2xx (Successful)", "3xx (Redirection)",
#: "4xx (Client Error)", "5xx (Server Error)"; the class is the first digit.
RFC_9110_CLASSES = {
    "Informational": Category.INFORMATIONAL,
    "Successful": Category.SUCCESS,
    "Redirection": Category.REDIRECTION,
    "Client Error": Category.CLIENT_ERROR,
    "Server Error": Category.SERVER_ERROR,
}
CLASS_BY_DIGIT = dict(enumerate(RFC_9110_CLASSES, start=1))


def test_category_is_the_rfc_9110_class_of_the_first_digit() -> None:
    """Every status Python knows, and each class's last code."""
    for code in sorted({status.value for status in http.HTTPStatus} | {199, 299, 399, 499, 599}):
        assert category_of(code) is RFC_9110_CLASSES[CLASS_BY_DIGIT[code // 100]], code


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


def test_only_short_paragraphs_are_remembered() -> None:
    # Each paragraph's advice is remembered for the next row that repeats it; a long one
    # (a 2 MB description) kept for later pages held its memory past its page.
    from vodspec.tools.scrape import derived

    phrase = "建议直接修改该请求，不要重试该请求。"
    derived._says.cache_clear()
    assert retry_of(["说明。" * derived.REMEMBERED_LENGTH + phrase]) == (Retry.DO_NOT_RETRY,)
    assert derived._says.cache_info().currsize == 0
    assert retry_of([phrase]) == retry_of([phrase]) == (Retry.DO_NOT_RETRY,)
    assert derived._says.cache_info().hits == 1
