"""Write a Rendering to rendered/: deterministic, minimal and atomic, and never touching the user's files.

* Only files gitops-gen owns (their first line is exactly our header, see ``ownership``) are ever
  replaced or removed.  Anything else at a path a render writes stops the render, which names it.
* A run with nothing to change writes nothing (contents are compared byte for byte).
* Otherwise a complete new tree is staged beside rendered/ (unchanged and foreign entries hard-linked,
  folders with their modes, new files written) and swapped in with two renames, so a failure or an
  interruption part-way leaves the previous rendered/ exactly as it was.  A crash between the two
  renames is repaired by the next render; until then every reader reads the tree kept aside
  (``current_tree``).
* What another process writes into rendered/ while the new tree is staged lands in the old tree only:
  after the swap, every entry of the old tree the staging did not see is moved into the new one, and one
  at a path the render writes undoes the swap and refuses the render (``_carry_over``).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import posixpath
import shutil
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from gitops_gen.base import ownership
from gitops_gen.base.errors import GitopsGenError, InputError, one_or_all, os_error_text
from gitops_gen.render import Rendering


@dataclass(frozen=True)
class Plan:
    missing: tuple[str, ...]  # produced, not on disk
    stale: tuple[str, ...]  # ours on disk with other content
    extra: tuple[str, ...]  # ours on disk, no longer produced
    unchanged: int
    blocked: tuple[tuple[str, str], ...] = ()  # (produced path, why the user's entry there stops a render)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.stale or self.extra or self.blocked)


def current_tree(out_dir: Path) -> Path:
    """The tree to read as rendered/: after a crash between the two renames of a swap (rendered/ absent,
    the previous tree kept aside), the previous tree.  Every command that reads rendered/ goes through
    this; only a render (under its lock) repairs."""
    _, previous = _siblings(out_dir)
    return previous if not os.path.lexists(out_dir) and previous.is_dir() else out_dir


def _read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


def plan(rendering: Rendering, out_dir: Path) -> Plan:
    """Compare what the render produces with what is on disk; touches nothing, opens only regular files."""
    tree = ownership.scan(str(current_tree(out_dir)))
    missing, stale, blocked, unchanged = [], [], [], 0
    for f in rendering.files:
        if (reason := tree.blocker(f.path)) is not None:
            blocked.append((f.path, reason))
            continue
        path = tree.files.get(f.path)
        if path is None:
            missing.append(f.path)
        elif tree.sizes[f.path] == len(f.content) and _read(path) == f.content:
            unchanged += 1
        elif ownership.owned(path):
            stale.append(f.path)
        else:
            blocked.append((f.path, f"{f.path}: a file gitops-gen did not write (its first line is not "
                                    "the generated header) where gitops-gen writes one"))
    produced = {f.path for f in rendering.files}
    extra = [rel for rel, path in tree.files.items()
             if rel not in produced and rendering.owns(rel) and ownership.owned(path)]
    return Plan(tuple(missing), tuple(stale), tuple(sorted(extra)), unchanged, tuple(blocked))


def refusal(out_name: str, the_plan: Plan) -> InputError | None:
    """The error a render stops with when something of the user's is where it would write."""
    if not the_plan.blocked:
        return None
    errors = [InputError(f"{out_name}/{reason}; gitops-gen never replaces what it did not write: move it out "
                         f"of {out_name}/ (or delete it) and render again") for _, reason in the_plan.blocked]
    return one_or_all(errors)


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
    try:
        if previous.is_dir() and not os.path.lexists(out_dir):
            previous.rename(out_dir)
        for leftover in (previous, staging):
            if os.path.lexists(leftover):
                remove_tree(leftover)
    except OSError as err:
        raise _os_error(err, out_dir, "cannot repair the interrupted render: ",
                        f"; fix that, or remove {previous.name} and {staging.name} by hand") from None


def remove_tree(top: Path) -> None:
    """Remove a tree of ours (a staging tree or the previous tree kept aside); an error names the full
    path.  A folder the user made read-only is made writable first: only the folder, whose copy is
    ours; files are never changed (they may be hard links to the new tree's)."""
    if os.path.islink(top) or not top.is_dir():
        os.unlink(top)
        return
    if os.geteuid() != 0:  # modes do not stop root
        _open_up(str(top))
        for folder, dirs, _ in os.walk(top, onerror=_raise):  # top-down: each folder opened before entered
            for name in dirs:
                _open_up(os.path.join(folder, name))
    for folder, dirs, files in os.walk(top, topdown=False, onerror=_raise):
        for name in files:
            os.unlink(os.path.join(folder, name))
        for name in dirs:
            path = os.path.join(folder, name)
            os.unlink(path) if os.path.islink(path) else os.rmdir(path)
    os.rmdir(top)


def _open_up(path: str) -> None:
    mode = os.lstat(path).st_mode
    if stat.S_ISDIR(mode) and mode & stat.S_IRWXU != stat.S_IRWXU:
        os.chmod(path, stat.S_IMODE(mode) | stat.S_IRWXU)


def _raise(err: OSError) -> None:
    raise err


def _os_error(err: OSError, out_dir: Path, doing: str, after: str) -> GitopsGenError:
    """One line naming the path as the user knows it (rendered/…, not our hidden staging tree)."""
    staging, _ = _siblings(out_dir)
    where = err if err.filename is not None else OSError(err.errno, err.strerror, str(out_dir))
    return GitopsGenError(f"{doing}{os_error_text(where, out_dir.parent, (staging.name, out_dir.name))}{after}")


def _writable_folders(out_dir: Path, tree: ownership.Tree) -> None:
    """Before anything is written: every folder of the current tree must let us remove what it holds
    once the new tree is in (ours to make writable, or writable already); else stop and name it."""
    uid = os.geteuid()
    for rel in ["", *tree.folders]:
        path = os.path.join(out_dir, rel) if rel else str(out_dir)
        if os.access(path, os.W_OK | os.X_OK, follow_symlinks=False):
            continue
        if os.lstat(path).st_uid == uid and uid != 0:
            continue  # ours to chmod when removing the previous tree
        shown = f"{out_dir.name}/{rel}" if rel else f"{out_dir.name}/"
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            raise InputError(f"cannot write {shown}: Read-only file system; {out_dir.name}/ was left as it was")
        raise InputError(f"{shown}: Permission denied: a render replaces {out_dir.name}/ as a whole and could not "
                         "remove the old copy of this folder; make it writable (chmod u+w) and render again")


def _write_file(path: Path, content: bytes) -> None:
    with open(path, "wb") as handle:  # apply() made the folders
        handle.write(content)


def _link(src: str, dst: str) -> None:
    """The same entry in the new tree: a hard link (same inode, bytes and mode) of a file, a symlink, a
    named pipe; a copy only where the file system refuses hard links."""
    try:
        os.link(src, dst, follow_symlinks=False)
    except OSError:
        if os.path.islink(src):
            os.symlink(os.readlink(src), dst)
        elif stat.S_ISREG(os.lstat(src).st_mode):
            shutil.copy2(src, dst)
        else:
            raise


def apply(rendering: Rendering, out_dir: Path, the_plan: Plan,
          write_file: Callable[[Path, bytes], None] | None = None,
          before_swap: Callable[[], None] | None = None) -> None:
    """Make ``out_dir`` hold exactly what ``the_plan`` says, all at once or not at all.  ``before_swap``
    runs last before anything becomes visible and may raise to refuse (inputs changed meanwhile)."""
    write_file = write_file or _write_file
    if (refused := refusal(out_dir.name, the_plan)) is not None:
        raise refused
    if os.path.islink(out_dir) or (out_dir.exists() and not out_dir.is_dir()):
        raise InputError(f"{out_dir.name} is not a folder (a symlink or a file): gitops-gen replaces "
                         f"{out_dir.name}/ as a whole and will not replace it; make it a folder and render again")
    if before_swap is not None and the_plan.clean:
        before_swap()
    if the_plan.clean:
        return
    staging, previous = _siblings(out_dir)
    tree = ownership.scan(str(out_dir))
    if out_dir.exists():
        _writable_folders(out_dir, tree)
    changed = set(the_plan.missing) | set(the_plan.stale)
    kept = {rel: path for rel, path in tree.files.items() if rel not in changed and rel not in the_plan.extra}
    kept.update((rel, os.path.join(out_dir, rel)) for rel in tree.others)
    try:
        staging.mkdir()
        # Folders holding something, and the user's empty ones; each made once (a fleet has thousands).
        needed = {posixpath.dirname(rel) for rel in (*kept, *changed)} | tree.empty
        folders = {a for rel in needed if rel for a in _ancestors(rel)}
        for folder in sorted(folders):
            os.mkdir(staging / folder)
        for rel, path in kept.items():
            _link(path, os.path.join(staging, rel))
        for f in rendering.files:
            if f.path in changed:
                write_file(staging / f.path, f.content)
        for folder in sorted(folders & tree.folders.keys(), reverse=True):  # deepest first: 0500 ones too
            os.chmod(staging / folder, stat.S_IMODE(tree.folders[folder]))
        if out_dir.exists():
            os.chmod(staging, stat.S_IMODE(out_dir.stat().st_mode))
        if before_swap is not None:
            before_swap()
        if out_dir.exists():
            out_dir.rename(previous)
        staging.rename(out_dir)
        if os.path.lexists(previous):
            _carry_over(out_dir, previous, staging, tree)
    except BaseException as err:
        if previous.exists() and not out_dir.exists():
            previous.rename(out_dir)
        with contextlib.suppress(OSError):
            remove_tree(staging)
        if isinstance(err, OSError):
            raise _os_error(err, out_dir, "cannot write ", f"; {out_dir.name}/ was left as it was") from None
        raise
    try:
        if os.path.lexists(previous):
            remove_tree(previous)
    except OSError as err:  # checked beforehand (_writable_folders): only a race gets here; never hidden
        raise _os_error(err, out_dir, f"{out_dir.name}/ holds the new render, but the old copy could not be "
                        "removed: ", f"; remove {previous.name} by hand") from None


def _carry_over(out_dir: Path, previous: Path, staging: Path, seen: ownership.Tree) -> None:
    """Move into the new tree what was written into the old one after ``seen`` was scanned (user files
    saved during the render); one at a path the new tree holds undoes the swap: the render is refused."""
    late = ownership.scan(str(previous))
    entries = [rel for rel in (*late.files, *late.others) if seen.inodes.get(rel) != late.inodes[rel]]
    taken = sorted(rel for rel in entries if os.path.lexists(out_dir / rel))
    if taken:
        out_dir.rename(staging)  # the except of apply() puts the old tree back and removes this one
        shown = ", ".join(f"{out_dir.name}/{rel}" for rel in taken[:3]) + (f" and {len(taken) - 3} more"
                                                                          if len(taken) > 3 else "")
        raise InputError(f"{out_dir.name}/ changed during the render ({shown} written where the render writes): "
                         "nothing was written, your files are as you left them; render again")
    for folder in sorted(set(late.folders) - set(seen.folders)):
        os.makedirs(out_dir / folder, exist_ok=True)
    for rel in entries:
        os.makedirs((out_dir / rel).parent, exist_ok=True)
        os.rename(previous / rel, out_dir / rel)


def _ancestors(rel: str) -> Iterator[str]:
    parts = rel.split("/")
    for depth in range(1, len(parts) + 1):
        yield "/".join(parts[:depth])
