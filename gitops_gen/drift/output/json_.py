"""``-o json``: the versioned shape from DESIGN.md, keys in a fixed order."""

from __future__ import annotations

import json
from typing import Any

from gitops_gen.drift.model import AppStatus, ClusterReport, DriftItem, DriftReport

VERSION = 1


def as_data(report: DriftReport) -> dict[str, Any]:
    summary: dict[str, Any] = dict(report.summary)
    summary["drift"] = any(c.drifted for c in report.clusters)
    return {
        "version": VERSION,
        "summary": summary,
        "clusters": [
            {"name": c.cluster, "context": c.context, "dump": c.dump, "summary": c.summary, "error": c.error,
             "warnings": list(c.warnings)}
            for c in report.clusters
        ],
        "objects": [_item(c, i) for c, i in report.items],
        "applications": [_app(c, a) for c in report.clusters for a in c.applications],
    }


def _item(cluster: ClusterReport, item: DriftItem) -> dict[str, Any]:
    return {
        "cluster": cluster.cluster,
        "status": item.status.value,
        "object": item.ref.as_json(),
        "changes": [{"path": c.path, "desired": c.desired, "live": c.live} for c in item.changes],
        "reason": item.reason,
        "source": item.source,
        "file": item.file,
    }


def _app(cluster: ClusterReport, app: AppStatus) -> dict[str, Any]:
    return {
        "cluster": cluster.cluster,
        "name": app.name,
        "namespace": app.namespace,
        "sync": app.sync,
        "health": app.health,
        "operation": app.operation,
        "drift": app.drift,
        "reason": app.reason,
    }


def render(report: DriftReport, color: bool = False) -> str:
    return json.dumps(as_data(report), indent=2, ensure_ascii=False) + "\n"
