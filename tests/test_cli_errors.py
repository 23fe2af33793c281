"""The one place errors become exit codes: a bug is 4 and one line, never mistaken for bad input (2)."""

from __future__ import annotations

import errno
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.base.errors import ExitCode, InputError, Location
from gitops_gen.cli import run
from gitops_gen.write import build as render_command


def _raise(exc: BaseException) -> Any:
    def boom(*_args: Any, **_kwargs: Any) -> Any:
        raise exc
    return boom


@pytest.fixture
def broken_render(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITOPS_GEN_DEBUG", raising=False)
    monkeypatch.setattr(render_command, "render_repo", _raise(KeyError("spec")))


def test_an_unexpected_exception_is_exit_4_with_one_line(
        broken_render: None, example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["render", "--no-cache", "--repo", str(example_repo)]) == ExitCode.INTERNAL == 4
    out, err = capsys.readouterr()
    assert err == ("gitops-gen: internal error: KeyError: 'spec' "
                   "(a bug; re-run with --debug for the traceback)\n")
    assert "Traceback" not in out + err


@pytest.mark.parametrize("how", ["flag", "env"])
def test_debug_shows_the_traceback_and_keeps_exit_4(
        broken_render: None, example_repo: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    args = ["render", "--no-cache", "--repo", str(example_repo)]
    if how == "flag":
        args.insert(0, "--debug")
    else:
        monkeypatch.setenv("GITOPS_GEN_DEBUG", "1")
    assert run(args) == 4
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert 'raise exc' in err and "KeyError: 'spec'" in err
    assert err.splitlines()[-1].startswith("gitops-gen: internal error: KeyError")


def test_debug_env_zero_means_off(broken_render: None, example_repo: Path,
                                  capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITOPS_GEN_DEBUG", "0")
    assert run(["render", "--no-cache", "--repo", str(example_repo)]) == 4
    assert "Traceback" not in capsys.readouterr().err


def test_a_multi_line_exception_message_stays_one_line(
        monkeypatch: pytest.MonkeyPatch, example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("GITOPS_GEN_DEBUG", raising=False)
    monkeypatch.setattr(render_command, "render_repo", _raise(RuntimeError("first\nsecond\nthird")))
    assert run(["render", "--no-cache", "--repo", str(example_repo)]) == 4
    assert capsys.readouterr().err.count("\n") == 1


@pytest.mark.parametrize(("code", "text"), [(errno.ENOSPC, "No space left on device"),
                                            (errno.EROFS, "Read-only file system"),
                                            (errno.EACCES, "Permission denied")])
def test_the_environment_refusing_is_exit_2_with_the_path(
        monkeypatch: pytest.MonkeyPatch, example_repo: Path, capsys: pytest.CaptureFixture[str],
        code: int, text: str) -> None:
    monkeypatch.chdir(example_repo)
    target = example_repo / "rendered" / "x.yaml"
    monkeypatch.setattr(render_command, "render_repo", _raise(OSError(code, text, str(target))))
    assert run(["render", "--no-cache"]) == ExitCode.USAGE
    assert capsys.readouterr().err == f"gitops-gen: rendered/x.yaml: {text}\n"


def test_anticipated_errors_keep_their_own_code_and_line(
        monkeypatch: pytest.MonkeyPatch, example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(render_command, "render_repo", _raise(InputError("bad", Location("blueprints/a.yaml", 3, 5))))
    assert run(["render", "--no-cache", "--repo", str(example_repo)]) == 2
    assert capsys.readouterr().err == "blueprints/a.yaml:3:5: bad\n"


def test_a_closed_pipe_is_quiet(example_repo: Path) -> None:
    """`gitops-gen ... | head -1`: no traceback and no error line when the reader goes away."""
    script = ("import subprocess, sys\n"
              "p = subprocess.Popen([sys.executable, '-m', 'gitops_gen', 'validate', '--repo', sys.argv[1]],"
              " stdout=subprocess.PIPE, stderr=subprocess.PIPE)\n"
              "p.stdout.close()\n"
              "err = p.stderr.read().decode()\n"
              "print(p.wait(), repr(err))\n")
    proc = subprocess.run([sys.executable, "-c", script, str(example_repo)], capture_output=True, text=True,
                          timeout=120, check=True)
    code, err = proc.stdout.strip().split(" ", 1)
    assert err == "''"
    assert code in ("0", "1")  # click exits 1 on EPIPE; 0 when everything fitted the pipe buffer first
