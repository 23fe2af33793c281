"""What every human-readable format shows the same way: the version matrix, the access summary."""

from __future__ import annotations

from collections import defaultdict

from gitops_gen.report.model import Deployed, Grant, Report


def matrix(report: Report) -> tuple[list[str], list[str], dict[tuple[str, str], Deployed]]:
    """(add-ons, clusters in environment order, (add-on, cluster) -> what runs there)."""
    addons = sorted({d.addon for d in report.inventory})
    clusters = list(dict.fromkeys(d.cluster for d in report.inventory))
    return addons, clusters, {(d.addon, d.cluster): d for d in report.inventory}


def cell_text(d: Deployed | None) -> str:
    if d is None:
        return ""
    if not d.enabled:
        return "off"
    return (d.version or d.kind) + (" (skew)" if d.skew else "")


def access_summary(grants: tuple[Grant, ...]) -> list[tuple[str, str, str, str]]:
    """(group, role, namespaces, clusters): one row per group and role, namespaces and clusters joined."""
    rows: dict[tuple[str, str], tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for g in grants:
        namespaces, clusters = rows[g.group, g.role]
        namespaces.add(g.namespace)
        clusters.add(g.cluster)
    return [(group, role, ", ".join(sorted(ns)), ", ".join(sorted(cl)))
            for (group, role), (ns, cl) in sorted(rows.items())]
