"""Drift at fleet size: --live-from a dump of 100,000 objects against 10,000, read and compared (linear?).

Desired objects and a noisy multi-document dump (``kubectl get -o yaml`` per object, as a
concatenation of many ``kubectl`` calls gives) are built in the same run; each size is timed
through ``drift.run`` with ``--live-from``: reading the dump, matching, comparing, finding extras.
Before issue 10 the dump reader counted newlines from the top for every document (quadratic):
5,000 objects took 3.4 s, 10,000 10 s, 20,000 49 s and 100,000 did not finish in 10 minutes.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from gitops_gen.base.gcpause import paused_gc
from gitops_gen.base.manifest import Manifest
from gitops_gen.drift import run as drift_run
from gitops_gen.drift.config import DriftConfig
from gitops_gen.yamlio.emit import dump_document

SIZES = (10_000, 100_000)
TARGET_RATIO = 10.0
OWNED = {"app.kubernetes.io/managed-by": "gitops-gen"}


def desired_object(i: int) -> dict[str, Any]:
    ns = f"team-{i % 500}"
    if i % 4 == 0:
        return {"apiVersion": "v1", "kind": "ResourceQuota",
                "metadata": {"name": f"quota-{i}", "namespace": ns, "labels": OWNED},
                "spec": {"hard": {"requests.cpu": "16", "requests.memory": "32Gi", "pods": 150}}}
    if i % 4 == 1:
        return {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
                "metadata": {"name": f"rb-{i}", "namespace": ns, "labels": OWNED},
                "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "view"},
                "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": f"{ns}-view"}]}
    if i % 4 == 2:
        return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": f"ns-{i}", "labels": OWNED}}
    return {"apiVersion": "v1", "kind": "ConfigMap",
            "metadata": {"name": f"cm-{i}", "namespace": ns, "labels": OWNED},
            "data": {"level": "info", "owner": f"team-{i % 500}"}}


def live_object(body: dict[str, Any], i: int) -> dict[str, Any]:
    """The same object as an API server returns it: server metadata, status, respelled quantities."""
    meta = {**body["metadata"], "uid": f"00000000-0000-4000-8000-{i:012d}", "resourceVersion": str(i + 1000),
            "creationTimestamp": "2024-11-02T08:14:09Z"}
    live = {**body, "metadata": meta}
    if body["kind"] == "ResourceQuota":
        live["spec"] = {"hard": {"pods": "150", "requests.memory": "32768Mi", "requests.cpu": "16000m"}}
        live["status"] = {"used": {"pods": "3"}}
    elif body["kind"] == "Namespace":
        live["spec"] = {"finalizers": ["kubernetes"]}
        live["status"] = {"phase": "Active"}
    if i % 1000 == 7:  # a little real drift and a leftover, so the report is not trivially empty
        live = {**live, "metadata": {**meta, "name": meta["name"] + "-old"}}
    return live


def build(size: int, folder: Path) -> tuple[drift_run.Target, Path]:
    desired = [desired_object(i) for i in range(size)]
    dump = folder / f"dump-{size}.yaml"
    with dump.open("w", encoding="utf-8") as out:
        for i, body in enumerate(desired):
            out.write("---\n")
            out.write(dump_document(live_object(body, i)))
    return drift_run.Target("bench", None, tuple(Manifest(b) for b in desired)), dump


def run(report: Callable[[str, str], None]) -> None:
    times: dict[int, float] = {}
    cpu: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in SIZES:
            target, dump = build(size, Path(tmp))
            megabytes = dump.stat().st_size / 1e6
            start, start_cpu = time.perf_counter(), time.process_time()
            with paused_gc():  # as `gitops-gen drift` runs it (commands/drift.py)
                result = drift_run.run([target], DriftConfig(), dump)
            times[size] = time.perf_counter() - start
            cpu[size] = time.process_time() - start_cpu
            counts = result.summary
            report(f"drift --live-from {size:,} objects ({megabytes:.0f} MB)",
                   f"{times[size]:.1f}s, cpu {cpu[size]:.1f}s ({size / cpu[size]:,.0f} objects/cpu-s; "
                   f"{counts['in_sync']:,} in sync, "
                   f"{counts['missing']} missing, {counts['extra']} extra)")
    small, large = SIZES
    # The verdict uses CPU time: on a shared machine wall time also measures the neighbours.
    ratio, wall_ratio = cpu[large] / cpu[small], times[large] / times[small]
    verdict = "linear" if ratio <= TARGET_RATIO else "NOT linear"
    report(f"drift --live-from {large:,} / {small:,}",
           f"x{ratio:.1f} cpu, x{wall_ratio:.1f} wall for x{large // small} objects "
           f"(target <= x{TARGET_RATIO:g}): {verdict}")


if __name__ == "__main__":
    run(lambda name, text: print(f"{name}: {text}"))
