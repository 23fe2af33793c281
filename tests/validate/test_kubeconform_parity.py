"""Parity with kubeconform's acceptance suite (acceptance.bats, acceptance-nonetwork.bats).

One case per kubeconform acceptance case, run through path mode on our own fixtures (kubeconform's
are not copied here); docs/kubeconform-parity.md is the table with the flag mapping and the
reasons where the verdict differs on purpose.  Each case asserts our exit code and the line that
carries the verdict (the summary line, or the finding kubeconform's test looks for).

Exit codes: kubeconform exits 1 for every failure; we exit 1 for findings and 2 for a usage or
input error (DESIGN.md), so a usage failure there is a 2 here: the same verdict.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.validate.conftest import FIXTURES

V = ("--kubernetes-version", "1.31")  # kubeconform's default is "master": our newest is no less strict


class Case(NamedTuple):
    args: tuple[str, ...]  # after "validate"
    code: int
    line: str  # the verdict line: exact when it starts with "Summary:", else a substring of out + err
    stdin: str | None = None  # a fixture piped in


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def summary(docs: int, errors: int = 0, warnings: int = 0) -> str:
    return f"Summary: {_count(docs, 'document')}, {_count(errors, 'error')}, {_count(warnings, 'warning')}"


NOTE_OLD = "validating against 1.25"
MISSING = "error [missing-schema] ClusterIssuer letsencrypt: no schema for ClusterIssuer"

# id: the kubeconform test it mirrors (acceptance.bats order; "nonetwork-" for acceptance-nonetwork.bats)
CASES: dict[str, Case] = {
    "help": Case(("-h",), 0, " validate [OPTIONS] [PATH]..."),  # the program name depends on argv[0]
    "incorrect-flag": Case(("-xyz", "valid.yaml"), 2, "No such option"),
    "valid-yaml": Case((*V, "valid.yaml"), 0, summary(1)),
    "folder": Case((*V, "folder"), 0, summary(4)),
    "int-or-string": Case((*V, "int_or_string.yaml"), 0, summary(1)),
    "valid-json-1.20.0": Case(("--kubernetes-version", "1.20.0", "valid.json"), 0, NOTE_OLD),
    "generate-name": Case((*V, "generate_name.yaml"), 0, summary(1)),
    "quantity": Case((*V, "quantity.yaml"), 0, summary(1)),
    "null-string-verbose": Case((*V, "null_string.yaml"), 0, summary(1)),
    "null-string-summary": Case((*V, "--strict", "null_string.yaml"), 0, summary(1)),
    "multi-valid": Case((*V, "multi_valid.yaml"), 0, summary(5)),
    "multi-invalid": Case((*V, "multi_invalid.yaml"), 1, summary(2, 3)),
    "invalid": Case((*V, "invalid.yaml"), 1, summary(1, 1)),
    "not-here": Case((*V, "not-here"), 1, "  error [invalid-document] no such file or directory"),
    "blank": Case((*V, "blank.yaml"), 0, summary(0)),
    "comment": Case((*V, "comment.yaml"), 0, summary(0)),
    "missing-kind": Case((*V, "missing_kind.yaml"), 1, "missing 'kind' key"),
    "missing-apiversion": Case((*V, "missing_apiversion.yaml"), 1, "missing 'apiVersion' key"),
    "missing-kind-value": Case((*V, "missing_kind_value.yaml"), 1, "missing 'kind' key"),
    "crd-without-schema": Case((*V, "custom/clusterissuer-valid.yaml"), 1, MISSING),
    "crd-ignore-missing-schemas": Case(
        (*V, "--ignore-missing-schemas", "custom/clusterissuer-valid.yaml"), 0, summary(1)
    ),
    "extra-property": Case((*V, "extra_property.yaml"), 0, summary(1)),
    "extra-property-strict-1.20.0": Case(
        ("--strict", "--kubernetes-version", "1.20.0", "extra_property.yaml"), 1, "'unknownField' was unexpected"
    ),
    "duplicate-property-strict-1.20.0": Case(
        ("--strict", "--kubernetes-version", "1.20.0", "duplicate_property.yaml"), 1, "duplicate key 'name'"
    ),
    # a repeated key is a warning without --strict (kubeconform says nothing): exit 0 as kubeconform
    "duplicate-property-1.20.0": Case(("--kubernetes-version", "1.20.0", "duplicate_property.yaml"), 0,
                                      summary(1, warnings=1)),
    # -schema-location default / an HTTP copy of the default registry: our schemas are built in
    "schema-location-default": Case((*V, "valid.yaml"), 0, summary(1)),
    "schema-location-http": Case((*V, "valid.yaml"), 0, summary(1)),
    "schema-location-http-refs": Case((*V, "valid.yaml"), 0, summary(1)),
    # a schema location that holds nothing: the nearest thing we have is a --crd-dir that is not there
    "schema-location-invalid-http": Case((*V, "--crd-dir", "http://foo", "valid.yaml"), 2, "not a directory"),
    "schema-location-invalid-path": Case((*V, "--crd-dir", "foo", "valid.yaml"), 2, "not a directory"),
    "schema-location-invalid-template": Case((*V, "--crd-dir", "foo {{ .Foo }}", "valid.yaml"), 2, "not a directory"),
    # kubeconform insists on x.y.z; our contract is X.Y (full versions accepted too): deliberate difference
    "kubernetes-version-x.y": Case(("--kubernetes-version", "1.25", "valid.yaml"), 0, summary(1)),
    # OpenShift 3.8 schemas from a remote registry: out of scope; we refuse the version outright
    "openshift-valid": Case(("--kubernetes-version", "3.8.0", "valid.yaml"), 2, "newer than the newest"),
    "openshift-invalid": Case(("--kubernetes-version", "3.8.0", "invalid.yaml"), 2, "newer than the newest"),
    # without PATH we are in repo mode (DESIGN.md): stdin is always the explicit "-"
    "stdin-implicit": Case((*V, "-"), 0, summary(1), stdin="valid.yaml"),
    "stdin-explicit": Case((*V, "-"), 0, summary(1), stdin="valid.yaml"),
    "stdin-invalid": Case((*V, "-"), 1, summary(1, 1), stdin="invalid.yaml"),
    "skip-kind": Case((*V, "--skip", "ReplicationController", "invalid.yaml"), 0, summary(1)),
    "skip-gvk": Case((*V, "--skip", "v1/ReplicationController", "invalid.yaml"), 0, summary(1)),
    "skip-other-version": Case((*V, "--skip", "v2/ReplicationController", "valid.yaml"), 0, summary(1)),
    # -ignore-filename-pattern: we have no such flag; naming the files to check is the equivalent
    "ignore-filename-pattern": Case((*V, "quantity.yaml"), 0, summary(1)),
    # -cache: nothing is downloaded, nothing to cache; the verdicts on the file stay
    "cache-store": Case((*V, "valid.yaml"), 0, summary(1)),
    "output-tap": Case((*V, "-o", "json", "valid.yaml"), 0, '"errors": 0'),
    "list-valid": Case((*V, "list_valid.yaml"), 0, summary(2)),
    "list-valid-stdin": Case((*V, "-"), 0, summary(2), stdin="list_valid.yaml"),
    "list-invalid": Case((*V, "list_invalid.yaml"), 1, summary(2, 1)),
    "list-invalid-stdin": Case((*V, "-"), 1, summary(2, 1), stdin="list_invalid.yaml"),
    "list-empty": Case((*V, "list_empty.yaml"), 0, summary(0)),
    "multi-with-list": Case((*V, "multi_with_list.yaml"), 0, summary(2)),
    "crd-without-json-schema": Case((*V, "--crd-dir", "crd-noschema", "route_noschema.yaml"), 0, summary(1)),
    # acceptance-nonetwork.bats: schemas are local, so "no network" changes nothing here
    "nonetwork-valid": Case((*V, "valid.yaml"), 0, summary(1)),
    "nonetwork-cache": Case((*V, "valid.yaml"), 0, summary(1)),
    "nonetwork-local-registry-crd": Case((*V, "--crd-dir", "crd", "custom/clusterissuer-valid.yaml"), 0, summary(1)),
    "nonetwork-several-registries": Case(
        (*V, "--crd-dir", "crd-v1beta1", "--crd-dir", "crd", "custom/clusterissuer-valid.yaml"), 0, summary(1)
    ),
    "nonetwork-cached-external-refs": Case((*V, "valid.yaml"), 0, summary(1)),
}


@pytest.mark.parametrize("case", list(CASES.values()), ids=list(CASES))
def test_kubeconform_acceptance_case(gg, case: Case) -> None:
    stdin = (FIXTURES / case.stdin).read_text(encoding="utf-8") if case.stdin else None
    r = gg("validate", *case.args, stdin=stdin)
    assert r.code == case.code, r.out + r.err
    if case.line.startswith("Summary:"):
        assert r.lines[-1] == case.line
    else:
        assert case.line in r.out + r.err


def test_skip_matches_the_apiversion_too(gg) -> None:
    """kubeconform's "-skip v2/ReplicationController" case, made observable: the object is validated."""
    assert gg("validate", *V, "--skip", "v2/ReplicationController", "invalid.yaml").code == 1


@pytest.mark.parametrize("stdin", [True, False], ids=["dash", "no-path"])
def test_nothing_piped_to_stdin_fails(tmp_path: Path, stdin: bool) -> None:
    """kubeconform fails when stdin is a terminal or device; so do we (with "-"; no PATH is repo mode)."""
    args = [*V, "-"] if stdin else []
    r = subprocess.run(
        [sys.executable, "-m", "gitops_gen", "validate", *args],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        cwd=tmp_path,  # outside any repository: no gitops.yaml upward
        check=False,
        env={"PYTHONPATH": str(Path(__file__).parents[2]), "PATH": ""},
    )
    assert r.returncode == 2, r.stdout + r.stderr
    message = "nothing is piped in" if stdin else "gitops.yaml"
    assert message in r.stderr


def test_junit_output_is_well_formed_xml(gg) -> None:
    r = gg("validate", *V, "-o", "junit", "valid.yaml")
    assert r.code == 0
    assert ET.fromstring(r.out).tag in ("testsuites", "testsuite")


def _large_stream(count: int) -> str:
    return "---\n".join([(FIXTURES / "valid.yaml").read_text(encoding="utf-8")] * count)


def test_a_large_stream_passes(gg, tmp_path: Path) -> None:
    """kubeconform's 100,000-document case, scaled down to stay fast (the full size is a slow test)."""
    (tmp_path / "large.yaml").write_text(_large_stream(2_000), encoding="utf-8")
    assert gg("validate", *V, str(tmp_path / "large.yaml")).lines == [summary(2_000)]
    assert gg("validate", *V, "-", stdin=_large_stream(2_000)).lines == [summary(2_000)]


@pytest.mark.slow
def test_a_very_large_stream_passes(gg, tmp_path: Path) -> None:
    (tmp_path / "large.yaml").write_text(_large_stream(100_000), encoding="utf-8")
    assert gg("validate", *V, str(tmp_path / "large.yaml")).lines == [summary(100_000)]


def test_older_targets_do_not_call_builtin_apis_custom_resources(gg, tmp_path: Path) -> None:
    """A 1.20 target still serves policy/v1beta1; the 1.25 schemas we fall back to do not carry it."""
    (tmp_path / "pdb.yaml").write_text(
        "apiVersion: policy/v1beta1\nkind: PodDisruptionBudget\nmetadata: {name: web}\nspec: {minAvailable: 1}\n",
        encoding="utf-8",
    )
    r = gg("validate", "--kubernetes-version", "1.20.0", str(tmp_path / "pdb.yaml"))
    assert r.code == 0
    assert (
        "  1: warning [missing-schema] PodDisruptionBudget web: no schema shipped for policy/v1beta1"
        " PodDisruptionBudget (schemas 1.25); not validated" in r.lines
    )
    r = gg("validate", "--kubernetes-version", "1.25", str(tmp_path / "pdb.yaml"))
    assert r.code == 1
    assert "was removed in Kubernetes 1.25; use policy/v1" in r.out
