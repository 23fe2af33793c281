"""``-o json``: the versioned shape from DESIGN.md, keys in a fixed order."""

from __future__ import annotations

import json
from typing import Any

from gitops_gen.drift.formats.common import shown_items
from gitops_gen.drift.model import AppStatus, ClusterReport, DriftItem, DriftReport, Resolved

VERSION = 1


def as_data(report: DriftReport) -> dict[str, Any]:
    summary: dict[str, Any] = dict(report.summary)
    summary["drift"] = any(c.drifted for c in report.clusters)
    summary["new"] = len(report.new_items) if report.baseline else None
    summary["resolved"] = len(report.resolved) if report.baseline else None
    return {
        "version": VERSION,
        "generated_at": report.generated_at,
        "baseline": report.baseline or None,
        "summary": summary,
        "clusters": [
            {"name": c.cluster, "context": c.context, "dump": c.dump, "summary": c.summary, "error": c.error,
             "warnings": list(c.warnings)}
            for c in report.clusters
        ],
        "objects": [_item(c, i) for c in report.clusters for i in shown_items(report, c)],
        "applications": [_app(c, a) for c in report.clusters for a in c.applications
                         if a.drift or a.reason or not report.only_drifted],
        "resolved": [_resolved(r) for r in report.resolved],
    }


def _item(cluster: ClusterReport, item: DriftItem) -> dict[str, Any]:
    return {
        "cluster": cluster.cluster,
        "status": item.status.value,
        "object": item.ref.as_json(),
        "changes": [{"path": c.path, "desired": c.desired, "live": c.live} for c in item.changes],
        "reason": item.reason,
        "application": item.application,
        "source": item.source,
        "file": item.file,
        "hint": item.hint,
        "baseline": item.baseline or None,
        "first_seen": item.first_seen or None,
    }


def _resolved(item: Resolved) -> dict[str, Any]:
    return {"cluster": item.cluster, "status": "resolved", "was": item.was, "object": item.ref.as_json(),
            "application": item.application, "source": item.source, "first_seen": item.first_seen or None}


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
