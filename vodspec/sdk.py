"""Explain errors from Huawei Cloud's Python SDK, and decide retries, with vodspec's data.

Duck-typed: anything with ``status_code`` (and optionally ``error_code``, ``error_msg``,
``request_id``), such as ``huaweicloudsdkcore.exceptions.exceptions.ClientRequestException``
or ``ServerResponseException``, works; the SDK is never imported.
"""

from __future__ import annotations

from vodspec.record import ErrorCode, Status

TYPE_CHECKING = False
if TYPE_CHECKING:
    from vodspec.registry import Registry

VENDOR, STANDARD = "vendor", "standard"
_VENDOR_WORDS = {
    "do_not_retry": "do not retry; fix the request",
    "retry_unchanged": "may be retried unchanged",
    "unspecified": "no retry advice",
}


class Explanation:
    """What vodspec knows about one SDK error: records, both retry views, one line."""

    __slots__ = (
        "status_code",
        "error_code",
        "error_msg",
        "request_id",
        "status",
        "error_codes",
        "vendor_retry",
        "standard_retry",
        "standard_reference",
        "message",
    )

    def __init__(self, **values: object) -> None:
        for name in self.__slots__:
            object.__setattr__(self, name, values[name])

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Explanation is immutable")

    status_code: int | None
    error_code: str | None
    error_msg: str | None
    request_id: str | None
    status: Status | None
    error_codes: tuple[ErrorCode, ...]
    vendor_retry: str  # the page's advice: do_not_retry, retry_unchanged or unspecified
    standard_retry: str  # the standard's view: retry or unspecified
    standard_reference: str | None
    message: str

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        return f"<Explanation {self.message!r}>"


def _attribute(exc: object, name: str) -> object:
    return getattr(exc, name, None)


def explain(exc: object, registry: Registry | None = None) -> Explanation:
    """The status record, any error-code records, the vendor's and the standard's retry
    views, and a one-line message for an SDK exception (or any object shaped like one)."""
    if registry is None:
        import vodspec

        registry = vodspec._load()
    raw_status = _attribute(exc, "status_code")
    status_code = raw_status if type(raw_status) is int else None
    error_code = _attribute(exc, "error_code")
    error_code = error_code if isinstance(error_code, str) and error_code else None
    error_msg = _attribute(exc, "error_msg")
    request_id = _attribute(exc, "request_id")
    status = registry.get(status_code) if status_code is not None else None
    errors: tuple[ErrorCode, ...] = ()
    if error_code is not None and registry.error_codes:
        try:
            errors = registry.error(error_code, status_code)
        except LookupError:
            try:
                errors = registry.error(error_code)
            except LookupError:
                errors = ()
    vendor = status.retry if status else "unspecified"
    standard = status.standard_retry if status else "unspecified"
    reference = status.standard_retry_reference if status else None
    parts = [f"HTTP {status_code}" if status_code is not None else "no HTTP status"]
    if status is not None:
        parts[0] += f" {status.reason or status.standard_phrase or ''}".rstrip()
    else:
        parts.append("(not on VOD's status-code page)")
    if error_code:
        parts.append(
            f"{error_code}" + (f" {errors[0].message}" if errors and errors[0].message else "")
        )
    elif isinstance(error_msg, str) and error_msg:
        parts.append(error_msg)
    parts.append(f"VOD says: {_VENDOR_WORDS.get(vendor, vendor)}")
    parts.append(
        "standard: a retry may succeed" + (f" ({reference})" if reference else "")
        if standard == "retry"
        else "standard: no retry advice"
    )
    if isinstance(request_id, str) and request_id:
        parts.append(f"request {request_id}")
    return Explanation(
        status_code=status_code,
        error_code=error_code,
        error_msg=error_msg if isinstance(error_msg, str) else None,
        request_id=request_id if isinstance(request_id, str) else None,
        status=status,
        error_codes=errors,
        vendor_retry=vendor,
        standard_retry=standard,
        standard_reference=status.standard_reference if status else None,
        message="; ".join(parts),
    )


def retry_condition(response: object, exc: object, follow: str = VENDOR) -> bool:
    """A retry condition for the SDK's ``invoker.with_retry(retry_condition, …)``.

    Retries when the vendor's page says the request may be resubmitted unchanged
    (``follow="vendor"``, the default) or when the standard calls the status transient
    (``follow="standard"``). No exception, or an unknown status, means no retry.
    """
    if follow not in (VENDOR, STANDARD):
        raise ValueError(f"follow must be {VENDOR!r} or {STANDARD!r}, not {follow!r}")
    if exc is None:
        return False
    explanation = explain(exc)
    if follow == VENDOR:
        return explanation.vendor_retry == "retry_unchanged"
    return explanation.standard_retry == "retry"
