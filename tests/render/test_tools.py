"""The render against real tools and real schemas: kustomize builds and the upstream Argo CD CRDs."""

from __future__ import annotations

import json
from typing import Any

import jsonschema_rs
import pytest

from gitops_gen import kustomize
from gitops_gen.load import load_repo
from gitops_gen.manifest import ref_of
from gitops_gen.render import Rendering, render
from gitops_gen.validate.crds import schema_from_crd, strict
from gitops_gen.yamlio import load_plain
from tests.conftest import ARGOCD_CRDS, PROJECT, require_tool


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
            if not path.startswith("rendered/") or path.startswith("rendered/clusters/"):
                continue  # Helm charts, other repositories, and the app-of-apps folders (plain directories)
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
    assert {"gitops-gen-root", "argocd-cm"} <= built


def _upstream_validators() -> dict[str, Any]:
    require_tool(ARGOCD_CRDS.is_dir(), f"upstream Argo CD CRDs not found at {ARGOCD_CRDS}")
    validators = {}
    for name in ("application-crd.yaml", "appproject-crd.yaml"):
        crd = load_plain((ARGOCD_CRDS / name).read_text())[0]
        validators[crd["spec"]["names"]["kind"]] = jsonschema_rs.validator_for(
            strict(schema_from_crd(crd, "v1alpha1")))
    return validators


def test_every_argocd_object_validates_against_the_upstream_crds(rendering: Rendering) -> None:
    validators = _upstream_validators()
    count = 0
    for f in rendering.files:
        for m in f.manifests:
            if m.ref.api_version == "argoproj.io/v1alpha1":
                errors = [f"{'.'.join(map(str, e.instance_path))}: {e.message}"
                          for e in validators[m.ref.kind].iter_errors(_json(m.body))]
                assert errors == [], f"{f.path}: {errors}"
                count += 1
    assert count > 50


def test_upstream_crd_validation_rejects_unknown_fields(rendering: Rendering) -> None:
    validators = _upstream_validators()
    app = next(m.body for f in rendering.files for m in f.manifests if m.ref.kind == "Application")
    broken = _json(app)
    broken["spec"]["sourcee"] = broken["spec"].pop("source")
    assert not validators["Application"].is_valid(broken)
