"""`.pre-commit-hooks.yaml`: it parses as pre-commit reads it, and each entry is a real gitops-gen command."""

from __future__ import annotations

import re
import shlex
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from gitops_gen.cli import main, run
from tests.conftest import PROJECT

# the keys pre-commit's manifest schema knows (a misspelt key would be silently ignored by older versions)
KNOWN_KEYS = {"id", "name", "entry", "language", "alias", "files", "exclude", "types", "types_or", "exclude_types",
              "additional_dependencies", "args", "always_run", "fail_fast", "pass_filenames", "description",
              "language_version", "log_file", "require_serial", "stages", "verbose", "minimum_pre_commit_version"}
REQUIRED = {"id", "name", "entry", "language"}


def hooks() -> list[dict[str, Any]]:
    data = yaml.safe_load((PROJECT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, list)
    return data


def test_the_hooks_people_expect_are_there() -> None:
    assert [h["id"] for h in hooks()] == ["gitops-gen-render-check", "gitops-gen-validate"]
    for hook in hooks():
        assert REQUIRED <= set(hook) <= KNOWN_KEYS, hook["id"]
        assert hook["language"] == "python"  # pre-commit installs this repository's package
        assert hook["pass_filenames"] is False  # they check the whole repository, not the staged files


@pytest.mark.parametrize("hook", hooks(), ids=lambda h: h["id"])
def test_each_entry_is_an_installed_script_and_parses_as_a_command(hook: dict[str, Any]) -> None:
    program, *args = shlex.split(hook["entry"])
    scripts = tomllib.loads((PROJECT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert program in scripts
    name, *rest = args
    ctx = click.Context(main, info_name=program)
    command = main.get_command(ctx, name)
    assert command is not None, name
    command.make_context(name, list(rest), parent=ctx)  # raises click.UsageError on an unknown option
    with pytest.raises(click.UsageError):
        command.make_context(name, [*rest, "--no-such-option"], parent=ctx)


@pytest.mark.parametrize(("path", "runs"), [("gitops.yaml", True), ("blueprints/tenants/a.yaml", True),
                                            ("environments/prod.yaml", True), ("rendered/x/y.yaml", True),
                                            ("README.md", False), ("gitops_gen/cli.py", False)])
def test_files_select_what_the_hooks_read(path: str, runs: bool) -> None:
    for hook in hooks():
        assert bool(re.search(hook["files"], path)) is runs, (hook["id"], path)


@pytest.mark.parametrize("hook", hooks(), ids=lambda h: h["id"])
def test_each_hook_passes_on_a_clean_repository_as_pre_commit_runs_it(
        hook: dict[str, Any], example_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(example_repo)  # pre-commit runs hooks from the repository's root
    assert run(shlex.split(hook["entry"])[1:]) == 0
