"""The data's licence travels with it: declared, and shipped as text (in the sdist and the
wheel too: tests/test_wheel.py).

The code is Apache-2.0 (LICENSE); the pages in raw/ and the data made from them are under the
upstream documentation's licence (attribution, non-commercial, share-alike), whose article 4.1
asks for a copy of it with every copy of the work.
"""

from __future__ import annotations

import json
import tomllib

from conftest import DATA, ROOT, SHARED

from vodspec.tools.publish.render import UPSTREAM_LICENCE

UPSTREAM = SHARED / "upstream" / "huaweicloudDocs-vod-LICENSE.md"
ELEMENTS = ("署名", "非商业性使用", "相同方式共享")


def test_the_datapackage_declares_the_shipped_licence() -> None:
    package = json.loads((DATA / "datapackage.json").read_bytes())
    (licence,) = package["licenses"]
    assert licence["name"] == "other-nc" and licence["path"] == "LICENSE.md"
    assert all(element in licence["title"] for element in ELEMENTS)
    shipped = (DATA / licence["path"]).read_bytes()
    assert shipped == UPSTREAM_LICENCE.read_bytes()
    assert all(element in shipped.decode("utf-8") for element in ELEMENTS)
    if UPSTREAM.is_file():  # the text as the upstream repository has it, byte for byte
        assert shipped == UPSTREAM.read_bytes()


def test_the_metadata_names_both_licences() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0 AND LicenseRef-huaweicloudDocs-vod"
    assert project["license-files"] == ["LICENSE", "data/LICENSE.md"]
    assert "Apache License" in (ROOT / "LICENSE").read_text(encoding="utf-8")[:200]
    assert (ROOT / "data" / "LICENSE.md").is_file()


def test_the_readme_says_what_the_licence_means() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Licence\n", 1)[1].split("\n## ", 1)[0]
    for words in ("attribution", "non-commercial", "share-alike", "LICENSE.md", "Apache-2.0"):
        assert words in section, words
