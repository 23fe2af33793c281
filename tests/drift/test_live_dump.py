"""Reading dumps: kubectl -o yaml / -o json, List, typed lists, multi-document files, folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_gen.base.errors import InputError, Location
from gitops_gen.drift.live_dump import load_objects

CM = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "ns"}}


def test_json_list_and_typed_list(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": [CM]}))
    typed = {"apiVersion": "apps/v1", "kind": "DeploymentList", "items": [{"metadata": {"name": "d"}}]}
    (tmp_path / "b.json").write_text(json.dumps(typed))
    found = [(m.ref.kind, m.ref.api_version, m.ref.name) for m in load_objects(tmp_path)]
    assert found == [("ConfigMap", "v1", "a"), ("Deployment", "apps/v1", "d")]


def test_multi_document_yaml_in_nested_folders_keeps_lines(tmp_path: Path) -> None:
    (tmp_path / "x" / "y").mkdir(parents=True)
    (tmp_path / "x" / "y" / "all.yml").write_text(
        "# dump\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n---\n"
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\n  creationTimestamp: 2024-01-01T00:00:00Z\n"
    )
    (tmp_path / "kustomization.yaml").write_text(
        "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n"
    )
    (tmp_path / "notes.txt").write_text("ignored")
    objects = load_objects(tmp_path)
    assert [(m.ref.kind, m.origin) for m in objects] == [
        ("ConfigMap", Location(str(tmp_path / "x" / "y" / "all.yml"), 3)),
        ("Secret", Location(str(tmp_path / "x" / "y" / "all.yml"), 7)),
    ]
    assert objects[1].body["metadata"]["creationTimestamp"] == "2024-01-01T00:00:00Z"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kind: [\n", "invalid YAML"),
        ("- 1\n- 2\n", "expected a Kubernetes object (a mapping)"),
        ("apiVersion: v1\nkind: ConfigMap\n", "object without metadata.name"),
    ],
)
def test_bad_input_is_an_input_error(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "bad.yaml").write_text(text)
    with pytest.raises(InputError) as caught:
        load_objects(tmp_path / "bad.yaml")
    assert caught.value.message.startswith(message)


def test_empty_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"no \.yaml, \.yml or \.json files under"):
        load_objects(tmp_path)
