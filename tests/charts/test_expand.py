"""Charts expanded as Argo CD renders them, per cluster, offline; what validate makes of their objects."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gitops_gen.base.errors import InputErrors
from gitops_gen.blueprint.load import load_repo
from gitops_gen.charts.build import expand_repo, render_repo
from gitops_gen.cli import run
from tests.charts.fleet import DEPLOYMENT, chart_repo, web_chart

pytestmark = pytest.mark.usefixtures("need_engine")


def _chart_objects(repo: Path) -> dict[str, dict[tuple[str, str, str], str]]:
    rendering = render_repo(load_repo(repo))
    return {c: {(m.ref.kind, m.ref.namespace, m.ref.name): m.template for m in ms if m.template}
            for c, ms in rendering.desired.items()}


def test_release_namespace_crds_subchart_and_hooks_as_argo_cd_renders_them(tmp_path: Path) -> None:
    with chart_repo(tmp_path) as (repo, _):
        objects = _chart_objects(repo)["dev-a"]
    assert objects[("Deployment", "web", "web")] == "web-1.0.0.tgz/web/templates/deployment.yaml"
    assert objects[("ConfigMap", "web", "web-sub")] == "web-1.0.0.tgz/web/charts/sub/templates/cm.yaml"
    assert objects[("CustomResourceDefinition", "", "widgets.example.com")] == "web-1.0.0.tgz/web/crds/widget.yaml"
    assert ("Job", "web", "web-migrate") in objects  # pre-upgrade: Argo CD's PreSync hook
    assert not any(name == "web-test" for _, _, name in objects)  # a Helm test hook Argo CD never runs


def test_a_service_monitor_renders_only_on_clusters_that_get_its_crd(tmp_path: Path) -> None:
    with chart_repo(tmp_path) as (repo, _):
        objects = _chart_objects(repo)
    with_monitor = {c for c, objs in objects.items() if ("ServiceMonitor", "web", "web") in objs}
    assert with_monitor == {"dev-a", "dev-c", "prod-a"}  # dev-b switches prom-crds off


def test_values_come_from_the_resolved_plan_per_cluster(tmp_path: Path) -> None:
    envs = {"dev": {"kubernetesVersion": "1.31", "overrides": {"addons": {"web": {"values": {"replicas": 3}}}},
                    "clusters": [{"name": "dev-a", "server": "https://dev-a.test"},
                                 {"name": "dev-b", "server": "https://dev-b.test",
                                  "overrides": {"addons": {"web": {"values": {"replicas": 5}}}}}]}}
    with chart_repo(tmp_path, envs=envs) as (repo, _):
        rendering = render_repo(load_repo(repo))
    replicas = {c: next(m.body["spec"]["replicas"] for m in ms if m.ref.kind == "Deployment" and m.template)
                for c, ms in rendering.desired.items()}
    assert replicas == {"dev-a": 3, "dev-b": 5}


def test_identical_renders_are_done_once(tmp_path: Path) -> None:
    with chart_repo(tmp_path) as (repo, _):
        expansion = expand_repo(load_repo(repo))
    # web: dev-a, dev-c and prod-a share values and capabilities; dev-b differs (no ServiceMonitor CRD)
    assert expansion.hits > 0
    assert "helm" in expansion.engine and "Helm v" in expansion.engine
    assert len(expansion.objects) == 7  # 4 clusters x web + 3 x prom-crds


def test_capabilities_kube_version_comes_from_the_environment(tmp_path: Path) -> None:
    template = ('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: caps}\n'
                'data: {kube: "{{ .Capabilities.KubeVersion.Version }}",'
                ' batch: "{{ .Capabilities.APIVersions.Has "batch/v1/CronJob" }}",'
                ' widget: "{{ .Capabilities.APIVersions.Has "example.com/v1" }}"}\n')
    envs = {"old": {"kubernetesVersion": "1.29", "clusters": [{"name": "old-a", "server": "https://o.test"}]},
            "new": {"kubernetesVersion": "1.33", "clusters": [{"name": "new-a", "server": "https://n.test"}]}}
    web = web_chart(tmp_path / "src", templates={"caps.yaml": template})
    with chart_repo(tmp_path, envs=envs, web=web) as (repo, _):
        rendering = render_repo(load_repo(repo))
    data = {c: next(m.body["data"] for m in ms if m.ref.name == "caps") for c, ms in rendering.desired.items()}
    assert data == {"old-a": {"kube": "v1.29.0", "batch": "true", "widget": "true"},
                    "new-a": {"kube": "v1.33.0", "batch": "true", "widget": "true"}}


def test_a_kube_version_the_environment_does_not_satisfy_is_a_located_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    web = web_chart(tmp_path / "src", kube_version=">=1.32.0-0")
    with chart_repo(tmp_path, web=web, render=False) as (repo, _):
        capsys.readouterr()
        assert run(["validate", "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "blueprints/addons/platform.yaml:" in err and "requires kubeVersion: >=1.32.0-0" in err
    assert "v1.31.0" in err and "Traceback" not in err


def test_values_the_chart_schema_rejects_quote_helm(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with chart_repo(tmp_path, web_values={"replicas": -1}, render=False) as (repo, _):
        capsys.readouterr()
        assert run(["validate", "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "blueprints/addons/platform.yaml:" in err and "Helm says:" in err and "minimum" in err


def test_a_template_error_is_a_located_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    web = web_chart(tmp_path / "src", templates={"bad.yaml": '{{ fail "the chart refuses these values" }}\n'})
    with chart_repo(tmp_path, web=web, render=False) as (repo, _):
        capsys.readouterr()
        assert run(["validate", "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "blueprints/addons/platform.yaml:" in err and "the chart refuses these values" in err
    assert "Traceback" not in err


def test_a_values_override_that_makes_an_invalid_object_is_found_at_the_add_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    web = web_chart(tmp_path / "src", templates={"deployment.yaml": DEPLOYMENT.replace(
        "replicas: {{ .Values.replicas }}", "replicas: {{ .Values.replicas }}\n  paused: {{ .Values.paused }}")})
    with chart_repo(tmp_path, web=web, web_values={"replicas": 2, "paused": "sometimes"}) as (repo, _):
        capsys.readouterr()
        assert run(["validate", "--repo", str(repo), "-o", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    found = [f for f in report["findings"] if f["rule"] == "schema" and f["object"]["kind"] == "Deployment"]
    assert found and found[0]["file"] == "web-1.0.0.tgz/web/templates/deployment.yaml"
    assert found[0]["source"].startswith("blueprints/addons/platform.yaml:")
    assert found[0]["path"] == "spec.paused"
    assert "Helm v" in report["charts"]["engine"] and report["charts"]["expanded"] == 7
    assert report["charts"]["cache_hits"] > 0


def test_a_missing_chart_is_a_warning_naming_the_pull_command_and_refused_when_required(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], chart_cache: Path) -> None:
    with chart_repo(tmp_path) as (repo, _):
        shutil.rmtree(chart_cache)  # pulled and locked once, the cache since emptied (a new CI runner)
        capsys.readouterr()
        assert run(["validate", "--repo", str(repo)]) == 0
        err = capsys.readouterr().err
        assert "chart web 1.0.0" in err and "gitops-gen charts pull" in err and "platform.yaml:" in err
        assert run(["validate", "--repo", str(repo), "--require-charts"]) == 2
        assert "required (--require-charts) and missing" in capsys.readouterr().err
        settings = (repo / "gitops.yaml").read_text()
        (repo / "gitops.yaml").write_text(settings.replace("spec:\n", "spec:\n  charts: {required: true}\n", 1))
        assert run(["validate", "--repo", str(repo)]) == 2
        with pytest.raises(InputErrors):
            render_repo(load_repo(repo))


def test_a_repository_that_never_pulled_its_charts_is_quiet_unless_they_are_required(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with chart_repo(tmp_path, pull=False) as (repo, _):
        capsys.readouterr()
        assert run(["validate", "--repo", str(repo)]) == 0
        assert "chart" not in capsys.readouterr().err
        assert run(["validate", "--repo", str(repo), "--require-charts"]) == 2
        assert "gitops-gen charts pull" in capsys.readouterr().err


def test_a_tampered_cache_is_refused_by_every_command_that_reads_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from gitops_gen.charts import cache, lock

    with chart_repo(tmp_path) as (repo, _):
        for digest in lock.read(repo).digests.values():
            cache.path_of(digest).write_bytes(b"changed on disk")
        capsys.readouterr()
        assert run(["validate", "--repo", str(repo)]) == 2
        assert "refused" in capsys.readouterr().err
        (tmp_path / "live.yaml").write_text("apiVersion: v1\nkind: List\nitems: []\n")
        capsys.readouterr()
        assert run(["drift", "--repo", str(repo), "--env", "dev", "--live-from", str(tmp_path / "live.yaml")]) == 2
        assert "refused" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("template", [
    '{{ range until 2000000 }}# {{ . }} padding padding padding padding padding padding padding\n{{ end }}',
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: "{{ repeat 70000000 "x" }}"}\n',
])
def test_a_chart_that_emits_too_much_is_a_bounded_located_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], template: str) -> None:
    web = web_chart(tmp_path / "src", templates={"huge.yaml": template})
    with chart_repo(tmp_path, web=web, render=False) as (repo, _):
        capsys.readouterr()
        assert run(["validate", "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    # the byte cap, or on a loaded machine the deadline first: bounded either way, never a hang
    assert "blueprints/addons/platform.yaml:" in err and ("refused" in err or "stopped" in err)


def test_a_plaintext_secret_a_chart_renders_is_found_at_the_add_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = ('apiVersion: v1\nkind: Secret\nmetadata: {name: "{{ .Release.Name }}-db"}\n'
              'stringData: {password: "{{ .Values.password }}"}\n')
    web = web_chart(tmp_path / "src", templates={"deployment.yaml": DEPLOYMENT, "secret.yaml": secret})
    with chart_repo(tmp_path, web=web, web_values={"replicas": 1, "password": "hunter2"}) as (repo, _):
        capsys.readouterr()
        assert run(["validate", "--repo", str(repo), "-o", "json"]) == 1
    out = capsys.readouterr().out
    found = [f for f in json.loads(out)["findings"] if f["rule"] == "GG120"]
    assert found and {f["file"] for f in found} == {"web-1.0.0.tgz/web/templates/secret.yaml"}
    assert all(f["source"].startswith("blueprints/addons/platform.yaml:") for f in found)
    assert "hunter2" not in out


def test_a_template_that_includes_itself_forever_is_a_located_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    loop = '{{- define "loop" }}{{ include "loop" . }}{{ end }}{{ include "loop" . }}\n'
    web = web_chart(tmp_path / "src", templates={"loop.yaml": loop})
    with chart_repo(tmp_path, web=web, render=False) as (repo, _):
        capsys.readouterr()
        assert run(["validate", "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert "blueprints/addons/platform.yaml:" in err and "Helm says:" in err and "Traceback" not in err


def test_render_refuses_a_missing_chart_when_required(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      chart_cache: Path) -> None:
    with chart_repo(tmp_path) as (repo, _):
        shutil.rmtree(chart_cache)
        capsys.readouterr()
        assert run(["render", "--repo", str(repo), "--check"]) == 0  # not hydrated: rendered/ does not change
        assert "gitops-gen charts pull" in capsys.readouterr().err
        assert run(["render", "--repo", str(repo), "--require-charts"]) == 2
        assert run(["render", "--repo", str(repo), "--check", "--require-charts"]) == 2
