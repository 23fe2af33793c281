"""Hydration: a chart add-on's output committed under rendered/ as Kustomize, the Application syncing that path."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from gitops_gen.base.manifest import ref_of
from gitops_gen.blueprint.load import load_repo
from gitops_gen.charts.build import render_repo
from gitops_gen.cli import run
from gitops_gen.tools import kustomize
from tests.charts.fleet import ENVS, chart_repo
from tests.conftest import require_tool

pytestmark = pytest.mark.usefixtures("need_engine")


def _hydrate(repo: Path, where: str = "stack") -> None:
    stack = repo / "blueprints" / "addons" / "platform.yaml"
    doc = yaml.safe_load(stack.read_text())
    web = next(a for a in doc["spec"]["addons"] if a["name"] == "web")
    web["hydrate"] = True
    stack.write_text(yaml.safe_dump(doc, sort_keys=False))


def test_a_hydrated_add_on_is_a_kustomize_folder_the_application_syncs(tmp_path: Path) -> None:
    require_tool(kustomize.command() is not None, "kustomize/kubectl not found on PATH")
    with chart_repo(tmp_path) as (repo, _):
        _hydrate(repo)
        assert run(["render", "--repo", str(repo)]) == 0
        assert run(["render", "--repo", str(repo), "--check"]) == 0
        rendering = render_repo(load_repo(repo))
    folder = repo / "rendered" / "addons" / "web" / "clusters" / "dev-a"
    built = {ref_of(o): o for o in kustomize.build(folder)}
    expected = {m.ref: dict(m.body) for m in rendering.desired["dev-a"] if m.template.startswith("web-")}
    assert built == expected and any(r.kind == "Deployment" for r in built)
    app = yaml.safe_load((repo / "rendered" / "clusters" / "dev-a" / "application_dev-a-web.yaml").read_text())
    assert app["spec"]["source"] == {"repoURL": "https://git.example.test/platform.git", "targetRevision": "main",
                                     "path": "rendered/addons/web/clusters/dev-a"}
    # per cluster: dev-b gets no ServiceMonitor CRD, so its folder has no ServiceMonitor
    names = {p.name for p in (repo / "rendered" / "addons" / "web" / "clusters" / "dev-b").iterdir()}
    assert not any("servicemonitor" in n for n in names)
    assert any("servicemonitor" in p.name for p in folder.iterdir())


def test_hydration_in_an_environment_override_only(tmp_path: Path) -> None:
    envs = {**ENVS, "prod": {**ENVS["prod"], "overrides": {"addons": {"web": {"hydrate": True}}}}}
    with chart_repo(tmp_path, envs=envs) as (repo, _):
        assert (repo / "rendered" / "addons" / "web" / "clusters" / "prod-a" / "kustomization.yaml").is_file()
        assert not (repo / "rendered" / "addons" / "web" / "clusters" / "dev-a").exists()
        assert run(["render", "--repo", str(repo), "--check"]) == 0


def test_a_hydrated_add_on_without_its_chart_is_an_error(tmp_path: Path, chart_cache: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    with chart_repo(tmp_path) as (repo, _):
        _hydrate(repo)
        shutil.rmtree(chart_cache)
        capsys.readouterr()
        assert run(["render", "--repo", str(repo)]) == 2
        err = capsys.readouterr().err
        assert "hydrate: true needs chart web 1.0.0" in err and "platform.yaml:" in err
