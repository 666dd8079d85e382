"""The immutable record type the accessor hands out (stdlib only, cheap to import)."""

from __future__ import annotations


class Status:
    """One status code as the VOD documentation describes it.

    Instances are immutable and hashable; compare equal when every field is equal.
    """

    __slots__ = (
        "code",
        "reason",
        "description",
        "paragraphs",
        "category",
        "retry",
        "doc_id",
        "source_row",
        "source_line",
        "source_sha256",
    )

    code: int
    reason: str | None
    description: str
    paragraphs: tuple[str, ...]
    category: str
    retry: str
    doc_id: str
    source_row: str | None
    source_line: int
    source_sha256: str

    def __init__(
        self,
        code: int,
        reason: str | None,
        description: str,
        paragraphs: tuple[str, ...],
        category: str,
        retry: str,
        doc_id: str,
        source_row: str | None,
        source_line: int,
        source_sha256: str,
    ) -> None:
        values = (
            code,
            reason,
            description,
            paragraphs,
            category,
            retry,
            doc_id,
            source_row,
            source_line,
            source_sha256,
        )
        for name, value in zip(self.__slots__, values, strict=True):
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError(f"Status records are immutable (tried to set {name!r})")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"Status records are immutable (tried to delete {name!r})")

    @property
    def name(self) -> str | None:
        """The constant-style name, as in ``http.HTTPStatus``: ``Not Found`` -> ``NOT_FOUND``."""
        return constant_name(self.reason) if self.reason else None

    def as_dict(self) -> dict[str, object]:
        """The record as the published JSON has it (paragraphs as a list)."""
        out: dict[str, object] = {name: getattr(self, name) for name in self.__slots__}
        out["paragraphs"] = list(self.paragraphs)
        return out

    def _key(self) -> tuple[object, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Status):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return f"<Status {self.code} {self.reason!r} retry={self.retry}>"


def constant_name(phrase: str) -> str:
    """``"Request-URI Too Long"`` -> ``"REQUEST_URI_TOO_LONG"`` (the http.HTTPStatus convention)."""
    words = "".join(ch if ch.isalnum() else " " for ch in phrase.upper()).split()
    return "_".join(words)
