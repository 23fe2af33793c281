"""What the policy rules and reference checks know besides the objects themselves."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field

# Labels and annotations the render writes and the rules read (the contract lives in gitops_gen.base.ownership).
from gitops_gen.base import clock
from gitops_gen.base.errors import Location
from gitops_gen.base.ownership import ADDON_LABEL, CLUSTER_LABEL, ENV_LABEL, ROLE_LABEL, SYNC_WAVE, TENANT_LABEL
from gitops_gen.base.ownership import DEPENDS_ON_ANNOTATION as DEPENDS_ON
from gitops_gen.base.ownership import PROD_PRUNE_ANNOTATION as ALLOW_PROD_PRUNE
from gitops_gen.blueprint.sections import POLICY_SPEC
from gitops_gen.blueprint.spec import defaults_of
from gitops_gen.blueprint.v1 import settings_spec
from gitops_gen.render.common import RENDERED_DIR

__all__ = ["ADDON_LABEL", "ALLOW_PROD_PRUNE", "CLUSTER_LABEL", "DEPENDS_ON", "ENV_LABEL", "ROLE_LABEL", "SYNC_WAVE",
           "TENANT_LABEL", "PolicyContext"]


SETTINGS_DEFAULTS = defaults_of(settings_spec)  # the specs' defaults: written once, in blueprint/
POLICY_DEFAULTS = defaults_of(POLICY_SPEC)


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
    argocd_namespace: str = SETTINGS_DEFAULTS["argocdNamespace"]
    repo_url: str = ""
    rendered_files: frozenset[str] | None = None
    rendered_root: str = RENDERED_DIR
    required_namespace_labels: tuple[str, ...] = tuple(POLICY_DEFAULTS["requiredNamespaceLabels"])
    known_namespaces: frozenset[str] | None = None  # every namespace of the repository (None: the objects')
    promotes_from: str = ""  # the environment this one promotes from ("": none, or not known)
    upstream_revisions: frozenset[tuple[str, str]] = frozenset()  # (add-on, version/revision) it runs
    # add-on -> where its chart version / git revision on this cluster was written (an override, or the stack)
    revision_origins: Mapping[str, Location] = field(default_factory=dict)
    today: datetime.date = field(default_factory=clock.today)
