"""Kustomize bases and overlays computed from object sets (pure).

A base holds one file per object.  An overlay is described by the objects it
must produce; the difference to its parent becomes JSON 6902 patches (changed
objects), new resource files (added objects) and ``$patch: delete`` strategic
merge patches (removed objects).  Real ``kustomize build`` of every layer
therefore yields exactly the objects computed here (tests prove it).
"""

from __future__ import annotations

import dataclasses
import posixpath
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.errors import Location
from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.render.common import file_name


@dataclass(frozen=True)
class LayerFile:
    """A file of a layer before serialisation: YAML data, the objects it declares, where it came from."""

    path: str
    data: Any
    manifests: tuple[Manifest, ...]
    origin: Location | None


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def json_patch(old: Any, new: Any, pointer: str = "") -> list[dict[str, Any]]:
    """RFC 6902 operations turning ``old`` into ``new``: maps recurse, anything else is replaced whole."""
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        ops: list[dict[str, Any]] = []
        for key in sorted(old):
            if key not in new:
                ops.append({"op": "remove", "path": f"{pointer}/{_escape(key)}"})
        for key in sorted(new):
            sub = f"{pointer}/{_escape(key)}"
            if key not in old:
                ops.append({"op": "add", "path": sub, "value": new[key]})
            elif old[key] != new[key]:
                ops.extend(json_patch(old[key], new[key], sub))
        return ops
    return [] if old == new else [{"op": "replace", "path": pointer, "value": new}]


def _target(ref: ObjectRef) -> dict[str, str]:
    group, _, version = ref.api_version.rpartition("/")
    target = {"group": group, "version": version, "kind": ref.kind, "name": ref.name}
    if not group:
        del target["group"]
    if ref.namespace:
        target["namespace"] = ref.namespace
    return target


def base_layer(folder: str, objects: Sequence[Manifest]) -> list[LayerFile]:
    files = [LayerFile(f"{folder}/{file_name(m.ref)}", m.body, (m,), m.origin) for m in objects]
    kustomization = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                     "resources": sorted(posixpath.basename(f.path) for f in files)}
    origin = objects[0].origin if objects else None
    return [LayerFile(f"{folder}/kustomization.yaml", kustomization, (), origin), *files]


def overlay_layer(folder: str, parent: str, parent_objects: Sequence[Manifest],
                  objects: Sequence[Manifest], origin: Location | None) -> list[LayerFile]:
    """An overlay in ``folder`` over the layer in ``parent`` that produces exactly ``objects``."""
    before = {m.ref: m for m in parent_objects}
    after = {m.ref: m for m in objects}
    files: list[LayerFile] = []
    patches: list[dict[str, Any]] = []
    resources = [posixpath.relpath(parent, folder)]
    for ref in sorted(after):
        new = after[ref]
        if ref not in before:
            files.append(LayerFile(f"{folder}/{file_name(ref)}", new.body, (new,), new.origin))
            resources.append(file_name(ref))
            continue
        ops = json_patch(before[ref].body, new.body)
        if ops:
            name = "patch_" + file_name(ref)
            files.append(LayerFile(f"{folder}/{name}", ops, (new,), new.origin))
            patches.append({"path": name, "target": _target(ref)})
    for ref in sorted(set(before) - set(after)):
        name = "delete_" + file_name(ref)
        meta = {"name": ref.name, **({"namespace": ref.namespace} if ref.namespace else {})}
        files.append(LayerFile(f"{folder}/{name}", {"apiVersion": ref.api_version, "kind": ref.kind,
                                                    "metadata": meta, "$patch": "delete"}, (), origin))
        patches.append({"path": name})
    kustomization: dict[str, Any] = {"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                                     "resources": resources}
    if patches:
        kustomization["patches"] = patches
    return [LayerFile(f"{folder}/kustomization.yaml", kustomization, (), origin), *files]


@dataclass(frozen=True)
class Layers:
    files: list[LayerFile]
    folder: dict[tuple[str, str], str]  # (env, cluster) -> the layer an Application points at
    objects: dict[tuple[str, str], list[Manifest]]  # (env, cluster) -> what that layer builds, with .path set


def layered(folder: str, base: Sequence[Manifest], envs: Mapping[str, Sequence[Manifest]],
            clusters: Mapping[tuple[str, str], Sequence[Manifest]], origin: Location | None) -> Layers:
    """``folder``/base, overlays/<env> and, where a cluster differs from its env, clusters/<cluster>.

    Cluster layers are siblings, not children, of the env overlays: kustomize refuses a root that
    contains the root it came from."""
    files = base_layer(f"{folder}/base", base)
    for env, objects in envs.items():
        files += overlay_layer(f"{folder}/overlays/{env}", f"{folder}/base", base, objects, origin)
    chains: dict[tuple[str, str], list[str]] = {}
    for (env, cluster), objects in clusters.items():
        chain = [f"{folder}/overlays/{env}", f"{folder}/base"]
        if not _same(envs[env], objects):
            chain.insert(0, f"{folder}/clusters/{cluster}")
            files += overlay_layer(chain[0], chain[1], envs[env], objects, origin)
        chains[env, cluster] = chain
    defined_in = {(posixpath.dirname(f.path), m.ref): f.path for f in files for m in f.manifests}
    layers = Layers(files, {}, {})
    shared: dict[tuple[tuple[str, ...], int], list[Manifest]] = {}  # clusters alike share one (immutable) list
    for key, chain in chains.items():
        layers.folder[key] = chain[0]
        objects = clusters[key]
        memo = (tuple(chain), id(objects))
        if memo not in shared:
            shared[memo] = [
                dataclasses.replace(m, path=next((defined_in[k, m.ref] for k in chain if (k, m.ref) in defined_in),
                                                 ""))
                for m in objects]
        layers.objects[key] = shared[memo]
    return layers


def _same(a: Sequence[Manifest], b: Sequence[Manifest]) -> bool:
    if a is b:
        return True
    return {m.ref: m.body for m in a} == {m.ref: m.body for m in b}
