"""Shared paths and helpers. Tests that read ../shared skip cleanly when it is absent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "raw"
DATA = ROOT / "data"
SEED = RAW / "vod_04_0133.md"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


def corpus_file(relative: str) -> Path:
    """A page of ../shared/corpus, or skip the test when the corpus is not there."""
    path = CORPUS / relative
    if not path.is_file():
        pytest.skip(f"../shared/corpus/{relative} is not available")
    return path


def run_cli(
    *args: str, cwd: Path = ROOT, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m vodspec ARGS` as a user would, capturing text output."""
    return subprocess.run(
        [sys.executable, "-m", "vodspec", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        timeout=120,
    )


@pytest.fixture
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")
