"""The files Argo CD will read: ``rendered/`` as written on disk, parsed, and the folders it syncs as-is.

Repo mode judges these bytes, not only the in-memory render.  A written file
byte-identical to what the render produces holds exactly the objects validated
in memory (the emitter round-trips, property-tested), so only the files that
differ (stale, hand-edited) are read and parsed again: one no YAML parser can
read is an error at its line.  A file nobody rendered in a folder Argo CD
applies without Kustomize (``rendered/clusters/<cluster>/``, the app-of-apps
path, and every directory-type Application path: a folder without a
``kustomization.yaml``) is a ``foreign-file`` error and is validated too, since
Argo CD will apply it.  Files in Kustomize folders that no ``kustomization.yaml``
lists are never applied and are left alone.  Reading and parsing every file of
a 28,000-file fleet would cost seconds for nothing; listing the as-is folders
costs milliseconds.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_gen.base.errors import InputError
from gitops_gen.base.inputs import read_text
from gitops_gen.base.severity import Severity
from gitops_gen.render import ClusterTarget
from gitops_gen.render.common import RENDERED_DIR
from gitops_gen.validate.engine import Document
from gitops_gen.validate.findings import FOREIGN_FILE, Finding
from gitops_gen.validate.paths import SUFFIXES, expand_list, parse_stream
from gitops_gen.yamlio import reader

KUSTOMIZATIONS = ("kustomization.yaml", "kustomization.yml", "Kustomization")


@dataclass(frozen=True)
class Written:
    texts: Mapping[str, str]  # path relative to rendered/ -> text, for every readable manifest file
    documents: Mapping[str, tuple[Document, ...]]  # path -> its parsed documents (file: rendered/<path>)
    problems: tuple[Finding, ...]  # files that cannot be read or parsed


def read_written(out_dir: Path, paths: Iterable[str]) -> Written:
    """Read and parse the given files (paths relative to ``out_dir``); missing ones are skipped."""
    texts: dict[str, str] = {}
    documents: dict[str, tuple[Document, ...]] = {}
    problems: list[Finding] = []
    for rel in sorted(set(paths)):
        name = f"{RENDERED_DIR}/{rel}"
        if not os.path.lexists(out_dir / rel):
            continue
        try:
            text = read_text(out_dir / rel, name)  # regular files only, within a byte cap
        except InputError as err:
            problems.append(Finding("invalid-document", Severity.ERROR, None, err.message, file=name, line=1))
            continue
        texts[rel] = text
        documents[rel] = tuple(d for doc in parse_stream(text, name, False, problems) for d in expand_list(doc))
    return Written(texts, documents, tuple(problems))


def listed(out_dir: Path, folder: str) -> list[str]:
    """Regular manifest files directly in ``folder`` (relative to ``out_dir``), as a directory source reads.

    Never a symlink, pipe or device (like ``ownership.scan``): opening a FIFO would block the run.
    """
    try:
        with os.scandir(out_dir / folder) as entries:
            names = sorted(e.name for e in entries if e.is_file(follow_symlinks=False))
    except OSError:
        return []
    return [f"{folder}/{n}" for n in names if n.endswith(SUFFIXES) and not n.startswith(".")]


def as_is_folders(
    out_dir: Path, targets: Sequence[ClusterTarget], app_paths: Mapping[str, Sequence[tuple[str, bool]]]
) -> dict[str, ClusterTarget]:
    """Folder (relative to rendered/) -> the cluster it is synced to, for every folder Argo CD reads as-is.

    ``app_paths``: cluster -> (folder, recurse) of each of its Applications' paths into rendered/.
    """
    folders: dict[str, ClusterTarget] = {}
    for target in targets:
        folders.setdefault(f"clusters/{target.cluster}", target)
        for folder, recurse in app_paths.get(target.cluster, ()):
            if any((out_dir / folder / k).exists() for k in KUSTOMIZATIONS):
                continue  # Kustomize decides what is applied
            folders.setdefault(folder, target)
            if recurse:
                for sub, dirs, _ in os.walk(out_dir / folder):
                    dirs[:] = [d for d in dirs if not d.startswith(".")]
                    rel = os.path.relpath(sub, out_dir).replace(os.sep, "/")
                    folders.setdefault(rel, target)
    return folders


def foreign_files(
    out_dir: Path, folders: Mapping[str, ClusterTarget], produced: set[str], owned_extra: set[str]
) -> Iterator[tuple[str, ClusterTarget]]:
    """Files in as-is folders that this render does not produce (and that are not its own leftovers)."""
    for folder, target in sorted(folders.items()):
        for rel in listed(out_dir, folder):
            if rel not in produced and rel not in owned_extra:
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


def committed_documents(content: bytes) -> list[Any]:
    """The documents of a committed file of rendered/, ``[]`` when it does not parse (that is already a stale
    or invalid-document finding of its own)."""
    try:
        return [d for d in reader.load_plain(content.decode("utf-8")) if d is not None]
    except (InputError, UnicodeDecodeError):
        return []


def committed_object(content: bytes) -> Mapping[str, Any] | None:
    """The one object a committed file holds, or None (unparsable, empty, several documents)."""
    docs = committed_documents(content)
    return docs[0] if len(docs) == 1 and isinstance(docs[0], Mapping) else None
