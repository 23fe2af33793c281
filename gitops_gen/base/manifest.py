"""Rendered Kubernetes objects as immutable values that remember where they came from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from gitops_gen.base.errors import Location
from gitops_gen.base.ownership import MANAGED_BY_LABEL, MANAGED_BY_VALUE

__all__ = ["MANAGED_BY_LABEL", "MANAGED_BY_VALUE", "Manifest", "ObjectRef", "origin_at", "ref_of"]


class ObjectRef(NamedTuple):
    """Identity of a Kubernetes object (namespace is "" for cluster-scoped kinds)."""

    api_version: str
    kind: str
    namespace: str
    name: str

    @property
    def group(self) -> str:
        return self.api_version.rpartition("/")[0]

    def __str__(self) -> str:
        ns = f"{self.namespace}/" if self.namespace else ""
        return f"{self.kind} {ns}{self.name} ({self.api_version})"

    def as_json(self) -> dict[str, str]:
        return {"apiVersion": self.api_version, "kind": self.kind,
                "namespace": self.namespace, "name": self.name}


def ref_of(body: Mapping[str, Any]) -> ObjectRef:
    """The identity of any document, well formed or not (validation reads broken ones too): ``metadata``
    that is not a mapping counts as absent; text stays text, a number is written out (``name: 123``),
    anything else (null, a mapping, a list, a boolean) is ""."""
    meta = body.get("metadata")
    meta = meta if isinstance(meta, Mapping) else {}
    return ObjectRef(_text(body.get("apiVersion")), _text(body.get("kind")), _text(meta.get("namespace")),
                     _text(meta.get("name")))


def _text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else ""


@dataclass(frozen=True)
class Manifest:
    """One Kubernetes object.  ``body`` is plain JSON data and must not be mutated.

    ``origin`` is the blueprint location the object was rendered from;
    ``path`` is the file under ``rendered/`` that holds it (when it is written).
    A Helm chart's object (expanded, not written) names the ``template`` it came from
    (``<chart>-<version>.tgz/<chart>/templates/x.yaml``) and the Application that deploys it (``owner``).
    """

    body: Mapping[str, Any]
    origin: Location | None = None
    path: str = ""
    template: str = ""
    owner: str = ""
    ref: ObjectRef = field(init=False, compare=False)
    # field path ("metadata.labels") -> the blueprint line that set it, where not ``origin`` (an override)
    field_origins: Mapping[str, Location] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", ref_of(self.body))

    def origin_at(self, path: str) -> Location | None:
        """Where the field at ``path`` (or the object, for "") was set: the longest field origin above it."""
        return origin_at(self.origin, self.field_origins, path)


def origin_at(origin: Location | None, field_origins: Mapping[str, Location], path: str) -> Location | None:
    best = ""
    for key in field_origins:
        if (path == key or path.startswith((f"{key}.", f"{key}["))) and len(key) > len(best):
            best = key
    return field_origins[best] if best else origin
