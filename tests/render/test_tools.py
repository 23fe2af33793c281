"""The render against real tools and real schemas: kustomize builds and the upstream Argo CD CRDs."""

from __future__ import annotations

import json
from typing import Any

import pytest

from gitops_gen.base.manifest import ref_of
from gitops_gen.blueprint.load import load_repo
from gitops_gen.render import Rendering, render
from gitops_gen.tools import kustomize
from tests.conftest import PROJECT, ArgoValidator, require_tool


@pytest.fixture(scope="module")
def rendering() -> Rendering:
    return render(load_repo(PROJECT))


def _json(value: Any) -> Any:
    return json.loads(json.dumps(value))


@pytest.mark.tools
def test_every_kustomization_builds_into_exactly_the_computed_objects(rendering: Rendering) -> None:
    require_tool(kustomize.command() is not None, "kustomize/kubectl not found on PATH")
    checked = 0
    for target in rendering.targets:
        desired = rendering.desired[target.cluster]
        for app in desired:
            source = app.body.get("spec", {}).get("source", {}) if app.ref.kind == "Application" else {}
            path = source.get("path", "")
            if not path.startswith("rendered/") or path.startswith(("rendered/clusters/", "rendered/bootstrap")):
                continue  # Helm charts, other repositories, app-of-apps folders, the bootstrap (tested below)
            bundle = path.removeprefix("rendered/").split("/overlays/")[0].split("/clusters/")[0]
            built = {ref_of(o): o for o in kustomize.build(PROJECT / path)}
            want = {m.ref: _json(m.body) for m in desired if m.path.startswith(bundle + "/")}
            assert built == want, path
            checked += 1
    assert checked >= 5 * 6  # every cluster: tenants x3, plain-manifest add-ons x2, drift reader


@pytest.mark.tools
def test_the_bootstrap_kustomization_builds(rendering: Rendering) -> None:
    require_tool(kustomize.command() is not None, "kustomize/kubectl not found on PATH")
    built = {ref_of(o).name for o in kustomize.build(PROJECT / "rendered" / "bootstrap")}
    assert {f"root-{t.cluster}" for t in rendering.targets} <= built
    assert {"gitops-gen-root", "argocd-cm", "gitops-gen-bootstrap"} <= built


@pytest.mark.tools
def test_the_bootstrap_manages_itself(rendering: Rendering) -> None:
    """One Application of this Argo CD instance syncs rendered/bootstrap, itself included, and its project
    permits every object there: after one `kubectl apply -k`, Argo CD keeps the bootstrap current."""
    require_tool(kustomize.command() is not None, "kustomize/kubectl not found on PATH")
    built = kustomize.build(PROJECT / "rendered" / "bootstrap")
    apps = [o for o in built if o["kind"] == "Application" and o["spec"]["source"]["path"] == "rendered/bootstrap"]
    assert [a["metadata"]["name"] for a in apps] == ["gitops-gen-bootstrap"]
    app = apps[0]
    assert app["spec"]["syncPolicy"]["automated"] == {"prune": False, "selfHeal": True}
    assert "finalizers" not in app["metadata"]  # deleting it must not cascade into the roots
    project = next(o for o in built if o["kind"] == "AppProject" and o["metadata"]["name"] == app["spec"]["project"])
    permitted = {(k["group"], k["kind"]) for k in project["spec"]["namespaceResourceWhitelist"]}
    destinations = project["spec"]["destinations"]
    assert app["spec"]["source"]["repoURL"] in project["spec"]["sourceRepos"]
    for obj in built:
        assert (ref_of(obj).group, obj["kind"]) in permitted, obj["kind"]
        assert {"server": app["spec"]["destination"]["server"], "namespace": obj["metadata"]["namespace"]} \
            in destinations
    keep = {o["metadata"]["name"]: o["metadata"].get("annotations", {}).get("argocd.argoproj.io/sync-options")
            for o in built
            if o["kind"] in ("ConfigMap", "Application") and not o["metadata"]["name"].startswith("root-")}
    assert keep == {"argocd-cm": "Prune=false,Delete=false", "gitops-gen-bootstrap": "Prune=false"}


def test_every_argocd_object_validates_against_the_argocd_schemas(
        rendering: Rendering, argocd_validators: dict[str, ArgoValidator]) -> None:
    count = 0
    for f in rendering.files:
        for m in f.manifests:
            if m.ref.api_version == "argoproj.io/v1alpha1":
                errors = argocd_validators[m.ref.kind](_json(m.body))
                assert errors == [], f"{f.path}: {errors}"
                count += 1
    assert count > 50


def test_argocd_schema_validation_rejects_unknown_fields(
        rendering: Rendering, argocd_validators: dict[str, ArgoValidator]) -> None:
    app = next(m.body for f in rendering.files for m in f.manifests if m.ref.kind == "Application")
    broken = _json(app)
    broken["spec"]["sourcee"] = broken["spec"].pop("source")
    assert argocd_validators["Application"](broken) != []


def test_argocd_schemas_accept_the_status_argo_cd_writes(
        rendering: Rendering, argocd_validators: dict[str, ArgoValidator]) -> None:
    """A live or exported Application carries status; the upstream CRD allows it, and so do we."""
    app = _json(next(m.body for f in rendering.files for m in f.manifests if m.ref.kind == "Application"))
    app["status"] = {"sync": {"status": "Synced", "revision": "abc"}, "health": {"status": "Healthy"}}
    assert argocd_validators["Application"](app) == []
    project = _json(next(m.body for f in rendering.files for m in f.manifests if m.ref.kind == "AppProject"))
    project["status"] = {"jwtTokensByRole": {}}
    assert argocd_validators["AppProject"](project) == []
