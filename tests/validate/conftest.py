"""Black-box helpers: run the real CLI entry point and capture exit code, stdout and stderr."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest
from click.testing import CliRunner

from gitops_gen import cli

FIXTURES = Path(__file__).parent / "fixtures"


class Run(NamedTuple):
    code: int
    out: str
    err: str

    @property
    def lines(self) -> list[str]:
        return self.out.splitlines()


def run_cli(*args: str, stdin: str | None = None) -> Run:
    runner = CliRunner()
    with runner.isolation(input=stdin) as streams:
        code = cli.run(list(args))
    out, err = streams[0].getvalue(), streams[1].getvalue() if streams[1] is not None else b""
    return Run(code, out.decode(), err.decode())


@pytest.fixture
def gg(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Run]:
    """``gg("validate", ...)`` from inside tests/validate/fixtures, so file names print short."""
    monkeypatch.chdir(FIXTURES)
    return run_cli
