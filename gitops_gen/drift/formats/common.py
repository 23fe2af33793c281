"""Helpers every output format shares: how values, objects and counts read."""

from __future__ import annotations

import json
from typing import Any

from gitops_gen.base.status import DRIFT_ORDER, DriftStatus
from gitops_gen.drift.model import ClusterReport, DriftItem, DriftReport

NOT_SET = "(not set)"
MAX_VALUE = 300  # a whole changed list or mapping can be long; the path says where to look


def show(value: Any) -> str:
    """A value as compact JSON; ``None`` (null, empty or absent) as "(not set)"."""
    if value is None:
        return NOT_SET
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def by_status(cluster: ClusterReport) -> list[tuple[DriftStatus, list[DriftItem]]]:
    """Drifted and unknown items grouped in report order (in-sync objects are only counted)."""
    groups: list[tuple[DriftStatus, list[DriftItem]]] = []
    for status in DRIFT_ORDER:
        if status is DriftStatus.IN_SYNC:
            continue
        items = [i for i in cluster.items if i.status is status]
        if items:
            groups.append((status, items))
    return groups


def counts_line(counts: dict[str, int]) -> str:
    return (
        f"{counts['in_sync']} in sync, {counts['modified']} modified, {counts['missing']} missing, "
        f"{counts['extra']} extra, {counts['unknown']} unknown"
    )


def object_name(item: DriftItem) -> str:
    ref = item.ref
    return f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name


def quiet(report: DriftReport) -> bool:
    """Nothing to act on or to doubt: no drift, no unknown object, no unreadable part, nothing resolved."""
    return not report.resolved and all(
        not c.error and not c.warnings and not c.drifted and not any(a.reason for a in c.applications)
        and all(i.status is DriftStatus.IN_SYNC for i in c.items)
        for c in report.clusters
    )


def shown_items(report: DriftReport, cluster: ClusterReport) -> tuple[DriftItem, ...]:
    """The objects a format lists for ``cluster``: all of them, or only those not in sync."""
    if not report.only_drifted:
        return cluster.items
    return tuple(i for i in cluster.items if i.status is not DriftStatus.IN_SYNC)
