"""``-o markdown``: the pack as one Markdown document (tables), for a ticket or a wiki page.

Every string that came from a blueprint, Git or a drift report goes through ``md`` (``base.escape.md``,
the one escaping of this format): an inline code span nothing can close, safe in a table cell.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from gitops_gen.base.escape import md
from gitops_gen.report.formats.common import access_summary, cell_text, matrix
from gitops_gen.report.model import Report
from gitops_gen.report.sections import RESOURCES


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> list[str]:
    """``header``: our own words (or already escaped); every cell of ``rows`` is escaped here."""
    rows = list(rows)
    if not rows:
        return ["(none)", ""]
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header),
            *("| " + " | ".join(md(c) for c in row) + " |" for row in rows), ""]


def render(report: Report) -> str:
    lines = ["# Evidence pack", "", f"Commit: {md(report.commit or 'not in Git')} · generated {md(report.generated_at)}"
             + (f" · changes since {md(report.since)}" if report.since else ""), ""]
    lines += [f"> {md(note)}" for note in report.notes] + ([""] if report.notes else [])
    addons, clusters, cells = matrix(report)
    lines += ["## Inventory", "", "Version of each add-on on each cluster; *(skew)*: a version its "
              "promotesFrom environment runs nowhere; off: switched off there.", ""]
    lines += _table(["add-on", *(md(c) for c in clusters)],
                    ([a, *(cell_text(cells.get((a, c))) for c in clusters)] for a in addons))
    lines += ["## Access", ""]
    lines += _table(["group", "role", "namespaces", "clusters"], access_summary(report.access))
    cap = report.capacity
    lines += ["## Capacity", "", "Quota per cluster:", ""]
    lines += _table(["cluster", *RESOURCES],
                    ([c, *(s.get(r, "") for r in RESOURCES)] for c, s in cap.per_cluster.items()))
    lines += ["Quota per tier (every cluster):", ""]
    lines += _table(["tier", "namespaces", *RESOURCES],
                    ([t, s.get("namespaces", ""), *(s.get(r, "") for r in RESOURCES)] for t, s in cap.per_tier.items()))
    lines += ["Tenants per cost centre:", ""]
    lines += _table(["cost centre", "tenants"], ((c or "(none)", ", ".join(ts)) for c, ts in cap.cost_centres.items()))
    lines += [f"Tenant namespaces without the cost-centre label: {len(cap.unlabelled)}", ""]
    lines += _table(["cluster", "namespace"], cap.unlabelled) if cap.unlabelled else []
    post = report.posture
    lines += ["## Policy posture", "", f"As of {md(post.today)}.", ""]
    lines += _table(["rule", "errors", "warnings", "infos"],
                    ([r, s.get("error", 0), s.get("warning", 0), s.get("info", 0)] for r, s in post.by_rule.items()))
    lines += ["Exceptions:", ""]
    lines += _table(["rule", "object", "owner", "reason", "expires", "state"],
                    ([e.rule, e.selector, e.owner or "-", e.reason, e.expires, e.state] for e in post.exceptions))
    lines += ["## Change log", ""]
    lines += _table(["date", "commit", "author", "reference", "subject", "clusters"],
                    ([c.date, c.sha[:12], c.author, c.reference or "-", c.subject, " ".join(c.clusters) or "none"]
                     for c in report.changes))
    lines += ["## Drift history", ""]
    lines += _table(["cluster", "reports", "objects drifted", "object-hours drifted", "last"],
                    ([d.cluster, len(d.points), d.objects, d.drifted_hours, d.points[-1].drifted if d.points else 0]
                     for d in report.drift))
    return "\n".join(lines).rstrip("\n") + "\n"
