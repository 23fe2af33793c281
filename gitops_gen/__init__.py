"""gitops-gen: blueprints -> Argo CD apps and Kustomize overlays, validated, drift-checked."""

from __future__ import annotations

__version__ = "0.1.0"
