"""The no-op shortcut: skip the render when neither the inputs nor rendered/ changed since the last one.

After a successful render we record a fingerprint of every input (gitops-gen's
version, gitops.yaml and each blueprint file's bytes) and the size and mtime of
every file under rendered/.  The next `render` hashes the inputs again (a few
hundred small files) and stats rendered/; when everything matches, there is
nothing to do and nothing is rendered or written.  Any difference -- an edited
blueprint, a touched or deleted output file, a new file, another gitops-gen
version, other `--env` flags -- means a full render.  `render --check` never
trusts the cache: CI always compares real bytes.  The cache lives in
`.gitops-gen/` (which ignores itself in git) and may be deleted at any time.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

from gitops_gen import __version__
from gitops_gen.base.errors import InputError
from gitops_gen.base.inputs import MAX_BLUEPRINT_BYTES, read_input
from gitops_gen.blueprint.load import CRD_SUFFIXES, SETTINGS_FILE, blueprint_files
from gitops_gen.yamlio.reader import load_plain

CACHE_DIR = ".gitops-gen"
CACHE_FILE = "render-cache.json"
FORMAT = 1


def fingerprint(root: Path, envs: Sequence[str]) -> str:
    digest = hashlib.sha256(f"{FORMAT}\0{__version__}\0{','.join(sorted(envs))}\0".encode())
    # charts.lock: a hydrated add-on's files are the chart archive's output, and the lock names the archive
    for path in [root / SETTINGS_FILE, root / "charts.lock", *(p for _, p in blueprint_files(root))]:
        if path.name == "charts.lock" and not path.exists():
            continue
        try:
            content = read_input(path, limit=MAX_BLUEPRINT_BYTES)  # a named pipe must not block: refused
        except InputError:
            content = b"\0unreadable"  # the loader reports why
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(str(path.resolve()).encode() + b"\0")  # where it really is: symlinks, moved repos
        digest.update(hashlib.sha256(content).digest())
    for crd in _crd_files(root):  # CRDs decide which custom kinds get a namespace: a changed one re-renders
        stat = crd.stat()
        digest.update(f"{crd.relative_to(root).as_posix()}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _crd_files(root: Path) -> list[Path]:
    try:
        settings = load_plain(read_input(root / SETTINGS_FILE, limit=MAX_BLUEPRINT_BYTES).decode("utf-8"))
        dirs = (settings[0].get("spec") or {}).get("crdDirs") or []
    except (InputError, UnicodeDecodeError, AttributeError, IndexError, TypeError):
        return []  # the loader reports a broken gitops.yaml
    folders = [root / d for d in dirs if isinstance(d, str) and (root / d).is_dir()]
    return sorted(p for f in folders for p in f.rglob("*") if p.suffix in CRD_SUFFIXES and p.is_file())


def _snapshot(out_dir: Path) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    top = str(out_dir)
    for folder, _, files in os.walk(top):
        for name in files:
            path = os.path.join(folder, name)
            st = os.lstat(path)
            found[os.path.relpath(path, top)] = [st.st_size, st.st_mtime_ns]
    return found


def _cache_path(root: Path) -> Path:
    return root / CACHE_DIR / CACHE_FILE


def unchanged(root: Path, out_dir: Path, inputs: str) -> int | None:
    """The number of files when nothing changed since the recorded render, else None."""
    try:
        state = json.loads(_cache_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(state, dict) or state.get("inputs") != inputs or not out_dir.is_dir():
        return None
    files = state.get("files")
    if files != _snapshot(out_dir):
        return None
    return len(files)


def save(root: Path, out_dir: Path, inputs: str) -> None:
    """Record the render just written; a failure here only costs the next run its shortcut."""
    folder = root / CACHE_DIR
    try:
        folder.mkdir(exist_ok=True)
        (folder / ".gitignore").write_text("# local cache of gitops-gen; safe to delete\n*\n", encoding="utf-8")
        tmp = folder / f"{CACHE_FILE}.tmp"
        tmp.write_text(json.dumps({"inputs": inputs, "files": _snapshot(out_dir)}), encoding="utf-8")
        tmp.replace(folder / CACHE_FILE)
    except OSError:
        pass
