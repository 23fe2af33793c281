"""``-o junit``: one test case per object (and per Application); drift is a failure."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from gitops_gen.base.escape import text as esc
from gitops_gen.base.status import DriftStatus
from gitops_gen.drift.formats.common import object_name, show, shown_items
from gitops_gen.drift.model import ClusterReport, DriftReport


def render(report: DriftReport, color: bool = False) -> str:
    root = ET.Element("testsuites", name="gitops-gen drift")
    totals = {"tests": 0, "failures": 0, "errors": 0}  # the common JUnit XSD has no `skipped` up here
    for cluster in report.clusters:
        suite = _suite(report, cluster)
        root.append(suite)
        for key in totals:
            totals[key] += int(suite.get(key, "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _suite(report: DriftReport, cluster: ClusterReport) -> ET.Element:
    suite = ET.Element("testsuite", name=f"drift {esc(cluster.cluster)}")
    counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    if cluster.error:
        case = ET.SubElement(suite, "testcase", classname=esc(cluster.cluster), name="read cluster")
        ET.SubElement(case, "error", message=esc(cluster.error), type="unreachable")
        counts.update(tests=1, errors=1)
    for item in shown_items(report, cluster):
        case = ET.SubElement(
            suite, "testcase", classname=esc(f"{cluster.cluster}.{item.ref.kind}"), name=esc(object_name(item))
        )
        counts["tests"] += 1
        if item.status is DriftStatus.UNKNOWN:
            ET.SubElement(case, "skipped", message=esc(item.reason))
            counts["skipped"] += 1
        elif item.status is not DriftStatus.IN_SYNC:
            body = "\n".join(
                esc(f"{c.path}: desired {show(c.desired)}, live {show(c.live)}") for c in item.changes
            )
            failure = ET.SubElement(
                case, "failure", type=item.status.value, message=esc(f"{item.status.value}: {item.ref}")
            )
            failure.text = "\n".join(filter(None, [body, esc(f"application: {item.application}") if item.application
                                                     else "", esc(f"source: {item.source}") if item.source else "",
                                                     esc(f"next: {item.hint}") if item.hint else ""])) or None
            counts["failures"] += 1
    for app in (a for a in cluster.applications if a.drift or not report.only_drifted):
        case = ET.SubElement(
            suite, "testcase", classname=esc(f"{cluster.cluster}.Application-status"), name=esc(app.name)
        )
        counts["tests"] += 1
        if app.drift:
            ET.SubElement(
                case,
                "failure",
                type="application",
                message=esc(f"{app.sync}, {app.health}" + (f", {app.operation}" if app.operation else "")),
            )
            counts["failures"] += 1
    for key, value in counts.items():
        suite.set(key, str(value))
    return suite
