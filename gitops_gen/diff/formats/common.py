"""What every format shows the same way: values, object names, the summary counts, risk order."""

from __future__ import annotations

import json
from typing import Any

from gitops_gen.base.manifest import ObjectRef
from gitops_gen.diff.model import BOOTSTRAP, AppChange, ChangeReport, Risk

MAX_VALUE = 160  # characters of one value in human formats; JSON carries them whole


def show(value: Any, limit: int = MAX_VALUE) -> str:
    """A value on one line: strings as they are, the rest as compact JSON; "(not set)" for None.

    Not escaped: each format escapes what it prints (``base.escape``)."""
    if value is None:
        return "(not set)"
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, separators=(", ", ": "))
    return text if len(text) <= limit else text[: limit - 1] + "…"


def object_name(ref: ObjectRef) -> str:
    return f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name


def app_title(app: AppChange) -> str:
    if app.name == BOOTSTRAP:
        return "bootstrap (applied by hand, no Application)"
    return app.name


def summary(report: ChangeReport) -> dict[str, Any]:
    return {"clusters_changed": len(report.clusters), "applications": report.count("applications"),
            "objects": report.count("objects"), "risks": len(report.risks),
            "findings": {"introduced": len(report.introduced), "resolved": len(report.resolved)}}


def sorted_risks(report: ChangeReport) -> list[Risk]:
    return sorted(report.risks, key=lambda r: (r.severity.value != "error", r.cluster, r.rule, r.application,
                                               r.ref or ObjectRef("", "", "", "")))


def short(revision: str) -> str:
    return revision[:12] if len(revision) == 40 else revision


def headline(report: ChangeReport) -> str:
    if not report.clusters:
        return "no cluster is affected"
    s = summary(report)
    apps, objs = s["applications"], s["objects"]
    return (f"{s['clusters_changed']} cluster(s) affected: applications +{apps['added']} -{apps['removed']} "
            f"~{apps['modified']}, objects +{objs['added']} -{objs['removed']} ~{objs['modified']}, "
            f"{s['risks']} risk(s)")
