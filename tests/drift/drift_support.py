"""Helpers shared by the drift tests: fixture files and dumps."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gitops_gen.yamlio.emit import dump_document
from gitops_gen.yamlio.reader import load_plain

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_objects(name: str) -> list[dict[str, Any]]:
    docs = [d for d in load_plain((FIXTURES / name).read_text()) if d]
    if len(docs) == 1 and docs[0].get("kind") == "List":
        return list(docs[0]["items"])
    return docs


def find(objects: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    return next(o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name)


def write_dump(path: Path, data: Any) -> Path:
    path.write_text(dump_document(data))
    return path


_RESPELL = {
    "64": "64000m",
    "128Gi": "131072Mi",
    "2Ti": "2048Gi",
    "500m": "0.5",
    "512Mi": "536870912",
    "1Gi": "1024Mi",
    "16": "16000m",
    "32Gi": "32768Mi",
    "4": "4000m",
    "8Gi": "8192Mi",
}


def serverize(body: Mapping[str, Any], serial: int) -> dict[str, Any]:
    """``body`` as an API server (and Argo CD) would return it: same meaning, lots of noise."""
    live = copy.deepcopy(dict(body))
    meta = live.setdefault("metadata", {})
    kind = live["kind"]
    meta.update(
        uid=f"00000000-0000-4000-8000-{serial:012d}",
        resourceVersion=str(4_800_000 + serial),
        generation=1 + serial % 4,
        creationTimestamp="2024-11-02T08:14:09Z",
        managedFields=[
            {
                "apiVersion": live["apiVersion"],
                "fieldsType": "FieldsV1",
                "manager": "argocd-controller",
                "operation": "Apply",
                "time": "2024-11-02T08:14:09Z",
                "fieldsV1": {"f:metadata": {"f:labels": {}}},
            }
        ],
    )
    annotations = meta.setdefault("annotations", {})
    annotations["argocd.argoproj.io/tracking-id"] = (
        f"app:{live['apiVersion']}/{kind}:{meta.get('namespace', '')}/x"
    )
    annotations["kubectl.kubernetes.io/last-applied-configuration"] = json.dumps(body, sort_keys=True)
    if kind == "Namespace":
        meta["labels"]["kubernetes.io/metadata.name"] = meta["name"]
        live["spec"] = {"finalizers": ["kubernetes"]}
        live["status"] = {"phase": "Active"}
    elif kind == "ResourceQuota":
        hard = live["spec"]["hard"]
        live["spec"]["hard"] = {k: _RESPELL.get(str(v), str(v)) for k, v in reversed(list(hard.items()))}
        live["status"] = {"hard": dict(hard), "used": {k: "0" for k in hard}}
    elif kind == "LimitRange":
        for limit in live["spec"]["limits"]:
            for key in ("default", "defaultRequest"):
                limit[key] = {k: _RESPELL.get(str(v), str(v)) for k, v in limit.get(key, {}).items()}
    elif kind == "NetworkPolicy":
        for rule in live["spec"].get("ingress") or ():
            for port in rule.get("ports") or ():
                port.setdefault("protocol", "TCP")
    elif kind == "Application":
        meta["finalizers"] = ["resources-finalizer.argocd.argoproj.io"]
        live["status"] = {
            "sync": {"status": "Synced", "revision": "8d2f0c1"},
            "health": {"status": "Healthy"},
            "operationState": {"phase": "Succeeded", "startedAt": "2024-11-02T08:15:01Z"},
            "reconciledAt": "2024-11-02T09:00:00Z",
        }
    elif kind == "ClusterIssuer":
        live["status"] = {"conditions": [{"type": "Ready", "status": "True"}]}
    return live
