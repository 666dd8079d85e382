"""Replay the real history of VOD's two pages through `vodspec build` (needs ../shared).

The versions and changes expected here come from reading the diffs between revisions.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import CORPUS, SEED, run_cli

STATUS_URL = "https://support.huaweicloud.com/api-vod/vod_04_0133.html"
ERRORS_URL = "https://support.huaweicloud.com/api-vod/vod_04_0039.html"


def project(tmp_path: Path, with_errors: bool) -> Path:
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / "vod_04_0133.md")
    sources = [
        {
            "id": "vod_04_0133",
            "kind": "status_codes",
            "service": "vod",
            "url": STATUS_URL,
            "file": "vod_04_0133.md",
        }
    ]
    if with_errors:
        sources.append(
            {
                "id": "vod_04_0039",
                "kind": "error_codes",
                "service": "vod",
                "url": ERRORS_URL,
                "file": "vod_04_0039.md",
            }
        )
    (raw / "sources.json").write_text(json.dumps(sources), encoding="utf-8")
    return raw


def step(raw: Path, data: Path, page: str, target: str, *flags: str) -> tuple[int, str, str]:
    source = CORPUS / page
    if not source.is_file():
        pytest.skip("../shared/corpus is not available")
    shutil.copy(source, raw / target)
    result = run_cli("build", "--raw", str(raw), "--data", str(data), *flags)
    return result.returncode, result.stdout, result.stderr


def snapshot(data: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(data.iterdir())}


def test_status_page_history(tmp_path: Path) -> None:
    raw, data = project(tmp_path, with_errors=False), tmp_path / "data"
    page = "vod_04_0133.md"
    assert step(raw, data, "vod/status/eb36979.md", page)[1].startswith("published")
    assert json.loads((data / "status_codes.json").read_bytes())["version"] == "1.0.0"
    # The doc id moved from ZH-CN_TOPIC_0171455008 to vod_04_0133; the records did not change.
    code, out, _ = step(raw, data, "vod/status/27b3b04.md", page)
    assert code == 0 and "version 1.0.1 (patch)" in out
    assert "source status_codes doc_id: ZH-CN_TOPIC_0171455008 -> vod_04_0133" in out
    assert "changed" not in out
    before = snapshot(data)
    code, _, err = step(raw, data, "vod/status/a2387f9.md", page)  # the Live page
    assert code == 1 and "this is a live page" in err
    assert snapshot(data) == before
    code, out, _ = step(raw, data, "vod/status/27b3b04.md", page)
    assert code == 0 and out.startswith("unchanged") and snapshot(data) == before
    code, out, _ = step(raw, data, "vod/status/1124c8d.md", page)
    assert code == 0 and "version 1.0.2 (patch)" in out
    versions = json.loads((data / "changes.json").read_bytes())
    assert [(v["version"], v["bump"]) for v in versions] == [
        ("1.0.2", "patch"),
        ("1.0.1", "patch"),
        ("1.0.0", "initial"),
    ]


def changed_keys(data: Path) -> set[tuple[str, str]]:
    latest = json.loads((data / "changes.json").read_bytes())[0]
    return {
        (" ".join(str(k) for k in change["key"] if k is not None), change["kind"])
        for change in latest["changes"]
    }


def test_error_page_history(tmp_path: Path) -> None:
    raw, data = project(tmp_path, with_errors=True), tmp_path / "data"
    page = "vod_04_0039.md"
    assert step(raw, data, "vod/errors/eb36979.md", page)[0] == 0
    # Punctuation fixed in seven messages (',' -> '，', '.' -> '。', spaces around ASCII).
    code, out, _ = step(raw, data, "vod/errors/27b3b04.md", page)
    assert code == 0 and "1.0.1 (patch)" in out
    assert changed_keys(data) == {
        (key, "changed")
        for key in (
            "VOD.10061",
            "VOD.10089",
            "VOD.10090",
            "VOD.10102",
            "VOD.10103",
            "VOD.20051",
            "VOD.20052",
        )
    }
    code, out, _ = step(raw, data, "vod/errors/4ad2697.md", page)  # markup only
    assert code == 0 and "1.0.2 (patch)" in out and changed_keys(data) == set()
    # VOD.10102 is gone: refused until --allow-removals, then MAJOR.
    before = snapshot(data)
    code, _, err = step(raw, data, "vod/errors/033bfa7.md", page)
    assert code == 1 and "error_codes VOD.10102" in err and snapshot(data) == before
    code, out, _ = step(raw, data, "vod/errors/033bfa7.md", page, "--allow-removals")
    assert code == 0 and "2.0.0 (major)" in out
    assert ("VOD.10102", "removed") in changed_keys(data)
    # Five columns: every code gains a status (matched, not removed), 32 rows are new, and
    # the four VOD.2005x codes are gone: MAJOR again, after --allow-removals.
    code, _, err = step(raw, data, "vod/errors/5143431.md", page)
    assert code == 1 and "would remove 4 record(s)" in err
    code, out, _ = step(raw, data, "vod/errors/5143431.md", page, "--allow-removals")
    assert code == 0 and "3.0.0 (major)" in out
    kinds = [kind for _, kind in changed_keys(data)]
    assert kinds.count("removed") == 4 and kinds.count("added") == 32  # 92 rows - (64 - 4) matched
    before = snapshot(data)
    code, _, err = step(raw, data, "vod/errors/a2387f9.md", page)  # Live's page
    assert code == 1 and "this is a live page" in err and snapshot(data) == before
    # Headers renamed (状态码 -> HTTP状态码, 描述 -> 语义): the records read the same;
    # one message's comma became full-width.
    code, out, _ = step(raw, data, "vod/errors/33a12ed.md", page)
    assert (
        code == 0
        and "3.0.1 (patch)" in out
        and changed_keys(data) == {("VOD.10061 403", "changed")}
    )
    code, out, _ = step(raw, data, "vod/errors/1124c8d.md", page)
    assert code == 0 and "3.0.2 (patch)" in out and changed_keys(data) == set()
    # Headers renamed back (解决方案 -> 处理措施), the comma reverted, doc id now ErrorCode.
    code, out, _ = step(raw, data, "vod/errors/7381ebf.md", page)
    assert (
        code == 0
        and "3.0.3 (patch)" in out
        and changed_keys(data) == {("VOD.10061 403", "changed")}
    )
    assert len(json.loads((data / "error_codes.json").read_bytes())["records"]) == 92
    assert run_cli("validate", str(data)).returncode == 0
