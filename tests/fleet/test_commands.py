"""validate, diff, drift and `fleet labels` in applicationsets mode: the per-cluster view from the expansion."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gitops_gen.blueprint.load import load_repo
from gitops_gen.cli import run
from gitops_gen.render import render
from tests.fleet.test_modes import AWS, CORPUS, set_mode, write_fleet

git = pytest.importorskip("git", reason="gitpython is not installed")


def fleet_repo(root: Path, n: int = 3) -> Path:
    clusters = "".join(f"    - {{name: dev-{i}, server: https://dev-{i}.example.com, auth: {AWS.replace('{n}', str(i))}"
                       + (", overrides: {addons: {metrics: {values: {replicas: 4}}}}" if i == 1 else "") + "}\n"
                       for i in range(n))
    write_fleet(root, clusters)
    assert run(["render", "--repo", str(root)]) == 0
    return root


def validate_json(root: Path, capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    capsys.readouterr()
    run(["validate", "--repo", str(root), "-o", "json"])
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_validate_is_clean_and_names_unordered_dependencies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = validate_json(fleet_repo(tmp_path / "r"), capsys)
    errors = [f for f in report["findings"] if f["severity"] == "error"]
    assert errors == []
    ordering = [f["message"] for f in report["findings"] if f["rule"] == "fleet-ordering"]
    assert any(m.startswith("agent depends on metrics") and "across ApplicationSets" in m for m in ordering)
    assert any(m.startswith("team-web depends on team-namespaces") for m in ordering)


def test_progressive_sync_orders_a_tenants_namespaces_before_its_apps(tmp_path: Path,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    root = fleet_repo(tmp_path / "r")
    settings = root / "gitops.yaml"
    settings.write_text(settings.read_text().replace("{mode: applicationsets}",
                                                     "{mode: applicationsets, progressiveSync: true}"))
    assert run(["render", "--repo", str(root)]) == 0
    report = validate_json(root, capsys)
    ordering = [f["message"] for f in report["findings"] if f["rule"] == "fleet-ordering"]
    assert not any(m.startswith("team-web depends on team-namespaces") for m in ordering)
    rendering = render(load_repo(root))
    web = next(m.body for m in rendering.desired["dev-0"] if m.ref.name == "dev-0-team-web")
    assert "automated" not in web["spec"].get("syncPolicy", {})  # RollingSync turns auto-sync off: said, not hidden


@pytest.mark.parametrize("plant", ["config", "values"])
def test_validate_refuses_a_credential_anywhere_in_rendered(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                           plant: str) -> None:
    root = fleet_repo(tmp_path / "r")
    if plant == "config":
        secret = root / "rendered/fleet/clusters/dev-0/secret_cluster-dev-0.yaml"
        text = secret.read_text()
        assert '\\"awsAuthConfig\\"' in text  # the config JSON, quoted in YAML
        secret.write_text(text.replace('\\"awsAuthConfig\\"', '\\"bearerToken\\":\\"abc\\",\\"awsAuthConfig\\"'))
        where = "rendered/fleet/clusters/dev-0/secret_cluster-dev-0.yaml"
    else:
        stack = root / "blueprints/addons/core.yaml"
        stack.write_text(stack.read_text().replace("replicas: 1,", "replicas: 1, db: {password: hunter2},"))
        assert run(["render", "--repo", str(root)]) == 0
        where = "rendered/fleet/applicationsets/applicationset_addon-metrics.yaml"
    report = validate_json(root, capsys)
    found = [f for f in report["findings"] if f["rule"] == "credential"]
    assert found and found[0]["file"] == where and found[0]["severity"] == "error"


def test_validate_judges_what_argo_cd_generates_from_a_hand_edited_applicationset(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = fleet_repo(tmp_path / "r")
    appset = root / "rendered/fleet/applicationsets/applicationset_addon-agent.yaml"
    appset.write_text(appset.read_text().replace("gitops-gen.io/role: addon", "gitops-gen.io/role: not a label!"))
    report = validate_json(root, capsys)
    generated = [f for f in report["findings"] if f["rule"] != "stale" and f["severity"] == "error"]
    assert {f["object"]["name"] for f in generated} >= {"dev-0-agent", "dev-1-agent", "dev-2-agent"}
    assert all(f["file"] == "rendered/fleet/applicationsets/applicationset_addon-agent.yaml" for f in generated)


def test_a_one_cluster_override_is_a_change_of_exactly_that_cluster(tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    root = fleet_repo(tmp_path / "r")
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add(A=True)
    repo.index.commit("fleet")
    env = root / "environments/dev.yaml"
    env.write_text(env.read_text().replace("replicas: 4", "replicas: 6"))
    assert run(["render", "--repo", str(root)]) == 0
    capsys.readouterr()
    run(["diff", "--repo", str(root), "-o", "json"])
    report = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in report["clusters"]] == ["dev-1"]
    [app] = report["clusters"][0]["applications"]
    assert app["name"] == "dev-1-metrics"
    [change] = app["changes"]
    assert {k: change[k] for k in ("path", "base", "head")} == {
        "path": "spec.source.helm.valuesObject.replicas", "base": 4, "head": 6}
    assert change["source"].startswith("environments/dev.yaml:")  # the cluster override's line (provenance)


def test_a_diff_between_the_modes_shows_only_project_consolidation(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    root = tmp_path / "globex"
    shutil.copytree(CORPUS, root)
    assert run(["render", "--repo", str(root)]) == 0
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add(A=True)
    repo.index.commit("applications")
    set_mode(root)
    assert run(["render", "--repo", str(root)]) == 0
    capsys.readouterr()
    run(["diff", "--repo", str(root), "--base", "main", "-o", "json"])
    report = json.loads(capsys.readouterr().out)
    assert report["clusters"]
    for cluster in report["clusters"]:
        for app in cluster["applications"]:
            if app["name"].startswith("root-"):  # the roots: one per cluster become root-fleet
                continue
            assert {c["path"] for c in app["changes"]} <= {"spec.project"}, app["name"]
            assert {o["object"]["kind"] for o in app["objects"]} <= {"AppProject"}, app["name"]


def test_drift_of_one_cluster_against_what_argo_cd_generated(tmp_path: Path) -> None:
    root = fleet_repo(tmp_path / "r")
    rendering = render(load_repo(root))
    live = [m.body for m in rendering.desired["dev-1"]]
    dump = tmp_path / "live.json"
    dump.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": live}))
    argv = ["drift", "--repo", str(root), "--env", "dev", "--cluster", "dev-1", "--live-from", str(dump)]
    assert run(argv) == 0
    for body in live:
        if body["metadata"]["name"] == "dev-1-metrics":
            body["spec"]["source"]["helm"]["valuesObject"]["replicas"] = 9
    dump.write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": live}))
    assert run(argv) == 1


def test_fleet_labels_prints_what_a_hand_registered_cluster_needs(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = write_fleet(tmp_path / "r", "    - {name: dev-a, server: https://a.example.com, labels: {region: eu}}\n"
                                       "    - {name: dev-b, server: https://b.example.com, overrides: "
                                       "{addons: {agent: {enabled: false}}}}\n")
    capsys.readouterr()
    assert run(["fleet", "labels", "--repo", str(root), "--cluster", "dev-b"]) == 0
    out = capsys.readouterr().out
    assert "argocd cluster set dev-b --label addon.gitops-gen.io/metrics=dev" in out
    assert "addon.gitops-gen.io/agent-" in out and "region" not in out
