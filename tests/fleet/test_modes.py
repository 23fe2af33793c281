"""fleet mode applicationsets: the same blueprints, the same effective objects on every cluster.

Both GitOps repositories of the project (the example and tests/corpus/globex) are rendered in each mode;
what Argo CD would generate from the ApplicationSets (``fleet.expand``) must be, cluster by cluster, what
the applications mode renders, in Argo CD's stored form, with only the AppProjects consolidated.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.base.errors import InputError, InputErrors
from gitops_gen.base.manifest import Manifest
from gitops_gen.blueprint.load import load_repo
from gitops_gen.fleet import expand, gotypes
from gitops_gen.render import Rendering, render
from tests.conftest import PROJECT, ArgoValidator, copy_example

CORPUS = PROJECT / "tests" / "corpus" / "globex"


def set_mode(root: Path, mode: str = "applicationsets", extra: str = "") -> Path:
    settings = root / "gitops.yaml"
    text = settings.read_text().rstrip("\n")
    settings.write_text(text + f"\n  fleet: {{mode: {mode}{extra}}}\n")
    return root


@pytest.fixture(params=["example", "globex"])
def repo_copy(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    if request.param == "example":
        return copy_example(tmp_path / "example")
    shutil.copytree(CORPUS, tmp_path / "globex")
    return tmp_path / "globex"


def project_of(name: str, cluster: str, tenants: set[str]) -> str:
    """The project an applications-mode name becomes in fleet mode."""
    if name == f"{cluster}-platform":
        return "gitops-gen-platform"
    tenant = name.removeprefix(f"{cluster}-")
    assert tenant in tenants, name
    return f"tenant-{tenant}"


def per_cluster(rendering: Rendering) -> dict[str, dict[tuple[str, str], dict[str, Any]]]:
    return {c: {(m.ref.kind, m.ref.name): m.body for m in ms if m.ref.kind not in ("AppProject",)}
            for c, ms in rendering.desired.items()}


def expected_in_fleet(body: dict[str, Any], cluster: str, tenants: set[str]) -> dict[str, Any]:
    if body["kind"] != "Application" or body["spec"]["project"].startswith("gitops-gen-"):
        return body  # the bootstrap's own objects are the same in both modes
    spec = {**body["spec"], "project": project_of(body["spec"]["project"], cluster, tenants)}
    return gotypes.go_form({**body, "spec": spec})


def test_switching_the_mode_changes_no_clusters_effective_objects(repo_copy: Path) -> None:
    apps = render(load_repo(repo_copy))
    fleet = render(load_repo(set_mode(repo_copy)))
    tenants = set(load_repo(repo_copy).tenants)
    before, after = per_cluster(apps), per_cluster(fleet)
    assert before.keys() == after.keys()
    for cluster in before:
        wanted = {k: expected_in_fleet(b, cluster, tenants) for k, b in before[cluster].items()
                  if not k[1].startswith("root-")}
        got = {k: b for k, b in after[cluster].items() if k[1] != "root-fleet"}
        assert got == wanted, cluster
        projects = sorted(m.ref.name for m in fleet.desired[cluster] if m.ref.kind == "AppProject")
        assert "gitops-gen-platform" in projects and all(p.startswith(("tenant-", "gitops-gen-")) for p in projects)


def test_rendered_grows_with_clusters_plus_blueprints(repo_copy: Path) -> None:
    apps = render(load_repo(repo_copy))
    fleet = render(load_repo(set_mode(repo_copy)))
    repo = load_repo(repo_copy)
    addons = {a.name for s in repo.stacks.values() for a in s.addons}
    assert not any(f.path.startswith("clusters/") for f in fleet.files)
    argo = [f for f in fleet.files if f.path.startswith("fleet/")]
    assert len(argo) <= len(repo.plans) + len(addons) + 2 * len(repo.tenants) + 2
    assert len(fleet.files) < len(apps.files)


def test_every_argo_cd_object_is_valid(repo_copy: Path, argocd_validators: dict[str, ArgoValidator]) -> None:
    fleet = render(load_repo(set_mode(repo_copy)))
    objects = [m.body for f in fleet.files for m in f.manifests if m.body.get("apiVersion") == "argoproj.io/v1alpha1"]
    objects += [m.body for ms in fleet.desired.values() for m in ms if m.ref.kind == "Application"]
    kinds = {o["kind"] for o in objects}
    assert {"ApplicationSet", "Application", "AppProject"} <= kinds
    for body in objects:
        assert argocd_validators[body["kind"]](body) == [], body["metadata"]["name"]


def write_fleet(root: Path, clusters: str) -> Path:
    (root / "environments").mkdir(parents=True)
    (root / "blueprints" / "addons").mkdir(parents=True)
    (root / "blueprints" / "tenants").mkdir(parents=True)
    (root / "gitops.yaml").write_text(
        "apiVersion: gitops-gen/v1\nkind: Settings\nspec:\n  repoURL: https://github.com/acme/fleet.git\n"
        "  targetRevision: main\n  tiers: {small: {cpu: '1', memory: 1Gi, pods: 10}}\n"
        "  fleet: {mode: applicationsets}\n")
    (root / "blueprints/addons/core.yaml").write_text(
        "apiVersion: gitops-gen/v1\nkind: AddonStack\nmetadata: {name: core}\nspec:\n  addons:\n"
        "    - {name: metrics, namespace: metrics, chart: {repoURL: https://charts.example.com, name: metrics,"
        " version: 1.0.0}, values: {replicas: 1, tpl: '{{ .Release.Name }}-x', '{{k}}': v}}\n"
        "    - {name: agent, namespace: agent, dependsOn: [metrics], chart: {repoURL: https://charts.example.com,"
        " name: agent, version: 2.0.0}}\n")
    (root / "blueprints/tenants/team.yaml").write_text(
        "apiVersion: gitops-gen/v1\nkind: Tenant\nmetadata: {name: team}\nspec:\n  owners: [team-admins]\n"
        "  labels: {cost-center: cc-1}\n"
        "  tier: small\n  apps:\n    - {name: team-web, namespace: team, source: {repoURL: "
        "https://github.com/acme/team.git, path: \"deploy/{env}\", targetRevision: main}}\n")
    (root / "environments/dev.yaml").write_text(
        "apiVersion: gitops-gen/v1\nkind: Environment\nmetadata: {name: dev}\nspec:\n  kubernetesVersion: '1.31'\n"
        f"  addonStacks: [core]\n  tenants: [team]\n  clusters:\n{clusters}")
    return root


AWS = "{aws: {clusterName: eks-{n}, roleARN: 'arn:aws:iam::123456789012:role/argocd'}}"


def test_per_cluster_override_and_switch_reach_exactly_that_cluster(tmp_path: Path) -> None:
    clusters = "".join(
        f"    - {{name: dev-{n}, server: https://dev-{n}.example.com, labels: {{region: r{n % 2}}}, "
        f"shard: {n % 3}, auth: {AWS.replace('{n}', str(n))}" + (
            ", overrides: {addons: {metrics: {values: {replicas: 5}}, agent: {enabled: false}}}" if n == 2 else "")
        + "}\n" for n in range(4))
    rendering = render(load_repo(write_fleet(tmp_path, clusters)))
    apps = {c: {m.ref.name: m.body for m in ms if m.ref.kind == "Application"} for c, ms in rendering.desired.items()}
    assert [c for c in apps if f"{c}-agent" not in apps[c]] == ["dev-2"]
    replicas = {c: a[f"{c}-metrics"]["spec"]["source"]["helm"]["valuesObject"]["replicas"] for c, a in apps.items()}
    assert replicas == {"dev-0": 1, "dev-1": 1, "dev-2": 5, "dev-3": 1}
    values = apps["dev-0"]["dev-0-metrics"]["spec"]["source"]["helm"]["valuesObject"]
    assert values["tpl"] == "{{ .Release.Name }}-x" and values["{{k}}"] == "v"  # literal braces survive templating
    secrets = [m.body for m in rendering.fleet if m.body["kind"] == "Secret"]
    assert len(secrets) == 4 and rendering.hand_registered == {}
    two = next(s for s in secrets if s["stringData"]["name"] == "dev-2")
    assert two["metadata"]["labels"]["region"] == "r0" and two["stringData"]["shard"] == "2"
    assert "addon.gitops-gen.io/agent" not in two["metadata"]["labels"]
    assert '"roleARN":"arn:aws:iam::123456789012:role/argocd"' in two["stringData"]["config"]


def test_clusters_without_auth_are_registered_by_hand(tmp_path: Path) -> None:
    clusters = "    - {name: dev-a, server: https://a.example.com, labels: {region: eu}}\n"
    rendering = render(load_repo(write_fleet(tmp_path, clusters)))
    assert not any(m.body["kind"] == "Secret" for m in rendering.fleet)
    secret = rendering.hand_registered["dev-a"]
    labels = secret["metadata"]["labels"]
    assert labels["region"] == "eu" and labels["addon.gitops-gen.io/metrics"] == "dev"
    assert {m.ref.name for m in rendering.desired["dev-a"] if m.ref.kind == "Application"} >= {
        "dev-a-metrics", "dev-a-agent", "dev-a-team-web", "dev-a-team-namespaces"}


def test_a_value_an_applicationset_cannot_carry_is_an_error_at_its_line(tmp_path: Path) -> None:
    root = write_fleet(tmp_path, "    - {name: dev-a, server: https://a.example.com}\n")
    stack = root / "blueprints/addons/core.yaml"
    stack.write_text(stack.read_text().replace("replicas: 1,", "replicas: 1, drop: null,"))
    with pytest.raises((InputError, InputErrors)) as err:
        render(load_repo(root))
    assert "cannot carry" in str(err.value) and "core.yaml" in str(err.value)


def test_expansion_refuses_what_gitops_gen_does_not_write() -> None:
    appset = {"metadata": {"name": "x", "namespace": "argocd"},
              "spec": {"goTemplate": True, "goTemplateOptions": ["missingkey=error"],
                       "generators": [{"git": {"repoURL": "https://example.com"}}], "template": {}}}
    with pytest.raises(expand.ExpansionError, match="not covered"):
        expand.expand(appset, [])
    appset["spec"]["generators"] = [{"clusters": {}}]
    with pytest.raises(expand.ExpansionError, match="in-cluster"):
        expand.expand(appset, [])


def test_the_manifests_of_fleet_files_are_what_is_written(tmp_path: Path) -> None:
    clusters = f"    - {{name: dev-a, server: https://a.example.com, auth: {AWS.replace('{n}', 'a')}}}\n"
    rendering = render(load_repo(write_fleet(tmp_path, clusters)))
    by_path = {f.path: f for f in rendering.files}
    for m in rendering.fleet:
        assert isinstance(m, Manifest) and m.path in by_path
