"""Repo mode judges the files Argo CD reads: unparseable written files, foreign files in as-is folders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest


@pytest.fixture
def repo(example_repo: Path, gg) -> Path:  # gg: chdir into fixtures, so --repo is what is used
    return example_repo


def _findings(gg, repo: Path) -> tuple[int, list[dict]]:
    r = gg("validate", "--repo", str(repo), "-o", "json")
    return r.code, json.loads(r.out)["findings"]


def test_a_written_file_no_parser_can_read_is_an_error_at_its_line(gg, repo: Path) -> None:
    rel = "rendered/tenants/payments/base/payments-api_resourcequota_tenant-quota.yaml"
    path = repo / rel
    lines = path.read_text().count("\n")
    path.write_text(path.read_text() + "spec: [unclosed\n")
    code, found = _findings(gg, repo)
    assert code == 1
    assert {(f["rule"], f["file"]) for f in found} == {("stale", rel), ("invalid-document", rel)}
    invalid = next(f for f in found if f["rule"] == "invalid-document")
    assert invalid["line"] == lines + 2 and invalid["message"].startswith("invalid YAML")


def test_a_foreign_file_in_a_cluster_folder_is_flagged_and_validated(gg, repo: Path) -> None:
    folder = repo / "rendered/clusters/prod-eu1"
    (folder / "hand-made.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hand\n  namespace: default\nspec:\n"
        "  selector: {matchLabels: {a: b}}\n  template:\n    metadata: {labels: {a: b}}\n    spec:\n"
        "      containers:\n      - name: a\n        imagePullPolicy: Sometimes\n"
    )
    (folder / "notes.txt").write_text("not a manifest: Argo CD ignores it\n")
    code, found = _findings(gg, repo)
    assert code == 1
    mine = sorted((f["rule"], f["line"], f["path"]) for f in found if f["file"].endswith("hand-made.yaml"))
    assert mine == [
        ("enum", 13, "spec.template.spec.containers[0].imagePullPolicy"),
        ("foreign-file", 1, ""),
        ("required-field", 12, "spec.template.spec.containers[0].image"),
    ]
    assert not any(f["file"].endswith("notes.txt") for f in found)


def test_a_file_beside_a_kustomization_is_not_applied_and_not_flagged(gg, repo: Path) -> None:
    (repo / "rendered/tenants/payments/base/scratch.yaml").write_text("apiVersion: v1\nkind: ConfigMap\n")
    code, found = _findings(gg, repo)
    assert (code, found) == (0, [])


def test_a_directory_application_path_is_synced_as_is(gg, repo: Path) -> None:
    # an Application whose path holds no kustomization.yaml: Argo CD applies each file of that folder
    path = "rendered/addons/platform-core/cluster-issuers/overlays/dev"
    app = repo / "rendered/clusters/dev-eu1/application_dev-eu1-cluster-issuers.yaml"
    assert f"path: {path}\n" in app.read_text()
    folder = repo / path
    (folder / "kustomization.yaml").unlink()
    (folder / "extra.yaml").write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")
    code, found = _findings(gg, repo)
    assert code == 1
    assert any(f["rule"] == "foreign-file" and f["file"] == f"{path}/extra.yaml" for f in found), found


def test_an_allowance_from_a_namespace_that_exists_nowhere_is_a_warning_at_its_blueprint(gg, repo: Path) -> None:
    blueprint = repo / "blueprints/tenants/search.yaml"
    blueprint.write_text(blueprint.read_text().replace("allowFromNamespaces: [ingress-nginx]",
                                                       "allowFromNamespaces: [ingres-nginx]"))
    assert gg("render", "--repo", str(repo)).code == 0
    code, found = _findings(gg, repo)
    assert code == 0  # a warning
    hits = [f for f in found if f["rule"] == "GG113"]
    assert hits and {f["severity"] for f in hits} == {"warning"}
    assert all("'ingres-nginx'" in f["message"] for f in hits)
    assert all(f["source"].startswith("blueprints/tenants/search.yaml:") for f in hits)
    for f in hits:  # at the line of the allowance in the rendered NetworkPolicy
        text = (repo / f["file"]).read_text().split("\n")
        assert "kubernetes.io/metadata.name" in text[f["line"] - 1] or "matchLabels" in text[f["line"] - 1]
    assert {f["rule"] for f in found} == {"GG113"}
