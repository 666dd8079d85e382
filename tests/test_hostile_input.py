"""Broken and hostile pages: each is refused in one line or read as clean plain text."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import pytest
from conftest import SEED, frozen_raw, run_cli

from vodspec.errors import MarkupError, VodspecWarning
from vodspec.tools.scrape.pipeline import scrape

ROW_404_TEXT = "所请求的资源不存在。"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def one_line_refusal(path: Path, expected: str) -> None:
    result = run_cli("scrape", str(path))
    assert result.returncode == 1
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert expected in line and "Traceback" not in result.stderr


def test_truncated_seed(tmp_path: Path) -> None:
    for cut in (3000, 7777, len(SEED.read_bytes()) - 10):
        one_line_refusal(write(tmp_path, f"cut{cut}.md", SEED.read_bytes()[:cut]), "cut")


def test_gbk_copy(tmp_path: Path) -> None:
    page = write(tmp_path, "gbk.md", SEED.read_text(encoding="utf-8").encode("gbk"))
    one_line_refusal(page, "not UTF-8")


def test_200_mb_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.md"
    with open(huge, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)  # sparse: no disk is used
    one_line_refusal(huge, "the cap is")


def test_script_in_a_cell_yields_only_visible_text(tmp_path: Path) -> None:
    text = SEED.read_text(encoding="utf-8").replace(
        ROW_404_TEXT, "所请求的<script>alert('x')</script><style>p{}</style><!-- c -->资源不存在。"
    )
    result = run_cli("scrape", str(write(tmp_path, "script.md", text.encode())))
    assert result.returncode == 0, result.stderr
    record = next(r for r in json.loads(result.stdout)["records"] if r["code"] == 404)
    assert record["paragraphs"][0] == ROW_404_TEXT


def test_external_entities_are_never_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    text = f'<!DOCTYPE x [<!ENTITY e SYSTEM "file://{secret}">]>\n' + SEED.read_text(
        encoding="utf-8"
    ).replace(ROW_404_TEXT, "所请求的&e;资源不存在。")
    dataset = scrape(text.encode(), file="entity.md")
    assert "TOP-SECRET" not in dataset.model_dump_json()


def test_deep_nesting_is_refused_not_truncated() -> None:
    deep = "<b>" * 5000 + "x" + "</b>" * 5000
    text = SEED.read_text(encoding="utf-8").replace(ROW_404_TEXT, deep)
    with pytest.raises(MarkupError, match="nested deeper than the HTML parser reads"):
        scrape(text.encode(), file="deep.md")


def test_moderate_nesting_reads(tmp_path: Path) -> None:
    deep = "<span>" * 800 + "深" + "</span>" * 800
    text = SEED.read_text(encoding="utf-8").replace(ROW_404_TEXT, deep)
    record = next(r for r in scrape(text.encode(), file="deep.md").records if r.code == 404)
    assert record.paragraphs[0] == "深"


def test_control_characters_are_removed_and_reported() -> None:
    text = SEED.read_text(encoding="utf-8").replace(ROW_404_TEXT, "所请求的\x07资源\x1b不存在。")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        dataset = scrape(text.encode(), file="ctl.md")
    assert next(r for r in dataset.records if r.code == 404).paragraphs[0] == ROW_404_TEXT
    messages = [str(w.message) for w in caught if issubclass(w.category, VodspecWarning)]
    assert messages == [
        "line 53: removed control character U+0007",
        "line 53: removed control character U+001B",
    ]


def test_entities_zero_width_and_full_width_are_kept_as_text() -> None:
    text = SEED.read_text(encoding="utf-8").replace(ROW_404_TEXT, "A&amp;B&lt;C&#x4E2D;\u200bＡ１")
    record = next(r for r in scrape(text.encode(), file="t.md").records if r.code == 404)
    assert record.paragraphs[0] == "A&B<C中\u200bＡ１"


def test_formula_like_values_are_reported_and_kept(tmp_path: Path) -> None:
    raw, data = frozen_raw(tmp_path / "raw"), tmp_path / "data"
    page = raw / "vod_04_0133.md"
    page.write_text(
        page.read_text(encoding="utf-8").replace("网关超时。", "=HYPERLINK(1)"), encoding="utf-8"
    )
    result = run_cli("build", "--raw", str(raw), "--data", str(data))
    assert result.returncode == 0, result.stderr
    assert (
        "status_codes.csv row 19 column description: '=HYPERLINK(1)' starts with '='"
        in result.stderr
    )
    assert b"=HYPERLINK(1)" in (data / "status_codes.csv").read_bytes()


def test_unreadable_file_is_one_line(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        directory = tmp_path / "dir.md"
        directory.mkdir()
        one_line_refusal(directory, "not a regular file")
    else:
        locked = write(tmp_path, "locked.md", b"x")
        locked.chmod(0)
        one_line_refusal(locked, "cannot read")
