"""The decision records hold together: each titled with its own number, every reference to one resolves."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import PROJECT

ADR_DIR = PROJECT / "docs" / "adr"
CITED = re.compile(r"(?:docs/)?adr/(\d{4}-[a-z0-9-]+\.md)")


def _texts() -> dict[Path, str]:
    folders = ("gitops_gen", "tests", "benchmarks", "docs")
    files = [p for f in folders for p in (PROJECT / f).rglob("*") if p.suffix in (".py", ".md")]
    return {p: p.read_text(encoding="utf-8") for p in [*files, PROJECT / "README.md"]}


def test_each_record_is_titled_with_its_own_number() -> None:
    for path in sorted(ADR_DIR.glob("*.md")):
        number = path.name[:4]
        assert path.read_text(encoding="utf-8").startswith(f"# ADR {number}: "), path.name


def test_every_cited_record_exists() -> None:
    missing = {f"{p.relative_to(PROJECT)}: {name}" for p, text in _texts().items()
               for name in CITED.findall(text) if not (ADR_DIR / name).is_file()}
    assert missing == set()
