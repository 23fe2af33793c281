"""``-o csv``: the access matrix for an access review; ``--out`` also writes every other table as CSV.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return) are written with a leading apostrophe: the one escaping of this format.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from gitops_gen.report.model import Report
from gitops_gen.report.sections import RESOURCES

_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(_FORMULA) else text


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180: a CR or LF inside a cell is then quoted
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return out.getvalue()


def access_csv(report: Report) -> str:
    return _csv(("group", "role", "via", "cluster", "namespace", "granted by"),
                ((g.group, g.role, g.via, g.cluster, g.namespace, g.source) for g in report.access))


def inventory_csv(report: Report) -> str:
    return _csv(("addon", "cluster", "environment", "kind", "version", "enabled", "skew"),
                ((d.addon, d.cluster, d.environment, d.kind, d.version, str(d.enabled).lower(), str(d.skew).lower())
                 for d in report.inventory))



def quotas_csv(report: Report) -> str:
    return _csv(("cluster", "namespace", "tenant", "tier", *RESOURCES),
                ((q.cluster, q.namespace, q.tenant, q.tier, *(q.hard.get(r, "") for r in RESOURCES))
                 for q in report.capacity.quotas))


def exceptions_csv(report: Report) -> str:
    return _csv(("rule", "object", "owner", "reason", "expires", "days left", "state", "declared at"),
                ((e.rule, e.selector, e.owner, e.reason, e.expires, e.days_left, e.state, e.location)
                 for e in report.posture.exceptions))


def changes_csv(report: Report) -> str:
    return _csv(("commit", "date", "author", "reference", "subject", "clusters"),
                ((c.sha, c.date, c.author, c.reference, c.subject, " ".join(c.clusters)) for c in report.changes))


def drift_csv(report: Report) -> str:
    return _csv(("cluster", "time", "objects drifted"),
                ((d.cluster, p.time, p.drifted) for d in report.drift for p in d.points))
