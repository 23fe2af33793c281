"""Drift: compare what Git says (the render, or any manifests) with what a cluster runs.

Pipeline: ``run`` reads desired and live state per cluster → ``cluster.diff_cluster``
matches objects → ``compare.compare`` normalises (``normalize``), applies
``ignoreDifferences`` (``ignore``, ``config``) and diffs → immutable results
(``model``) with Secret values masked (``base.redact``) → ``output`` formats.
"""

from __future__ import annotations

from gitops_gen.drift.cluster import LiveSnapshot, diff_cluster
from gitops_gen.drift.compare import compare
from gitops_gen.drift.config import DriftConfig, parse_config
from gitops_gen.drift.model import AppStatus, Change, ClusterReport, DriftItem, DriftReport, Status

__all__ = [
    "AppStatus",
    "Change",
    "ClusterReport",
    "DriftConfig",
    "DriftItem",
    "DriftReport",
    "LiveSnapshot",
    "Status",
    "compare",
    "diff_cluster",
    "parse_config",
]
