"""Write a Rendering to rendered/: deterministic, minimal and atomic.

* Only files gitops-gen owns (their first line is our header) are ever replaced or removed.
* A run with nothing to change writes nothing (contents are compared byte for byte).
* Otherwise a complete new tree is staged beside rendered/ (unchanged and foreign files hard-linked,
  new ones written) and swapped in with two renames, so a failure or interruption part-way leaves
  the previous rendered/ exactly as it was.  A crash between the two renames is repaired on the next run.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import posixpath
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gitops_gen.errors import GitopsGenError, InputError
from gitops_gen.inputs import read_input
from gitops_gen.render import Rendering
from gitops_gen.render.common import HEADER_PREFIX

_HEADER = HEADER_PREFIX.encode()


@dataclass(frozen=True)
class Plan:
    missing: tuple[str, ...]  # produced, not on disk
    stale: tuple[str, ...]  # on disk with other content
    extra: tuple[str, ...]  # owned by gitops-gen on disk, no longer produced
    unchanged: int

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra)


def _existing(out_dir: Path) -> dict[str, str]:
    """Relative posix path -> absolute path of every file under ``out_dir`` (plain strings: a fleet has
    tens of thousands of files and pathlib objects cost more than the reads)."""
    found: dict[str, str] = {}
    top = str(out_dir)
    for folder, dirs, files in os.walk(top):
        dirs.sort()
        rel_folder = os.path.relpath(folder, top).replace(os.sep, "/")
        prefix = "" if rel_folder == "." else rel_folder + "/"
        for name in files:
            found[prefix + name] = os.path.join(folder, name)
    return found


def _read(path: str) -> bytes | None:
    """The file's bytes; None for symlinks (never ours) and unreadable files."""
    if os.path.islink(path):
        return None
    try:
        return read_input(Path(path))  # a named pipe or device in rendered/ must not block or fill memory
    except InputError:
        return None


def plan(rendering: Rendering, out_dir: Path) -> Plan:
    """Compare what the render produces with what is on disk; touches nothing.  After a crash between the
    two renames, the previous tree is what is on disk (the next write puts it back)."""
    _, previous = _siblings(out_dir)
    existing = _existing(previous if previous.exists() and not out_dir.exists() else out_dir)
    missing, stale, unchanged = [], [], 0
    for f in rendering.files:
        path = existing.get(f.path)
        if path is None:
            missing.append(f.path)
        elif _read(path) != f.content:
            stale.append(f.path)
        else:
            unchanged += 1
    produced = {f.path for f in rendering.files}
    extra = [rel for rel, path in existing.items()
             if rel not in produced and rendering.owns(rel) and (_read(path) or b"").startswith(_HEADER)]
    return Plan(tuple(missing), tuple(stale), tuple(sorted(extra)), unchanged)


@contextlib.contextmanager
def exclusive(out_dir: Path) -> Iterator[None]:
    """Hold the repository's render lock (an flock on the folder holding rendered/: no lock file to
    leave behind), repairing an interrupted swap first.  A second render at the same time is refused
    rather than allowed to remove the first one's staging tree."""
    fd = os.open(out_dir.parent, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InputError(f"another gitops-gen is writing {out_dir}; try again when it has finished") from None
        recover(out_dir)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _siblings(out_dir: Path) -> tuple[Path, Path]:
    return (out_dir.with_name(f".{out_dir.name}.staging"), out_dir.with_name(f".{out_dir.name}.previous"))


def recover(out_dir: Path) -> None:
    """Finish or undo a swap that a crash interrupted, and drop leftover staging trees."""
    staging, previous = _siblings(out_dir)
    if previous.exists() and not out_dir.exists():
        previous.rename(out_dir)
    if previous.exists():
        shutil.rmtree(previous)
    if staging.exists():
        shutil.rmtree(staging)


def _write_file(path: Path, content: bytes) -> None:
    with open(path, "wb") as handle:  # apply() made the folders
        handle.write(content)


def _link_or_copy(src: str, dst: str) -> None:
    if os.path.islink(src):
        os.symlink(os.readlink(src), dst)
        return
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def apply(rendering: Rendering, out_dir: Path, the_plan: Plan,
          write_file: Callable[[Path, bytes], None] | None = None) -> None:
    """Make ``out_dir`` hold exactly what ``the_plan`` says, all at once or not at all."""
    write_file = write_file or _write_file
    if the_plan.clean:
        return
    if out_dir.exists() and not out_dir.is_dir():
        raise InputError(f"{out_dir} exists and is not a folder")
    staging, previous = _siblings(out_dir)
    changed = set(the_plan.missing) | set(the_plan.stale)
    dropped = set(the_plan.extra)
    try:
        staging.mkdir()
        kept = {rel: path for rel, path in _existing(out_dir).items() if rel not in changed and rel not in dropped}
        # Each folder once, not once per file: a fleet has tens of thousands of files in a few thousand folders.
        for folder in sorted({posixpath.dirname(rel) for rel in (*kept, *changed)} - {""}):
            os.makedirs(staging / folder, exist_ok=True)
        for rel, path in kept.items():
            _link_or_copy(path, os.path.join(staging, rel))
        for f in rendering.files:
            if f.path in changed:
                write_file(staging / f.path, f.content)
        if out_dir.exists():
            out_dir.rename(previous)
        staging.rename(out_dir)
    except BaseException as err:
        if previous.exists() and not out_dir.exists():
            previous.rename(out_dir)
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(err, OSError):
            raise GitopsGenError(f"cannot write {out_dir}: {err}; {out_dir.name}/ was left as it was") from None
        raise
    shutil.rmtree(previous, ignore_errors=True)
