"""Objects from files: ``kubectl get -o yaml`` / ``-o json`` dumps, ``List``s, multi-document YAML, folders.

Used for ``--live-from`` (an offline snapshot of a cluster) and ``--desired``
(any manifests).  Every object comes back as a ``Manifest`` whose ``origin``
is the file and the line its document starts on.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gitops_gen.errors import InputError, Location
from gitops_gen.inputs import read_text
from gitops_gen.manifest import Manifest
from gitops_gen.yamlio import YamlError, load_documents, load_json

SUFFIXES = (".yaml", ".yml", ".json")
_TOOL_CONFIG_GROUPS = ("kustomize.config.k8s.io",)  # kustomization files sit beside manifests


def files_under(path: Path) -> list[Path]:
    if not path.exists():
        raise InputError(f"no such file or folder: {path}")
    if path.is_dir():
        found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in SUFFIXES)
        if not found:
            raise InputError(f"no .yaml, .yml or .json files under {path}")
        return found
    return [path]


def load_objects(path: Path) -> tuple[Manifest, ...]:
    """Every Kubernetes object in ``path`` (a file or a folder searched recursively)."""
    return tuple(m for file in files_under(path) for m in _load_file(file, alone=not path.is_dir()))


def _load_file(file: Path, alone: bool) -> Iterator[Manifest]:
    name = str(file)
    text = read_text(file)  # regular files only, within a byte cap
    documents = list(_documents(text, name))
    if alone and not documents:  # an empty cluster is `kind: List` with `items: []`, not an empty file
        raise InputError("holds no YAML or JSON document: an empty file is not an empty cluster",
                         Location(name, 1, 1))
    for doc, line in documents:
        yield from _objects(doc, Location(name, line))


def _documents(text: str, name: str) -> Iterator[tuple[Any, int]]:
    if text.lstrip().startswith(("{", "[")):
        try:
            yield load_json(text, name), 1
            return
        except YamlError:
            if name.endswith(".json"):
                raise
    for parsed in load_documents(text, name, strict=True):  # kubectl's strict decoding: a repeated key is an error
        yield parsed.value, parsed.line


def _objects(doc: Any, where: Location) -> Iterator[Manifest]:
    if doc is None:
        return
    if isinstance(doc, list):  # a bare JSON array of objects
        for item in doc:
            yield from _objects(item, where)
        return
    if not isinstance(doc, dict):
        raise InputError("expected a Kubernetes object (a mapping)", where)
    kind = str(doc.get("kind") or "")
    if isinstance(doc.get("items"), list) and kind.endswith("List"):
        item_kind = kind[: -len("List")]  # "DeploymentList" items come without kind
        for item in doc["items"]:
            if isinstance(item, dict) and item_kind and not item.get("kind"):
                item = {"apiVersion": doc.get("apiVersion", ""), "kind": item_kind, **item}
            yield from _objects(item, where)
        return
    api_version = str(doc.get("apiVersion") or "")
    if api_version.split("/")[0] in _TOOL_CONFIG_GROUPS:
        return
    name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
    missing = [f for f, v in (("apiVersion", api_version), ("kind", kind), ("metadata.name", name)) if not v]
    if missing:
        raise InputError(f"object without {', '.join(missing)}", where)
    yield Manifest(doc, origin=where, path=where.file)
