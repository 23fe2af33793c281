"""Checks the API server makes that the OpenAPI schemas do not: names, labels, quantities.

Each check mirrors k8s.io/apimachinery/pkg/util/validation so that what passes
here is what ``kubectl apply`` accepts: object names are DNS-1123 subdomains
(labels for Namespace, DNS-1035 labels for Service, path segments for RBAC),
namespaces DNS-1123 labels, label and annotation keys qualified names, label
values at most 63 characters, quantities ``resource.Quantity`` syntax.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from gitops_gen.base.naming import (
    dns1035_problem,
    label_problem,
    label_value_problem,
    qualified_name_problem,
    segment_problem,
    subdomain_problem,
)
from gitops_gen.base.quantity import QUANTITY
from gitops_gen.validate.schemas import SchemaError

NAME_RULES: dict[str, str] = {  # kind -> which name syntax the API server enforces
    "Namespace": "label",
    "Service": "dns1035",
    "Role": "segment",
    "ClusterRole": "segment",
    "RoleBinding": "segment",
    "ClusterRoleBinding": "segment",
}
_TEMPLATE_PATHS = (("spec", "template", "metadata"), ("spec", "jobTemplate", "spec", "template", "metadata"))


def quantity(value: Any) -> str | None:
    if isinstance(value, bool):
        return "must be a quantity such as 500m, 2Gi or 1.5"
    if isinstance(value, (int, float)):
        return None
    if isinstance(value, str) and QUANTITY.fullmatch(value):
        return None
    return "must be a quantity such as 500m, 2Gi or 1.5"


_NAME_CHECKS = {
    "label": label_problem,
    "dns1035": dns1035_problem,
    "segment": segment_problem,
    "subdomain": subdomain_problem,
}


def check_metadata(body: Mapping[str, Any]) -> list[SchemaError]:
    """Name, namespace, labels and annotations of the object and of its pod templates."""
    meta = body.get("metadata")
    out: list[SchemaError] = []
    if not isinstance(meta, Mapping):
        return out
    name = meta.get("name")
    if isinstance(name, str):
        why = _NAME_CHECKS[NAME_RULES.get(str(body.get("kind")), "subdomain")](name)
        if why:
            out.append(SchemaError("metadata.name", f"{name!r} {why}"))
    namespace = meta.get("namespace")
    if isinstance(namespace, str) and namespace and (why := label_problem(namespace)):
        out.append(SchemaError("metadata.namespace", f"{namespace!r} {why}"))
    out.extend(_labels_and_annotations(meta, "metadata"))
    if body.get("kind") == "ApplicationSet":
        return out  # its template's labels are Go templates: the Applications it generates are judged instead
    for parts in _TEMPLATE_PATHS:
        sub = _get(body, parts)
        if isinstance(sub, Mapping):
            out.extend(_labels_and_annotations(sub, ".".join(parts)))
    return out


def _labels_and_annotations(meta: Mapping[str, Any], at: str) -> Iterator[SchemaError]:
    labels = meta.get("labels")
    if isinstance(labels, Mapping):
        for key, value in labels.items():
            if why := qualified_name_problem(str(key)):
                yield SchemaError(f"{at}.labels.{key}", f"label key {str(key)!r}: {why}")
            if isinstance(value, str) and (why := label_value_problem(value)):
                yield SchemaError(f"{at}.labels.{key}", f"label value {value!r}: {why}")
    annotations = meta.get("annotations")
    if isinstance(annotations, Mapping):
        for key in annotations:
            if why := qualified_name_problem(str(key)):
                yield SchemaError(f"{at}.annotations.{key}", f"annotation key {str(key)!r}: {why}")


def _get(node: Any, parts: Sequence[str]) -> Any:
    for part in parts:
        if not isinstance(node, Mapping):
            return None
        node = node.get(part)
    return node
