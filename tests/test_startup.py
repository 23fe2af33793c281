"""Start-up stays cheap: the light commands never import the Kubernetes client or the validation engine.

Each case runs the real entry point in a fresh interpreter under ``python -X importtime`` and reads the
modules it imported.  Shell completion runs the program on every TAB, so every command's ``--help``
is held to the same rule: a command imports its heavy modules inside the function that needs them.
The time itself is a figure in ``make bench`` (benchmarks/bench_startup.py), never an assertion here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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


def imported_modules(args: list[str], cwd: Path) -> set[str]:
    """Every module the real ``gitops-gen ARGS`` imports, in a fresh interpreter."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("GITOPS_GEN_DEBUG", None)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-m", "gitops_gen", *args],
                          cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set()
    for line in proc.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":  # the header line
                names.add(name)
    assert "gitops_gen.cli" in names  # the probe sees the package's own imports, or it proves nothing
    return names


def heavy_in(names: set[str]) -> list[str]:
    return sorted(n for n in names if n.split(".")[0] in HEAVY)


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["render"], ["render", "--check"]],
                         ids=" ".join)
def test_light_commands_import_no_heavy_module(example_repo: Path, args: list[str]) -> None:
    assert heavy_in(imported_modules(args, example_repo)) == []


@pytest.mark.parametrize("command", sorted(main.commands))
def test_every_command_help_is_light(example_repo: Path, command: str) -> None:
    assert heavy_in(imported_modules([command, "--help"], example_repo)) == []


def test_the_probe_sees_heavy_imports(example_repo: Path) -> None:
    """The check is not void: a command that does use the engine shows it."""
    names = imported_modules(["validate", "--repo", str(example_repo)], example_repo)
    assert {"kubernetes_validate", "jsonschema_rs"} <= set(heavy_in(names)) | {n.split(".")[0] for n in names}
