"""Fields the API server never changes on an existing object: a change to one fails the sync (pure).

Argo CD applies the new object; the API server answers ``field is immutable`` and the Application stays
OutOfSync until someone deletes the object (or the sync uses ``Replace=true``, which recreates it).
Charts do this on a bump more often than people do by hand: a new ``app.kubernetes.io/*`` label in a
Deployment's selector is the classic.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

# (group, kind) -> dotted paths that cannot change once the object exists
IMMUTABLE: dict[tuple[str, str], tuple[str, ...]] = {
    ("apps", "Deployment"): ("spec.selector",),
    ("apps", "ReplicaSet"): ("spec.selector",),
    ("apps", "DaemonSet"): ("spec.selector",),
    ("apps", "StatefulSet"): ("spec.selector", "spec.serviceName", "spec.volumeClaimTemplates",
                              "spec.podManagementPolicy"),
    ("batch", "Job"): ("spec.selector", "spec.template", "spec.completionMode"),
    ("", "Service"): ("spec.clusterIP",),
    ("", "PersistentVolumeClaim"): ("spec.storageClassName", "spec.accessModes", "spec.volumeName",
                                    "spec.selector", "spec.volumeMode"),
    ("storage.k8s.io", "StorageClass"): ("provisioner", "parameters", "reclaimPolicy", "volumeBindingMode"),
    ("rbac.authorization.k8s.io", "RoleBinding"): ("roleRef",),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"): ("roleRef",),
    ("apiextensions.k8s.io", "CustomResourceDefinition"): ("spec.scope",),
}
_ABSENT = object()


def _at(body: Mapping[str, Any], path: str) -> Any:
    node: Any = body
    for key in path.split("."):
        if not isinstance(node, Mapping) or key not in node:
            return _ABSENT
        node = node[key]
    return node


def changed(group: str, kind: str, old: Mapping[str, Any], new: Mapping[str, Any]) -> Iterator[str]:
    """The immutable paths whose value differs between ``old`` and ``new`` (both set: a field the server
    defaults, such as a Service's clusterIP, is not a change when one side leaves it out)."""
    for path in IMMUTABLE.get((group, kind), ()):
        before, after = _at(old, path), _at(new, path)
        if before is not _ABSENT and after is not _ABSENT and before != after:
            yield path
    if kind in {"ConfigMap", "Secret"} and group == "" and old.get("immutable") is True:
        for path in ("data", "binaryData", "stringData"):
            if old.get(path) != new.get(path):
                yield path


def served_versions(crd: Mapping[str, Any]) -> set[str]:
    versions = (crd.get("spec") or {}).get("versions") or ()
    return {str(v.get("name")) for v in versions if isinstance(v, Mapping) and v.get("served", True)}
