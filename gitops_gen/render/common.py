"""Names, labels and file naming shared by every renderer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_gen.base.errors import InputError
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.naming import subdomain_problem
from gitops_gen.base.ownership import (
    ADDON_LABEL,
    CLUSTER_LABEL,
    DEPENDS_ON_ANNOTATION,
    ENV_LABEL,
    HEADER_PREFIX,
    MANAGED_BY_LABEL,
    MANAGED_BY_VALUE,
    PROD_PRUNE_ANNOTATION,
    ROLE_LABEL,
    SYNC_WAVE,
    TENANT_LABEL,
    TIER_ANNOTATION,
    header,
)

__all__ = ["ADDON_LABEL", "ARGOCD_API", "CLUSTER_LABEL", "DEPENDS_ON_ANNOTATION", "ENV_LABEL", "HEADER_PREFIX",
           "PROD_PRUNE_ANNOTATION", "RENDERED_DIR", "ROLE_LABEL", "SYNC_WAVE", "TENANT_LABEL", "TIER_ANNOTATION",
           "file_name", "header", "labels", "substitute", "with_labels"]

RENDERED_DIR = "rendered"
ARGOCD_API = "argoproj.io/v1alpha1"


def labels(**extra: str) -> dict[str, str]:
    return {MANAGED_BY_LABEL: MANAGED_BY_VALUE, **extra}


def with_labels(body: Mapping[str, Any], extra: Mapping[str, str]) -> dict[str, Any]:
    """A copy of ``body`` whose metadata.labels also hold ``extra`` (the blueprint's own labels win)."""
    meta = dict(body.get("metadata") or {})
    meta["labels"] = {**extra, **(meta.get("labels") or {})}
    return {**body, "metadata": meta}


def file_name(ref: ObjectRef, namespaced: bool = True) -> str:
    """``<namespace>_<kind>_<name>.yaml``: '_' cannot occur in Kubernetes names, so names never collide
    and never escape their folder (names are DNS-1123 subdomains: no '/', no leading '.').
    Folders whose objects all live in one namespace (the Argo CD ones) leave the namespace out."""
    parts = [ref.namespace] if ref.namespace and namespaced else []
    for part in (*parts, ref.name):
        if subdomain_problem(part):  # the loader rejects these first; this is the last line of defence
            raise InputError(f"{ref}: {part!r} cannot be a file name (not a DNS-1123 subdomain)")
    if not ref.kind.isalnum():
        raise InputError(f"{ref}: kind {ref.kind!r} cannot be part of a file name")
    return "_".join([*parts, ref.kind.lower(), ref.name]) + ".yaml"


def substitute(text: str, env: str, cluster: str) -> str:
    return text.replace("{env}", env).replace("{cluster}", cluster)
