"""The moments around the swap, inputs that change during a render, and a hostile file system.

Every failure here is the user's environment (exit 2, one line naming the path and the system's
reason), never an internal error, and rendered/ is left exactly as it was.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.cli import run
from gitops_gen.write import writer
from tests.conftest import require_tool, tree_digest

ROOT = os.geteuid() == 0


def _retarget(repo: Path, revision: str = "release-2") -> None:
    settings = repo / "gitops.yaml"
    settings.write_text(settings.read_text().replace("targetRevision: main", f"targetRevision: {revision}"))


def _hidden(repo: Path) -> list[str]:
    return sorted(p.name for p in repo.iterdir() if p.name.startswith(".rendered"))


# --- a kill between the two renames: rendered/ absent, the previous tree kept aside -----------------

def _killed_between_renames(repo: Path) -> dict[str, str]:
    rendered = repo / "rendered"
    digest = tree_digest(rendered)
    rendered.rename(repo / ".rendered.previous")
    return digest


def test_every_reader_reads_the_tree_kept_aside(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _killed_between_renames(example_repo)
    assert run(["render", "--repo", str(example_repo), "--check"]) == 0
    assert run(["validate", "--repo", str(example_repo)]) == 0
    assert "Traceback" not in capsys.readouterr().err
    assert not (example_repo / "rendered").exists()  # readers never repair: only a render does, locked


def test_validate_judges_a_stale_file_of_the_tree_kept_aside(
        example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = example_repo / "rendered" / "clusters" / "dev-eu1" / "application_dev-eu1-loki.yaml"
    stale.write_text(stale.read_text() + "# edited by hand\n")
    _killed_between_renames(example_repo)
    assert run(["validate", "--repo", str(example_repo)]) == 1
    out = capsys.readouterr()
    assert "application_dev-eu1-loki.yaml" in out.out and "Traceback" not in out.err
    assert run(["render", "--repo", str(example_repo), "--check"]) == 1
    assert "stale: rendered/clusters/dev-eu1/application_dev-eu1-loki.yaml" in capsys.readouterr().out


@pytest.mark.tools
def test_diff_of_the_work_tree_reads_the_tree_kept_aside(
        example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    require_tool(shutil.which("git") is not None, "git not found on PATH")
    _git(example_repo, "init", "-q", "-b", "main")
    _git(example_repo, "add", "-A")
    _git(example_repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "main")
    _killed_between_renames(example_repo)
    assert run(["diff", "--repo", str(example_repo), "--base", "HEAD", "--exit-code"]) == 0
    err = capsys.readouterr().err
    assert "differs from its render" not in err and "Traceback" not in err  # not "every file missing"


def test_the_next_render_repairs_and_leaves_nothing_hidden(example_repo: Path) -> None:
    before = _killed_between_renames(example_repo)
    (example_repo / ".rendered.staging" / "half").mkdir(parents=True)  # and a staging tree half built
    assert run(["render", "--repo", str(example_repo)]) == 0
    assert tree_digest(example_repo / "rendered") == before
    assert _hidden(example_repo) == []


def test_current_tree_names_what_to_read(tmp_path: Path) -> None:
    out = tmp_path / "rendered"
    assert writer.current_tree(out) == out
    (tmp_path / ".rendered.previous").mkdir()
    assert writer.current_tree(out) == tmp_path / ".rendered.previous"
    out.mkdir()
    assert writer.current_tree(out) == out


# --- an old file that cannot be removed ---------------------------------------------------------------

def _refuse_unlink(monkeypatch: pytest.MonkeyPatch, name: str, failures: list[str]) -> None:
    """os.unlink fails for one file name, as for a file in a folder we may not write (root ignores modes,
    so the refusal is simulated; the non-root test below uses real permissions)."""
    real = os.unlink

    def unlink(path: Any, *args: Any, **kwargs: Any) -> None:
        if os.path.basename(os.fsdecode(path)) == name and failures is not None:
            failures.append(os.fsdecode(path))
            raise PermissionError(errno.EPERM, "Operation not permitted", os.fsdecode(path))
        real(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)


def test_an_undeletable_old_file_is_named_never_left_hidden_and_never_wedges(
        example_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    notes = example_repo / "rendered" / "tenants" / "NOTES.md"
    notes.write_text("the user's\n")
    _retarget(example_repo)
    failures: list[str] = []
    with monkeypatch.context() as patch:
        _refuse_unlink(patch, "NOTES.md", failures)
        assert run(["render", "--repo", str(example_repo)]) == 2
        err = capsys.readouterr().err
        assert "the old copy could not be removed: .rendered.previous/tenants/NOTES.md: Operation not permitted" in err
        assert "remove .rendered.previous by hand" in err and "Traceback" not in err
        assert notes.read_text() == "the user's\n"  # the new tree is whole: the user's file is in it
        assert run(["render", "--repo", str(example_repo), "--check"]) == 0
        assert run(["validate", "--repo", str(example_repo)]) == 0
        assert run(["render", "--repo", str(example_repo), "--no-cache"]) == 2  # still stuck: said again
        assert ".rendered.previous/tenants/NOTES.md: Operation not permitted" in capsys.readouterr().err
    assert run(["render", "--repo", str(example_repo)]) == 0  # fixed: the next render cleans up
    assert _hidden(example_repo) == [] and notes.read_text() == "the user's\n"


def test_a_folder_whose_old_copy_could_not_be_removed_stops_the_render_first(
        example_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    locked = example_repo / "rendered" / "tenants" / "locked"
    locked.mkdir()
    (locked / "keep.txt").write_text("x\n")
    _retarget(example_repo)
    before = tree_digest(example_repo)
    real_access, real_lstat = os.access, os.lstat

    def access(path: Any, mode: int, **kwargs: Any) -> bool:  # a folder neither writable nor ours
        return False if Path(path) == locked else real_access(path, mode, **kwargs)

    def lstat(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        st = real_lstat(path, *args, **kwargs)
        if Path(path) != locked:
            return st
        return os.stat_result((st.st_mode, st.st_ino, st.st_dev, st.st_nlink, 12345, *tuple(st)[5:10]))

    monkeypatch.setattr(os, "access", access)
    monkeypatch.setattr(os, "lstat", lstat)
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    assert run(["render", "--repo", str(example_repo)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        "gitops-gen: rendered/tenants/locked: Permission denied: a render replaces rendered/ as a whole and could "
        "not remove the old copy of this folder; make it writable (chmod u+w) and render again"]
    assert tree_digest(example_repo) == before and _hidden(example_repo) == []


@pytest.mark.skipif(ROOT, reason="root ignores folder modes; the simulated test above covers root")
def test_a_read_only_folder_of_the_user_is_kept_and_the_old_copy_still_removed(example_repo: Path) -> None:
    folder = example_repo / "rendered" / "tenants" / "frozen"
    folder.mkdir()
    (folder / "keep.txt").write_text("x\n")
    folder.chmod(0o555)
    _retarget(example_repo)
    try:
        assert run(["render", "--repo", str(example_repo)]) == 0
        assert (folder.stat().st_mode & 0o777) == 0o555 and (folder / "keep.txt").read_text() == "x\n"
        assert _hidden(example_repo) == []
    finally:
        folder.chmod(0o755)


# --- a render while the inputs change (a git checkout of another branch) -------------------------------

def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


@pytest.mark.tools
def test_a_branch_switch_during_the_render_is_refused(
        example_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    require_tool(shutil.which("git") is not None, "git not found on PATH")
    _git(example_repo, "init", "-q", "-b", "main")
    _git(example_repo, "-c", "user.name=t", "-c", "user.email=t@e", "add", "-A")
    _git(example_repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qm", "main")
    _git(example_repo, "checkout", "-q", "-b", "other")
    _retarget(example_repo, "other-branch")
    tenant = example_repo / "blueprints" / "tenants" / "search.yaml"
    tenant.write_text(tenant.read_text() + "# changed on the other branch\n")
    _git(example_repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qam", "other")
    _git(example_repo, "checkout", "-q", "main")
    _retarget(example_repo, "release-2")  # a pending change on main: the render has something to write
    _git(example_repo, "-c", "user.name=t", "-c", "user.email=t@e", "commit", "-qam", "release-2")
    before = tree_digest(example_repo / "rendered")
    real_plan = writer.plan

    def checkout_mid_render(*args: Any) -> writer.Plan:  # after load and render, before the swap
        _git(example_repo, "checkout", "-q", "other")
        return real_plan(*args)

    monkeypatch.setattr(writer, "plan", checkout_mid_render)
    assert run(["render", "--repo", str(example_repo)]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines() == [
        "gitops-gen: the inputs changed during the render (gitops.yaml or a blueprint, e.g. a git checkout); "
        "nothing was written: render again"]
    assert tree_digest(example_repo / "rendered") == before and _hidden(example_repo) == []
    monkeypatch.setattr(writer, "plan", real_plan)
    assert run(["render", "--repo", str(example_repo)]) == 0  # the next render renders the branch now there
    assert "targetRevision: other-branch" in (
        example_repo / "rendered" / "clusters" / "dev-eu1" / "application_dev-eu1-cluster-issuers.yaml").read_text()


# --- disk full, read-only file system, permission denied --------------------------------------------------

def _fail_in(where: str, err: OSError) -> Callable[[pytest.MonkeyPatch], None]:
    def patch(monkeypatch: pytest.MonkeyPatch) -> None:
        if where == "write":
            def write(path: Path, content: bytes) -> None:
                raise OSError(err.errno, err.strerror, str(path))
            monkeypatch.setattr(writer, "_write_file", write)
        else:
            real = os.mkdir

            def mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
                if os.path.basename(os.fsdecode(path)) == ".rendered.staging":
                    raise OSError(err.errno, err.strerror, os.fsdecode(path))
                real(path, *args, **kwargs)
            monkeypatch.setattr(os, "mkdir", mkdir)
    return patch


@pytest.mark.parametrize(("patch", "message"), [
    (_fail_in("write", OSError(errno.ENOSPC, "No space left on device")),
     r"cannot write rendered/bootstrap/[a-z0-9_.-]+\.yaml: No space left on device; "
     "rendered/ was left as it was"),
    (_fail_in("mkdir", OSError(errno.EROFS, "Read-only file system")),
     "cannot write rendered: Read-only file system; rendered/ was left as it was"),
    (_fail_in("mkdir", OSError(errno.EACCES, "Permission denied")),
     "cannot write rendered: Permission denied; rendered/ was left as it was"),
], ids=["disk-full", "read-only", "permission-denied"])
def test_the_file_system_refusing_is_one_line_naming_the_path(
        example_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        patch: Callable[[pytest.MonkeyPatch], None], message: str) -> None:
    _retarget(example_repo)
    before = tree_digest(example_repo)
    patch(monkeypatch)
    assert run(["render", "--repo", str(example_repo)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and re.fullmatch(f"gitops-gen: {message}", lines[0]), lines
    assert tree_digest(example_repo) == before and _hidden(example_repo) == []


@pytest.mark.skipif(ROOT, reason="root ignores folder modes; the simulated read-only case above covers root")
def test_a_read_only_repository_folder_for_real(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _retarget(example_repo)
    before = tree_digest(example_repo)
    example_repo.chmod(0o555)
    try:
        assert run(["render", "--repo", str(example_repo)]) == 2
    finally:
        example_repo.chmod(0o755)
    assert "Permission denied; rendered/ was left as it was" in capsys.readouterr().err
    assert tree_digest(example_repo) == before


# --- another process writing into rendered/ during the render ------------------------------------------------

def _writes_mid_render(monkeypatch: pytest.MonkeyPatch, write: Callable[[], None]) -> None:
    """``write`` runs once, after the new tree is staged and before the swap (as another process may)."""
    real_apply = writer.apply

    def apply(*args: Any, **kwargs: Any) -> None:
        hook = kwargs.get("before_swap")

        def before_swap() -> None:
            if hook is not None:
                hook()
            write()
        kwargs["before_swap"] = before_swap
        real_apply(*args, **kwargs)

    monkeypatch.setattr(writer, "apply", apply)


def test_user_files_written_during_a_render_are_kept(example_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _retarget(example_repo)  # something to write
    out = example_repo / "rendered"
    notes = {out / "NOTES.md": "mine\n", out / "clusters" / "mine.txt": "also mine\n",
             out / "new-folder" / "deep" / "x.txt": "deep\n"}

    def write() -> None:
        for path, text in notes.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)

    _writes_mid_render(monkeypatch, write)
    assert run(["render", "--repo", str(example_repo)]) == 0
    assert {p: p.read_text() for p in notes} == notes
    assert _hidden(example_repo) == []


def test_a_file_written_during_a_render_where_the_render_writes_refuses_it(
        example_repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _retarget(example_repo)
    out = example_repo / "rendered"
    target = next(out.glob("clusters/*/application_*.yaml"))
    target.unlink()  # the render will write it again
    before = tree_digest(out)

    def write() -> None:
        target.write_text("a file of mine, saved while gitops-gen was rendering\n")

    _writes_mid_render(monkeypatch, write)
    assert run(["render", "--repo", str(example_repo)]) == 2
    assert "changed during the render" in capsys.readouterr().err
    assert target.read_text() == "a file of mine, saved while gitops-gen was rendering\n"
    target.unlink()
    assert tree_digest(out) == before and _hidden(example_repo) == []
