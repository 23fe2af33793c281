"""Chart objects downstream: ``diff`` lists them under their Application with risks, ``drift`` compares them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gitops_gen.cli import run
from tests.charts.chartkit import publish
from tests.charts.fleet import DEPLOYMENT, HOOK, chart_repo, web_chart
from tests.conftest import require_tool
from tests.diff.conftest import committed_repo

git = pytest.importorskip("git", reason="gitpython is not installed")
pytestmark = pytest.mark.usefixtures("need_engine")

SECRET = ('apiVersion: v1\nkind: Secret\nmetadata: {name: "{{ .Release.Name }}-db"}\n'
          'stringData: {password: "{{ .Values.password }}"}\n')


def _git(root: Path) -> git.Repo:
    require_tool(shutil.which("git") is not None, "git not found on PATH")
    return committed_repo(root, "fleet")


def test_a_chart_bump_in_one_environment_is_listed_object_by_object(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bumped = web_chart(tmp_path / "src", "1.1.0", values={"replicas": 1, "image": "nginx:1.28",
                                                           "selectorApp": "web-v2", "password": "hunter2"},
                       templates={"deployment.yaml": DEPLOYMENT, "hook.yaml": HOOK, "secret.yaml": SECRET})
    with chart_repo(tmp_path, web_values={"replicas": 2, "password": "s3cr3t-old"}) as (repo, _):
        publish(tmp_path / "site", bumped)
        _git(repo)
        env = repo / "environments" / "prod.yaml"
        env.write_text(env.read_text() + "  overrides:\n    addons:\n      web: {chart: {version: 1.1.0}}\n")
        assert run(["charts", "pull", "--repo", str(repo)]) == 0
        assert run(["render", "--repo", str(repo)]) == 0
        capsys.readouterr()
        assert run(["diff", "--repo", str(repo), "-o", "json"]) == 0
        out = capsys.readouterr().out
    report = json.loads(out)
    clusters = {c["name"]: c for c in report["clusters"]}
    assert set(clusters) == {"prod-a"}  # the bump is in prod only
    app = next(a for a in clusters["prod-a"]["applications"] if a["name"] == "prod-a-web")
    objects = {(o["object"]["kind"], o["object"]["name"]): o for o in app["objects"]}
    assert objects[("Deployment", "web")]["status"] == "modified"
    assert objects[("ServiceMonitor", "web")]["status"] == "removed"
    assert objects[("Secret", "web-db")]["status"] == "added"
    rules = {(r["rule"], r["object"]["name"]) for r in report["risks"] if r.get("object")}
    assert ("GD110", "web") in rules  # spec.selector changed: the sync would fail
    assert ("GD102", "web") in rules  # a production deletion (the ServiceMonitor)
    for fmt in ("text", "json", "markdown", "html"):
        assert run(["diff", "--repo", str(repo), "-o", fmt]) == 0
        text = capsys.readouterr().out
        assert "hunter2" not in text and "s3cr3t-old" not in text, fmt


def test_drift_compares_live_objects_with_chart_objects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gitops_gen.blueprint.load import load_repo
    from gitops_gen.charts.build import render_repo
    from gitops_gen.yamlio.emit import dump_documents

    with chart_repo(tmp_path) as (repo, _):
        desired = render_repo(load_repo(repo), ["dev"]).desired["dev-a"]
        live = []
        for m in desired:
            body = json.loads(json.dumps(m.body))
            if m.template.endswith("templates/deployment.yaml"):
                body["spec"]["replicas"] = 7
            if m.template.endswith("templates/hook.yaml"):
                continue  # a hook Argo CD ran and deleted: never expected live
            live.append(body)
        dump = tmp_path / "live.yaml"
        dump.write_text(dump_documents(live))
        capsys.readouterr()
        code = run(["drift", "--repo", str(repo), "--env", "dev", "--cluster", "dev-a", "--live-from", str(dump),
                    "-o", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    drifted = [o for o in report["objects"] if o["status"] != "in_sync"]
    assert [(o["object"]["kind"], o["object"]["name"], o["application"]) for o in drifted] == [
        ("Deployment", "web", "dev-a-web")]
    assert drifted[0]["changes"] == [{"path": "spec.replicas", "desired": 2, "live": 7}]
    assert drifted[0]["hint"]
