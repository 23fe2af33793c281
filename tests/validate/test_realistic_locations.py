"""Where findings point, on the realistic repository (tests/realistic.py): at the line a pull request changes.
GG112 at the environment override that pins the version; a label an environment override sets, at that
override (not the tenant file)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.cli import run
from tests.realistic import build
from tests.validate.conftest import run_cli


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("locations") / "repo")


@pytest.fixture
def repo(pristine: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(pristine, tmp_path / "repo"))


def findings(root: Path) -> list[dict[str, Any]]:
    assert run(["render", "--repo", str(root)]) == 0
    return json.loads(run_cli("validate", "--repo", str(root), "-o", "json").out)["findings"]  # type: ignore[no-any-return]


def line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_gg112_points_at_the_override_that_pins_the_version(repo: Path) -> None:
    qa = repo / "environments" / "qa.yaml"
    qa.write_text(qa.read_text().replace("ingress-nginx: {values:", "ingress-nginx: {chart: {version: 4.10.0},\n"
                                         "                      values:"))
    found = [f for f in findings(repo) if f["rule"] == "GG112"]
    in_qa = {f["source"] for f in found if "/qa-" in f["file"]}
    line = line_of(qa, "version: 4.10.0")
    column = qa.read_text().splitlines()[line - 1].index("4.10.0") + 1
    assert in_qa == {f"environments/qa.yaml:{line}:{column}"}
    in_stage = {f["source"].rsplit(":", 2)[0] for f in found if "/stage-" in f["file"]}
    assert in_stage == {"blueprints/addons/platform.yaml"}  # stage runs the stack's version, which qa left


def test_a_label_set_by_an_environment_override_is_blamed_on_the_environment(repo: Path) -> None:
    qa = repo / "environments" / "qa.yaml"
    qa.write_text(qa.read_text() + "    tenants:\n      checkout: {labels: {cost-center: \"\"}}\n")
    found = [f for f in findings(repo) if f["rule"] == "GG107"]  # the required label is empty in qa
    assert found and {f["object"]["name"] for f in found} == {"checkout"}
    line = line_of(qa, "checkout: {labels")
    column = qa.read_text().splitlines()[line - 1].index("{cost-center") + 1
    assert {f["source"] for f in found} == {f"environments/qa.yaml:{line}:{column}"}
