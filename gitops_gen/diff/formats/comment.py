"""``-o markdown``: a pull-request comment that never exceeds ``max_length`` characters.

The title, the totals and the per-cluster summary table come first and always
stay; then risks, validation findings and per-application detail, added block
by block while they fit.  Past the limit the rest is cut at a block boundary
(a table row, an application) and one line says what was left out.  The first
line is a hidden marker CI uses to update its one comment instead of adding more.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from gitops_gen.base.escape import html, md
from gitops_gen.diff.formats.common import RiskGroup, grouped_risks, headline, object_name, short, show, summary
from gitops_gen.diff.model import BOOTSTRAP, AppChange, ChangeReport, ClusterChange, FieldChange
from gitops_gen.validate.findings import Finding

MARKER = "<!-- gitops-gen diff -->"
MIN_MAX_LENGTH = 1_000
MAX_CELL = 120
FIELD_COLUMNS = "Field | Base | Head | Set in"
_RESERVE = 500  # room kept for the closing tag and the line saying what was left out
_CLOSING = 260  # the line saying what was left out, at most


def _field_rows(changes: Sequence[FieldChange]) -> list[str]:
    return [f"| {md(show(c.path, MAX_CELL))} | {md(show(c.base, MAX_CELL))} | {md(show(c.head, MAX_CELL))} "
            f"| {md(c.source) if c.source else ''} |" for c in changes]


def _app_block(app: AppChange) -> str:
    title = "bootstrap (applied by hand, no Application)" if app.name == BOOTSTRAP else md(app.name)
    lines = [f"**{title}** ({app.status.value})", ""]
    if app.changes:
        lines += [f"| {FIELD_COLUMNS} |", "|---|---|---|---|", *_field_rows(app.changes), ""]
    for obj in app.objects:
        lines.append(f"- {obj.status.value} {md(obj.ref.kind)} {md(object_name(obj.ref))} ({md(obj.ref.api_version)})")
        if obj.changes:
            lines += ["", f"  | {FIELD_COLUMNS} |", "  |---|---|---|---|",
                      *("  " + r for r in _field_rows(obj.changes))]
    return "\n".join(lines) + "\n"


def _cluster_row(cluster: ClusterChange, risks: int) -> str:
    apps = sum(1 for a in cluster.applications if a.name != "bootstrap")
    objects = sum(len(a.objects) for a in cluster.applications)
    return (f"| {md(cluster.name)} | {md(cluster.environment)} | {'yes' if cluster.production else 'no'} | {apps} "
            f"| {objects} | {risks} |")


def _risk_row(group: RiskGroup) -> str:
    r = group.first
    if len(group.risks) == 1:
        return (f"| {r.severity.value} | {md(r.rule)} | {md(r.cluster)} | {md(r.application or '-')} | "
                f"{md(f'{r.ref.kind} {object_name(r.ref)}') if r.ref else ''} | {md(show(r.message, 400))} |")
    clusters, apps = group.clusters, group.applications
    where = f"{md(group.environment)}: {len(clusters)} cluster{'s' * (len(clusters) != 1)}"
    who = f"<details><summary>{len(apps)} Applications</summary>{md(', '.join(apps))}</details>" if apps else ""
    return (f"| {r.severity.value} | {md(r.rule)} | {where} | {who} | | **{len(group.risks)} alike**, e.g. "
            f"{md(show(r.message, 300))} |")


def _finding_row(f: Finding) -> str:
    where = f"{f.ref.kind} {object_name(f.ref)}" if f.ref else ""
    return f"| {f.severity.value} | {md(f.rule)} | {md(where) if where else ''} | {md(show(f.message, 300))} |"


@dataclass
class _Budget:
    limit: int
    parts: list[str] = field(default_factory=list)
    used: int = 0
    left_out: list[str] = field(default_factory=list)

    def add(self, block: str, reserve: int = _RESERVE) -> bool:
        if self.left_out or self.used + len(block) + reserve > self.limit:
            return False
        self.parts.append(block)
        self.used += len(block)
        return True

    def rows(self, title: str, rows: Sequence[str], what: str, reserve: int = _RESERVE) -> None:
        """A table added row by row; what does not fit is counted as left out."""
        if not rows:
            return
        shown = 0
        if self.add(title + "\n", reserve):
            shown = next((i for i, row in enumerate(rows) if not self.add(row + "\n", reserve)), len(rows))
        if shown < len(rows):
            self.left_out.append(f"{len(rows) - shown} of {len(rows)} {what}")
        self.add("\n", reserve)


def render(report: ChangeReport, max_length: int = 65_000, colour: bool = False) -> str:
    max_length = max(max_length, MIN_MAX_LENGTH)
    s = summary(report)
    apps, objs = s["applications"], s["objects"]
    head = [MARKER, f"## gitops-gen diff: {headline(report)}", "",
            f"Base {md(short(report.base))} → head {md(short(report.head))}", ""]
    if report.clusters:
        head += ["| | Added | Removed | Modified |", "|---|---:|---:|---:|",
                 f"| Applications | {apps['added']} | {apps['removed']} | {apps['modified']} |",
                 f"| Objects | {objs['added']} | {objs['removed']} | {objs['modified']} |", "",
                 f"**Risks: {s['risks']}** · validation findings introduced: {s['findings']['introduced']}, "
                 f"resolved: {s['findings']['resolved']}", ""]
    budget = _Budget(max_length)
    budget.add("\n".join(head) + "\n", reserve=0)
    risks_of = {c.name: sum(1 for r in report.risks if r.cluster == c.name) for c in report.clusters}
    # The summary table right after the totals, keeping back only the room of the closing line: it stays
    # whole unless it alone is longer than the comment may be.
    budget.rows("| Cluster | Environment | Production | Applications | Objects | Risks |\n|---|---|---|---:|---:|---:|",
                [_cluster_row(c, risks_of[c.name]) for c in report.clusters], "clusters in the summary table",
                reserve=_CLOSING)
    for warning in report.warnings:
        budget.add(f"> **Warning:** {md(show(warning, 400))}\n\n")
    budget.rows(f"### Risks ({len(report.risks)})\n\n| Severity | Rule | Cluster | Application | Object | Message |\n"
                "|---|---|---|---|---|---|",
                [_risk_row(g) for g in grouped_risks(report)], "risks")
    for title, found in (("introduced", report.introduced), ("resolved", report.resolved)):
        budget.rows(f"### Validation findings {title} ({len(found)})\n\n| Severity | Rule | Object | Message |\n"
                    "|---|---|---|---|", [_finding_row(f) for f in found], f"findings {title}")
    _details(budget, report)
    if budget.left_out:
        budget.parts.append(f"_Left out to stay within {max_length:,} characters: {'; '.join(budget.left_out)}. "
                            "The JSON and HTML reports (`--report`) hold everything._\n")
    return "".join(budget.parts)


def _details(budget: _Budget, report: ChangeReport) -> None:
    total = sum(len(c.applications) for c in report.clusters)
    shown = 0
    for cluster in report.clusters:
        opener = (f"<details><summary><code>{html(cluster.name)}</code> (<code>{html(cluster.environment)}</code>): "
                  f"{len(cluster.applications)} application(s)</summary>\n\n")
        if not budget.add(opener):
            break
        for app in cluster.applications:
            if not budget.add(_app_block(app) + "\n"):
                break
            shown += 1
        budget.parts.append("</details>\n\n")
        budget.used += len("</details>\n\n")
    if shown < total:
        budget.left_out.append(f"detail of {total - shown} of {total} applications")
