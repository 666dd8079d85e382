"""The HTTP standard's view of each status code: data, no network.

The IANA "HTTP Status Code Registry" as RFC 9110 (June 2022) left it; not http.HTTPStatus,
which CPython 3.11 still spells four renamed phrases the old way and which has no references.
"""

from __future__ import annotations

from vodspec.record import MAY_RETRY, UNSPECIFIED

#: code -> (registered reason phrase, reference)
IANA_STATUS_CODES: dict[int, tuple[str, str]] = {
    100: ("Continue", "RFC 9110, Section 15.2.1"),
    101: ("Switching Protocols", "RFC 9110, Section 15.2.2"),
    102: ("Processing", "RFC 2518, Section 10.1"),
    103: ("Early Hints", "RFC 8297"),
    200: ("OK", "RFC 9110, Section 15.3.1"),
    201: ("Created", "RFC 9110, Section 15.3.2"),
    202: ("Accepted", "RFC 9110, Section 15.3.3"),
    203: ("Non-Authoritative Information", "RFC 9110, Section 15.3.4"),
    204: ("No Content", "RFC 9110, Section 15.3.5"),
    205: ("Reset Content", "RFC 9110, Section 15.3.6"),
    206: ("Partial Content", "RFC 9110, Section 15.3.7"),
    207: ("Multi-Status", "RFC 4918, Section 11.1"),
    208: ("Already Reported", "RFC 5842, Section 7.1"),
    226: ("IM Used", "RFC 3229, Section 10.4.1"),
    300: ("Multiple Choices", "RFC 9110, Section 15.4.1"),
    301: ("Moved Permanently", "RFC 9110, Section 15.4.2"),
    302: ("Found", "RFC 9110, Section 15.4.3"),
    303: ("See Other", "RFC 9110, Section 15.4.4"),
    304: ("Not Modified", "RFC 9110, Section 15.4.5"),
    305: ("Use Proxy", "RFC 9110, Section 15.4.6"),
    307: ("Temporary Redirect", "RFC 9110, Section 15.4.8"),
    308: ("Permanent Redirect", "RFC 9110, Section 15.4.9"),
    400: ("Bad Request", "RFC 9110, Section 15.5.1"),
    401: ("Unauthorized", "RFC 9110, Section 15.5.2"),
    402: ("Payment Required", "RFC 9110, Section 15.5.3"),
    403: ("Forbidden", "RFC 9110, Section 15.5.4"),
    404: ("Not Found", "RFC 9110, Section 15.5.5"),
    405: ("Method Not Allowed", "RFC 9110, Section 15.5.6"),
    406: ("Not Acceptable", "RFC 9110, Section 15.5.7"),
    407: ("Proxy Authentication Required", "RFC 9110, Section 15.5.8"),
    408: ("Request Timeout", "RFC 9110, Section 15.5.9"),
    409: ("Conflict", "RFC 9110, Section 15.5.10"),
    410: ("Gone", "RFC 9110, Section 15.5.11"),
    411: ("Length Required", "RFC 9110, Section 15.5.12"),
    412: ("Precondition Failed", "RFC 9110, Section 15.5.13"),
    413: ("Content Too Large", "RFC 9110, Section 15.5.14"),
    414: ("URI Too Long", "RFC 9110, Section 15.5.15"),
    415: ("Unsupported Media Type", "RFC 9110, Section 15.5.16"),
    416: ("Range Not Satisfiable", "RFC 9110, Section 15.5.17"),
    417: ("Expectation Failed", "RFC 9110, Section 15.5.18"),
    421: ("Misdirected Request", "RFC 9110, Section 15.5.20"),
    422: ("Unprocessable Content", "RFC 9110, Section 15.5.21"),
    423: ("Locked", "RFC 4918, Section 11.3"),
    424: ("Failed Dependency", "RFC 4918, Section 11.4"),
    425: ("Too Early", "RFC 8470, Section 5.2"),
    426: ("Upgrade Required", "RFC 9110, Section 15.5.22"),
    428: ("Precondition Required", "RFC 6585, Section 3"),
    429: ("Too Many Requests", "RFC 6585, Section 4"),
    431: ("Request Header Fields Too Large", "RFC 6585, Section 5"),
    451: ("Unavailable For Legal Reasons", "RFC 7725, Section 3"),
    500: ("Internal Server Error", "RFC 9110, Section 15.6.1"),
    501: ("Not Implemented", "RFC 9110, Section 15.6.2"),
    502: ("Bad Gateway", "RFC 9110, Section 15.6.3"),
    503: ("Service Unavailable", "RFC 9110, Section 15.6.4"),
    504: ("Gateway Timeout", "RFC 9110, Section 15.6.5"),
    505: ("HTTP Version Not Supported", "RFC 9110, Section 15.6.6"),
    506: ("Variant Also Negotiates", "RFC 2295, Section 8.1"),
    507: ("Insufficient Storage", "RFC 4918, Section 11.5"),
    508: ("Loop Detected", "RFC 5842, Section 7.2"),
    511: ("Network Authentication Required", "RFC 6585, Section 6"),
}

#: code -> why a client may retry it (the standard's words, or the convention and who keeps it).
STANDARD_RETRY: dict[int, str] = {
    408: "RFC 9110, Section 15.5.9: the client MAY repeat the request",
    425: "RFC 8470, Section 5.2: the client MAY retry the request",
    429: "RFC 6585, Section 4: too many requests in a given time; Retry-After says when",
    502: "convention (jshttp/statuses `retry`): an upstream failure, often transient",
    503: "RFC 9110, Section 15.6.4: a temporary overload or maintenance; Retry-After says when",
    504: "convention (jshttp/statuses `retry`): an upstream timeout, often transient",
}

#: Names the RFCs gave codes before RFC 9110 (pages still use them), and de facto ones.
EARLIER_PHRASES: dict[int, tuple[str, ...]] = {
    413: ("Request Entity Too Large", "Payload Too Large"),
    414: ("Request-URI Too Long", "Request-URI Too Large"),
    416: ("Requested Range Not Satisfiable",),
    418: ("I'm a teapot",),
    422: ("Unprocessable Entity",),
}


def standard_phrase(code: int) -> str | None:
    return IANA_STATUS_CODES.get(code, (None, None))[0]


def known_phrases(code: int) -> tuple[str, ...]:
    """Every name the standards gave ``code``: the registered one first."""
    registered = standard_phrase(code)
    return (*((registered,) if registered else ()), *EARLIER_PHRASES.get(code, ()))


def standard_reference(code: int) -> str | None:
    return IANA_STATUS_CODES.get(code, (None, None))[1]


def standard_retry(code: int) -> str:
    """``retry`` where the standard or the convention says a retry may cure it."""
    return MAY_RETRY if code in STANDARD_RETRY else UNSPECIFIED
