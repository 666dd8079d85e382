"""Same inputs, same bytes: builds under other hash seeds, time zones, locales and cwds agree."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import ROOT

LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"
MANIFEST = json.dumps(
    [
        {
            "id": "s",
            "kind": "status_codes",
            "service": "vod",
            "url": "https://x.invalid/s",
            "file": "s.md",
        },
        {
            "id": "e",
            "kind": "error_codes",
            "service": "vod",
            "url": "https://x.invalid/e",
            "file": "e.md",
        },
    ]
)


def build_in(
    tmp_path: Path, name: str, env: dict[str, str], raw_edit: str = ""
) -> dict[str, bytes]:
    work = tmp_path / name
    raw = work / "raw"
    raw.mkdir(parents=True)
    (raw / "sources.json").write_text(MANIFEST, encoding="utf-8")
    shutil.copy(ROOT / "raw" / "vod_04_0133.md", raw / "s.md")
    shutil.copy(LAYOUTS / "errors_module_rowspan.md", raw / "e.md")
    (raw / "e.md").write_text(
        (raw / "e.md")
        .read_text(encoding="utf-8")
        .replace("vpc_99_0003", "vod_99_0003")
        .replace("VPC.", "VOD."),
        encoding="utf-8",
    )
    for step in ("first", "second"):
        if step == "second":
            page = raw / "s.md"
            page.write_text(
                page.read_text(encoding="utf-8").replace("网关超时。", "网关超时了。"),
                encoding="utf-8",
            )
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
    assert first.keys() == second.keys() and len(first) == 10
    for name in first:
        assert first[name] == second[name], name
