"""``gitops-gen validate``: repo mode (no PATH) or path mode (PATH... or ``-``), like kubeconform."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from gitops_gen.base.errors import ExitCode, InputError, InputErrors, Location
from gitops_gen.base.kubeversions import SUPPORTED_VERSIONS
from gitops_gen.base.severity import Severity
from gitops_gen.blueprint.load import find_repo_root
from gitops_gen.commands.options import (
    complete_environments,
    output_option,
    repo_option,
    require_charts_option,
    use_colour,
)
from gitops_gen.validate.findings import BLUEPRINT, Finding, Report
from gitops_gen.validate.formats import FORMATS

if TYPE_CHECKING:
    from gitops_gen.validate.crds import CrdRegistry

# The schema engine (kubernetes-validate, jsonschema-rs) is imported inside the functions that use it:
# `--help`, shell completion and every other command start without paying for it.


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
    try:
        report = _report(inputs, repo, envs, kubernetes_version, strict, crd_dirs, skip, ignore_missing_schemas,
                         require_charts)
    except InputError as err:
        if output != "text":  # CI reads stdout: the error must reach the annotation, test report or alert too
            click.echo(FORMATS[output](load_error_report(err), use_colour()), nl=False)
        raise  # the one stderr line and exit 2, as for every command
    click.echo(FORMATS[output](report, use_colour()), nl=False)
    return int(ExitCode.OK if report.ok else ExitCode.FINDINGS)


def load_error_report(err: InputError) -> Report:
    """A run that stopped on bad input, as findings: one per error, at its file, line and column."""
    errors = err.errors if isinstance(err, InputErrors) else [err]
    findings = []
    for one in errors:
        where = one.location or Location("")
        findings.append(Finding(BLUEPRINT, Severity.ERROR, None, one.message, file=where.file, line=where.line,
                                col=where.col))
    return Report(0, tuple(findings)).sorted()


def _report(
    inputs: Sequence[str],
    repo: Path | None,
    envs: Sequence[str],
    kubernetes_version: str | None,
    strict: bool | None,
    crd_dirs: Sequence[Path],
    skip: Sequence[str],
    ignore_missing_schemas: bool,
    require_charts: bool,
) -> Report:
    from gitops_gen.validate import paths
    from gitops_gen.validate.crds import CrdRegistry
    from gitops_gen.validate.repo import validate_repo

    strict_fields = bool(strict) if inputs else strict is not False
    if inputs:
        crds = paths.load_crd_dirs(crd_dirs, strict_fields=strict_fields) if crd_dirs else CrdRegistry()
        if repo is not None or envs:
            raise InputError("--repo and --env are for repo mode; do not combine them with PATH arguments")
        return validate_paths(
            inputs, _version(kubernetes_version), bool(strict), crds, frozenset(skip), ignore_missing_schemas
        )
    if kubernetes_version is not None:
        raise InputError(
            "--kubernetes-version is for path mode (PATH... or -); in repo mode each "
            "environment's kubernetesVersion is used"
        )
    return validate_repo(find_repo_root(repo or Path.cwd()), envs, crd_dirs, strict=strict is not False,
                         require_charts=require_charts)


def validate_paths(
    inputs: Sequence[str],
    version: str,
    strict: bool,
    crds: CrdRegistry,
    skip: frozenset[str],
    ignore_missing_schemas: bool,
) -> Report:
    from gitops_gen.validate import paths
    from gitops_gen.validate.engine import Options, validate_documents

    if paths.STDIN in inputs and paths.stdin_is_device(sys.stdin):
        raise InputError("'-' reads manifests from stdin, but nothing is piped in; pipe them or name files")
    docs, problems = paths.read_inputs(inputs, sys.stdin, strict=strict)
    options = Options(
        version,
        strict=strict,
        crds=crds,
        skip=skip,
        missing_schema=None if ignore_missing_schemas else Severity.ERROR,
    )
    report = validate_documents(docs, options)
    return Report(report.documents, report.findings + tuple(problems) + crds.findings, report.objects).sorted()


def _version(raw: str | None) -> str:
    if raw is None:
        return SUPPORTED_VERSIONS[-1]
    from gitops_gen.validate.schemas import normalise_version

    try:
        version = normalise_version(raw)
    except ValueError as err:
        raise InputError(f"--kubernetes-version: {err}") from None
    supported = SUPPORTED_VERSIONS
    if _key(version) > _key(supported[-1]):
        raise InputError(
            f"--kubernetes-version {version} is newer than the newest schemas shipped "
            f"({supported[-1]}); supported: {supported[0]} to {supported[-1]}"
        )
    if _key(version) < _key(supported[0]):
        click.echo(
            f"gitops-gen: note: no schemas for Kubernetes {version}; validating against "
            f"{supported[0]}, removed APIs against {version}",
            err=True,
        )
    return version


def _key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)

