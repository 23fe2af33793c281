"""The one module that runs kustomize: a `kustomize` binary when found, else `kubectl kustomize`."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from gitops_gen.base.errors import ExternalError
from gitops_gen.yamlio.reader import load_plain


def command() -> list[str] | None:
    """The kustomize command line available here, or None."""
    if found := shutil.which("kustomize"):
        return [found, "build"]
    if found := shutil.which("kubectl"):
        return [found, "kustomize"]
    return None


def build(folder: Path, timeout: float = 60.0) -> list[dict[str, Any]]:
    """Objects that ``kustomize build folder`` produces; ExternalError when kustomize is absent or fails."""
    cmd = command()
    if cmd is None:
        raise ExternalError("kustomize not found (install kustomize or kubectl)")
    try:
        done = subprocess.run([*cmd, str(folder)], capture_output=True, text=True, timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as err:
        raise ExternalError(f"kustomize build {folder} failed: {err}") from None
    if done.returncode != 0:
        reason = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise ExternalError(f"kustomize build {folder} failed: {reason}")
    return [doc for doc in load_plain(done.stdout) if doc]
