"""Drift: compare what Git says (the render, or any manifests) with what a cluster runs.

Pipeline: ``run`` reads desired and live state per cluster → ``cluster.diff_cluster``
matches objects → ``compare.compare`` normalises (``normalize``), applies
``ignoreDifferences`` (``ignore``, ``config``) and diffs → immutable results
(``model``) with Secret values masked (``base.redact``) → ``output`` formats.
"""
