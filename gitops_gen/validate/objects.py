"""Small readers over rendered Kubernetes objects, shared by the rules (no policy in here)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from gitops_gen.base.errors import Location
from gitops_gen.base.kinds import POD_SPECS
from gitops_gen.base.manifest import Manifest
from gitops_gen.validate.policy.context import ENV_LABEL, TENANT_LABEL, PolicyContext

ARGOCD_GROUP = "argoproj.io"

CONTAINER_FIELDS = ("initContainers", "containers", "ephemeralContainers")


def mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def sequence(value: Any) -> Sequence[Any]:
    return value if isinstance(value, list | tuple) else ()


def dig(body: Mapping[str, Any], *keys: str) -> Any:
    node: Any = body
    for key in keys:
        node = mapping(node).get(key)
    return node


def labels(m: Manifest) -> Mapping[str, Any]:
    return mapping(dig(m.body, "metadata", "labels"))


def annotations_of(m: Manifest) -> Mapping[str, Any]:
    return mapping(dig(m.body, "metadata", "annotations"))


def is_kind(m: Manifest, kind: str, group: str = "") -> bool:
    return m.ref.kind == kind and m.ref.group == group


def applications(objects: Sequence[Manifest]) -> Iterator[Manifest]:
    return (m for m in objects if is_kind(m, "Application", ARGOCD_GROUP))


def app_projects(objects: Sequence[Manifest]) -> Iterator[Manifest]:
    return (m for m in objects if is_kind(m, "AppProject", ARGOCD_GROUP))


def tenant_namespaces(objects: Sequence[Manifest]) -> Iterator[Manifest]:
    return (m for m in objects if is_kind(m, "Namespace") and labels(m).get(TENANT_LABEL))


def app_sources(app: Manifest) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(field path, source) for ``spec.source`` and every ``spec.sources[i]``."""
    spec = mapping(app.body.get("spec"))
    if isinstance(spec.get("source"), Mapping):
        yield "spec.source", spec["source"]
    for index, source in enumerate(sequence(spec.get("sources"))):
        if isinstance(source, Mapping):
            yield f"spec.sources[{index}]", source


def is_production_app(app: Manifest, context: PolicyContext) -> bool:
    """An Application is production when the context's environment is and the app belongs to it."""
    env = labels(app).get(ENV_LABEL)
    return context.production and (not env or env == context.env)


def pod_specs(m: Manifest) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """(field path, pod spec) of a workload object; nothing for other kinds."""
    keys = POD_SPECS.get(m.ref.kind)
    if keys is None or m.ref.group not in ("", "apps", "batch"):
        return
    spec = dig(m.body, *keys)
    if isinstance(spec, Mapping):
        yield ".".join(keys), spec


class Violation(NamedTuple):
    """What a rule reports; the registry turns it into a ``Finding`` with the rule's id and severity."""

    obj: Manifest
    message: str
    path: str = ""
    source: Location | None = None  # the blueprint line to blame, when not the object's own origin
