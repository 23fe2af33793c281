"""The files Argo CD will read: ``rendered/`` as written on disk, parsed, and the folders it syncs as-is.

Repo mode judges these bytes, not only the in-memory render: a written file no
YAML parser can read is an error at its line, and a file nobody rendered in a
folder Argo CD applies without Kustomize (``rendered/clusters/<cluster>/``, the
app-of-apps path, and every directory-type Application path: a folder without
a ``kustomization.yaml``) is a ``foreign-file`` error and is validated too, since
Argo CD will apply it.  Files in Kustomize folders that no ``kustomization.yaml``
lists are never applied and are left alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_gen import ownership
from gitops_gen.manifest import Manifest
from gitops_gen.render import ClusterTarget
from gitops_gen.render.common import RENDERED_DIR
from gitops_gen.validate.engine import Document
from gitops_gen.validate.findings import FOREIGN_FILE, Finding, Severity
from gitops_gen.validate.paths import SUFFIXES, expand_list, parse_stream

KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(frozen=True)
class Written:
    texts: Mapping[str, str]  # path relative to rendered/ -> text, for every readable manifest file
    documents: Mapping[str, tuple[Document, ...]]  # path -> its parsed documents (file: rendered/<path>)
    problems: tuple[Finding, ...]  # files that cannot be read or parsed


def read_written(out_dir: Path) -> Written:
    texts: dict[str, str] = {}
    documents: dict[str, tuple[Document, ...]] = {}
    problems: list[Finding] = []
    for rel, path in _files(out_dir):
        name = f"{RENDERED_DIR}/{rel}"
        try:
            with open(path, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as err:
            problems.append(Finding("invalid-document", Severity.ERROR, None, f"cannot read: {err}", file=name))
            continue
        texts[rel] = text
        documents[rel] = tuple(d for doc in parse_stream(text, name, False, problems) for d in expand_list(doc))
    return Written(texts, documents, tuple(problems))


def _files(out_dir: Path) -> Iterator[tuple[str, str]]:
    """Regular manifest files only (``ownership.scan`` never follows a symlink nor opens a pipe or device)."""
    files = ownership.scan(str(out_dir)).files
    for rel in sorted(files):
        if rel.endswith(SUFFIXES) and not any(part.startswith(".") for part in rel.split("/")):
            yield rel, files[rel]


def as_is_folders(
    targets: Sequence[ClusterTarget],
    desired: Mapping[str, Sequence[Manifest]],
    app_paths: Mapping[str, Sequence[tuple[str, bool]]],
    written: Written,
) -> dict[str, ClusterTarget]:
    """Folder (relative to rendered/) -> the cluster it is synced to, for every folder Argo CD reads as-is.

    ``app_paths``: cluster -> (folder, recurse) of each of its Applications' paths into rendered/.
    """
    folders: dict[str, ClusterTarget] = {}
    for target in targets:
        folders.setdefault(f"clusters/{target.cluster}", target)
        for folder, recurse in app_paths.get(target.cluster, ()):
            if any(f"{folder}/{k}" in written.texts for k in KUSTOMIZATIONS):
                continue  # Kustomize decides what is applied
            if recurse:
                for rel in written.texts:
                    if rel.startswith(f"{folder}/"):
                        folders.setdefault(rel.rsplit("/", 1)[0], target)
            folders.setdefault(folder, target)
    return folders


def foreign_files(
    written: Written, folders: Mapping[str, ClusterTarget], produced: set[str], owned_extra: set[str]
) -> Iterator[tuple[str, ClusterTarget]]:
    """Files in as-is folders that this render does not produce (and that are not its own leftovers)."""
    for rel in written.texts:
        folder = rel.rsplit("/", 1)[0] if "/" in rel else ""
        target = folders.get(folder)
        if target is not None and rel not in produced and rel not in owned_extra:
            yield rel, target


def foreign_finding(rel: str, target: ClusterTarget) -> Finding:
    message = (
        f"not rendered by gitops-gen, yet Argo CD applies every file of this folder to {target.cluster}: "
        "describe it in a blueprint or move it out of rendered/"
    )
    return Finding(FOREIGN_FILE, Severity.ERROR, None, message, file=f"{RENDERED_DIR}/{rel}", line=1)


def app_paths_of(body: Mapping[str, Any], rendered_paths: Sequence[str]) -> list[tuple[str, bool]]:
    """(folder, recurse) for each of an Application's paths into rendered/."""
    spec = body.get("spec") or {}
    sources = [spec["source"]] if isinstance(spec.get("source"), Mapping) else list(spec.get("sources") or ())
    recurse = any(bool((s.get("directory") or {}).get("recurse")) for s in sources if isinstance(s, Mapping))
    return [(path, recurse) for path in rendered_paths]
