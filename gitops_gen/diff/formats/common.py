"""What every format shows the same way: values, object names, the summary counts, risk order."""

from __future__ import annotations

import json
from dataclasses import dataclass
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


GROUP_AT = 3  # this many risks of one rule in one environment read as one line, with a count


@dataclass(frozen=True)
class RiskGroup:
    """Risks of one rule and severity in one environment: one line with a count when there are many (a sync
    policy change makes the same risk for every Application), each risk on its own when there are few."""

    risks: tuple[Risk, ...]
    environment: str

    @property
    def first(self) -> Risk:
        return self.risks[0]

    @property
    def clusters(self) -> list[str]:
        return sorted({r.cluster for r in self.risks})

    @property
    def applications(self) -> list[str]:
        return sorted({r.application for r in self.risks if r.application})


def grouped_risks(report: ChangeReport) -> list[RiskGroup]:
    """``sorted_risks``, with the risks of one (severity, rule, environment) folded into one group when there are
    ``GROUP_AT`` or more; each smaller set stays one group per risk."""
    env_of = {c.name: c.environment for c in report.clusters}
    by_key: dict[tuple[str, str, str], list[Risk]] = {}
    for risk in sorted_risks(report):
        by_key.setdefault((risk.severity.value, risk.rule, env_of.get(risk.cluster, "")), []).append(risk)
    out: list[RiskGroup] = []
    for (_, _, env), risks in by_key.items():
        if len(risks) >= GROUP_AT:
            out.append(RiskGroup(tuple(risks), env))
        else:
            out.extend(RiskGroup((r,), env) for r in risks)
    return sorted(out, key=lambda g: (g.first.severity.value != "error", g.first.cluster, g.first.rule))


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
