"""Helm charts opened: fetched into a locked cache (``pull``), expanded per cluster as Argo CD renders them.

Layers, low to high: ``semver``, ``capabilities``, ``hooks``, ``archive`` (pure) < ``lock``, ``cache``,
``engine`` (files and processes) < ``fetch`` (the network; only ``charts pull``) < ``expand`` (one run's
expansion: every chart add-on of every cluster, identical renders done once) < ``build`` (the render
with chart objects in it, the one entry every command uses).
"""
