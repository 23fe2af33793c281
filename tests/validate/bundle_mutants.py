"""Single-defect mutants of the bundle fixtures (tests/validate/fixtures/bundles): shared by the tests.

Each mutant class takes one valid document and returns the defective document plus the rule that
must report it and the field path the finding must point at (``""``: the document itself).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from gitops_gen.validate import apiserver, names
from gitops_gen.yamlio import emit

FIXTURES = Path(__file__).parent / "fixtures"
BUNDLES = FIXTURES / "bundles"
CRDS = FIXTURES / "operators" / "crds"
VALID_FILES = ("gitops-controller.yaml", "ingress-controller.yaml", "platform-misc.yaml")


class Mutant(NamedTuple):
    name: str  # class/kind/document name
    text: str  # the defective document, as YAML
    rule: str  # the rule that must report it
    path: str  # the field the finding must point at ("" for the document)
    strict: bool = False  # only a defect under --strict


def _pod_spec(body: dict[str, Any]) -> dict[str, Any] | None:
    where = apiserver.POD_SPECS.get(body.get("kind", ""))
    node: Any = body
    for part in where or ():
        node = node.get(part) if isinstance(node, dict) else None
    return node if where and isinstance(node, dict) else None


def _spec_path(body: dict[str, Any]) -> str:
    return ".".join(apiserver.POD_SPECS[body["kind"]])


def unknown_field(body: dict[str, Any]) -> tuple[dict[str, Any], str, str] | None:
    body["metadata"]["labelz"] = {"a": "b"}
    return body, "schema", "metadata.labelz"


def wrong_type(body: dict[str, Any]) -> tuple[dict[str, Any], str, str] | None:
    body["metadata"]["labels"] = ["app=web"]
    return body, "schema", "metadata.labels"


def missing_required(body: dict[str, Any]) -> tuple[dict[str, Any], str, str] | None:
    spec = _pod_spec(body)
    if spec is not None:
        del spec["containers"][0]["name"]
        return body, "schema", f"{_spec_path(body)}.containers[0]"
    if body["kind"] in ("ClusterRoleBinding", "RoleBinding"):
        del body["roleRef"]
        return body, "schema", ""
    if body["kind"] == "APIService":
        del body["spec"]["groupPriorityMinimum"]
        return body, "schema", "spec"
    return None


def missing_image(body: dict[str, Any]) -> tuple[dict[str, Any], str, str] | None:
    spec = _pod_spec(body)
    if spec is None or body["apiVersion"].startswith("example.dev"):
        return None
    del spec["containers"][0]["image"]
    return body, "required-field", f"{_spec_path(body)}.containers[0].image"


def invalid_enum(body: dict[str, Any]) -> tuple[dict[str, Any], str, str] | None:
    spec = _pod_spec(body)
    if spec is not None:
        spec["containers"][0]["imagePullPolicy"] = "IfNewer"
        return body, "enum", f"{_spec_path(body)}.containers[0].imagePullPolicy"
    if body["kind"] == "Service":
        body["spec"]["type"] = "Internal"
        return body, "enum", "spec.type"
    if body["kind"] == "Ingress":
        body["spec"]["rules"][0]["http"]["paths"][0]["pathType"] = "Regex"
        return body, "enum", "spec.rules[0].http.paths[0].pathType"
    if body["kind"] == "PriorityClass":
        body["preemptionPolicy"] = "Always"
        return body, "enum", "preemptionPolicy"
    return None


REMOVED = {
    "Deployment": "extensions/v1beta1", "DaemonSet": "apps/v1beta2", "StatefulSet": "apps/v1beta1",
    "Ingress": "networking.k8s.io/v1beta1", "IngressClass": "networking.k8s.io/v1beta1",
    "CronJob": "batch/v1beta1", "PodDisruptionBudget": "policy/v1beta1",
    "HorizontalPodAutoscaler": "autoscaling/v2beta2", "ClusterRole": "rbac.authorization.k8s.io/v1beta1",
    "ClusterRoleBinding": "rbac.authorization.k8s.io/v1alpha1", "PriorityClass": "scheduling.k8s.io/v1alpha1",
    "APIService": "apiregistration.k8s.io/v1beta1",
    "ValidatingWebhookConfiguration": "admissionregistration.k8s.io/v1beta1",
}


def removed_api(body: dict[str, Any]) -> tuple[dict[str, Any], str, str] | None:
    if body["kind"] not in REMOVED:
        return None
    body["apiVersion"] = REMOVED[body["kind"]]
    return body, "removed-api", ""


def bad_name(body: dict[str, Any]) -> tuple[dict[str, Any], str, str] | None:
    if "name" not in body.get("metadata", {}):
        return None
    segment = names.NAME_RULES.get(body["kind"]) == "segment"  # RBAC names: any path segment
    body["metadata"]["name"] = "web/server" if segment else "Web_Server"
    return body, "names", "metadata.name"


def bad_quantity(body: dict[str, Any]) -> tuple[dict[str, Any], str, str] | None:
    spec = _pod_spec(body)
    if spec is None:
        if body["kind"] == "ResourceQuota":
            body["spec"]["hard"]["limits.memory"] = "4 gigs"
            return body, "quantity", "spec.hard.limits.memory"
        return None
    spec["containers"][0]["resources"] = {"limits": {"cpu": "2 cores"}}
    return body, "quantity", f"{_spec_path(body)}.containers[0].resources.limits.cpu"


CLASSES: dict[str, tuple[Callable[[dict[str, Any]], tuple[dict[str, Any], str, str] | None], bool]] = {
    "unknown-field": (unknown_field, True),
    "wrong-type": (wrong_type, False),
    "missing-required": (missing_required, False),
    "missing-image": (missing_image, False),
    "invalid-enum": (invalid_enum, False),
    "removed-api": (removed_api, False),
    "bad-name": (bad_name, False),
    "bad-quantity": (bad_quantity, False),
}


def valid_documents() -> list[dict[str, Any]]:
    from gitops_gen.yamlio.reader import load_plain

    return [d for name in VALID_FILES for d in load_plain((BUNDLES / name).read_text()) if d and "items" not in d]


def mutants() -> Iterator[Mutant]:
    for body in valid_documents():
        label = f"{body['kind']}/{body['metadata'].get('name', '')}"
        for name, (mutate, strict) in CLASSES.items():
            result = mutate(copy.deepcopy(body))
            if result is not None:
                mutated, rule, path = result
                yield Mutant(f"{name}:{label}", emit.dump_document(mutated), rule, path, strict)
        # duplicate key: a second metadata.name line (YAML text, under --strict)
        text = emit.dump_document(body)
        head, sep, tail = text.partition("\nmetadata:\n")
        if sep:
            yield Mutant(f"duplicate-key:{label}", f"{head}{sep}  name: twice\n{tail}", "invalid-document", "", True)
