"""A maintainer's whole update, played on a copy of the checkout: edit the page, build, use it.

The copy starts from the frozen seed, so this holds whatever the live raw/ says today.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import ROOT, frozen_raw, package_copy, run_cli, run_in_site

ROW_429 = (
    '<tr id="row429"><td class="cellrowborder" valign="top" width="43.43%"><p>429 Too Many'
    ' Requests</p>\n</td>\n<td class="cellrowborder" valign="top" width="56.57%"><p>请求过于频繁。'
    "</p>\n</td>\n</tr>\n"
)


def checkout_copy(tmp_path: Path) -> Path:
    site = package_copy(tmp_path)
    shutil.copy(ROOT / "pyproject.toml", site / "pyproject.toml")
    frozen_raw(site / "raw")
    return site


def test_an_upstream_edit_is_published_and_served(tmp_path: Path) -> None:
    site = checkout_copy(tmp_path)
    first = run_in_site(site, "-m", "vodspec", "build")
    assert first.returncode == 0 and "version 1.0.0" in first.stdout, first.stderr

    page = site / "raw" / "vod_04_0133.md"
    text = page.read_text(encoding="utf-8")
    text = text.replace("网关超时。", "网关超时，请稍后重试。")
    end_of_409 = text.index("</tr>\n", text.index("409 Conflict")) + len("</tr>\n")
    page.write_text(text[:end_of_409] + ROW_429 + text[end_of_409:], encoding="utf-8")

    second = run_in_site(site, "-m", "vodspec", "build")
    assert second.returncode == 0, second.stderr
    assert "published data version 1.1.0 (minor)" in second.stdout
    assert "added status_codes 429" in second.stdout
    assert "changed status_codes 504 description" in second.stdout

    served = run_in_site(
        site,
        "-c",
        "import vodspec; r = vodspec.status(429); print(vodspec.__version__, r.reason);"
        " print(vodspec.status(504).description)",
    )
    assert served.stdout.splitlines() == ["1.1.0 Too Many Requests", "网关超时，请稍后重试。"]
    shown = run_in_site(site, "-m", "vodspec", "show", "429")
    assert shown.returncode == 0 and shown.stdout.startswith("429 Too Many Requests")
    # The checkout's data dir, checked from this process (the models' import is paid once).
    assert run_cli("validate", str(site / "data")).returncode == 0
    lint = json.loads(run_cli("lint", "--json", str(site / "data")).stdout)
    assert "missing-429" not in {finding["rule"] for finding in lint}
    history = json.loads((site / "data" / "changes.json").read_bytes())
    assert [entry["version"] for entry in history] == ["1.1.0", "1.0.0"]
    # The distribution built from this checkout carries the new data version.
    version = run_in_site(site, "-m", "hatchling", "version")
    assert version.returncode == 0 and version.stdout.strip() == "1.1.0", version.stderr
