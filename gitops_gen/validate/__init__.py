"""Validation: prove that what Argo CD will sync is valid before it merges.

Layers, top to bottom: ``commands/validate.py`` (CLI) -> ``repo`` (repo mode) or
``paths`` (path mode) -> ``engine`` (one document -> findings) -> ``schemas``
(Kubernetes), ``argocd`` and ``crds`` (custom resources), ``removed_apis``,
``names``; ``policy`` and ``references`` judge whole clusters; ``output``
formats a ``findings.Report``.
"""
