"""``.Capabilities`` of one cluster, as Argo CD passes them to ``helm template`` (pure).

``--kube-version`` is the environment's ``kubernetesVersion``; ``--api-versions`` lists every API the
cluster serves: the built-in ones of that version (``gitops_gen/data/builtin_apis.json``, which
``validate.builtin_apis`` generates from the Kubernetes schemas) and every CRD the cluster gets, each as
``group/version`` and as ``group/version/Kind`` (Argo CD reads them from the cluster's discovery).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from importlib import resources
from typing import Any

CRD_KIND = "CustomResourceDefinition"


def kube_version(version: str) -> str:
    """``1.31`` -> ``v1.31.0`` (what ``--kube-version`` and ``.Capabilities.KubeVersion.Version`` hold)."""
    parts = version.removeprefix("v").split(".")
    return "v" + ".".join([*parts, "0", "0"][:3])


def _key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")[:2]
    return int(major), int(minor)


@functools.cache
def _builtin() -> tuple[tuple[str, str, str, str], ...]:
    text = (resources.files("gitops_gen") / "data" / "builtin_apis.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    out = []
    for key, (first, last) in data["apis"].items():
        api_version, kind = key.split(" ")
        if not kind.endswith("List"):  # discovery lists resources, not their list kinds
            out.append((api_version, kind, first, last))
    return tuple(out)


@functools.cache
def builtin(version: str) -> frozenset[str]:
    """The built-in APIs a cluster of ``version`` (``1.31``) serves, both spellings."""
    want = _key(version.removeprefix("v"))
    out: set[str] = set()
    for api_version, kind, first, last in _builtin():
        if _key(first) <= want <= _key(last):
            out.add(api_version)
            out.add(f"{api_version}/{kind}")
    return frozenset(out)


def is_crd(body: Mapping[str, Any]) -> bool:
    return body.get("kind") == CRD_KIND and str(body.get("apiVersion", "")).startswith("apiextensions.k8s.io/")


def of_crds(crds: Iterable[Mapping[str, Any]]) -> frozenset[str]:
    """``group/version`` and ``group/version/Kind`` of every served version of each CRD."""
    out: set[str] = set()
    for crd in crds:
        spec = crd.get("spec") or {}
        group, kind = spec.get("group"), (spec.get("names") or {}).get("kind")
        if not isinstance(group, str) or not isinstance(kind, str):
            continue
        for version in spec.get("versions") or ():
            if isinstance(version, Mapping) and version.get("served", True) and isinstance(version.get("name"), str):
                out.add(f"{group}/{version['name']}")
                out.add(f"{group}/{version['name']}/{kind}")
    return frozenset(out)
