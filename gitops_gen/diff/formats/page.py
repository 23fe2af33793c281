"""``-o html``: one self-contained page (inline CSS, no script, nothing fetched), a ``<details>`` per cluster."""

from __future__ import annotations

from collections.abc import Sequence

from gitops_gen.base.escape import html
from gitops_gen.diff.formats.common import app_title, headline, object_name, short, show, sorted_risks, summary
from gitops_gen.diff.model import ChangeReport, FieldChange
from gitops_gen.validate.findings import Finding

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2em auto;max-width:78em;color:#1f2328}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.6em}table{border-collapse:collapse;margin:.5em 0 1em}
th,td{border:1px solid #d0d7de;padding:.25em .6em;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.n{text-align:right}code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;white-space:pre-wrap;
word-break:break-all}details{border:1px solid #d0d7de;border-radius:6px;margin:.5em 0;padding:.3em .8em}
summary{cursor:pointer;font-weight:600}.added{color:#1a7f37}.removed{color:#cf222e}.modified{color:#9a6700}
.error{color:#cf222e;font-weight:600}.warning{color:#9a6700}.prod{background:#ffebe9;border-radius:4px;padding:0 .3em}
.app{margin:.8em 0 .8em 1em}.warn{background:#fff8c5;padding:.5em;border-radius:6px}
"""


def _e(value: object) -> str:
    return html(value)


def _fields(changes: Sequence[FieldChange]) -> str:
    if not changes:
        return ""
    rows = "".join(f"<tr><td><code>{_e(c.path)}</code></td><td><code>{_e(show(c.base, 2000))}</code></td>"
                   f"<td><code>{_e(show(c.head, 2000))}</code></td><td><code>{_e(c.source)}</code></td></tr>"
                   for c in changes)
    return f"<table><tr><th>Field</th><th>Base</th><th>Head</th><th>Set in</th></tr>{rows}</table>"


def _findings(title: str, found: Sequence[Finding]) -> str:
    if not found:
        return ""
    rows = "".join(f"<tr><td class='{f.severity.value}'>{f.severity.value}</td><td>{_e(f.rule)}</td>"
                   f"<td>{_e(f'{f.ref.kind} {object_name(f.ref)}') if f.ref else ''}</td><td>{_e(f.message)}</td></tr>"
                   for f in found)
    return (f"<h2>Validation findings {title} ({len(found)})</h2><table><tr><th>Severity</th><th>Rule</th>"
            f"<th>Object</th><th>Message</th></tr>{rows}</table>")


def render(report: ChangeReport, max_length: int = 0, colour: bool = False) -> str:
    s = summary(report)
    out = ["<!DOCTYPE html>", "<html lang='en'><head><meta charset='utf-8'>",
           f"<title>gitops-gen diff {_e(short(report.base))} → {_e(short(report.head))}</title>",
           f"<style>{STYLE}</style></head><body>",
           f"<h1>gitops-gen diff: {_e(headline(report))}</h1>",
           f"<p>Base <code>{_e(report.base)}</code> → head <code>{_e(report.head)}</code></p>"]
    out += [f"<p class='warn'>Warning: {_e(w)}</p>" for w in report.warnings]
    if report.clusters:
        rows = "".join(f"<tr><th>{what.capitalize()}</th>" + "".join(f"<td class='n'>{s[what][k]}</td>"
                                                                     for k in ("added", "removed", "modified"))
                       + "</tr>" for what in ("applications", "objects"))
        out.append(f"<table><tr><th></th><th>Added</th><th>Removed</th><th>Modified</th></tr>{rows}</table>")
    risks = sorted_risks(report)
    if risks:
        rows = "".join(f"<tr><td class='{r.severity.value}'>{r.severity.value}</td><td>{_e(r.rule)}</td>"
                       f"<td>{_e(r.cluster)}</td><td>{_e(r.application)}</td>"
                       f"<td>{_e(f'{r.ref.kind} {object_name(r.ref)}') if r.ref else ''}</td>"
                       f"<td>{_e(r.message)}</td></tr>"
                       for r in risks)
        out.append(f"<h2>Risks ({len(risks)})</h2><table><tr><th>Severity</th><th>Rule</th><th>Cluster</th>"
                   f"<th>Application</th><th>Object</th><th>Message</th></tr>{rows}</table>")
    out.append(_findings("introduced", report.introduced) + _findings("resolved", report.resolved))
    if report.clusters:
        out.append("<h2>Clusters</h2>")
    for cluster in report.clusters:
        prod = " <span class='prod'>production</span>" if cluster.production else ""
        out.append(f"<details><summary>{_e(cluster.name)} ({_e(cluster.environment)}){prod}: "
                   f"{len(cluster.applications)} application(s)</summary>")
        for app in cluster.applications:
            out.append(f"<div class='app'><h3><span class='{app.status.value}'>{app.status.value}</span> "
                       f"{_e(app_title(app))}</h3>{_fields(app.changes)}")
            if app.objects:
                out.append("<ul>")
                for obj in app.objects:
                    out.append(f"<li><span class='{obj.status.value}'>{obj.status.value}</span> {_e(obj.ref.kind)} "
                               f"<code>{_e(object_name(obj.ref))}</code> ({_e(obj.ref.api_version)})"
                               f"{_fields(obj.changes)}</li>")
                out.append("</ul>")
            out.append("</div>")
        out.append("</details>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
