"""``-o json``: the versioned shape of DESIGN.md ("Change review"), values whole, Secret values redacted."""

from __future__ import annotations

import json
from typing import Any

from gitops_gen.diff.formats.common import sorted_risks, summary
from gitops_gen.diff.model import JSON_VERSION, AppChange, ChangeReport, FieldChange, ObjectChange


def _changes(changes: tuple[FieldChange, ...]) -> list[dict[str, Any]]:
    return [{"path": c.path, "base": c.base, "head": c.head, "source": c.source} for c in changes]


def _object(obj: ObjectChange) -> dict[str, Any]:
    return {"status": obj.status.value, "object": obj.ref.as_json(), "changes": _changes(obj.changes)}


def _app(app: AppChange) -> dict[str, Any]:
    return {"name": app.name, "status": app.status.value, "changes": _changes(app.changes),
            "objects": [_object(o) for o in app.objects]}


def as_json(report: ChangeReport) -> dict[str, Any]:
    return {
        "version": JSON_VERSION,
        "base": report.base,
        "head": report.head,
        "summary": summary(report),
        "clusters": [{"name": c.name, "environment": c.environment, "production": c.production,
                      "applications": [_app(a) for a in c.applications]} for c in report.clusters],
        "risks": [{"rule": r.rule, "severity": r.severity.value, "cluster": r.cluster, "application": r.application,
                   "object": r.ref.as_json() if r.ref else {"apiVersion": "", "kind": "", "namespace": "", "name": ""},
                   "message": r.message} for r in sorted_risks(report)],
        "findings": {"introduced": [f.as_json() for f in report.introduced],
                     "resolved": [f.as_json() for f in report.resolved]},
        "warnings": list(report.warnings),
    }


def render(report: ChangeReport, max_length: int = 0, colour: bool = False) -> str:
    return json.dumps(as_json(report), indent=2, default=str) + "\n"
