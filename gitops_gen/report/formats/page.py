"""``-o html``: one self-contained page -- inline CSS and SVG, no script, nothing fetched from anywhere.

Two small charts: the version matrix (add-on x cluster, one colour per version, skew outlined in
red) and the drift curve (objects drifted per report, one line per cluster).  Every string that came
from a blueprint, Git or a drift report goes through ``_e`` (html.escape), the one escaping of this
format, in text and in attributes alike.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence

from gitops_gen.base import escape
from gitops_gen.report.formats.common import access_summary, cell_text, matrix
from gitops_gen.report.model import ClusterDrift, Report
from gitops_gen.report.sections import RESOURCES

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:84em;color:#1f2328}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #d0d7de}
table{border-collapse:collapse;margin:.5em 0 1em}th,td{border:1px solid #d0d7de;padding:.2em .5em;text-align:left;
vertical-align:top}th{background:#f6f8fa}.skew{background:#ffebe9;color:#cf222e;font-weight:600}.off{color:#8c959f}
.note{background:#fff8c5;padding:.5em;border-radius:6px}svg text{font:11px ui-monospace,monospace}
.expired{color:#cf222e;font-weight:600}.expiring{color:#9a6700;font-weight:600}
"""
PALETTE = ("#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac",
           "#e15759")


def _e(value: object) -> str:
    return escape.html(value)


def _table(header: Sequence[str], rows: Iterable[Sequence[object]], classes: Sequence[str] = ()) -> str:
    body = []
    for i, row in enumerate(rows):
        css = f" class='{_e(classes[i])}'" if i < len(classes) and classes[i] else ""
        body.append(f"<tr{css}>" + "".join(f"<td>{_e(c)}</td>" for c in row) + "</tr>")
    if not body:
        return "<p>(none)</p>"
    return "<table><tr>" + "".join(f"<th>{_e(h)}</th>" for h in header) + "</tr>" + "".join(body) + "</table>"


def version_matrix(report: Report) -> str:
    addons, clusters, cells = matrix(report)
    if not addons:
        return ""
    w, h, left, top = 64, 18, 150, 90
    colours: dict[tuple[str, str], str] = {}
    parts = [f"<svg role='img' aria-label='version matrix' "
             f"width='{left + w * len(clusters) + 70}' height='{top + h * len(addons) + 10}'>"]
    for j, cluster in enumerate(clusters):
        x = left + j * w + w // 2
        parts.append(f"<text x='{x}' y='{top - 6}' transform='rotate(-45 {x} {top - 6})'>{_e(cluster)}</text>")
    for i, addon in enumerate(addons):
        y = top + i * h
        parts.append(f"<text x='{left - 6}' y='{y + 13}' text-anchor='end'>{_e(addon)}</text>")
        for j, cluster in enumerate(clusters):
            d = cells.get((addon, cluster))
            if d is None:
                continue
            key = (addon, d.version or d.kind)
            fill = "#eaeef2" if not d.enabled else colours.setdefault(key, PALETTE[
                sum(1 for k in colours if k[0] == addon) % len(PALETTE)])
            stroke = " stroke='#cf222e' stroke-width='2'" if d.skew else " stroke='#fff'"
            parts.append(f"<rect x='{left + j * w}' y='{y}' width='{w - 2}' height='{h - 2}' fill='{fill}'{stroke}>"
                         f"<title>{_e(f'{addon} on {cluster}: {cell_text(d)}')}</title></rect>")
    parts.append("</svg>")
    return "".join(parts)


def _when(text: str) -> float:
    try:
        return datetime.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return 0.0


def drift_curve(drift: Sequence[ClusterDrift]) -> str:
    points = [(c.cluster, _when(p.time), p.drifted) for c in drift for p in c.points]
    if not points:
        return ""
    t0, t1 = min(p[1] for p in points), max(p[1] for p in points)
    top = max(p[2] for p in points) or 1
    width, height, pad = 640, 200, 30

    def xy(t: float, n: int) -> str:
        x = pad + (width - 2 * pad) * ((t - t0) / (t1 - t0) if t1 > t0 else 0.5)
        return f"{x:.1f},{height - pad - (height - 2 * pad) * n / top:.1f}"

    parts = [f"<svg role='img' aria-label='drift curve' width='{width + 160}' "
             f"height='{height}'><line x1='{pad}' y1='{height - pad}' x2='{width - pad}' y2='{height - pad}' "
             f"stroke='#8c959f'/><line x1='{pad}' y1='{pad}' x2='{pad}' y2='{height - pad}' stroke='#8c959f'/>"
             f"<text x='2' y='{pad}'>{top}</text><text x='2' y='{height - pad}'>0</text>"]
    for i, cluster in enumerate(drift):
        colour = PALETTE[i % len(PALETTE)]
        line = " ".join(xy(_when(p.time), p.drifted) for p in cluster.points)
        parts.append(f"<polyline fill='none' stroke='{colour}' stroke-width='2' points='{line}'>"
                     f"<title>{_e(cluster.cluster)}</title></polyline>")
        parts.append(f"<text x='{width - 10}' y='{pad + 14 * i}' fill='{colour}'>{_e(cluster.cluster)}</text>")
    parts.append("</svg>")
    return "".join(parts)


def render(report: Report) -> str:
    addons, clusters, cells = matrix(report)
    inventory_rows = [[a, *(cell_text(cells.get((a, c))) for c in clusters)] for a in addons]
    cap, post = report.capacity, report.posture
    since = f" · changes since {_e(report.since)}" if report.since else ""
    sections = [
        f"<h1>Evidence pack</h1><p>Commit <code>{_e(report.commit or 'not in Git')}</code> · generated "
        f"{_e(report.generated_at)}{since}</p>",
        *(f"<p class='note'>{_e(n)}</p>" for n in report.notes),
        "<h2>Inventory</h2><p>Each add-on's chart version or revision per cluster; outlined red (and "
        "<span class='skew'>(skew)</span>): a version its promotesFrom environment runs nowhere.</p>",
        version_matrix(report), _table(["add-on", *clusters], inventory_rows),
        "<h2>Access</h2>", _table(["group", "role", "namespaces", "clusters"], access_summary(report.access)),
        "<h2>Capacity</h2><h3>Quota per cluster</h3>",
        _table(["cluster", *RESOURCES], ([c, *(s.get(r, "") for r in RESOURCES)] for c, s in cap.per_cluster.items())),
        "<h3>Quota per tier (every cluster)</h3>",
        _table(["tier", "namespaces", *RESOURCES],
               ([t, s.get("namespaces", ""), *(s.get(r, "") for r in RESOURCES)] for t, s in cap.per_tier.items())),
        "<h3>Tenants per cost centre</h3>",
        _table(["cost centre", "tenants"], ((c or "(none)", ", ".join(ts)) for c, ts in cap.cost_centres.items())),
        f"<p>Tenant namespaces without the cost-centre label: {len(cap.unlabelled)}</p>",
        _table(["cluster", "namespace"], cap.unlabelled) if cap.unlabelled else "",
        f"<h2>Policy posture</h2><p>As of {_e(post.today)}.</p>",
        _table(["rule", "errors", "warnings", "infos"],
               ([r, s.get("error", 0), s.get("warning", 0), s.get("info", 0)] for r, s in post.by_rule.items())),
        "<h3>Exceptions</h3>",
        _table(["rule", "object", "owner", "reason", "expires", "state"],
               [[e.rule, e.selector, e.owner or "-", e.reason, e.expires, e.state] for e in post.exceptions],
               [e.state for e in post.exceptions]),
        "<h2>Change log</h2>",
        _table(["date", "commit", "author", "reference", "subject", "clusters"],
               ([c.date, c.sha[:12], c.author, c.reference or "-", c.subject, " ".join(c.clusters) or "none"]
                for c in report.changes)),
        "<h2>Drift history</h2>", drift_curve(report.drift),
        _table(["cluster", "reports", "objects drifted", "object-hours drifted"],
               ([d.cluster, len(d.points), d.objects, d.drifted_hours] for d in report.drift)),
    ]
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta http-equiv='Content-Security-Policy' content=\"default-src 'none'; style-src 'unsafe-inline'\">"
            f"<title>gitops-gen evidence {_e(report.commit[:12])}</title><style>{STYLE}</style></head><body>"
            + "\n".join(s for s in sections if s) + "</body></html>\n")
