"""Same inputs, same bytes: builds under other hash seeds, time zones, locales and cwds agree."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import PAGE_SHAPES, ROOT, SEED, edit, two_sources


def build_in(
    tmp_path: Path, name: str, env: dict[str, str], raw_edit: str = ""
) -> dict[str, bytes]:
    work = tmp_path / name
    raw = two_sources(work / "raw", SEED, PAGE_SHAPES / "errors_module_rowspan.md")
    edit(raw / "e.md", "vpc_99_0003", "vod_99_0003")
    edit(raw / "e.md", "VPC.", "VOD.")
    for step in ("first", "second"):
        if step == "second":
            edit(raw / "s.md", "网关超时。", "网关超时了。")
        subprocess.run(
            [sys.executable, "-m", "vodspec", "build"],
            cwd=work,
            env={**os.environ, "PYTHONPATH": str(ROOT), **env},
            check=True,
            capture_output=True,
            timeout=120,
        )
    return {p.name: p.read_bytes() for p in sorted((work / "data").iterdir())}


def test_bytes_do_not_depend_on_the_environment(tmp_path: Path) -> None:
    first = build_in(tmp_path, "a", {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C"})
    second = build_in(
        tmp_path, "b/deeper", {"PYTHONHASHSEED": "4242", "TZ": "Asia/Shanghai", "LC_ALL": "C.UTF-8"}
    )
    assert first.keys() == second.keys() and len(first) == 12
    for name in first:
        assert first[name] == second[name], name
