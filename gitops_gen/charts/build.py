"""The render every command reads, with the chart add-ons expanded into it: the one place chart objects enter.

``validate``, ``diff`` and ``drift`` call ``render_repo`` instead of ``render``: the objects of each
expanded chart join its cluster's desired objects under their Application (``Manifest.owner``), so every
check that reads a render sees them.  A chart not in the cache is a warning naming it and the command
that fetches it (an error with ``--require-charts`` or ``charts: {required: true}``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from gitops_gen.base import notices
from gitops_gen.base.errors import InputError
from gitops_gen.blueprint.model import ClusterPlan, Repo
from gitops_gen.charts import engine as engines
from gitops_gen.charts import lock
from gitops_gen.charts.expand import Expansion, expand
from gitops_gen.render import Rendering, render


def expand_repo(repo: Repo, envs: Sequence[str] = (), require: bool = False) -> Expansion:
    plans = [p for p in repo.plans if not envs or p.env.name in envs]
    if not any(a.chart for p in plans for a in p.addons):
        return Expansion()
    require = require or repo.settings.charts_required
    locked = lock.read(repo.root)
    if not require and not (repo.root / lock.LOCK_FILE).is_file():
        return Expansion()  # charts never pulled here: the repository has not opened its charts (ADR 0014)
    engine = None
    if any(k in locked.digests for k in _keys(plans)):
        engine = engines.find()
        if engine is None:
            message = ("no Helm engine: put `helm` on the PATH or install the helm extra "
                       "(pip install 'gitops-gen[helm]'); chart add-ons are not expanded")
            if require:
                raise InputError(message)
            notices.warn(message)
    try:
        expansion = expand(plans, locked, engine, [repo.root / d for d in repo.settings.crd_dirs], require,
                           repo.root)
    finally:
        if engine is not None:
            engine.close()
    for missing in expansion.missing:
        notices.warn(missing.message(), missing.where)
    if expansion.objects:
        notices.note(expansion.summary())
    return expansion


def _keys(plans: Sequence[ClusterPlan]) -> list[lock.ChartKey]:
    return [lock.ChartKey(a.chart.repo_url, a.chart.name, a.chart.version) for p in plans for a in p.addons if a.chart]


def render_repo(repo: Repo, envs: Sequence[str] = (), require: bool = False) -> Rendering:
    """``render(repo, envs)`` with every cached chart expanded into each cluster's desired objects."""
    expansion = expand_repo(repo, envs, require)
    rendering = render(repo, envs, charts=expansion.objects)
    if expansion.engine or expansion.missing:
        rendering = dataclasses.replace(rendering, charts=expansion.as_json())
    return rendering
