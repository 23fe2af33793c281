"""Shared fixtures: a copy of the example repository, and real-tool gating."""

from __future__ import annotations

import hashlib
import os
import shutil
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


def upstream_argocd_validators() -> dict[str, Any]:
    """Kind -> a validator of the upstream Argo CD CRD schema with unknown fields rejected."""
    import jsonschema_rs

    from gitops_gen.validate.crds import schema_from_crd, strict
    from gitops_gen.yamlio import load_plain

    require_tool(ARGOCD_CRDS.is_dir(), f"upstream Argo CD CRDs not found at {ARGOCD_CRDS}")
    validators = {}
    for name in ("application-crd.yaml", "appproject-crd.yaml"):
        crd = load_plain((ARGOCD_CRDS / name).read_text())[0]
        validators[crd["spec"]["names"]["kind"]] = jsonschema_rs.validator_for(strict(schema_from_crd(crd, "v1alpha1")))
    return validators


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
