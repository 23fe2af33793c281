"""Git repository URLs compared as Argo CD compares them (``git.NormalizeGitURL``)."""

from __future__ import annotations

import re

_SCP_LIKE = re.compile(r"^(ssh://)?([^/:]*?)@[^@]+$")


def normalize_git_url(url: str) -> str:
    """Lower case, scp-like ssh to a path, no ``.git``, no ``ssh://``."""
    url = url.strip().lower()
    if _SCP_LIKE.match(url) and not url.startswith("ssh://"):
        url = "ssh://" + url.replace(":", "/", 1)
    url = url.removesuffix(".git")
    return url.removeprefix("ssh://")


def same_repo(a: str, b: str) -> bool:
    """Same Git repository, also ignoring a trailing slash (which Argo CD treats as different)."""
    return normalize_git_url(a.rstrip("/")) == normalize_git_url(b.rstrip("/"))
