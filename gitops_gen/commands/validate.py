"""``gitops-gen validate``: repo mode (no PATH) or path mode (PATH... or ``-``), like kubeconform."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from gitops_gen.base.errors import ExitCode, InputError
from gitops_gen.base.kubeversions import SUPPORTED_VERSIONS
from gitops_gen.commands.options import (
    complete_environments,
    output_option,
    repo_option,
    require_charts_option,
    use_colour,
)
from gitops_gen.validate.formats import FORMATS
from gitops_gen.validate.run import Request, load_error_report, run


@click.command("validate")
@click.argument("inputs", metavar="[PATH]...", nargs=-1)
@repo_option
@click.option("--env", "envs", multiple=True, help="Only these environments (repo mode). Repeatable.",
              shell_complete=complete_environments)
@click.option(
    "--kubernetes-version",
    "kubernetes_version",
    metavar="X.Y",
    help=f"Target version in path mode (default {SUPPORTED_VERSIONS[-1]}).",
)
@click.option(
    "--strict/--no-strict",
    default=None,
    help="Unknown fields and duplicate keys are errors (path mode default: off; repo mode: always on).",
)
@click.option(
    "--crd-dir",
    "crd_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder of CustomResourceDefinition YAML for custom resources. Repeatable.",
)
@click.option(
    "--skip",
    "skip",
    multiple=True,
    metavar="KIND",
    help="Do not validate this kind (Kind or apiVersion/Kind). Repeatable.",
)
@click.option("--ignore-missing-schemas", is_flag=True, help="Custom resources without a schema pass.")
@require_charts_option
@output_option(FORMATS)
def command(
    inputs: Sequence[str],
    repo: Path | None,
    envs: Sequence[str],
    kubernetes_version: str | None,
    strict: bool | None,
    crd_dirs: Sequence[Path],
    skip: Sequence[str],
    ignore_missing_schemas: bool,
    require_charts: bool,
    output: str,
) -> int:
    """Validate the rendered repository, or any manifests given as PATH (files, folders, - for stdin)."""
    request = Request(inputs, repo, envs, kubernetes_version, strict, crd_dirs, skip, ignore_missing_schemas,
                      require_charts)
    try:
        report = run(request)
    except InputError as err:
        if output != "text":  # CI reads stdout: the error must reach the annotation, test report or alert too
            click.echo(FORMATS[output](load_error_report(err), use_colour()), nl=False)
        raise  # the one stderr line and exit 2, as for every command
    click.echo(FORMATS[output](report, use_colour()), nl=False)
    return int(ExitCode.OK if report.ok else ExitCode.FINDINGS)
