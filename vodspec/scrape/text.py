"""The one text normalisation of vodspec: Unicode NFC, whitespace runs to one space, trimmed."""

from __future__ import annotations

import unicodedata


def normalize(text: str) -> str:
    """NFC, then every run of whitespace (Unicode's definition) becomes one space; trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())
