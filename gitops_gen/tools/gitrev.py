"""Read Git revisions of the repository: the module that owns gitpython.

Read-only by construction: revisions are resolved with ``rev-parse`` and
``merge-base`` and files are read from the object database.  Nothing here
checks out, stashes, resets or refreshes the index (``GIT_OPTIONAL_LOCKS=0``
keeps even git's opportunistic index refresh away), so the user's checkout,
index and HEAD are exactly as they were.

The default branch, for the default ``--base``: ``origin/HEAD`` (what the
remote says), then ``origin/main``, ``origin/master`` (what was last fetched),
then the local ``main``, ``master`` (a repository without a remote).
"""

from __future__ import annotations

import hashlib
import itertools
import os
import posixpath
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import git
from git.exc import BadName, GitCommandError, InvalidGitRepositoryError, NoSuchPathError

from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.inputs import within

DEFAULT_BRANCH_CANDIDATES = ("origin/HEAD", "origin/main", "origin/master", "main", "master")
_SYMLINK_MODE = 0o120000


@dataclass(frozen=True)
class Revision:
    """A commit, as the user named it and as Git knows it."""

    name: str
    sha: str

    @property
    def short(self) -> str:
        return self.sha[:12]


@dataclass(frozen=True)
class LoggedCommit:
    """One commit of ``Checkout.history``: who, when, what it says, and the files it changed (path -> new
    blob id, None when deleted; paths relative to the gitops-gen root)."""

    sha: str
    parents: tuple[str, ...]
    author: str
    date: str
    message: str
    changed: dict[str, str | None]


class Checkout:
    """The Git repository holding a gitops-gen root (which may be a subfolder of it)."""

    def __init__(self, repo: git.Repo, prefix: str) -> None:
        self._repo = repo
        self.prefix = prefix  # the gitops-gen root relative to the top of the work tree, posix ("" at the top)

    def resolve(self, ref: str) -> Revision:
        """The commit ``ref`` names; an unknown revision is an input error naming it."""
        if not ref or ref.startswith("-"):
            raise InputError(f"unknown revision {ref!r}")
        try:  # git's own parser: reflog dates (HEAD@{yesterday}), HEAD:path and what gitpython lacks
            sha = self._repo.git.rev_parse("--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}").strip()
        except GitCommandError:
            raise InputError(f"unknown revision {ref!r} (not a commit in {self._repo.working_dir}){self._shallow()}"
                             ) from None
        return Revision(ref, sha)

    def _shallow(self) -> str:
        try:
            shallow = self._repo.git.rev_parse("--is-shallow-repository").strip() == "true"
        except GitCommandError:
            shallow = False
        return ("; this clone is shallow, so older commits are not in it: fetch the history "
                "(`git fetch --unshallow`, or `fetch-depth: 0` in CI)") if shallow else ""

    def default_branch(self) -> str:
        for name in DEFAULT_BRANCH_CANDIDATES:
            try:
                self._repo.rev_parse(f"{name}^{{commit}}")
            except (BadName, ValueError, GitCommandError, IndexError):
                continue
            return name
        raise InputError("cannot find the default branch (tried " + ", ".join(DEFAULT_BRANCH_CANDIDATES)
                         + "): give --base REF")

    def merge_base(self, ref: str, of: str = "HEAD") -> Revision:
        """The merge-base of ``of`` (HEAD) and ``ref``: where the branch left it."""
        other = self.resolve(ref)
        head = self.resolve(of)
        try:
            bases = self._repo.merge_base(head.sha, other.sha)
        except GitCommandError:
            bases = []
        if not bases:
            raise InputError(f"{of} and {ref} have no common ancestor (a shallow clone? fetch the full "
                             "history, e.g. `fetch-depth: 0`), or give --base REF")
        return Revision(f"merge-base of {of} and {ref}", bases[0].hexsha)

    def has(self, revision: Revision, path: str) -> bool:
        try:
            self._repo.commit(revision.sha).tree[self._path(path)]
        except KeyError:
            return False
        return True

    def materialise(self, revision: Revision, parts: Sequence[str], dest: Path, limit: int) -> None:
        """Write the files under ``parts`` (paths relative to the gitops-gen root) at ``revision`` into
        ``dest``, a fresh folder.  A blob larger than ``limit`` is refused by its size, before it is read.
        Symlinks stay symlinks; once all are written, one whose real path leaves ``dest`` is refused (a
        chain of links that each look in-repo, ``up -> ..`` then ``x -> up/etc``, included)."""
        top = dest.resolve()
        links: list[tuple[Path, str]] = []
        for part in parts:
            for path, (mode, sha) in self._listing(revision, part).items():
                rel = posixpath.normpath(posixpath.relpath(path, self.prefix) if self.prefix else path)
                if rel.startswith(("../", "/")) or rel == "..":
                    continue  # git refuses such paths; a crafted object must not write outside dest
                where = Location(f"{revision.short}:{rel}", 1, 1)
                target = top / rel
                within(target.parent, top, where.file)  # a folder on the way may be a link written before
                target.parent.mkdir(parents=True, exist_ok=True)
                binary = bytes.fromhex(sha)
                size = self._repo.odb.info(binary).size
                if size > limit:
                    raise InputError(f"file is larger than {limit:,} bytes ({size:,} at this revision): refused "
                                     "as input", where)
                data = self._repo.odb.stream(binary).read()
                if mode == _SYMLINK_MODE:
                    os.symlink(data.decode("utf-8", "replace"), target)
                    links.append((target, where.file))
                else:
                    target.write_bytes(data)
        for link, name in links:
            within(link, top, name)

    def _listing(self, revision: Revision, part: str) -> dict[str, tuple[int, str]]:
        """Repository path -> (mode, blob id) of every file at or under ``part`` (submodules left out)."""
        try:
            listing = self._repo.git.ls_tree("-r", "-z", "--full-tree", revision.sha, "--", self._path(part))
        except GitCommandError:
            return {}
        out: dict[str, tuple[int, str]] = {}
        for entry in listing.split("\0"):
            if entry:
                meta, _, path = entry.partition("\t")
                mode, kind, sha = meta.split()
                if kind == "blob":
                    out[path] = (int(mode, 8), sha)
        return out

    def blob_ids(self, revision: Revision, folder: str) -> dict[str, str]:
        """Path (relative to ``folder``) -> Git blob id of every file under ``folder`` at ``revision``."""
        base = self._path(folder) + "/"
        return {path[len(base):]: sha for path, (mode, sha) in self._listing(revision, folder).items()
                if mode != _SYMLINK_MODE and path.startswith(base)}

    def history(self, since: str, parts: Sequence[str], head: str = "HEAD") -> list[LoggedCommit]:
        """The commits on ``head``'s first-parent line since ``since`` (any date git reads) that changed
        something under ``parts``, oldest first, each with the files it changed against its first parent."""
        if since.startswith("-"):
            raise InputError(f"--since {since!r}: not a date")
        try:
            out = self._repo.git.log("--first-parent", "--reverse", "--no-renames", "--raw", "--no-abbrev", "-m",
                                     "-z", f"--since={since}", "--format=\x1e%H%x00%P%x00%an <%ae>%x00%cI%x00%B%x00",
                                     head, "--", *(self._path(p) for p in parts))
        except GitCommandError as err:
            raise InputError(f"git log failed: {str(err.stderr).strip() or err}") from None
        return [commit for entry in out.split("\x1e") if (commit := self._logged(entry))]

    def _logged(self, entry: str) -> LoggedCommit | None:
        fields = entry.lstrip("\n").split("\0")
        if len(fields) < 5 or not fields[0]:
            return None
        sha, parents, author, date, message = fields[:5]
        changed: dict[str, str | None] = {}
        rest = fields[5:]
        for meta, path in itertools.pairwise(rest):  # ":<mode> <mode> <blob> <blob> <status>", path
            if not meta.strip().startswith(":"):
                continue
            _, mode, _, new, status = meta.split()[:5]
            rel = posixpath.relpath(path, self.prefix) if self.prefix else path
            changed[rel] = None if status.startswith("D") or mode == "160000" else new
        return LoggedCommit(sha, tuple(parents.split()), author, date, message.strip(), changed)

    def files(self, revision: str, parts: Sequence[str]) -> dict[str, str]:
        """Path (relative to the gitops-gen root) -> blob id of every file under ``parts`` at ``revision``."""
        out: dict[str, str] = {}
        for part in parts:
            for path, (mode, sha) in self._listing(Revision(revision, revision), part).items():
                if mode != _SYMLINK_MODE:
                    out[posixpath.relpath(path, self.prefix) if self.prefix else path] = sha
        return out

    def blob(self, sha: str) -> bytes:
        data: bytes = self._repo.odb.stream(bytes.fromhex(sha)).read()
        return data

    def head_sha(self) -> str:
        return str(self._repo.head.commit.hexsha)

    def _path(self, rel: str) -> str:
        return posixpath.join(self.prefix, rel) if self.prefix else rel


def blob_id(content: bytes) -> str:
    """The id Git gives a file with ``content``: compares a render with a commit without reading blobs."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()


def untracked(root: Path, paths: Sequence[str]) -> list[str] | None:
    """Which of ``paths`` (relative to ``root``) Git does not track yet; None outside a Git work tree."""
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        return None
    try:
        if repo.bare or repo.working_tree_dir is None:
            return None
        repo.git.update_environment(GIT_OPTIONAL_LOCKS="0")
        tops = sorted({p.split("/", 1)[0] for p in paths})  # a few folders: thousands of paths overflow argv
        tracked = set(repo.git.ls_files("-z", "--full-name", "--", *tops).split("\0")) if paths else set()
        prefix = root.resolve().relative_to(Path(repo.working_tree_dir).resolve()).as_posix()
        full = {p: p if prefix == "." else f"{prefix}/{p}" for p in paths}
        return [p for p in paths if full[p] not in tracked]
    except GitCommandError:
        return None
    finally:
        repo.close()


@contextmanager
def open_checkout(root: Path, why: str = "`diff` compares Git revisions") -> Iterator[Checkout]:
    """The Git repository around ``root``; its helper processes end with the block (``why``: what the
    command needs Git for, said when there is none)."""
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (InvalidGitRepositoryError, NoSuchPathError):
        raise InputError(f"{root} is not inside a Git repository: {why}") from None
    try:
        repo.git.update_environment(GIT_OPTIONAL_LOCKS="0")  # never let a read refresh the user's index
        if repo.bare or repo.working_tree_dir is None:
            raise InputError(f"{root} is in a bare Git repository: `diff` needs a work tree")
        top = Path(repo.working_tree_dir).resolve()
        prefix = root.resolve().relative_to(top).as_posix()
        yield Checkout(repo, "" if prefix == "." else prefix)
    finally:
        repo.close()
