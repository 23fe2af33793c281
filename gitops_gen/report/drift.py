"""Drift history from a folder of ``drift -o json`` reports: objects drifted over time, per cluster (pure).

Each report is one observation at its ``generated_at``.  An object drifted (modified, missing or
extra) in one report counts as drifted until the next report of its cluster; the last report of a
cluster counts for nothing after it (nobody looked).
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from gitops_gen.report.model import ClusterDrift, DriftPoint

DRIFTED = frozenset({"modified", "missing", "extra"})


def _time(text: str) -> datetime.datetime | None:
    try:
        when = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=datetime.UTC)


def history(reports: Iterable[Mapping[str, Any]]) -> tuple[ClusterDrift, ...]:
    """``reports``: drift JSON documents (any order; those without a readable ``generated_at`` are skipped)."""
    seen: dict[str, list[tuple[datetime.datetime, str, frozenset[str]]]] = defaultdict(list)
    for doc in reports:
        when = _time(str(doc.get("generated_at") or ""))
        if when is None:
            continue
        drifted: dict[str, set[str]] = defaultdict(set)
        for cluster in doc.get("clusters") or ():
            if isinstance(cluster, Mapping) and cluster.get("name"):
                drifted.setdefault(str(cluster["name"]), set())
        for obj in doc.get("objects") or ():
            if isinstance(obj, Mapping) and obj.get("status") in DRIFTED:
                ref = obj.get("object") or {}
                key = f"{ref.get('kind')}/{ref.get('namespace') or ''}/{ref.get('name')}"
                drifted[str(obj.get("cluster", ""))].add(key)
        for cluster, found in drifted.items():
            seen[cluster].append((when, str(doc.get("generated_at")), frozenset(found)))
    out = []
    for cluster, points in sorted(seen.items()):
        points.sort()
        hours = 0.0
        for (when, _, seen_keys), (after, _, _) in itertools.pairwise(points):
            hours += len(seen_keys) * (after - when).total_seconds() / 3600
        out.append(ClusterDrift(cluster, tuple(DriftPoint(text, len(keys)) for _, text, keys in points),
                                len(frozenset().union(*(keys for _, _, keys in points))), round(hours, 2)))
    return tuple(out)
