"""Removals need --allow-removals; losing a table or over half the rows needs --force."""

from __future__ import annotations

import json
import re
from pathlib import Path

from conftest import PAGE_SHAPES, SEED, frozen_raw, run_cli, two_sources


def setup(tmp_path: Path) -> tuple[Path, Path, dict[str, bytes]]:
    raw, data = frozen_raw(tmp_path / "raw"), tmp_path / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    return raw, data, {p.name: p.read_bytes() for p in data.iterdir()}


def without_rows(codes: list[int]) -> str:
    text = SEED.read_text(encoding="utf-8")
    for code in codes:
        text = re.sub(
            rf"<tr id=\"[^\"]*\"><td[^>]*><p[^>]*>(<a[^>]*></a>)*{code} [^<]*</p>.*?</tr>\n",
            "",
            text,
            flags=re.S,
        )
    return text


def test_removal_is_refused_then_allowed(tmp_path: Path) -> None:
    raw, data, before = setup(tmp_path)
    (raw / "vod_04_0133.md").write_text(without_rows([407, 501]), encoding="utf-8")
    refused = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert refused.returncode == 1
    assert "would remove 2 record(s): status_codes 407, status_codes 501" in refused.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    allowed = run_cli("build", "--raw", str(raw), "--data", str(data), "--allow-removals")
    assert allowed.returncode == 0, allowed.stderr
    assert "version 2.0.0 (major)" in allowed.stdout
    assert [
        r["code"] for r in json.loads((data / "status_codes.json").read_bytes())["records"]
    ].count(407) == 0


def test_losing_more_than_half_needs_force(tmp_path: Path) -> None:
    raw, data, before = setup(tmp_path)
    codes = [200, 201, 202, 204, 400, 401, 403, 404, 405, 406]
    (raw / "vod_04_0133.md").write_text(without_rows(codes), encoding="utf-8")
    refused = run_cli("build", "--raw", str(raw), "--data", str(data), "--allow-removals")
    assert refused.returncode == 1 and "more than half" in refused.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    alone = run_cli("build", "--raw", str(raw), "--data", str(data), "--force")
    assert alone.returncode == 1 and "would remove 10 record(s)" in alone.stderr
    forced = run_cli("build", "--raw", str(raw), "--data", str(data), "--allow-removals", "--force")
    assert forced.returncode == 0 and "2.0.0" in forced.stdout


def test_losing_the_table_needs_force(tmp_path: Path) -> None:
    raw, data, before = setup(tmp_path)
    text = SEED.read_text(encoding="utf-8")
    (raw / "vod_04_0133.md").write_text(text[: text.index("<table")], encoding="utf-8")
    refused = run_cli("build", "--raw", str(raw), "--data", str(data), "--allow-removals")
    assert refused.returncode == 1 and "--allow-removals --force accepts" in refused.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    # With --force the only dataset would go: nothing is left to publish, still refused.
    forced = run_cli("build", "--raw", str(raw), "--data", str(data), "--allow-removals", "--force")
    assert forced.returncode == 1 and "every source lost its table" in forced.stderr


def test_one_page_losing_its_table_is_a_removal_of_its_kind(tmp_path: Path) -> None:
    # With --force, a kind whose page lost its table was looked up among the new datasets
    # (an internal error, exit 3) instead of being refused as a removal, or published.
    raw = two_sources(tmp_path / "raw", SEED, PAGE_SHAPES / "errors_five_columns.md")
    data = tmp_path / "data"
    assert run_cli("build", "--raw", str(raw), "--data", str(data)).returncode == 0
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    (raw / "e.md").write_text("# 错误码\n\nNo table any more.\n", encoding="utf-8")
    alone = run_cli("build", "--raw", str(raw), "--data", str(data), "--force")
    assert alone.returncode == 1 and "--allow-removals accepts removals" in alone.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before
    forced = run_cli("build", "--raw", str(raw), "--data", str(data), "--allow-removals", "--force")
    assert forced.returncode == 0, forced.stderr
    assert not (data / "error_codes.json").exists() and (data / "status_codes.json").exists()
