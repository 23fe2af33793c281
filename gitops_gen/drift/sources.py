"""Which dump holds which cluster (``--live-from``), decided before anything is read.

* ``--live-from CLUSTER=PATH`` (repeatable): that cluster's dump (a file, a folder, or a file with
  ``# cluster:`` parts, of which CLUSTER's is taken).
* ``--live-from PATH`` for one cluster: the whole file or folder.
* ``--live-from PATH`` for several clusters: a folder with one entry per cluster (``<cluster>/``,
  ``<cluster>.yaml|.yml|.json``), or one file whose parts are marked ``# cluster: NAME``
  (see ``live_dump.cluster_sections``).  A file that does not say whose objects it holds is refused:
  reading it as every cluster's would report the other clusters' objects as missing or extra.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.manifest import Manifest
from gitops_gen.drift.live_dump import SUFFIXES, Kind, cluster_marks, cluster_sections, load_objects

_NAMED = re.compile(r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?)=(.+)$")


@dataclass(frozen=True)
class Source:
    path: Path
    section: str | None = None  # the ``# cluster:`` part of a file that holds several clusters

    def __str__(self) -> str:
        return f"{self.path} (# cluster: {self.section})" if self.section else str(self.path)


def parse(values: Sequence[str]) -> tuple[Path | None, dict[str, Path]]:
    """The plain PATH (at most one) and the CLUSTER=PATH pairs; a value naming an existing path is a path."""
    plain: Path | None = None
    named: dict[str, Path] = {}
    for value in values:
        match = _NAMED.match(value)
        if match and not Path(value).exists():
            if match[1] in named:
                raise InputError(f"--live-from {value}: cluster {match[1]} has a dump already ({named[match[1]]})")
            named[match[1]] = Path(match[3])
        elif plain is not None:
            raise InputError(f"--live-from {value}: a second plain dump; name each cluster's with CLUSTER=PATH")
        else:
            plain = Path(value)
    return plain, named


def plan(values: Sequence[str], clusters: Sequence[str]) -> dict[str, Source]:
    """Each cluster's dump; InputError for a cluster without one or a dump that cannot tell."""
    plain, named = parse(values)
    unknown = sorted(set(named) - set(clusters))
    if unknown:
        raise InputError(f"--live-from {unknown[0]}=...: no cluster {unknown[0]} in this run "
                         f"(clusters: {', '.join(clusters)})")
    out: dict[str, Source] = {}
    rest = [c for c in clusters if c not in named]
    for cluster, path in named.items():
        out[cluster] = _named_source(cluster, path)
    if not rest:
        return out
    if plain is None:
        raise InputError(f"--live-from: no dump for cluster {rest[0]}: give --live-from {rest[0]}=PATH "
                         "(or a plain --live-from PATH for the others)")
    if not plain.exists():
        raise InputError(f"no such file or folder: {plain}")
    if plain.is_dir():
        for cluster in rest:
            out[cluster] = Source(_entry_for(plain, cluster, several=len(clusters) > 1))
        return out
    sections = cluster_marks(plain)
    if not sections:
        if len(clusters) > 1:
            raise InputError(
                f"one dump for {len(clusters)} clusters ({', '.join(clusters)}) that does not say which objects "
                "are whose: start each cluster's part with a `# cluster: NAME` line (or `--- # cluster: NAME`), "
                "or give --live-from CLUSTER=PATH for each", Location(str(plain)))
        return {**out, rest[0]: Source(plain)}
    for cluster in rest:
        _require(sections, cluster, plain)
        out[cluster] = Source(plain, cluster)
    return out


def _named_source(cluster: str, path: Path) -> Source:
    if not path.exists():
        raise InputError(f"--live-from {cluster}={path}: no such file or folder")
    if path.is_file() and (sections := cluster_marks(path)):
        _require(sections, cluster, path)
        return Source(path, cluster)
    return Source(path)


def _require(sections: Sequence[str], cluster: str, path: Path) -> None:
    if cluster not in sections:
        names = ", ".join(dict.fromkeys(sections))
        raise InputError(f"no `# cluster: {cluster}` part (it has: {names})", Location(str(path)))


def _entry_for(folder: Path, cluster: str, several: bool) -> Path:
    """PATH/<cluster>[.yaml|.yml|.json], or PATH itself for one cluster."""
    for candidate in (folder / cluster, *(folder / f"{cluster}{s}" for s in SUFFIXES)):
        if candidate.exists():
            return candidate
    if several:
        raise InputError(f"--live-from {folder}: several clusters need a folder or file named after each one "
                         f"(missing: {cluster}), or CLUSTER=PATH")
    return folder


# A run's several-cluster files, each parsed once: the objects and the listed kinds of each part.
Parsed = dict[Path, tuple[dict[str, tuple[Manifest, ...]], dict[str, set[Kind]]]]


def load(source: Source, parsed: Parsed) -> tuple[tuple[Manifest, ...], frozenset[Kind]]:
    """The objects of ``source`` and the kinds it holds a list of (``live_dump.load_objects``); a file with
    ``# cluster:`` parts is parsed into ``parsed`` the first time."""
    if source.section is None:
        listed: set[Kind] = set()
        return load_objects(source.path, listed), frozenset(listed)
    if source.path not in parsed:
        by_section: dict[str, set[Kind]] = {}
        parsed[source.path] = (cluster_sections(source.path, by_section) or {}, by_section)
    objects, kinds = parsed[source.path]
    return objects.get(source.section, ()), frozenset(kinds.get(source.section, ()))
