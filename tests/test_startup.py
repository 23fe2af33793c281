"""Start-up stays cheap: the light commands never import the Kubernetes client or the validation engine.

Each case runs the entry point in a fresh interpreter and reads ``sys.modules`` when it ends
(``-X importtime`` would miss modules loaded through ``importlib``, as the CLI loads its commands).
Shell completion runs the program on every TAB, so every command's ``--help`` is held to the same rule:
a command imports its heavy modules inside the function that needs them.
The time itself is a figure in ``make bench`` (benchmarks/bench_startup.py), never an assertion here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

from gitops_gen.cli import main

# import name -> what it is; none of them may be paid for by --help, --version or render
HEAVY = {
    "kubernetes": "the Kubernetes client",
    "urllib3": "the Kubernetes client's HTTP library",
    "kubernetes_validate": "the validation engine's schemas",
    "jsonschema": "kubernetes-validate's own validator",
    "jsonschema_rs": "the validation engine",
    "deepdiff": "drift's comparison",
    "git": "gitpython",
}


PROBE = """
import json, sys
try:
    from gitops_gen.cli import run
    code = run(sys.argv[2:])
finally:  # also when shell completion ends the run with SystemExit
    with open(sys.argv[1], "w") as out:
        json.dump(sorted(sys.modules), out)
sys.exit(code)
"""


def imported_modules(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> set[str]:
    """Every module ``gitops-gen ARGS`` has loaded when it ends, run in a fresh interpreter."""
    environ = {**os.environ, "NO_COLOR": "1", **(env or {})}
    environ.pop("GITOPS_GEN_DEBUG", None)
    dump = cwd.parent / "modules.json"
    proc = subprocess.run([sys.executable, "-c", PROBE, str(dump), *args],
                          cwd=cwd, env=environ, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set(json.loads(dump.read_text()))
    assert "gitops_gen.cli" in names  # the probe sees the package's own imports, or it proves nothing
    return names


def heavy_in(names: set[str]) -> list[str]:
    return sorted(n for n in names if n.split(".")[0] in HEAVY)


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["render"], ["render", "--check"]],
                         ids=" ".join)
def test_light_commands_import_no_heavy_module(example_repo: Path, args: list[str]) -> None:
    assert heavy_in(imported_modules(args, example_repo)) == []


@pytest.mark.parametrize("args", [["render"], ["render", "--check"]], ids=" ".join)
def test_render_loads_neither_validation_nor_drift(example_repo: Path, args: list[str]) -> None:
    """The blueprint layer declares the policy and drift sections as plain specs: rendering needs neither."""
    names = imported_modules(args, example_repo)
    assert sorted(n for n in names if n.startswith(("gitops_gen.validate", "gitops_gen.drift",
                                                     "gitops_gen.diff", "gitops_gen.kube"))) == []


@pytest.mark.parametrize("command", main.list_commands(click.Context(main)))
def test_every_command_help_is_light(example_repo: Path, command: str) -> None:
    assert heavy_in(imported_modules([command, "--help"], example_repo)) == []


def test_help_lists_every_command_without_importing_the_others(example_repo: Path) -> None:
    names = imported_modules(["--version"], example_repo)
    assert not any(n.startswith("gitops_gen.commands.") for n in names)
    assert "gitops_gen.commands.render" in imported_modules(["render", "--help"], example_repo)


def test_the_probe_sees_heavy_imports(example_repo: Path) -> None:
    """The check is not void: a command that does use the engine shows it."""
    names = imported_modules(["validate", "--repo", str(example_repo)], example_repo)
    assert {"kubernetes_validate", "jsonschema_rs"} <= set(heavy_in(names))
