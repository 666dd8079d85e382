"""The standard's reference data agrees with Python's http.HTTPStatus, renames aside."""

from __future__ import annotations

import http

from vodspec.standard import IANA_STATUS_CODES, STANDARD_RETRY, standard_retry

#: RFC 9110 renamed these; CPython 3.11 keeps the RFC 7231 phrases.
RENAMED_BY_RFC_9110 = {413, 414, 416, 422}


def test_phrases_match_http_status() -> None:
    for status in http.HTTPStatus:
        if status.value in IANA_STATUS_CODES and status.value not in RENAMED_BY_RFC_9110:
            assert IANA_STATUS_CODES[status.value][0] == status.phrase, status


def test_renamed_phrases_are_rfc_9110s() -> None:
    assert {code: IANA_STATUS_CODES[code][0] for code in RENAMED_BY_RFC_9110} == {
        413: "Content Too Large",
        414: "URI Too Long",
        416: "Range Not Satisfiable",
        422: "Unprocessable Content",
    }


def test_every_code_has_a_reference() -> None:
    assert all(reference.startswith("RFC ") for _, reference in IANA_STATUS_CODES.values())
    assert all(100 <= code <= 599 for code in IANA_STATUS_CODES)


def test_retry_view_is_the_transient_codes_with_their_reasons() -> None:
    assert sorted(STANDARD_RETRY) == [408, 425, 429, 502, 503, 504]
    assert standard_retry(503) == "retry" and standard_retry(404) == "unspecified"
    assert STANDARD_RETRY[503].startswith("RFC 9110, Section 15.6.4")
