"""What a user installing gitops-gen relies on: licence, changelog, typing marker, tested dependency floors."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import gitops_gen
from tests.conftest import PROJECT

PYPROJECT = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))
REQUIREMENT = re.compile(r"^([A-Za-z0-9_.-]+)>=([0-9][0-9A-Za-z.]*)$")


def _floors() -> dict[str, str]:
    out = {}
    for requirement in PYPROJECT["project"]["dependencies"]:
        match = REQUIREMENT.match(requirement.replace(" ", ""))
        assert match, f"{requirement!r}: every runtime dependency has exactly one floor (name>=X.Y.Z)"
        out[_normal(match[1])] = match[2]
    return out


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_every_floor_is_pinned_in_the_floors_constraints() -> None:
    pinned = {}
    for line in (PROJECT / "constraints-floors.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            pinned[_normal(name)] = version
    assert pinned == _floors()


def test_the_kubernetes_validate_floor_ships_every_version_we_accept() -> None:
    """kubernetes-validate X.Y.* ships the schemas up to Kubernetes X.Y: the floor must reach our newest."""
    from gitops_gen.base.kubeversions import SUPPORTED_VERSIONS

    major, minor, *_ = (int(p) for p in _floors()["kubernetes-validate"].split("."))
    newest = tuple(int(p) for p in SUPPORTED_VERSIONS[-1].split("."))
    assert (major, minor) >= newest


def test_the_licence_is_apache_2_in_full_and_declared_as_spdx() -> None:
    text = (PROJECT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "TERMS AND CONDITIONS FOR USE, REPRODUCTION, AND DISTRIBUTION" in text
    assert "END OF TERMS AND CONDITIONS" in text and len(text) > 10_000  # the full text, not a pointer
    assert PYPROJECT["project"]["license"] == "Apache-2.0"
    assert PYPROJECT["project"]["license-files"] == ["LICENSE"]


def test_installed_metadata_says_what_pyproject_says() -> None:
    meta = metadata.metadata("gitops-gen")
    assert meta["Version"] == gitops_gen.__version__
    assert meta.get("License-Expression") == "Apache-2.0"
    assert "Typing :: Typed" in meta.get_all("Classifier", [])


def test_the_package_is_marked_typed_and_ships_the_marker() -> None:
    assert (PROJECT / "gitops_gen" / "py.typed").is_file()
    assert "py.typed" in PYPROJECT["tool"]["setuptools"]["package-data"]["gitops_gen"]


def test_classifiers_cover_the_python_versions_we_allow() -> None:
    classifiers = PYPROJECT["project"]["classifiers"]
    floor = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert f"Programming Language :: Python :: {floor}" in classifiers
    assert "License :: OSI Approved :: Apache Software License" not in classifiers  # SPDX expression instead


def test_the_changelog_keeps_an_unreleased_section_and_the_current_version() -> None:
    text = (PROJECT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## \[([^\]]+)\]", text, flags=re.MULTILINE)
    assert headings[0] == "Unreleased"
    assert gitops_gen.__version__ in headings
    for version in headings[1:]:
        assert re.search(rf"^## \[{re.escape(version)}\] - \d{{4}}-\d{{2}}-\d{{2}}$", text, flags=re.MULTILINE)


def test_the_carried_argocd_schemas_state_version_and_licence() -> None:
    notice = (PROJECT / "gitops_gen" / "data" / "argocd" / "README.md").read_text(encoding="utf-8")
    assert "v3.6.0" in notice and "Apache License 2.0" in notice
    for name in ("application-crd.yaml", "applicationset-crd.yaml", "appproject-crd.yaml"):
        assert re.search(rf"`{name}` [0-9a-f]{{64}}", notice), name
