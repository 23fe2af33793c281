"""The user's cache folder for gitops-gen: ``$GITOPS_GEN_CACHE_DIR``, else ``$XDG_CACHE_HOME/gitops-gen``,
else ``~/.cache/gitops-gen``.  Everything in it may be deleted at any time."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_VARIABLE = "GITOPS_GEN_CACHE_DIR"


def user_cache_dir(*parts: str) -> Path:
    base = os.environ.get(CACHE_VARIABLE) or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "gitops-gen")
    return Path(base, *parts)
