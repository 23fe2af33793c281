"""Objects from files: ``kubectl get -o yaml`` / ``-o json`` dumps, ``List``s, multi-document YAML, folders.

Used for ``--live-from`` (an offline snapshot of a cluster) and ``--desired``
(any manifests).  Every object comes back as a ``Manifest`` whose ``origin``
is the file and the line its document starts on.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.inputs import read_text
from gitops_gen.base.manifest import Manifest
from gitops_gen.yamlio.reader import YamlError, load_documents, load_json

SUFFIXES = (".yaml", ".yml", ".json")
_CLUSTER_MARK = re.compile(r"^(?:---[ \t]*)?#[ \t]*cluster:[ \t]*([^\s#]+)[ \t]*$", re.MULTILINE)
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


Kind = tuple[str, str]  # (API group, kind): what a dump says it listed


def load_objects(path: Path, listed: set[Kind] | None = None) -> tuple[Manifest, ...]:
    """Every Kubernetes object in ``path`` (a file or a folder searched recursively).

    ``listed`` collects the kinds the dump holds a list of: those of its objects, and those of its typed
    lists (``kind: SecretList`` with ``items: []`` says there are none), so that a kind it never listed
    is known to be unread rather than absent from the cluster.
    """
    return tuple(m for file in files_under(path) for m in _load_file(file, alone=not path.is_dir(), listed=listed))


def kind_of(body: Any) -> Kind:
    api_version = str(body.get("apiVersion") or "")
    return (api_version.rpartition("/")[0], str(body.get("kind") or ""))


def cluster_sections(file: Path, listed: dict[str, set[Kind]] | None = None) -> dict[str, tuple[Manifest, ...]] | None:
    """One file holding several clusters, split at its ``# cluster: NAME`` lines; None without such lines.

    Each line (alone, or after a document's ``---``) says that the documents below it, up to the next
    such line, are that cluster's: ``for c in a b; do echo "--- # cluster: $c"; kubectl --context $c get
    ... -o yaml; done > dump.yaml`` makes one.  JSON has no comments: a JSON dump is one cluster's.
    """
    name = str(file)
    text = _read(file)
    marks = [(line, m[1]) for line, m in zip(_lines_below(text, [m.start() for m in _CLUSTER_MARK.finditer(text)]),
                                             _CLUSTER_MARK.finditer(text), strict=True)]
    if not marks:
        return None
    mark_lines = [line - 1 for line, _ in marks]  # _lines_below gives the line below: the mark's own is one up
    sections: dict[str, list[Manifest]] = {cluster: [] for _, cluster in marks}
    for doc, line in _documents(text, name):
        index = bisect.bisect_right(mark_lines, line) - 1
        if index < 0:
            raise InputError("objects before the first `# cluster: NAME` line: say which cluster they are from",
                             Location(name, line))
        kinds = listed.setdefault(marks[index][1], set()) if listed is not None else None
        sections[marks[index][1]].extend(_objects(doc, Location(name, line), kinds))
    return {cluster: tuple(objects) for cluster, objects in sections.items()}


def cluster_marks(file: Path) -> list[str]:
    """The clusters a file's ``# cluster: NAME`` lines name, in order, without parsing the YAML."""
    return [] if file.suffix == ".json" else [m[1] for m in _CLUSTER_MARK.finditer(_read(file))]


def _read(file: Path) -> str:
    return read_text(file)  # regular files only, within a byte cap: a pipe or /dev/zero is a located error


def _load_file(file: Path, alone: bool, listed: set[Kind] | None = None) -> Iterator[Manifest]:
    name = str(file)
    documents = list(_documents(_read(file), name))
    if alone and not documents:  # an empty cluster is `kind: List` with `items: []`, not an empty file
        raise InputError("holds no YAML or JSON document: an empty file is not an empty cluster",
                         Location(name, 1, 1))
    for doc, line in documents:
        yield from _objects(doc, Location(name, line), listed)


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


def _lines_below(text: str, offsets: list[int]) -> Iterator[int]:
    """The line below each offset (a document starts below its "---"), counting each newline once:
    counting from the top for every separator made a dump of n documents cost n² (issue 10)."""
    line, pos = 1, 0
    for at in offsets:
        line += text.count("\n", pos, at)
        pos = at
        yield line + 1


def _objects(doc: Any, where: Location, listed: set[Kind] | None = None) -> Iterator[Manifest]:
    if doc is None:
        return
    if isinstance(doc, list):  # a bare JSON array of objects
        for item in doc:
            yield from _objects(item, where, listed)
        return
    if not isinstance(doc, dict):
        raise InputError("expected a Kubernetes object (a mapping)", where)
    kind = str(doc.get("kind") or "")
    if isinstance(doc.get("items"), list) and kind.endswith("List"):
        item_kind = kind[: -len("List")]  # "DeploymentList" items come without kind
        if listed is not None and item_kind:
            listed.add(kind_of({"apiVersion": doc.get("apiVersion", ""), "kind": item_kind}))
        for item in doc["items"]:
            if isinstance(item, dict) and item_kind and not item.get("kind"):
                item = {"apiVersion": doc.get("apiVersion", ""), "kind": item_kind, **item}
            yield from _objects(item, where, listed)
        return
    api_version = str(doc.get("apiVersion") or "")
    if api_version.split("/")[0] in _TOOL_CONFIG_GROUPS:
        return
    name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
    missing = [f for f, v in (("apiVersion", api_version), ("kind", kind), ("metadata.name", name)) if not v]
    if missing:
        raise InputError(f"object without {', '.join(missing)}", where)
    if listed is not None:
        listed.add(kind_of(doc))
    yield Manifest(doc, origin=where, path=where.file)
