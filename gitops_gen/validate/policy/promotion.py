"""GG112: an environment runs an add-on version or revision its ``promotesFrom`` environment does not run.

A version that reached production without passing through staging was never tested there; a version
staging has moved past is a promotion still to make (``gitops-gen promote``).  Either way the pipeline
and the clusters disagree, so this is a warning by default (a hold-back can be made official with a
policy exception that expires).  Add-ons the upstream environment does not run at all are out of scope
(a stack only production runs is a choice, not a skipped step), and so are plain-manifest add-ons: they
are rendered from this repository at its own revision in every environment.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence

from gitops_gen.base.errors import Location
from gitops_gen.base.manifest import Manifest
from gitops_gen.base.repourl import same_repo
from gitops_gen.blueprint.model import ClusterPlan
from gitops_gen.validate.objects import Violation, app_sources, applications, labels
from gitops_gen.validate.policy.context import ADDON_LABEL, ROLE_LABEL, PolicyContext


def upstream_revisions(plans: Iterable[ClusterPlan], env: str) -> frozenset[tuple[str, str]]:
    """(add-on, chart version or git revision) of every add-on that some cluster of ``env`` runs."""
    found: set[tuple[str, str]] = set()
    for cluster in plans:
        if cluster.env.name != env:
            continue
        for addon in cluster.addons:
            if addon.chart:
                found.add((addon.name, addon.chart.version))
            elif addon.source:
                found.add((addon.name, addon.source.target_revision))
    return frozenset(found)


def revision_origins(plan: ClusterPlan) -> dict[str, Location]:
    """add-on -> where the chart version or git revision a cluster runs was written (GG112 points there)."""
    out = {}
    for addon in plan.addons:
        key = "chart.version" if addon.chart else "source.targetRevision" if addon.source else ""
        if key and key in addon.locs:
            out[addon.name] = addon.locs[key]
    return out


def runs_what_upstream_does_not(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    if not context.promotes_from:
        return
    upstream: dict[str, set[str]] = defaultdict(set)
    for addon, revision in context.upstream_revisions:
        upstream[addon].add(revision)
    for app in applications(objects):
        addon = str(labels(app).get(ADDON_LABEL) or "")
        if labels(app).get(ROLE_LABEL) != "addon" or addon not in upstream:
            continue
        for path, source in app_sources(app):
            revision = str(source.get("targetRevision") or "")
            if context.repo_url and same_repo(str(source.get("repoURL") or ""), context.repo_url):
                continue  # rendered from this repository: it follows the repository's own revision
            if revision in upstream[addon]:
                continue
            what = "chart version" if source.get("chart") else "revision"
            there = ", ".join(sorted(upstream[addon]))
            yield Violation(app, f"add-on {addon} runs {what} {revision or '(none)'}, which {context.promotes_from} "
                                 f"(its promotesFrom) does not run ({context.promotes_from} runs {there}); "
                                 "promote so the two agree (gitops-gen promote), or record the hold-back as a "
                                 "policy exception", f"{path}.targetRevision",
                            context.revision_origins.get(addon))
