"""Shared fixtures: a copy of the example repository, and real-tool gating."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

PROJECT = Path(__file__).resolve().parents[1]
SHARED = PROJECT.parent / "shared"
ARGOCD_CRDS = SHARED / "schemas" / "argocd"
EXAMPLE_PARTS = ("gitops.yaml", "blueprints", "environments", "crds", "rendered")


def require_tool(available: bool, reason: str) -> None:
    """Skip with a reason when a real tool is missing; fail instead in CI (GITOPS_GEN_REQUIRE_TOOLS=1)."""
    if available:
        return
    if os.environ.get("GITOPS_GEN_REQUIRE_TOOLS") == "1":
        pytest.fail(f"{reason} (GITOPS_GEN_REQUIRE_TOOLS=1)")
    pytest.skip(reason)


def require_shared(reason: str) -> None:
    """The one check allowed to need ``../shared``: skip where it is absent (a clone on its own), fail in CI.

    CI sets GITOPS_GEN_REQUIRE_SHARED=1 (.ci/run), so the cross-check of the carried Argo CD schemas against
    the upstream CRDs can never silently stop running there.
    """
    if ARGOCD_CRDS.is_dir():
        return
    if os.environ.get("GITOPS_GEN_REQUIRE_SHARED") == "1":
        pytest.fail(f"{reason} (GITOPS_GEN_REQUIRE_SHARED=1)")
    pytest.skip(reason)


ArgoValidator = Callable[[Any], list[str]]  # a document -> "path: message" per error ([] when valid)


def carried_argocd_validators() -> dict[str, ArgoValidator]:
    """Kind -> a validator of the Argo CD schemas the package carries, unknown fields rejected."""
    from gitops_gen.validate import argocd_schemas

    registry = argocd_schemas.registry()

    def check(doc: Any) -> list[str]:
        return [f"{e.path}: {e.message}" for e in registry.validate(doc) or []]

    return {entry["kind"]: check for entry in argocd_schemas.carried_schemas()}


def upstream_argocd_validators() -> dict[str, ArgoValidator]:
    """Kind -> a validator of the upstream Argo CD CRD schema with unknown fields rejected (needs ../shared)."""
    import jsonschema_rs

    from gitops_gen.validate.crds import schema_from_crd, strict
    from gitops_gen.yamlio.reader import load_plain

    require_shared(f"upstream Argo CD CRDs not found at {ARGOCD_CRDS}")
    validators: dict[str, ArgoValidator] = {}
    for name in ("application-crd.yaml", "appproject-crd.yaml", "applicationset-crd.yaml"):
        crd = load_plain((ARGOCD_CRDS / name).read_text())[0]
        compiled = jsonschema_rs.validator_for(strict(schema_from_crd(crd, "v1alpha1")))
        validators[crd["spec"]["names"]["kind"]] = functools.partial(_errors, compiled)
    return validators


def _errors(compiled: Any, doc: Any) -> list[str]:
    return [f"{'.'.join(map(str, e.instance_path))}: {e.message}" for e in compiled.iter_errors(doc)]


ARGOCD_SCHEMAS = {"carried": carried_argocd_validators, "upstream": upstream_argocd_validators}


@pytest.fixture(params=sorted(ARGOCD_SCHEMAS))
def argocd_validators(request: pytest.FixtureRequest) -> dict[str, ArgoValidator]:
    """Both the schemas the package carries (always) and the upstream CRDs (where ../shared exists)."""
    return ARGOCD_SCHEMAS[request.param]()


def copy_example(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in EXAMPLE_PARTS:
        src = PROJECT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        elif src.exists():
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture
def example_repo(tmp_path: Path) -> Path:
    """A private copy of the project's own GitOps repository (blueprints and committed rendered/)."""
    return copy_example(tmp_path / "repo")


def tree_digest(root: Path) -> dict[str, str]:
    """Path -> sha256 of every file under ``root`` (symlinks by target)."""
    out: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_symlink():
            out[rel] = "link:" + os.readlink(path)
        elif path.is_file():
            out[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out
