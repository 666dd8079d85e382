"""The published files load outside Python's own stack: ajv (Node) and DuckDB (SQL)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import DATA, ROOT

JS = ROOT / "tests" / "js"


@pytest.fixture(scope="module")
def node() -> str:
    """node with ajv installed under tests/js (npm installs it on first use)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is not installed")  # CI must run it, not skip it
        pytest.skip("node is not installed")
    if not (JS / "node_modules" / "ajv").is_dir() and npm is not None:
        subprocess.run(
            [npm, "install", "--prefix", str(JS), "--no-package-lock", "--no-audit", "--no-fund"],
            capture_output=True,
            timeout=600,
        )
    if not (JS / "node_modules" / "ajv").is_dir():
        message = "ajv could not be installed: npm install --prefix tests/js --no-package-lock"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return node


def test_ajv_validates_the_json_against_the_published_schema(node: str) -> None:
    command = [node, str(JS / "validate.mjs"), str(DATA)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    count = len(json.loads((DATA / "status_codes.json").read_bytes())["records"])
    assert f"status_codes.json: valid ({count} records)" in result.stdout


def test_ajv_rejects_a_broken_record(tmp_path: Path, node: str) -> None:
    for file in DATA.glob("status_codes*.json"):
        shutil.copy(file, tmp_path / file.name)
    dataset = json.loads((tmp_path / "status_codes.json").read_bytes())
    dataset["records"][0]["code"] = "200"
    (tmp_path / "status_codes.json").write_text(json.dumps(dataset), encoding="utf-8")
    command = [node, str(JS / "validate.mjs"), str(tmp_path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60)
    assert result.returncode == 1 and "must be integer" in result.stdout


def test_duckdb_reads_the_csv_with_integer_codes() -> None:
    duckdb = pytest.importorskip("duckdb")
    path = DATA / "status_codes.csv"
    relation = duckdb.sql(f"select * from read_csv('{path}', header = true)")
    types = dict(zip(relation.columns, (str(t) for t in relation.types), strict=True))
    assert types["code"] in ("BIGINT", "INTEGER") and types["source_line"] in ("BIGINT", "INTEGER")
    rows = relation.fetchall()
    records = json.loads((DATA / "status_codes.json").read_bytes())["records"]
    by_column = [dict(zip(relation.columns, row, strict=True)) for row in rows]
    assert [row["code"] for row in by_column] == [record["code"] for record in records]
    assert [row["description"] for row in by_column] == [
        record["description"] for record in records
    ]
    assert [row["reason"] for row in by_column] == [record["reason"] for record in records]
