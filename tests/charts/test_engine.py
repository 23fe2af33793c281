"""The Helm engine: one request shape, both engines' answers; Helm's version constraints."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_gen.charts import engine, semver
from gitops_gen.charts.capabilities import builtin, kube_version
from tests.charts.chartkit import pack
from tests.charts.fleet import web_chart


def _request(tmp_path: Path, api: tuple[str, ...] = ()) -> engine.Request:
    archive = tmp_path / "web-1.0.0.tgz"
    archive.write_bytes(pack(web_chart(tmp_path / "src")))
    return engine.Request(archive, "rel", "ns", {"replicas": 3}, "v1.31.0", api)


@pytest.mark.usefixtures("need_engine")
def test_the_engine_renders_templates_crds_and_subcharts_by_their_helm_path(tmp_path: Path) -> None:
    found = engine.find()
    assert found is not None
    try:
        out = found.render(_request(tmp_path, ("monitoring.coreos.com/v1/ServiceMonitor",))).templates
        assert found.version.startswith("v")
    finally:
        found.close()
    assert {"web/templates/deployment.yaml", "web/crds/widget.yaml", "web/charts/sub/templates/cm.yaml",
            "web/templates/servicemonitor.yaml"} <= set(out)
    assert "replicas: 3" in out["web/templates/deployment.yaml"]
    assert "namespace: ns" in out["web/templates/deployment.yaml"]


def test_the_binary_and_the_sdk_render_alike(tmp_path: Path) -> None:
    # No registry this project reaches ships a helm binary (docs/adr/0013-helm-engine.md), so this skips
    # wherever none is installed by hand, CI included; the SDK is what CI runs.
    if shutil.which("helm") is None:
        pytest.skip("no helm binary on the PATH: nothing to compare the SDK with")
    binary, sdk = engine.find("binary"), engine.find("sdk")
    if sdk is None or binary is None:
        pytest.skip("the helm extra is not installed")
    request = _request(tmp_path, ("monitoring.coreos.com/v1/ServiceMonitor",))
    try:
        assert binary.render(request).templates == sdk.render(request).templates
    finally:
        binary.close()
        sdk.close()


def test_helm_template_output_splits_by_source() -> None:
    text = ("---\n# Source: web/templates/a.yaml\nkind: A\n---\n# Source: web/templates/b.yaml\nkind: B\n"
            "---\n# Source: web/templates/a.yaml\nkind: A2\n")
    assert engine.split_sources(text) == {"web/templates/a.yaml": "kind: A\n---\nkind: A2\n",
                                          "web/templates/b.yaml": "kind: B\n"}


@pytest.mark.parametrize(("version", "constraint", "ok"), [
    ("v1.31.0", ">=1.25.0-0", True), ("v1.24.0", ">=1.25.0-0", False), ("v1.31.0", "^1.2", True),
    ("v1.31.0", "~1.31", True), ("v1.32.0", "~1.31", False), ("v1.31.0", "1.31.x", True),
    ("v1.29.3", ">=1.20, <1.30", True), ("v1.30.0", ">=1.20, <1.30", False),
    ("v1.21.0", "<1.22 || >=1.25", True), ("v1.23.0", "<1.22 || >=1.25", False),
    ("v1.31.0", "1.28 - 1.31", True), ("v1.32.0", "<=1.31", False), ("v1.31.9", "<=1.31", True),
    ("v1.31.0", ">= 1.19.0-0 < 1.32.0-0", True), ("v1.32.0", ">= 1.19.0-0 < 1.32.0-0", False),
])
def test_kube_version_constraints_as_helm_reads_them(version: str, constraint: str, ok: bool) -> None:
    assert semver.satisfies(version, constraint) is ok


@given(st.integers(20, 40), st.integers(20, 40))
def test_a_lower_bound_holds_exactly_from_its_version(minor: int, bound: int) -> None:
    assert semver.satisfies(f"v1.{minor}.0", f">=1.{bound}.0-0") is (minor >= bound)
    assert semver.satisfies(f"v1.{minor}.0", f"<1.{bound}.0") is (minor < bound)


def test_capabilities_of_a_version() -> None:
    assert kube_version("1.31") == "v1.31.0"
    apis = builtin("1.31")
    assert {"apps/v1", "apps/v1/Deployment", "v1/ConfigMap"} <= apis
    assert "policy/v1beta1/PodSecurityPolicy" not in apis
    assert "flowcontrol.apiserver.k8s.io/v1beta3" in builtin("1.31") and \
        "flowcontrol.apiserver.k8s.io/v1beta3" not in builtin("1.32")
