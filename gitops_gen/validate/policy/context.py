"""What the policy rules and reference checks know besides the objects themselves."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

# Labels and annotations the render writes and the rules read (the contract with gitops_gen.render).
TENANT_LABEL = "gitops-gen.io/tenant"
ADDON_LABEL = "gitops-gen.io/addon"
ROLE_LABEL = "gitops-gen.io/role"  # root | addon | tenant-namespaces | tenant-app
ENV_LABEL = "gitops-gen.io/env"
CLUSTER_LABEL = "gitops-gen.io/cluster"
ALLOW_PROD_PRUNE = "gitops-gen.io/allow-prod-prune"  # "true" when the Environment opts in to prune
DEPENDS_ON = "gitops-gen.io/depends-on"  # "a,b": Application names this one must sync after
SYNC_WAVE = "argocd.argoproj.io/sync-wave"


@dataclass(frozen=True)
class PolicyContext:
    """One cluster's (or one environment's) facts, built by the validate engine from the Rendering.

    ``rendered_files`` are paths relative to ``rendered_root`` (as ``RenderedFile.path``); ``None``
    means "not known" and turns the "Application path exists" check off (path mode).
    """

    env: str = ""
    production: bool = False
    kubernetes_version: str = ""
    cluster: str = ""
    argocd_namespace: str = "argocd"
    repo_url: str = ""
    rendered_files: frozenset[str] | None = None
    rendered_root: str = "rendered"
    required_namespace_labels: tuple[str, ...] = ("cost-center",)
    promotes_from: str = ""  # the environment this one promotes from ("": none, or not known)
    upstream_revisions: frozenset[tuple[str, str]] = frozenset()  # (add-on, version/revision) it runs
    today: datetime.date = field(default_factory=datetime.date.today)
