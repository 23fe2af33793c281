"""Path mode, black box: exit codes and exact output lines (kubeconform's acceptance cases and ours)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

V = ("validate", "--kubernetes-version", "1.31")


def test_valid_file_passes_with_a_summary_line(gg) -> None:
    r = gg(*V, "valid.yaml")
    assert (r.code, r.lines) == (0, ["Summary: 1 document, 0 errors, 0 warnings"])


def test_invalid_file_fails_naming_file_line_object_and_field(gg) -> None:
    r = gg(*V, "invalid.yaml")
    assert r.code == 1
    assert r.lines == [
        "invalid.yaml",
        '  6: error [schema] ReplicationController bob: spec.replicas: "asd" is not of types "null",'
        ' "integer"',
        "Summary: 1 document, 1 error, 0 warnings",
    ]


def test_every_error_of_a_document_is_reported_not_just_the_first(gg) -> None:
    r = gg(*V, "multi_invalid.yaml")
    assert r.code == 1
    assert r.lines == [
        "multi_invalid.yaml",
        '  12: error [schema] Deployment payments-api/web: spec.replicas: "3" is not of types "null",'
        ' "integer"',
        "  20: error [quantity] Deployment payments-api/web:"
        " spec.template.spec.containers[0].resources.limits.cpu:"
        " '2 cores' must be a quantity such as 500m, 2Gi or 1.5",
        "  21: error [schema] Deployment payments-api/web: spec.template.spec.containers[1]:"
        ' "name" is a required'
        " property",
        "Summary: 2 documents, 3 errors, 0 warnings",
    ]


@pytest.mark.parametrize(
    ("fixture", "summary"),
    [
        ("multi_valid.yaml", "Summary: 5 documents, 0 errors, 0 warnings"),
        ("list_valid.yaml", "Summary: 2 documents, 0 errors, 0 warnings"),
        ("list_empty.yaml", "Summary: 0 documents, 0 errors, 0 warnings"),
        ("valid.json", "Summary: 1 document, 0 errors, 0 warnings"),
        ("blank.yaml", "Summary: 0 documents, 0 errors, 0 warnings"),
        ("comment.yaml", "Summary: 0 documents, 0 errors, 0 warnings"),
        ("empty_docs.yaml", "Summary: 0 documents, 0 errors, 0 warnings"),
        ("generate_name.yaml", "Summary: 1 document, 0 errors, 0 warnings"),
        ("extra_property.yaml", "Summary: 1 document, 0 errors, 0 warnings"),  # not --strict
        ("folder", "Summary: 4 documents, 0 errors, 0 warnings"),  # a.yaml, b.yml (a List of 2), sub/c.json
        ("argocd/application-valid.yaml", "Summary: 2 documents, 0 errors, 0 warnings"),
    ],
)
def test_valid_inputs_pass(gg, fixture: str, summary: str) -> None:
    r = gg(*V, fixture)
    assert (r.code, r.lines) == (0, [summary])


def test_a_repeated_key_is_a_located_warning_without_strict_and_an_error_with_it(gg) -> None:
    r = gg(*V, "duplicate_property.yaml")  # the last value wins, as in kubectl
    assert (r.code, r.lines) == (0, ["duplicate_property.yaml", "  5: warning [invalid-document] duplicate key 'name'",
                                     "Summary: 1 document, 0 errors, 1 warning"])
    r = gg(*V, "--strict", "duplicate_property.yaml")
    assert r.code == 1 and "  5: error [invalid-document] duplicate key 'name'" in r.lines


def test_a_list_is_expanded_and_its_invalid_item_reported(gg) -> None:
    r = gg(*V, "list_invalid.yaml")
    assert r.code == 1
    assert (
        r.lines[1] == '  11: error [schema] ReplicationController bob: spec.replicas: "2" is not of types'
        ' "null", "integer"'
    )
    assert r.lines[-1] == "Summary: 2 documents, 1 error, 0 warnings"


def test_stdin_is_read_for_dash(gg) -> None:
    with open("list_invalid.yaml", encoding="utf-8") as fh:
        r = gg(*V, "-", stdin=fh.read())
    assert r.code == 1
    assert r.lines[0] == "stdin"
    assert r.lines[-1] == "Summary: 2 documents, 1 error, 0 warnings"


@pytest.mark.parametrize(
    ("fixture", "line"),
    [
        ("missing_kind.yaml", "  1: error [invalid-document] missing 'kind' key"),
        ("missing_kind_value.yaml", "  1: error [invalid-document] missing 'kind' key"),
        ("missing_apiversion.yaml", "  1: error [invalid-document] ConfigMap a: missing 'apiVersion' key"),
    ],
)
def test_missing_kind_or_apiversion_is_an_error_naming_the_key(gg, fixture: str, line: str) -> None:
    r = gg(*V, fixture)
    assert (r.code, r.lines[1]) == (1, line)


def test_a_path_that_does_not_exist_is_a_finding(gg) -> None:
    r = gg(*V, "valid.yaml", "not-here")
    assert r.code == 1
    assert r.lines == [
        "not-here",
        "  error [invalid-document] no such file or directory",
        "Summary: 1 document, 1 error, 0 warnings",
    ]


def test_strict_rejects_unknown_fields(gg) -> None:
    r = gg(*V, "--strict", "extra_property.yaml")
    assert r.code == 1
    assert r.lines[1] == (
        "  7: error [schema] ConfigMap default/a: Additional properties are not allowed"
        " ('unknownField' was unexpected)"
    )


def test_strict_rejects_duplicate_keys_with_their_line(gg) -> None:
    r = gg(*V, "--strict", "duplicate_property.yaml")
    assert r.code == 1
    assert r.lines[1] == "  5: error [invalid-document] duplicate key 'name'"


def test_removed_api_is_reported_as_removed_with_its_replacement_and_deprecation_as_warning(gg) -> None:
    r = gg(*V, "removed_apis.yaml")
    assert r.code == 1
    assert r.lines[1:] == [
        "  1: error [removed-api] Ingress web: extensions/v1beta1 Ingress was removed in Kubernetes 1.22;"
        " use networking.k8s.io/v1",
        "  6: error [removed-api] PodDisruptionBudget web: policy/v1beta1 PodDisruptionBudget was removed in"
        " Kubernetes 1.25; use policy/v1",
        "  11: warning [deprecated-api] FlowSchema catch-all:"
        " flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema is"
        " deprecated since Kubernetes 1.29, removed in 1.32; migrate to flowcontrol.apiserver.k8s.io/v1",
        "Summary: 3 documents, 2 errors, 1 warning",
    ]


def test_the_target_version_decides_removed_or_deprecated(gg) -> None:
    r = gg("validate", "--kubernetes-version", "1.32", "removed_apis.yaml")
    assert r.lines[3].startswith(
        "  11: error [removed-api] FlowSchema catch-all: flowcontrol.apiserver.k8s.io/"
        "v1beta3 FlowSchema was removed in Kubernetes 1.32"
    )


def test_warnings_alone_exit_zero(gg, tmp_path) -> None:
    text = Path("removed_apis.yaml").read_text(encoding="utf-8")
    (tmp_path / "fs.yaml").write_text(text.split("---\n")[2])
    r = gg(*V, str(tmp_path / "fs.yaml"))
    assert (r.code, r.lines[-1]) == (0, "Summary: 1 document, 0 errors, 1 warning")


def test_names_labels_and_annotations_are_checked(gg) -> None:
    r = gg(*V, "names_invalid.yaml")
    assert r.code == 1
    assert [line.split(": ", 2)[1] for line in r.lines[1:-1]] == [
        "error [names] ConfigMap Team.A/Settings_Map"
    ] * 5
    assert [line.split(": ")[2] for line in r.lines[1:-1]] == [
        "metadata.name",
        "metadata.namespace",
        'metadata.labels.cert-manager.io/cluster-issuer"',
        "metadata.labels.tier",
        "metadata.annotations.-bad",
    ]


def test_custom_resource_without_schema_is_an_error_unless_ignored(gg) -> None:
    r = gg(*V, "custom/clusterissuer-valid.yaml")
    assert r.code == 1
    assert r.lines[1] == (
        "  1: error [missing-schema] ClusterIssuer letsencrypt: no schema for ClusterIssuer"
        " (cert-manager.io/v1); pass its CRD with --crd-dir"
    )
    r = gg(*V, "--ignore-missing-schemas", "custom/clusterissuer-valid.yaml")
    assert (r.code, r.lines) == (0, ["Summary: 1 document, 0 errors, 0 warnings"])


def test_crd_dir_validates_custom_resources(gg) -> None:
    r = gg(*V, "--crd-dir", "crd", "--crd-dir", "crd-v1beta1", "custom")
    assert r.code == 1
    assert r.lines == [
        "custom/clusterissuer-invalid.yaml",
        "  6: error [schema] ClusterIssuer letsencrypt: spec.acme:"
        ' "privateKeySecretRef" is a required property',
        "custom/widget.yaml",
        "  4: error [schema] Widget default/w: spec.size: 0 is less than the minimum of 1",
        "Summary: 3 documents, 2 errors, 0 warnings",
    ]


def test_crd_dir_with_strict_rejects_unknown_fields_of_custom_resources(gg) -> None:
    r = gg(*V, "--strict", "--crd-dir", "crd", "custom/clusterissuer-invalid.yaml")
    assert (
        "  11: error [schema] ClusterIssuer letsencrypt: spec.acme.solvers[0].http01.ingress: Additional"
        " properties are not allowed ('klass' was unexpected)" in r.lines
    )


def test_skip_by_kind_or_by_apiversion_and_kind(gg) -> None:
    assert gg(*V, "--skip", "ReplicationController", "invalid.yaml").code == 0
    assert gg(*V, "--skip", "v1/ReplicationController", "invalid.yaml").code == 0
    assert gg(*V, "--skip", "v2/ReplicationController", "invalid.yaml").code == 1


def test_argocd_kinds_are_validated_by_the_carried_schemas(gg) -> None:
    r = gg(*V, "argocd/application-invalid.yaml")
    assert r.code == 1
    assert r.lines[1:] == [
        "  6: error [schema] Application argocd/broken: spec.destination: set only one of server, name",
        '  8: error [schema] Application argocd/broken: spec.syncPolicy.automated.prune: "yes" is not of type'
        ' "boolean"',
        "Summary: 1 document, 2 errors, 0 warnings",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--kubernetes-version", "1.99", "valid.yaml"), "is newer than the newest schemas shipped"),
        (("--kubernetes-version", "latest", "valid.yaml"), "is not a Kubernetes version like 1.31"),
        (("--crd-dir", "no-such-dir", "valid.yaml"), "--crd-dir no-such-dir: not a directory"),
        (("--env", "prod", "valid.yaml"), "--repo and --env are for repo mode"),
        (("-o", "xml", "valid.yaml"), "Invalid value for '-o'"),
    ],
)
def test_usage_errors_exit_2(gg, args: tuple[str, ...], message: str) -> None:
    r = gg("validate", *args)
    assert r.code == 2
    assert message in r.err


def test_older_versions_use_the_oldest_schemas_with_a_note(gg) -> None:
    r = gg("validate", "--kubernetes-version", "1.20.0", "valid.yaml")
    assert r.code == 0
    assert "validating against 1.25" in r.err


def test_json_output_is_the_documented_shape(gg) -> None:
    r = gg(*V, "-o", "json", "invalid.yaml")
    data = json.loads(r.out)
    assert r.code == 1
    assert data == {
        "version": 1,
        "summary": {"documents": 1, "errors": 1, "warnings": 0, "infos": 0},
        "findings": [
            {
                "rule": "schema",
                "severity": "error",
                "object": {
                    "apiVersion": "v1",
                    "kind": "ReplicationController",
                    "namespace": "",
                    "name": "bob",
                },
                "path": "spec.replicas",
                "file": "invalid.yaml",
                "line": 6,
                "column": 0,
                "source": "",
                "message": '"asd" is not of types "null", "integer"',
            }
        ],
    }


def test_github_output_annotates_file_and_line(gg) -> None:
    r = gg(*V, "-o", "github", "invalid.yaml")
    assert r.lines == [
        "::error file=invalid.yaml,line=6,title=schema::ReplicationController bob:"
        ' spec.replicas: "asd" is not of'
        ' types "null", "integer"',
        "Summary: 1 document, 1 error, 0 warnings",
    ]


@pytest.mark.parametrize(
    ("value", "verdict"),
    [
        ("yes", 1),  # YAML 1.1 (Kubernetes): a boolean, and ConfigMap data holds strings
        ("on", 1),
        ("'yes'", 0),
        ("0o17", 1),  # sigs.k8s.io/yaml resolves ints with Go's ParseInt(s, 0, 64): 0o17 is 15
    ],
)
def test_strict_and_default_modes_agree_on_yaml_1_1_values(gg, tmp_path, value: str, verdict: int) -> None:
    # Kubernetes decodes manifests as YAML 1.1; --strict must read them the same way (issue 5, the reader)
    path = tmp_path / "cm.yaml"
    path.write_text(f"apiVersion: v1\nkind: ConfigMap\nmetadata: {{name: a}}\ndata:\n  enabled: {value}\n")
    assert gg(*V, str(path)).code == verdict
    assert gg(*V, "--strict", str(path)).code == verdict
