"""The chart cache: archives stored by their sha256 (``$GITOPS_GEN_CACHE_DIR/charts/sha256/<hex>.tgz``).

Content addressing makes the cache safe to share between repositories and revisions; the lock names
which digest each chart is.  Every read checks the bytes again: a file changed in the cache is refused
(exit 2, both digests named), as is an archive whose digest is not the lock's.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from gitops_gen.base.cachedir import user_cache_dir
from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.inputs import read_input
from gitops_gen.charts.lock import LOCK_FILE, ChartKey, Lock

MAX_ARCHIVE_BYTES = 64 << 20  # the largest public charts are a few MB


def cache_dir() -> Path:
    return user_cache_dir("charts")


def digest_of(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def path_of(digest: str, root: Path | None = None) -> Path:
    return (root or cache_dir()) / "sha256" / f"{digest.removeprefix('sha256:')}.tgz"


class DigestMismatch(InputError):
    def __init__(self, key: ChartKey, locked: str, found: str, where: str) -> None:
        super().__init__(f"chart {key}: {where} has digest {found}, {LOCK_FILE} says {locked}: refused "
                         "(if the new archive is trusted: `gitops-gen charts pull --relock`)", Location(LOCK_FILE))
        self.locked, self.found = locked, found


def archive(key: ChartKey, lock: Lock) -> Path | None:
    """The cached archive of ``key``, checked against the lock; None when it is not cached (or not locked)."""
    locked = lock.digests.get(key)
    if locked is None:
        return None
    path = path_of(locked)
    if not path.is_file():
        return None
    found = digest_of(read_input(path, str(path), MAX_ARCHIVE_BYTES))
    if found != locked:
        raise DigestMismatch(key, locked, found, f"the cached archive {path}")
    return path


def store(data: bytes) -> Path:
    """Put ``data`` in the cache under its digest (atomically: a reader never sees half a file)."""
    path = path_of(digest_of(data))
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".part-")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
