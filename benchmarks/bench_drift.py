"""Drift comparison: 10,000 desired/live pairs with the equality shortcut, against deepdiff on every pair.

Live objects are noisy the way an API server's are (managedFields, status, uid,
defaults, respelled quantities, reordered merge-keyed lists); about 5 % really
drifted.  The baseline runs deepdiff on every normalised pair; it is timed on a
sample and extrapolated (GITOPS_GEN_BENCH_FULL=1 times all of it).
"""

from __future__ import annotations

import copy
import os
import random
import time
from collections.abc import Callable
from typing import Any

from gitops_gen.drift.compare import compare

PAIRS = 10_000
DRIFTED = 0.05
SAMPLE = 1_000


def desired_object(i: int) -> dict[str, Any]:
    ns, name = f"team-{i % 50}", f"obj-{i}"
    meta = {
        "name": name,
        "namespace": ns,
        "labels": {"app.kubernetes.io/managed-by": "gitops-gen", "app.kubernetes.io/name": name},
    }
    kind = i % 5
    if kind == 0:
        return {
            "apiVersion": "apps/v1",
            "kind": "Deployment",
            "metadata": meta,
            "spec": {
                "replicas": 2,
                "selector": {"matchLabels": {"app": name}},
                "template": {
                    "metadata": {"labels": {"app": name}},
                    "spec": {
                        "containers": [
                            {
                                "name": "app",
                                "image": f"ghcr.io/acme/{name}:1.0.{i % 7}",
                                "args": ["--port=8080"],
                                "ports": [{"containerPort": 8080, "name": "http"}],
                                "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                                "resources": {
                                    "requests": {"cpu": "100m", "memory": "128Mi"},
                                    "limits": {"cpu": "1000m", "memory": "1024Mi"},
                                },
                            },
                            {
                                "name": "sidecar",
                                "image": "envoy:v1.31",
                                "resources": {"limits": {"cpu": 0.5}},
                            },
                        ]
                    },
                },
            },
        }
    if kind == 1:
        return {
            "apiVersion": "v1",
            "kind": "ResourceQuota",
            "metadata": meta,
            "spec": {"hard": {"requests.cpu": "16", "requests.memory": "32768Mi", "pods": 150}},
        }
    if kind == 2:
        return {
            "apiVersion": "networking.k8s.io/v1",
            "kind": "NetworkPolicy",
            "metadata": meta,
            "spec": {
                "podSelector": {},
                "policyTypes": ["Ingress"],
                "ingress": [
                    {
                        "from": [
                            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "ingress"}}}
                        ]
                    }
                ],
            },
        }
    if kind == 3:
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": meta,
            "spec": {
                "selector": {"app": name},
                "ports": [
                    {"name": "http", "port": 80, "targetPort": "http"},
                    {"name": "metrics", "port": 9090},
                ],
            },
        }
    return {
        "apiVersion": "rbac.authorization.k8s.io/v1",
        "kind": "RoleBinding",
        "metadata": meta,
        "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "admin"},
        "subjects": [{"apiGroup": "rbac.authorization.k8s.io", "kind": "Group", "name": f"{ns}-admins"}],
    }


def live_object(desired: dict[str, Any], i: int, drifted: bool) -> dict[str, Any]:
    live = copy.deepcopy(desired)
    meta = live["metadata"]
    meta.update(
        uid=f"uid-{i}",
        resourceVersion=str(1000 + i),
        generation=3,
        creationTimestamp="2024-11-02T08:14:09Z",
        annotations={
            "argocd.argoproj.io/tracking-id": f"app:{desired['kind']}/{meta['name']}",
            "kubectl.kubernetes.io/last-applied-configuration": "{}" * 50,
        },
        managedFields=[
            {
                "manager": "argocd-controller",
                "operation": "Apply",
                "apiVersion": "v1",
                "fieldsType": "FieldsV1",
                "fieldsV1": {"f:spec": {f"f:x{n}": {} for n in range(3)}},
            }
        ],
    )
    kind = desired["kind"]
    if kind == "Deployment":
        spec = live["spec"]
        spec.update(
            progressDeadlineSeconds=600,
            revisionHistoryLimit=10,
            strategy={"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}},
        )
        pod = spec["template"]["spec"]
        pod.update(
            dnsPolicy="ClusterFirst",
            restartPolicy="Always",
            schedulerName="default-scheduler",
            securityContext={},
            terminationGracePeriodSeconds=30,
        )
        for c in pod["containers"]:
            c.update(
                imagePullPolicy="IfNotPresent",
                terminationMessagePath="/dev/termination-log",
                terminationMessagePolicy="File",
            )
        app = pod["containers"][0]
        app["resources"]["limits"] = {"cpu": "1", "memory": "1Gi"}
        app["ports"][0]["protocol"] = "TCP"
        app["env"].reverse()
        pod["containers"][1]["resources"]["limits"]["cpu"] = "500m"
        pod["containers"].reverse()
        live["status"] = {
            "replicas": 2,
            "readyReplicas": 2,
            "conditions": [{"type": "Available", "status": "True"}],
        }
        if drifted:
            app["image"] += "-hotfix"
    elif kind == "ResourceQuota":
        live["spec"]["hard"] = {"requests.cpu": "16", "requests.memory": "32Gi", "pods": "150"}
        live["status"] = {"hard": dict(live["spec"]["hard"]), "used": {"pods": "3"}}
        if drifted:
            live["spec"]["hard"]["requests.cpu"] = "20"
    elif kind == "Service":
        live["spec"].update(clusterIP="10.96.0.1", type="ClusterIP", sessionAffinity="None")
        for p in live["spec"]["ports"]:
            p.setdefault("protocol", "TCP")
            p.setdefault("targetPort", p["port"])
        live["spec"]["ports"].reverse()
        if drifted:
            live["spec"]["selector"]["app"] = "other"
    elif drifted:
        meta["labels"]["app.kubernetes.io/name"] = "edited"
    return live


def pairs() -> list[tuple[dict[str, Any], dict[str, Any]]]:
    rng = random.Random(4)
    out = []
    for i in range(PAIRS):
        desired = desired_object(i)
        out.append((desired, live_object(desired, i, rng.random() < DRIFTED)))
    return out


def run(report: Callable[[str, str], None]) -> None:
    work = pairs()
    start = time.perf_counter()
    modified = sum(bool(compare(d, live)) for d, live in work)
    fast = time.perf_counter() - start
    full = os.environ.get("GITOPS_GEN_BENCH_FULL") == "1"
    sample = work if full else work[:SAMPLE]
    start = time.perf_counter()
    slow_modified = sum(bool(compare(d, live, shortcut=False)) for d, live in sample)
    slow = (time.perf_counter() - start) * len(work) / len(sample)
    assert full or slow_modified <= modified
    report(
        "drift.compare",
        f"{PAIRS:,} pairs ({modified} modified) in {fast:.2f}s with the equality shortcut "
        f"({PAIRS / fast:,.0f} pairs/s; target <= 1 s)",
    )
    report(
        "drift.compare baseline",
        f"deepdiff on every pair: {slow:.1f}s"
        f"{'' if full else f' (extrapolated from {len(sample):,})'}; "
        f"shortcut is {slow / fast:.0f}x faster",
    )


if __name__ == "__main__":
    run(lambda name, text: print(f"{name}: {text}"))
