"""Cluster-scoped custom resources: their scope comes from the CRD (in crdDirs, or deployed by an add-on), so
render gives them no namespace, the same object in two add-ons is the single-owner error GG204, and an add-on's
own CRDs are known schemas (no missing-schema warning for a kind the repository deploys)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_gen.cli import run
from gitops_gen.yamlio.reader import load_plain
from tests.validate.conftest import run_cli


def crd(kind: str, scope: str) -> str:
    plural = kind.lower() + "s"
    return f"""apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {{name: {plural}.example.com}}
spec:
  group: example.com
  scope: {scope}
  names: {{kind: {kind}, plural: {plural}, singular: {kind.lower()}, listKind: {kind}List}}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {{type: object, properties: {{size: {{type: integer}}}}}}
"""


def addon(name: str, namespace: str, *bodies: str) -> str:
    items = "".join(f"        - {json.dumps(load_plain(b)[0])}\n" for b in bodies)
    return f"""    - name: {name}
      namespace: {namespace}
      manifests:
{items}"""


WIDGET = "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: shared}\nspec: {size: 3}\n"
GADGET = "apiVersion: example.com/v1\nkind: Gadget\nmetadata: {name: one}\nspec: {size: 1}\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    assert run(["init", str(root)]) == 0
    (root / "crds").mkdir()
    (root / "crds" / "gadgets.yaml").write_text(crd("Gadget", "Cluster"))
    settings = root / "gitops.yaml"
    settings.write_text(settings.read_text() + "  crdDirs: [crds]\n")
    stack = root / "blueprints" / "addons" / "platform.yaml"
    stack.write_text(stack.read_text() + addon("widgets", "widgets", crd("Widget", "Cluster"), WIDGET)
                     + addon("gadgets", "gadgets", GADGET))
    return root


def rendered(root: Path, kind: str) -> list[dict]:  # type: ignore[type-arg]
    out = []
    for path in (root / "rendered" / "addons").rglob("*.yaml"):
        out += [d for d in load_plain(path.read_text()) if isinstance(d, dict) and d.get("kind") == kind]
    return out


def test_cluster_scoped_custom_resources_get_no_namespace(repo: Path) -> None:
    assert run(["render", "--repo", str(repo)]) == 0
    (widget,) = rendered(repo, "Widget")
    (gadget,) = rendered(repo, "Gadget")
    assert "namespace" not in widget["metadata"] and "namespace" not in gadget["metadata"]
    done = run_cli("validate", "--repo", str(repo), "-o", "json")
    report = json.loads(done.out)
    assert done.code == 0, done.out
    assert not [f for f in report["findings"] if f["rule"] == "missing-schema" and f["object"]["kind"] == "Widget"]


def test_an_add_on_crd_is_a_known_schema(repo: Path) -> None:
    stack = repo / "blueprints" / "addons" / "platform.yaml"
    stack.write_text(stack.read_text().replace('"size": 3', '"size": "three"'))
    assert run(["render", "--repo", str(repo)]) == 0
    report = json.loads(run_cli("validate", "--repo", str(repo), "-o", "json").out)
    assert [(f["rule"], f["path"]) for f in report["findings"] if f["object"]["kind"] == "Widget"] == \
        [("schema", "spec.size")]


def test_the_same_cluster_scoped_object_in_two_add_ons_is_gg204(repo: Path) -> None:
    stack = repo / "blueprints" / "addons" / "platform.yaml"
    stack.write_text(stack.read_text() + addon("widgets-copy", "widgets-copy", WIDGET))
    assert run(["render", "--repo", str(repo)]) == 0
    report = json.loads(run_cli("validate", "--repo", str(repo), "-o", "json").out)
    assert {f["object"]["name"] for f in report["findings"] if f["rule"] == "GG204"} == {"shared"}
