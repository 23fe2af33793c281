"""One `validate` run: repo mode (no PATH: what rendered/ will sync) or path mode (any manifests, like
kubeconform), and a run stopped by bad input turned into findings every output format carries.

The command line parses its options into a ``Request`` and formats the ``Report`` this returns.  The schema
engine (kubernetes-validate, jsonschema-rs) is imported inside the functions that use it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from gitops_gen.base import notices
from gitops_gen.base.errors import InputError, InputErrors, Location
from gitops_gen.base.kubeversions import SUPPORTED_VERSIONS
from gitops_gen.base.severity import Severity
from gitops_gen.blueprint.load import find_repo_root
from gitops_gen.validate.findings import BLUEPRINT, Finding, Report

if TYPE_CHECKING:
    from gitops_gen.validate.crds import CrdRegistry


@dataclass(frozen=True)
class Request:
    inputs: Sequence[str] = ()  # PATHs or "-": path mode; none: repo mode
    repo: Path | None = None
    envs: Sequence[str] = ()
    kubernetes_version: str | None = None
    strict: bool | None = None  # None: the mode's default (repo mode strict, path mode not)
    crd_dirs: Sequence[Path] = ()
    skip: Sequence[str] = ()
    ignore_missing_schemas: bool = False
    require_charts: bool = False


def run(request: Request, stdin: TextIO | None = None) -> Report:
    from gitops_gen.validate import paths
    from gitops_gen.validate.crds import CrdRegistry
    from gitops_gen.validate.repo import validate_repo

    r = request
    if r.inputs:
        crds = paths.load_crd_dirs(r.crd_dirs, strict_fields=bool(r.strict)) if r.crd_dirs else CrdRegistry()
        if r.repo is not None or r.envs:
            raise InputError("--repo and --env are for repo mode; do not combine them with PATH arguments")
        return validate_paths(r.inputs, _version(r.kubernetes_version), bool(r.strict), crds, frozenset(r.skip),
                              r.ignore_missing_schemas, stdin if stdin is not None else sys.stdin)
    if r.kubernetes_version is not None:
        raise InputError(
            "--kubernetes-version is for path mode (PATH... or -); in repo mode each "
            "environment's kubernetesVersion is used"
        )
    return validate_repo(find_repo_root(r.repo or Path.cwd()), r.envs, r.crd_dirs, strict=r.strict is not False,
                         require_charts=r.require_charts)


def load_error_report(err: InputError) -> Report:
    """A run that stopped on bad input, as findings: one per error, at its file, line and column."""
    errors = err.errors if isinstance(err, InputErrors) else [err]
    findings = []
    for one in errors:
        where = one.location or Location("")
        findings.append(Finding(BLUEPRINT, Severity.ERROR, None, one.message, file=where.file, line=where.line,
                                col=where.col))
    return Report(0, tuple(findings)).sorted()


def validate_paths(
    inputs: Sequence[str],
    version: str,
    strict: bool,
    crds: CrdRegistry,
    skip: frozenset[str],
    ignore_missing_schemas: bool,
    stdin: TextIO,
) -> Report:
    from gitops_gen.validate import paths
    from gitops_gen.validate.engine import Options, validate_documents

    if paths.STDIN in inputs and paths.stdin_is_device(stdin):
        raise InputError("'-' reads manifests from stdin, but nothing is piped in; pipe them or name files")
    docs, problems = paths.read_inputs(inputs, stdin, strict=strict)
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
        notices.note(f"note: no schemas for Kubernetes {version}; validating against {supported[0]}, removed APIs "
                     f"against {version}")
    return version


def _key(version: str) -> tuple[int, int]:
    major, minor = version.split(".")
    return int(major), int(minor)
