"""``charts.lock``: the sha256 of every chart archive the repository runs, committed beside gitops.yaml.

One entry per repoURL + name + version.  ``charts pull`` writes it; every command that reads the cache
checks each archive against it (``cache.archive``), so a changed archive is refused wherever it is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.inputs import MAX_BLUEPRINT_BYTES, read_text
from gitops_gen.yamlio import reader
from gitops_gen.yamlio.emit import dump_document

LOCK_FILE = "charts.lock"
HEADER = "# Written by `gitops-gen charts pull`: the sha256 of each chart archive. Commit it; never edit it.\n"


class ChartKey(tuple[str, str, str]):
    """(repoURL, name, version)."""

    __slots__ = ()

    def __new__(cls, repo_url: str, name: str, version: str) -> ChartKey:
        return super().__new__(cls, (repo_url.rstrip("/"), name, version))

    @property
    def repo_url(self) -> str:
        return self[0]

    @property
    def name(self) -> str:
        return self[1]

    @property
    def version(self) -> str:
        return self[2]

    def __str__(self) -> str:
        return f"{self[1]} {self[2]} ({self[0]})"


@dataclass(frozen=True)
class Lock:
    digests: Mapping[ChartKey, str]  # -> "sha256:<hex>"
    lines: Mapping[ChartKey, Location]


def read(root: Path) -> Lock:
    path = root / LOCK_FILE
    if not path.is_file():
        return Lock({}, {})
    text = read_text(path, LOCK_FILE, MAX_BLUEPRINT_BYTES * 8)
    docs = reader.load_documents(text, LOCK_FILE, strict=True)
    body = docs[0].value if docs else None
    if body is None:
        return Lock({}, {})
    if not isinstance(body, dict) or body.get("kind") != "ChartsLock" or not isinstance(body.get("charts"), list):
        raise InputError("not a charts lock (kind: ChartsLock with a charts list): run `gitops-gen charts pull "
                         "--relock`", Location(LOCK_FILE, 1, 1))
    digests: dict[ChartKey, str] = {}
    for entry in body["charts"]:
        fields = ("repoURL", "name", "version", "digest")
        if not isinstance(entry, dict) or not all(isinstance(entry.get(f), str) for f in fields):
            raise InputError(f"each chart entry needs {', '.join(fields)}", Location(LOCK_FILE, 1, 1))
        if not entry["digest"].startswith("sha256:"):
            raise InputError(f"digest {entry['digest']!r} is not sha256:<hex>", Location(LOCK_FILE, 1, 1))
        digests[ChartKey(entry["repoURL"], entry["name"], entry["version"])] = entry["digest"]
    return Lock(digests, {})


def text_of(digests: Mapping[ChartKey, str]) -> str:
    entries = [{"repoURL": k.repo_url, "name": k.name, "version": k.version, "digest": d}
               for k, d in sorted(digests.items())]
    return HEADER + dump_document({"apiVersion": "gitops-gen/v1", "kind": "ChartsLock", "charts": entries})
