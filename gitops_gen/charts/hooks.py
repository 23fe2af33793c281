"""Helm hooks as Argo CD maps them (pure).

Argo CD keeps a chart's hook objects in the render and runs them as its own hooks:
``pre-install``/``pre-upgrade`` (and the Helm 2 ``crd-install``) as ``PreSync``,
``post-install``/``post-upgrade`` as ``PostSync``, ``pre-delete``/``post-delete`` as ``PreDelete``/``PostDelete``;
``helm.sh/hook-weight`` orders them like a sync wave.  Any other Helm hook (``test``, the rollback hooks)
is a hook Argo CD never runs.  A hook is not part of the synced state: drift never expects it live.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

HELM_HOOK = "helm.sh/hook"
ARGO_HOOK = "argocd.argoproj.io/hook"
PHASES = {"crd-install": "PreSync", "pre-install": "PreSync", "pre-upgrade": "PreSync",
          "post-install": "PostSync", "post-upgrade": "PostSync",
          "pre-delete": "PreDelete", "post-delete": "PostDelete"}
NEVER = "Skip"  # a Helm hook Argo CD does not run


def phase(body: Mapping[str, Any]) -> str | None:
    """The Argo CD hook phase of a chart object; None for an ordinary object, ``Skip`` for one never run."""
    annotations = (body.get("metadata") or {}).get("annotations") or {}
    if ARGO_HOOK in annotations:
        return str(annotations[ARGO_HOOK]).split(",")[0].strip() or None
    value = annotations.get(HELM_HOOK)
    if value is None:
        return None
    names = [v.strip() for v in str(value).split(",")]
    if names == ["crd-install"]:
        return None  # Helm 2's CRD hook is an ordinary object to Argo CD
    phases = [PHASES[n] for n in names if n in PHASES]
    return phases[0] if phases else NEVER
