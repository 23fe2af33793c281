"""The report's on-disk caches (under the user cache folder): one JSON file per key, written atomically.

``changes/<sha>-<root>.json``: one commit of the change log.  ``sections/<inputs>.json``: inventory,
access, capacity and posture for one state of the blueprints (the render cache's input fingerprint:
gitops-gen's version, gitops.yaml and every blueprint file's bytes), one ``--env`` selection and one
day (the posture's exceptions expire by the day).  Any entry may be deleted; a damaged one is recomputed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from gitops_gen import __version__
from gitops_gen.base.errors import InputError
from gitops_gen.base.inputs import read_input
from gitops_gen.report.model import Capacity, Deployed, Exception_, Grant, Posture, Quota

FORMAT = 1
MAX_ENTRY_BYTES = 256 << 20

Sections = tuple[tuple[Deployed, ...], tuple[Grant, ...], Capacity, Posture]


def read(path: Path | None) -> dict[str, Any] | None:
    """The entry at ``path`` when it was written by this gitops-gen in this format, else None."""
    if path is None or not path.is_file():
        return None
    try:
        doc = json.loads(read_input(path, limit=MAX_ENTRY_BYTES))
    except (InputError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != __version__:
        return None
    return doc


def write(path: Path | None, body: dict[str, Any]) -> None:
    """Write an entry (a cache that cannot be written only costs time)."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"format": FORMAT, "version": __version__, **body}, out)
        os.replace(tmp, path)
    except OSError:
        pass


def sections_from(doc: dict[str, Any]) -> Sections | None:
    try:
        cap, post = doc["capacity"], doc["posture"]
        return (tuple(Deployed(*d) for d in doc["inventory"]), tuple(Grant(*g) for g in doc["access"]),
                Capacity(tuple(Quota(**q) for q in cap["quotas"]), cap["per_cluster"], cap["per_tier"],
                         {k: tuple(v) for k, v in cap["cost_centres"].items()},
                         tuple((a, b) for a, b in cap["unlabelled"])),
                Posture(post["by_rule"], tuple(Exception_(**e) for e in post["exceptions"]), post["today"]))
    except (KeyError, TypeError, ValueError):
        return None
