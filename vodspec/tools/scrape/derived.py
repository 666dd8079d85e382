"""Fields vodspec derives: the category from the code, the retry advice from the doc's words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Category(StrEnum):
    INFORMATIONAL = "informational"
    SUCCESS = "success"
    REDIRECTION = "redirection"
    CLIENT_ERROR = "client_error"
    SERVER_ERROR = "server_error"


class Retry(StrEnum):
    DO_NOT_RETRY = "do_not_retry"
    RETRY_UNCHANGED = "retry_unchanged"
    UNSPECIFIED = "unspecified"


#: The class of a code is its first digit (RFC 9110, section 15).
CATEGORY_BY_CLASS: dict[int, Category] = {
    1: Category.INFORMATIONAL,
    2: Category.SUCCESS,
    3: Category.REDIRECTION,
    4: Category.CLIENT_ERROR,
    5: Category.SERVER_ERROR,
}


def category_of(code: int) -> Category:
    return CATEGORY_BY_CLASS[code // 100]


@dataclass(frozen=True)
class RetryRule:
    """A paragraph containing ``phrase`` gives the advice ``retry``."""

    retry: Retry
    phrase: str


#: The doc's own sentences, word for word; a paragraph may also end with one (as 403's does).
RETRY_RULES: tuple[RetryRule, ...] = (
    RetryRule(Retry.DO_NOT_RETRY, "建议直接修改该请求，不要重试该请求"),
    RetryRule(Retry.RETRY_UNCHANGED, "客户端可以随时再次提交该请求而无需进行任何更改"),
)


def retry_of(paragraphs: tuple[str, ...] | list[str]) -> tuple[Retry, ...]:
    """Every advice the paragraphs give, in rule order; () when they give none."""
    return tuple(
        rule.retry for rule in RETRY_RULES if any(rule.phrase in text for text in paragraphs)
    )
