"""A second, independent GitOps repository (tests/corpus/globex) rendered and checked as a reviewer would.

The corpus differs in shape from the project's own example: four environments (one `production: true`,
Kubernetes 1.29-1.33, 1-3 clusters each), three add-on stacks with cross-stack `dependsOn`, plain-manifest
add-ons overridden per environment and per cluster, five tenants, four tiers, a non-default Argo CD
namespace and server.  Expectations here are written from the blueprints, not read back from the render.
"""

from __future__ import annotations

import json
import re
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.base.manifest import ObjectRef, ref_of
from gitops_gen.blueprint.load import load_repo
from gitops_gen.cli import run
from gitops_gen.render import Rendering, render
from gitops_gen.tools import kustomize
from gitops_gen.yamlio.reader import load_plain
from tests.conftest import PROJECT, ArgoValidator, require_tool, tree_digest

CORPUS = PROJECT / "tests" / "corpus" / "globex"
ARGOCD_NS = "gitops"
WAVE = "argocd.argoproj.io/sync-wave"
DEPENDS = "gitops-gen.io/depends-on"
CLUSTERS = {"dev": ["dev-use1"], "qa": ["qa-use1", "qa-euw1"], "staging": ["staging-use1", "staging-use2"],
            "production": ["prod-use1", "prod-euw1", "prod-apse1"]}
ENV_OF = {c: env for env, cs in CLUSTERS.items() for c in cs}
SERVER = {c: f"https://{c}.k8s.globex.internal" + (":6443" if c == "qa-euw1" else "") for c in ENV_OF}
TENANTS_OF = {"dev": ["storefront", "ledger", "data-platform", "identity", "sandbox"],
              "qa": ["storefront", "ledger", "identity"],
              "staging": ["storefront", "ledger", "data-platform", "identity", "sandbox"],
              "production": ["storefront", "ledger", "data-platform", "identity"]}
GUARDRAILS = {("", "ResourceQuota"), ("", "LimitRange"), ("networking.k8s.io", "NetworkPolicy")}


# --- fixtures ---------------------------------------------------------------------------------------------

def copy_corpus(dest: Path) -> Path:
    shutil.copytree(CORPUS, dest, ignore=shutil.ignore_patterns("rendered", ".gitops-gen"))
    return dest


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_corpus(tmp_path_factory.mktemp("globex") / "repo")
    assert run(["render", "--repo", str(root)]) == 0
    return root


@pytest.fixture(scope="module")
def rendering(repo: Path) -> Rendering:
    return render(load_repo(repo))


@pytest.fixture(scope="module")
def blueprints() -> dict[str, dict[str, Any]]:
    """Every blueprint of the corpus, read independently of the loader: kind/name -> spec."""
    out = {}
    for path in [CORPUS / "gitops.yaml", *sorted(CORPUS.glob("blueprints/*/*.yaml")),
                 *sorted(CORPUS.glob("environments/*.yaml"))]:
        doc = load_plain(path.read_text())[0]
        out[f"{doc['kind']}/{(doc.get('metadata') or {}).get('name', '')}"] = doc["spec"]
    return out


@pytest.fixture(scope="module")
def on_disk(repo: Path) -> list[tuple[str, dict[str, Any]]]:
    """(path under rendered/, object) for every object file of the render (no kustomize files)."""
    out: list[tuple[str, dict[str, Any]]] = []
    for path in sorted((repo / "rendered").rglob("*.yaml")):
        name = path.name
        if name == "kustomization.yaml" or name.startswith(("patch_", "delete_")):
            continue
        out.extend((path.relative_to(repo / "rendered").as_posix(), doc) for doc in load_plain(path.read_text()))
    return out


def argo(rendering: Rendering, cluster: str, kind: str = "Application") -> dict[str, dict[str, Any]]:
    """The cluster's Applications or AppProjects (the bootstrap's shared projects and Application left out)."""
    return {m.ref.name: dict(m.body) for m in rendering.desired[cluster] if m.ref.kind == kind
            and m.ref.api_version == "argoproj.io/v1alpha1"
            and m.ref.name not in ("gitops-gen-root", "gitops-gen-bootstrap")}


def obj(rendering: Rendering, cluster: str, kind: str, name: str, namespace: str = "") -> dict[str, Any]:
    for m in rendering.desired[cluster]:
        if (m.ref.kind, m.ref.name, m.ref.namespace) == (kind, name, namespace):
            return dict(m.body)
    raise AssertionError(f"{kind} {namespace}/{name} not rendered for {cluster}")


def helm(rendering: Rendering, cluster: str, addon: str) -> tuple[str, dict[str, Any]]:
    source = argo(rendering, cluster)[f"{cluster}-{addon}"]["spec"]["source"]
    return source["targetRevision"], source["helm"].get("valuesObject", {})


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value))


# --- the CLI end to end ------------------------------------------------------------------------------------

def test_render_writes_the_expected_clusters_and_validate_is_clean(repo: Path, rendering: Rendering,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert {t.cluster: (t.env, t.kubernetes_version, t.production) for t in rendering.targets} == {
        "dev-use1": ("dev", "1.33", False),
        "qa-use1": ("qa", "1.31", False), "qa-euw1": ("qa", "1.31", False),
        "staging-use1": ("staging", "1.30", False), "staging-use2": ("staging", "1.30", False),
        "prod-use1": ("production", "1.29", True), "prod-euw1": ("production", "1.29", True),
        "prod-apse1": ("production", "1.29", True)}
    assert {t.cluster: t.context for t in rendering.targets}["prod-euw1"] == "globex-prod-eu"
    assert sorted(p.name for p in (repo / "rendered" / "clusters").iterdir()) == sorted(ENV_OF)
    capsys.readouterr()
    assert run(["validate", "--repo", str(repo)]) == 0
    out = capsys.readouterr().out
    # GG112 (promotion order) sees what the corpus does on purpose: production holds cert-manager back on
    # prod-apse1 and kube-prometheus-stack everywhere, staging-use2 runs a Cilium canary qa never ran
    assert re.search(r"Summary: \d+ documents, 0 errors, 5 warnings", out), out
    held = {line.split("Application gitops/")[1].split(":")[0] for line in out.splitlines() if "[GG112]" in line}
    assert held == {"prod-apse1-cert-manager", "prod-apse1-kube-prometheus-stack", "prod-euw1-kube-prometheus-stack",
                    "prod-use1-kube-prometheus-stack", "staging-use2-cilium"}


# --- Argo CD objects against the carried schemas and the upstream CRDs -------------------------------------

def test_every_argocd_object_on_disk_validates_against_the_argocd_schemas(
        on_disk: list[tuple[str, dict[str, Any]]], argocd_validators: dict[str, ArgoValidator]) -> None:
    validators = argocd_validators
    counts = {"Application": 0, "AppProject": 0}
    for path, doc in on_disk:
        if doc.get("apiVersion") != "argoproj.io/v1alpha1":
            continue
        errors = validators[doc["kind"]](_json(doc))
        assert errors == [], f"{path}: {errors}"
        assert doc["metadata"]["namespace"] == ARGOCD_NS, path
        counts[doc["kind"]] += 1
    # per cluster: every add-on, a bundle and a project per tenant, every tenant app, the drift reader;
    # plus one root Application per cluster, the root project, and the bootstrap's Application and project
    addons = {"dev": 11, "qa": 6, "staging": 11, "production": 11}
    apps = {"storefront": 3, "ledger": 1, "data-platform": 2, "identity": 1, "sandbox": 0}
    want_apps = sum(len(cs) * (addons[e] + sum(1 + apps[t] for t in TENANTS_OF[e]) + 1 + 1)
                    for e, cs in CLUSTERS.items()) + 1
    want_projects = sum(len(cs) * (1 + len(TENANTS_OF[e])) for e, cs in CLUSTERS.items()) + 2
    assert counts == {"Application": want_apps, "AppProject": want_projects}
    broken = _json(next(doc for _, doc in on_disk if doc.get("kind") == "Application"))
    broken["spec"]["destination"]["cluster"] = "x"  # unknown fields must be rejected, or the check is void
    assert validators["Application"](broken) != []


# --- kustomize --------------------------------------------------------------------------------------------

@pytest.mark.tools
def test_every_kustomization_an_application_points_at_builds_into_exactly_the_desired_objects(
        repo: Path, rendering: Rendering) -> None:
    require_tool(kustomize.command() is not None, "kustomize/kubectl not found on PATH")
    wanted: dict[str, list[tuple[str, dict[ObjectRef, Any]]]] = {}
    for cluster, desired in rendering.desired.items():
        for app in desired:
            if app.ref.kind != "Application":
                continue
            source = app.body["spec"]["source"]
            path = source.get("path", "")
            if source["repoURL"] != "https://gitlab.globex.example/platform/fleet-gitops.git":
                continue  # Helm charts and other repositories
            assert source["targetRevision"] == "release"
            assert (repo / path).is_dir(), path
            if path.startswith(("rendered/clusters/", "rendered/bootstrap")):
                continue  # the app-of-apps folders and the bootstrap (every cluster's roots): checked below
            bundle = path.removeprefix("rendered/").split("/overlays/")[0].split("/clusters/")[0]
            want = {m.ref: _json(m.body) for m in desired if m.path.startswith(bundle + "/")}
            assert want, (cluster, path)
            wanted.setdefault(path, []).append((cluster, want))
    with ThreadPoolExecutor(max_workers=8) as pool:
        built = dict(zip(wanted, pool.map(lambda p: kustomize.build(repo / p), wanted), strict=True))
    for path, expectations in wanted.items():
        got = {ref_of(o): o for o in built[path]}
        for cluster, want in expectations:
            assert got == want, (cluster, path)
    # 8 clusters x (tenants + plain-manifest add-ons (2 in qa, which has no observability, else 3) + drift reader)
    assert sum(len(e) for e in wanted.values()) == sum(
        len(cs) * (len(TENANTS_OF[e]) + (2 if e == "qa" else 3) + 1) for e, cs in CLUSTERS.items())
    # the cluster layers really exist where a cluster differs from its environment
    assert {p for p in wanted if "/clusters/" in p} == {
        "rendered/addons/networking/ingress-classes/clusters/qa-euw1",
        "rendered/addons/networking/ingress-classes/clusters/prod-apse1",
        "rendered/tenants/storefront/clusters/qa-euw1", "rendered/tenants/storefront/clusters/prod-euw1",
        "rendered/tenants/storefront/clusters/prod-apse1", "rendered/tenants/data-platform/clusters/staging-use2"}
    boot = {ref_of(o).name for o in kustomize.build(repo / "rendered" / "bootstrap")}
    assert boot == {f"root-{c}" for c in ENV_OF} | {"gitops-gen-root", "argocd-cm", "gitops-gen-bootstrap"}


def test_each_app_of_apps_folder_holds_exactly_that_clusters_argocd_objects(
        on_disk: list[tuple[str, dict[str, Any]]], rendering: Rendering) -> None:
    for cluster, desired in rendering.desired.items():
        want = {m.ref: _json(m.body) for m in desired if m.path.startswith(f"clusters/{cluster}/")}
        got = {ref_of(d): d for p, d in on_disk if p.startswith(f"clusters/{cluster}/")}
        assert got == want, cluster
        root = argo(rendering, cluster)[f"root-{cluster}"]
        assert root["spec"]["source"]["path"] == f"rendered/clusters/{cluster}"
        assert root["spec"]["destination"] == {"server": "https://mgmt.k8s.globex.internal",
                                               "namespace": ARGOCD_NS}
        assert root["spec"]["project"] == "gitops-gen-root"


# --- overrides --------------------------------------------------------------------------------------------

def test_helm_values_and_chart_versions_follow_stack_env_and_cluster_overrides(rendering: Rendering) -> None:
    version, values = helm(rendering, "dev-use1", "cilium")
    assert version == "1.16.5"
    assert values["operator"] == {"replicas": 1} and values["hubble"] == {
        "enabled": True, "relay": {"enabled": True}, "ui": {"enabled": True}}
    assert helm(rendering, "staging-use1", "cilium") == ("1.16.5", helm(rendering, "qa-use1", "cilium")[1])
    version, values = helm(rendering, "staging-use2", "cilium")  # cluster-level chart and values override
    assert version == "1.17.0" and values["hubble"]["relay"] == {"enabled": False}
    assert values["hubble"]["enabled"] is True and values["kubeProxyReplacement"] is True
    for cluster in CLUSTERS["production"]:
        assert helm(rendering, cluster, "cilium")[1]["operator"] == {"replicas": 3}
        version, values = helm(rendering, cluster, "cert-manager")
        assert version == ("v1.15.4" if cluster == "prod-apse1" else "v1.16.2"), cluster
        assert values == {"crds": {"enabled": True}, "replicaCount": 3}
        version, values = helm(rendering, cluster, "kube-prometheus-stack")
        assert version == "66.2.2"
        assert values["prometheus"]["prometheusSpec"] == {"retention": "30d", "replicas": 2, "scrapeInterval": "30s"}
        assert values["grafana"] == {"enabled": True} and values["alertmanager"] == {"enabled": True}
    assert helm(rendering, "dev-use1", "cert-manager") == ("v1.16.2", {"crds": {"enabled": True}, "replicaCount": 1})
    assert helm(rendering, "dev-use1", "kube-prometheus-stack")[1]["prometheus"]["prometheusSpec"]["retention"] == "1d"
    assert helm(rendering, "staging-use2", "kube-prometheus-stack")[0] == "66.3.1"
    # lists replace: env (qa) and cluster (prod-euw1) overrides of external-dns
    for cluster, domains, owner in (("dev-use1", ["globex.example"], "globex"),
                                    ("qa-euw1", ["qa.globex.example"], "globex"),
                                    ("prod-use1", ["globex.example"], "globex"),
                                    ("prod-euw1", ["eu.globex.example"], "globex-eu")):
        values = helm(rendering, cluster, "external-dns")[1]
        assert (values["domainFilters"], values["txtOwnerId"]) == (domains, owner), cluster
        assert values["sources"] == ["gateway-httproute", "service"]
    assert helm(rendering, "staging-use1", "kyverno")[1] == {"admissionController": {"replicas": 3},
                                                              "backgroundController": {"enabled": True}}
    assert helm(rendering, "qa-use1", "kyverno")[1]["admissionController"] == {"replicas": 1}
    assert "prod-use1-fleet-dashboards" in argo(rendering, "prod-use1")
    assert argo(rendering, "prod-use1")["prod-use1-fleet-dashboards"]["spec"]["source"] == {
        "repoURL": "https://gitlab.globex.example/platform/dashboards.git", "path": "fleet/production",
        "targetRevision": "v2.3.0"}
    assert "qa-use1-kube-prometheus-stack" not in argo(rendering, "qa-use1")  # qa has no observability stack


def test_plain_manifest_addon_overrides_per_env_and_per_cluster(rendering: Rendering) -> None:
    def ingress(cluster: str) -> dict[str, dict[str, Any]]:
        return {m.ref.kind: dict(m.body) for m in rendering.desired[cluster] if m.ref.group != "argoproj.io"
                and m.body["metadata"].get("labels", {}).get("gitops-gen.io/addon") == "ingress-classes"}

    default = "ingressclass.kubernetes.io/is-default-class"
    dev = ingress("dev-use1")
    assert set(dev) == {"GatewayClass", "IngressClass", "ConfigMap"}
    assert dev["IngressClass"]["metadata"]["annotations"][default] == "false"
    assert dev["ConfigMap"]["metadata"]["namespace"] == "gateway-system"  # namespace filled in
    assert "namespace" not in dev["GatewayClass"]["metadata"]  # cluster-scoped: left alone
    assert dev["ConfigMap"]["data"]["tls-min-version"] == "1.2"
    assert ingress("staging-use1")["IngressClass"]["metadata"]["annotations"][default] == "true"
    for cluster in ("prod-use1", "prod-euw1"):
        prod = ingress(cluster)
        assert prod["IngressClass"]["metadata"]["annotations"][default] == "true"
        assert prod["ConfigMap"]["data"] == {"tls-min-version": "1.3", "hsts": "max-age=63072000; includeSubDomains"}
    apse = ingress("prod-apse1")  # cluster override: a list replaces, so the ConfigMap is gone
    assert set(apse) == {"GatewayClass", "IngressClass"}
    assert apse["GatewayClass"]["spec"]["description"] == "Cilium Gateway API (APAC)"
    eu = ingress("qa-euw1")
    assert set(eu) == {"GatewayClass", "ConfigMap"} and eu["ConfigMap"]["data"]["tls-min-version"] == "1.3"
    assert set(ingress("qa-use1")) == {"GatewayClass", "IngressClass", "ConfigMap"}


def expected_tier(tenant: str, cluster: str) -> str:
    env = ENV_OF[cluster]
    base = {"storefront": "m", "ledger": "s", "data-platform": "m", "identity": "s", "sandbox": "xs"}[tenant]
    env_tier = {("dev", "storefront"): "s", ("dev", "data-platform"): "s", ("production", "storefront"): "xl",
                ("production", "ledger"): "m"}.get((env, tenant), base)
    return {("prod-apse1", "storefront"): "m", ("staging-use2", "data-platform"): "xl"}.get((cluster, tenant),
                                                                                          env_tier)


def test_quota_per_tier_per_environment_and_cluster(rendering: Rendering, blueprints: dict[str, Any]) -> None:
    tiers = blueprints["Settings/"]["tiers"]
    seen = set()
    for cluster, env in ENV_OF.items():
        for tenant in TENANTS_OF[env]:
            namespaces = blueprints[f"Tenant/{tenant}"].get("namespaces", [tenant])
            tier_name = expected_tier(tenant, cluster)
            tier = tiers[tier_name]
            want = {"requests.cpu": str(tier["cpu"]), "limits.cpu": str(tier["cpu"]),
                    "requests.memory": tier["memory"], "limits.memory": tier["memory"], "pods": str(tier["pods"])}
            if "storage" in tier:
                want["requests.storage"] = tier["storage"]
            for ns in namespaces:
                quota = obj(rendering, cluster, "ResourceQuota", "tenant-quota", ns)
                assert quota["spec"]["hard"] == want, (cluster, ns)
                assert quota["metadata"]["annotations"]["gitops-gen.io/tier"] == tier_name
                limits = obj(rendering, cluster, "LimitRange", "tenant-limits", ns)["spec"]["limits"]
                assert limits == [{"type": "Container", "default": {"cpu": "1", "memory": "1Gi"},
                                   "defaultRequest": {"cpu": "50m", "memory": "64Mi"}}]
            seen.add(tier_name)
    assert seen == {"xs", "s", "m", "xl"}  # every tier is exercised somewhere


def test_namespace_labels_and_rbac_follow_overrides(rendering: Rendering) -> None:
    def ns_labels(cluster: str, ns: str) -> dict[str, str]:
        return dict(obj(rendering, cluster, "Namespace", ns)["metadata"]["labels"])

    base = {"cost-center": "cc-1001", "owner-team": "storefront", "gitops-gen.io/tenant": "storefront",
            "app.kubernetes.io/managed-by": "gitops-gen", "pod-security.kubernetes.io/enforce": "baseline",
            "pod-security.kubernetes.io/warn": "restricted", "pod-security.kubernetes.io/audit": "restricted"}
    for ns in ("storefront-web", "storefront-api", "storefront-jobs"):
        assert ns_labels("dev-use1", ns) == base
        assert ns_labels("qa-use1", ns) == base
        assert ns_labels("qa-euw1", ns) == {**base, "region": "eu"}
        assert ns_labels("prod-use1", ns) == {**base, "sla": "gold"}
        assert ns_labels("prod-apse1", ns) == {**base, "sla": "gold"}
        assert ns_labels("prod-euw1", ns) == {**base, "sla": "gold", "globex.example/region": "eu",
                                              "data-residency": "eu"}
    assert ns_labels("dev-use1", "etl")["owner-team"] == "data-dev"
    assert ns_labels("staging-use1", "etl")["owner-team"] == "data"
    identity = ns_labels("staging-use1", "identity")
    assert (identity["compliance"], identity["globex.example/data-classification"]) == ("soc2", "confidential")
    assert {k: v for k, v in ns_labels("prod-use1", "ledger").items() if k == "data-classification"} == {
        "data-classification": "restricted"}

    def subjects(cluster: str, name: str, ns: str) -> list[str]:
        return [s["name"] for s in obj(rendering, cluster, "RoleBinding", name, ns)["subjects"]]

    assert subjects("staging-use1", "tenant-owners", "identity") == ["identity-admins"]
    assert subjects("prod-use1", "tenant-owners", "identity") == ["identity-sre"]  # lists replace
    assert subjects("prod-use1", "tenant-viewers", "identity") == ["security-audit"]
    for cluster in ENV_OF:  # ledger has no viewers and no same-namespace allowance
        kinds = {(m.ref.kind, m.ref.name) for m in rendering.desired[cluster] if m.ref.namespace == "ledger"}
        assert ("RoleBinding", "tenant-viewers") not in kinds and ("RoleBinding", "tenant-owners") in kinds
        assert ("NetworkPolicy", "allow-same-namespace") not in kinds
        assert ("NetworkPolicy", "default-deny-ingress") in kinds
        assert "viewers" not in {r["name"] for r in argo(rendering, cluster, "AppProject")[f"{cluster}-ledger"]
                                 ["spec"].get("roles", [])}
    prod_identity = argo(rendering, "prod-use1", "AppProject")["prod-use1-identity"]["spec"]["roles"]
    assert {r["name"]: r["groups"] for r in prod_identity} == {"owners": ["identity-sre"],
                                                               "viewers": ["security-audit"]}


# --- waves ------------------------------------------------------------------------------------------------

def test_sync_waves_strictly_follow_depends_on(rendering: Rendering, blueprints: dict[str, Any]) -> None:
    addon_deps = {a["name"]: a.get("dependsOn", []) for k, spec in blueprints.items()
                  if k.startswith("AddonStack/") for a in spec["addons"]}
    app_deps = {(k.split("/")[1], a["name"]): a.get("dependsOn", []) for k, spec in blueprints.items()
                if k.startswith("Tenant/") for a in spec.get("apps", [])}
    deepest = 0
    for cluster, env in ENV_OF.items():
        apps = argo(rendering, cluster)
        wave = {name: int(body["metadata"]["annotations"][WAVE]) for name, body in apps.items()}
        projects = argo(rendering, cluster, "AppProject")
        assert {int(p["metadata"]["annotations"][WAVE]) for p in projects.values()} == {-10}
        child = {n: w for n, w in wave.items() if not n.startswith("root-")}
        assert min(child.values()) > -10
        addons = {n: a for n, a in apps.items() if a["metadata"]["labels"]["gitops-gen.io/role"] == "addon"
                  and n != f"{cluster}-gitops-gen-reader"}
        for name in addons:
            deps = addon_deps[name.removeprefix(f"{cluster}-")]
            for dep in deps:
                assert wave[name] > wave[f"{cluster}-{dep}"], (name, dep)
            if not deps:
                assert wave[name] == 0, name
        platform_top = max(wave[n] for n in addons)
        for tenant in TENANTS_OF[env]:
            bundle = wave[f"{cluster}-{tenant}-namespaces"]
            assert bundle > platform_top, (cluster, tenant)
            for (owner, app), deps in app_deps.items():
                if owner != tenant:
                    continue
                name = f"{cluster}-{app}"
                assert wave[name] > bundle
                for dep in deps:
                    assert wave[name] > wave[f"{cluster}-{dep}"], (name, dep)
                annotated = set(apps[name]["metadata"]["annotations"][DEPENDS].split(","))
                assert annotated == {f"{cluster}-{tenant}-namespaces", *(f"{cluster}-{d}" for d in deps)}
        deepest = max(deepest, max(child.values()))
    # security: cert-manager(0) -> kyverno(1) -> kyverno-policies(2); bundles 3; storefront api 4, web 5, jobs 6
    assert deepest == 6
    assert int(argo(rendering, "qa-use1")["qa-use1-storefront-jobs"]["metadata"]["annotations"][WAVE]) == 6


# --- sync policy ------------------------------------------------------------------------------------------

def test_sync_policy_per_environment(rendering: Rendering) -> None:
    for cluster, env in ENV_OF.items():
        for name, app in argo(rendering, cluster).items():
            if name.startswith("root-"):
                continue
            policy = app["spec"].get("syncPolicy", {})
            automated = policy.get("automated")
            if env == "production":
                assert automated is None, name
                assert "gitops-gen.io/allow-prod-prune" not in app["metadata"]["annotations"]
            elif env == "staging":
                assert automated == {"prune": False, "selfHeal": True}, name
            else:
                assert automated == {"prune": True, "selfHeal": True}, name
    for cluster in ("dev-use1", "prod-euw1"):
        apps = argo(rendering, cluster)
        options = {n.removeprefix(f"{cluster}-"): a["spec"].get("syncPolicy", {}).get("syncOptions", [])
                   for n, a in apps.items()}
        assert "ServerSideApply=true" in options["kyverno"]
        assert "ServerSideApply=true" in options["kube-prometheus-stack"]
        assert "ServerSideApply=true" not in options["cert-manager"]
        assert "RespectIgnoreDifferences=true" in options["kyverno"]
        assert "RespectIgnoreDifferences=true" in options["storefront-jobs"]
        assert "RespectIgnoreDifferences=true" in options["identity-namespaces"]
        assert apps[f"{cluster}-identity-namespaces"]["spec"]["ignoreDifferences"] == [
            {"group": "", "kind": "Namespace", "jsonPointers": ["/metadata/annotations"]}]
        assert apps[f"{cluster}-storefront-api"]["spec"]["source"]["path"] == f"api/{ENV_OF[cluster]}/{cluster}"
        assert apps[f"{cluster}-keycloak"]["spec"]["source"]["path"] == f"overlays/{cluster}"


def _with_production_sync(tmp_path: Path, policy: str) -> Path:
    root = copy_corpus(tmp_path / "repo")
    path = root / "environments" / "production.yaml"
    text = path.read_text()
    assert "syncPolicy: {automated: false}" in text
    path.write_text(text.replace("syncPolicy: {automated: false}", f"syncPolicy: {policy}"))
    return root


def test_production_automates_only_with_an_explicit_opt_in(tmp_path: Path) -> None:
    root = _with_production_sync(tmp_path, "{automated: true, prune: true, selfHeal: true}")
    opted = render(load_repo(root))
    for cluster in CLUSTERS["production"]:
        for name, app in argo(opted, cluster).items():
            if not name.startswith("root-"):
                assert app["spec"]["syncPolicy"]["automated"] == {"prune": True, "selfHeal": True}, name
                assert app["metadata"]["annotations"]["gitops-gen.io/allow-prod-prune"] == "true"
    assert run(["render", "--repo", str(root)]) == 0
    assert run(["validate", "--repo", str(root)]) == 0


def test_production_automated_does_not_prune_unless_asked(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _with_production_sync(tmp_path, "{automated: true}")
    assert run(["render", "--repo", str(root)]) == 0
    app = next((root / "rendered" / "clusters").glob("prod*/application_*-cert-manager.yaml")).read_text()
    assert "automated:\n      prune: false\n      selfHeal: true" in app
    capsys.readouterr()
    assert run(["validate", "--repo", str(root)]) == 0


# --- tenant projects --------------------------------------------------------------------------------------

def test_tenant_projects_are_least_privilege(rendering: Rendering, blueprints: dict[str, Any]) -> None:
    for cluster, env in ENV_OF.items():
        projects = argo(rendering, cluster, "AppProject")
        apps = argo(rendering, cluster)
        assert set(projects) == {f"{cluster}-platform", *(f"{cluster}-{t}" for t in TENANTS_OF[env])}
        for tenant in TENANTS_OF[env]:
            spec_bp = blueprints[f"Tenant/{tenant}"]
            namespaces = spec_bp.get("namespaces", [tenant])
            project = projects[f"{cluster}-{tenant}"]["spec"]
            assert project["sourceRepos"] == sorted(spec_bp["sourceRepos"])
            assert project["destinations"] == [{"server": SERVER[cluster], "namespace": ns} for ns in namespaces]
            assert project["clusterResourceWhitelist"] == []
            assert "clusterResourceBlacklist" not in project and "namespaceResourceWhitelist" not in project
            assert {(k["group"], k["kind"]) for k in project["namespaceResourceBlacklist"]} >= GUARDRAILS
            assert not any("*" in r or r.startswith("!") for r in project["sourceRepos"])
            tenant_apps = {n: a for n, a in apps.items()
                           if a["metadata"]["labels"].get("gitops-gen.io/tenant") == tenant
                           and a["metadata"]["labels"]["gitops-gen.io/role"] == "tenant-app"}
            assert len(tenant_apps) == len(spec_bp.get("apps", []))
            for name, app in tenant_apps.items():
                spec = app["spec"]
                assert spec["project"] == f"{cluster}-{tenant}" != "default", name
                assert spec["source"]["repoURL"] in project["sourceRepos"]
                assert spec["destination"] in project["destinations"]
            bundle = apps[f"{cluster}-{tenant}-namespaces"]["spec"]
            assert bundle["project"] == f"{cluster}-platform"  # guardrails are the platform's, not the team's
        for app in apps.values():
            assert app["spec"]["project"] != "default"
            if not app["metadata"]["name"].startswith("root-"):
                assert app["spec"]["destination"]["server"] == SERVER[cluster]
                assert "name" not in app["spec"]["destination"]


# --- determinism and idempotence --------------------------------------------------------------------------

def test_render_is_deterministic_idempotent_and_checkable(repo: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    second = copy_corpus(tmp_path / "second")
    assert run(["render", "--repo", str(second)]) == 0
    first_tree = tree_digest(repo / "rendered")
    assert tree_digest(second / "rendered") == first_tree
    stamps = {p: p.stat().st_mtime_ns for p in (second / "rendered").rglob("*")}
    capsys.readouterr()
    assert run(["render", "--repo", str(second), "--no-cache"]) == 0
    assert capsys.readouterr().out.startswith("rendered/: 0 written, 0 removed, ")
    assert {p: p.stat().st_mtime_ns for p in (second / "rendered").rglob("*")} == stamps
    assert run(["render", "--repo", str(second), "--check"]) == 0
    assert "is up to date" in capsys.readouterr().out
    assert tree_digest(second / "rendered") == first_tree
    for path in (second / "rendered").rglob("*.yaml"):
        assert path.read_text().startswith("# Generated by gitops-gen from "), path


def test_rendering_one_environment_leaves_shared_bases_as_a_full_render_makes_them(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_corpus(tmp_path / "repo")
    assert run(["render", "--repo", str(root)]) == 0
    role = root / "rendered/platform/drift-reader/base/clusterrole_gitops-gen-drift-reader.yaml"
    assert "monitoring.coreos.com" in role.read_text()  # platform-alerts (observability: not in qa)
    assert run(["render", "--repo", str(root), "--env", "qa"]) == 0
    capsys.readouterr()
    assert run(["render", "--repo", str(root), "--check"]) == 0, capsys.readouterr().out
    assert "monitoring.coreos.com" in role.read_text()
