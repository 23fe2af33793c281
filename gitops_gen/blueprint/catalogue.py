"""The names a repository defines (environments, clusters, tenants, add-ons), read cheaply for shell completion.

Completion runs the program on every TAB, often while a blueprint is half-typed: this reads each
blueprint file with the plain YAML reader, takes the names it can find and skips what it cannot read.
It never validates (that is ``load``'s job) and never raises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gitops_gen.base.errors import InputError
from gitops_gen.base.inputs import MAX_BLUEPRINT_BYTES, read_text
from gitops_gen.blueprint.load import blueprint_files, find_repo_root
from gitops_gen.yamlio.reader import load_plain

MAX_FILE_BYTES = MAX_BLUEPRINT_BYTES  # as the loader: a bigger file is not a blueprint


@dataclass(frozen=True)
class Catalogue:
    environments: tuple[str, ...] = ()
    tenants: tuple[str, ...] = ()
    addons: tuple[str, ...] = ()
    apps: tuple[str, ...] = ()  # tenants' apps
    clusters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # environment -> its clusters

    def clusters_of(self, environment: str | None = None) -> tuple[str, ...]:
        """Clusters of one environment, or of all of them (sorted, each once)."""
        if environment is not None:
            return self.clusters.get(environment, ())
        return tuple(sorted({c for names in self.clusters.values() for c in names}))


def read(start: Path | None = None) -> Catalogue:
    """The names in the repository at or above ``start`` (default: the working folder); empty when none."""
    try:
        root = find_repo_root(start if start is not None else Path.cwd())
        files = blueprint_files(root)
    except Exception:  # not inside a repository, unreadable folder: nothing to offer
        return Catalogue()
    environments: set[str] = set()
    tenants: set[str] = set()
    addons: set[str] = set()
    apps: set[str] = set()
    clusters: dict[str, set[str]] = {}
    for kind, path in files:
        for doc in _documents(path):
            name = _name(doc.get("metadata"))
            spec = doc.get("spec")
            spec = spec if isinstance(spec, dict) else {}
            if kind == "Environment" and name:
                environments.add(name)
                clusters.setdefault(name, set()).update(_names(spec.get("clusters")))
            elif kind == "Tenant" and name:
                tenants.add(name)
                apps.update(_names(spec.get("apps")))
            elif kind == "AddonStack":
                addons.update(_names(spec.get("addons")))
    return Catalogue(tuple(sorted(environments)), tuple(sorted(tenants)), tuple(sorted(addons)), tuple(sorted(apps)),
                     {env: tuple(sorted(names)) for env, names in clusters.items()})


def _documents(path: Path) -> list[dict[str, Any]]:
    try:  # the guarded reader: a named pipe or a device called *.yaml must not hang a TAB
        docs = load_plain(read_text(path, limit=MAX_FILE_BYTES))
    except (InputError, OSError):  # half-typed YAML, a binary file, a pipe, a file removed meanwhile
        return []
    return [d for d in docs if isinstance(d, dict)]


def _name(metadata: Any) -> str:
    name = metadata.get("name") if isinstance(metadata, dict) else None
    return name if isinstance(name, str) and name else ""


def _names(items: Any) -> Iterable[str]:
    if not isinstance(items, list):
        return ()
    return (item["name"] for item in items
            if isinstance(item, dict) and isinstance(item.get("name"), str) and item["name"])
