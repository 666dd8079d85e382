"""Explain errors from Huawei Cloud's Python SDK, and decide retries, with vodspec's data.

Duck-typed (anything with ``status_code`` and optionally ``error_code``, ``error_msg``,
``request_id``, as the SDK's exceptions have them): the SDK is never imported. The vendor's
retry view (VOD's pages) and the standard's (RFC 9110 and convention) are kept apart. Neither
retries a network failure unless the request is idempotent: RFC 9110 (section 9.2.2) forbids
it, since a POST that created an asset before its connection dropped would create a second.
"""

from __future__ import annotations

from vodspec import standard
from vodspec.errors import shown
from vodspec.record import (
    DO_NOT_RETRY,
    ERROR_CODE,
    MAY_RETRY,
    REMEDY,
    RETRY_UNCHANGED,
    STANDARD_REFERENCE,
    STANDARD_RETRY,
    UNSPECIFIED,
    ErrorCode,
    Status,
    status_number,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Literal

    from vodspec.registry import Registry

    Follow = Literal["vendor", "standard"]

VENDOR, STANDARD = "vendor", "standard"
_VENDOR_WORDS = {
    DO_NOT_RETRY: "do not retry; fix the request",
    RETRY_UNCHANGED: "may be retried unchanged",
    UNSPECIFIED: "no retry advice",
}
#: The SDK's exceptions for a request that got no HTTP answer (by class name: no import).
NETWORK_EXCEPTIONS = frozenset(
    {
        "ConnectionException",
        "HostUnreachableException",
        "SslHandShakeException",
        "RequestTimeoutException",
        "CallTimeoutException",
    }
)
NETWORK_REFERENCE = "RFC 9110, Section 9.2.2: only idempotent requests may be retried automatically"


class Explanation:
    """What vodspec knows about one SDK error: records, both retry views, one log line."""

    status_code: int | None
    error_code: str | None
    error_msg: str | None  # what the server said
    request_id: str | None
    status: Status | None
    error_codes: tuple[ErrorCode, ...]
    page_message: str | None  # what VOD's error-code page says the message is
    remedy: str | None  # what VOD's error-code page says to do
    vendor_retry: str  # do_not_retry, retry_unchanged or unspecified
    vendor_source: str | None  # where the vendor's advice comes from (doc id, row)
    standard_retry: str  # retry or unspecified
    standard_reference: str | None  # why the standard says so
    network: bool  # no HTTP answer at all (a connection failure or a timeout)
    message: str  # the one log line, also str(explanation)

    __slots__ = tuple(__annotations__)  # the fields above, in order

    def __init__(self, **values: object) -> None:
        for name in self.__slots__:
            object.__setattr__(self, name, values[name])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Explanation is immutable")

    def __delattr__(self, name: str) -> None:
        raise AttributeError("Explanation is immutable")

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"<Explanation {self.message!r}>"

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        return _rebuild, (tuple(getattr(self, name) for name in self.__slots__),)


def _rebuild(values: tuple[object, ...]) -> Explanation:
    return Explanation(**dict(zip(Explanation.__slots__, values, strict=True)))


#: Server text longer than this is cut in the log line (an HTML error page, say).
MAX_SERVER_TEXT = 300


def _attribute(exc: object, name: str) -> object:
    try:
        return getattr(exc, name, None)
    except Exception:  # a property that fails must not replace the SDK's own exception
        return None


def _text(exc: object, name: str) -> str | None:
    """A field as one line of text: numbers and dicts too, as the SDK may pass them."""
    value = _attribute(exc, name)
    if value is None or isinstance(value, bool):
        return None
    if not isinstance(value, str):
        import json

        try:
            value = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
        except (TypeError, ValueError, RecursionError):
            value = shown(value, MAX_SERVER_TEXT)  # an int past the int-to-text limit, too
    return " ".join(value.split()) or None


def _network(exc: object) -> bool:
    """Whether the SDK says no HTTP answer came (by class names along the MRO: no import)."""
    names = {cls.__name__ for cls in type(exc).__mro__}
    return bool(names & NETWORK_EXCEPTIONS) and "RetryOutageException" not in names


def _short(text: str | None) -> str | None:
    if text is None or len(text) <= MAX_SERVER_TEXT:
        return text
    return text[:MAX_SERVER_TEXT] + "…"


def _one_line(text: str | None) -> str | None:
    return " / ".join(part.strip() for part in text.splitlines() if part.strip()) if text else None


def explain(exc: BaseException, registry: Registry | None = None) -> Explanation:
    """The status and error-code records, the server's and the page's message, the remedy
    and both retry views with their sources, for an SDK exception; ``registry`` is another
    dataset (``vodspec.open_dataset``). Anything but an exception is a TypeError: a code is
    looked up with ``vodspec.status()`` or ``vodspec.error()``."""
    if not isinstance(exc, BaseException):
        hint = " (for a code, use vodspec.status() or vodspec.error())" if exc is not None else ""
        raise TypeError(f"explain() takes an exception, not {type(exc).__name__}{hint}")
    if registry is None:
        import vodspec

        registry = vodspec.default_registry()
    status_code = status_number(_attribute(exc, "status_code"))
    # The SDK's exceptions name their error code as the data does.
    error_code, error_msg = _text(exc, ERROR_CODE), _text(exc, "error_msg")
    if status_code is not None and error_code == str(status_code):
        error_code = None  # the SDK's fallback when the body had no error code (nginx 502)
    request_id = _text(exc, "request_id")
    network = status_code is None and _network(exc)
    status = registry.get(status_code) if status_code is not None else None
    errors: tuple[ErrorCode, ...] = ()
    if error_code is not None:
        # Else all of the code's records: the page may list it under another status.
        errors = registry.get_error(error_code, status_code) or registry.get_error(error_code)
    page_message = _one_line(next((e.message for e in errors if e.message), None))
    remedy = _one_line(next((e.remedy for e in errors if e.remedy), None))
    vendor = status.retry if status else UNSPECIFIED
    vendor_source = (
        _one_line(f"{status.doc_id or 'status page'} {status.code}")
        if status and vendor != UNSPECIFIED
        else None
    )
    if status_code is not None:
        standard_view = standard.standard_retry(status_code)
        reference = standard.STANDARD_RETRY.get(status_code)
    else:
        standard_view, reference = UNSPECIFIED, NETWORK_REFERENCE if network else None
    # The fields an explanation takes from a record are named as the record names them.
    fields: dict[str, object] = {
        "status_code": status_code,
        ERROR_CODE: error_code,
        "error_msg": error_msg,
        "request_id": request_id,
        "status": status,
        "error_codes": errors,
        "page_message": page_message,
        REMEDY: remedy,
        "vendor_retry": vendor,
        "vendor_source": vendor_source,
        STANDARD_RETRY: standard_view,
        STANDARD_REFERENCE: reference,
        "network": network,
    }
    partial = Explanation(**fields, message="")
    return Explanation(**fields, message=_line(type(exc).__name__, partial))


def _line(kind: str, e: Explanation) -> str:
    """The explanation as one log line; ``kind`` is the exception's class name."""
    if e.status_code is not None:
        phrase = _one_line(e.status.reason if e.status else None)
        phrase = phrase or standard.standard_phrase(e.status_code)
        parts = [f"HTTP {e.status_code} {phrase or ''}".rstrip()]
        if e.status is None:
            parts.append("(not on VOD's status-code page)")
    elif e.network:
        parts = [f"no HTTP answer ({kind})"]
    else:
        parts = ["no HTTP status"]
    if e.error_code:
        code = _short(e.error_code) or ""
        parts.append(f"{code} {e.page_message}" if e.page_message else code)
    if e.error_msg and e.error_msg != e.page_message:
        parts.append(f"server: {_short(e.error_msg)}")
    if e.remedy and e.remedy != e.page_message:
        parts.append(f"remedy: {e.remedy}")
    source = f" ({e.vendor_source})" if e.vendor_source else ""
    parts.append(f"VOD says: {_VENDOR_WORDS.get(e.vendor_retry, e.vendor_retry)}{source}")
    if e.standard_retry == MAY_RETRY:
        parts.append(f"standard: a retry may succeed ({e.standard_reference})")
    elif e.network:
        parts.append("standard: retry only an idempotent request (RFC 9110, Section 9.2.2)")
    else:
        parts.append("standard: no retry advice")
    if e.request_id:
        parts.append(f"request {e.request_id}")
    return "; ".join(parts)


def retry_condition(
    response: object,
    exc: object,
    follow: Follow = "vendor",
    *,
    idempotent: bool = False,
    registry: Registry | None = None,
) -> bool:
    """A retry condition for the SDK's ``invoker.with_retry(retry_condition, …)``: with
    ``follow="vendor"`` when VOD's page says the request may be resubmitted unchanged, with
    ``follow="standard"`` when the HTTP standard calls the status transient (408, 425, 429,
    502, 503, 504); a network failure only with ``idempotent=True``; no exception, never.
    Pass options with ``functools.partial``."""
    if follow not in (VENDOR, STANDARD):
        raise ValueError(f"follow must be {VENDOR!r} or {STANDARD!r}, not {shown(follow)}")
    if not isinstance(exc, BaseException):  # the SDK passes None with a response
        return False
    explanation = explain(exc, registry)
    if explanation.network:
        return bool(idempotent)
    if follow == VENDOR:
        return explanation.vendor_retry == RETRY_UNCHANGED
    return explanation.standard_retry == MAY_RETRY
