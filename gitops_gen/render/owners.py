"""Which Application deploys which rendered object: the one reading of Applications' paths into rendered/.

An Application whose source is a folder of rendered/ deploys that folder's *unit* as a whole: the
folder above its Kustomize layers (``tenants/t/overlays/prod`` and ``tenants/t/clusters/c`` both
deploy ``tenants/t``: base, overlays and cluster layer).  An object belongs to the Application of the
deepest unit holding the file it was rendered to.  ``validate`` (GG204, one owner), ``diff`` (objects
listed under their Application) and ``drift`` (owner and next step) all ask here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any, TypeVar

from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.base.repourl import same_repo
from gitops_gen.render.common import RENDERED_DIR

LAYER_FOLDERS = ("base", "overlays", "clusters")  # below a unit folder: its Kustomize layers
APPLICATION = ("argoproj.io", "Application")
T = TypeVar("T")


def is_application(ref: ObjectRef) -> bool:
    return (ref.group, ref.kind) == APPLICATION


def rendered_paths(app: Mapping[str, Any], repo_url: str | None) -> Iterator[str]:
    """The folders of rendered/ an Application's sources name (relative to rendered/); ``repo_url``: only
    sources of this repository (None: any)."""
    spec = app.get("spec") or {}
    sources = [spec["source"]] if isinstance(spec.get("source"), Mapping) else list(spec.get("sources") or ())
    for source in sources:
        if not isinstance(source, Mapping):
            continue
        path = str(source.get("path") or "")
        if path.startswith(f"{RENDERED_DIR}/") and (repo_url is None or same_repo(str(source.get("repoURL") or ""),
                                                                                   repo_url)):
            yield path.removeprefix(f"{RENDERED_DIR}/").rstrip("/")


def unit_of(path: str) -> str:
    """The folder an Application deploys as a whole: ``tenants/t/clusters/c`` -> ``tenants/t``."""
    parts = path.strip("/").split("/")
    for index, part in enumerate(parts):
        if index and part in LAYER_FOLDERS:
            return "/".join(parts[:index])
    return "/".join(parts)


def units(objects: Iterable[Manifest], repo_url: str | None) -> dict[str, Manifest]:
    """Unit folder -> the Application deploying it (the first, when two name the same folder)."""
    out: dict[str, Manifest] = {}
    for app in objects:
        if is_application(app.ref):
            for path in rendered_paths(app.body, repo_url):
                out.setdefault(unit_of(path), app)
    return out


def owner_of(path: str, by_unit: Mapping[str, T]) -> T | None:
    """What ``by_unit`` holds for the deepest unit folder above the file ``path``, if any."""
    parts = path.split("/")[:-1]
    for depth in range(len(parts), 0, -1):
        found = by_unit.get("/".join(parts[:depth]))
        if found is not None:
            return found
    return None


def deployed_by(m: Manifest, by_unit: Mapping[str, T], by_name: Mapping[str, T]) -> T | None:
    """The Application deploying ``m``: a chart's object names its add-on's (``Manifest.owner``), a rendered
    object is found by the file it was rendered to."""
    if m.owner:
        return by_name.get(m.owner)
    return owner_of(m.path, by_unit) if m.path else None


def owned(objects: Iterable[Manifest], repo_url: str) -> dict[ObjectRef, list[ObjectRef]]:
    """Application -> every object it deploys (Applications themselves: by the app-of-apps holding them)."""
    objects = list(objects)
    apps: dict[str, list[ObjectRef]] = {}
    for app in objects:
        if is_application(app.ref):
            for path in rendered_paths(app.body, repo_url):
                apps.setdefault(unit_of(path), [])
    below: dict[str, set[ObjectRef]] = {unit: set() for unit in apps}
    for m in objects:
        parts = m.path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            folder = "/".join(parts[:depth])
            if folder in below:
                below[folder].add(m.ref)
    out: dict[ObjectRef, list[ObjectRef]] = {}
    by_name = {app.ref.name: app.ref for app in objects if is_application(app.ref)}
    for app in objects:
        if is_application(app.ref):
            for path in rendered_paths(app.body, repo_url):
                out.setdefault(app.ref, []).extend(r for r in below[unit_of(path)] if r != app.ref)
    for m in objects:  # a chart's objects: deployed by their add-on's Application (expanded, not written)
        if m.owner and m.owner in by_name:
            out.setdefault(by_name[m.owner], []).append(m.ref)
    return {app: sorted(set(refs)) for app, refs in out.items()}
