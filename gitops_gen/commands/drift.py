"""``gitops-gen drift``: compare the render (or any manifests) with live clusters (or a dump)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import click

from gitops_gen.base import escape, notices
from gitops_gen.base.errors import InputError
from gitops_gen.base.gcpause import paused_gc
from gitops_gen.commands.options import (
    Seconds,
    complete_clusters,
    complete_environments,
    output_option,
    repo_option,
    report_formats,
    report_option,
    require_charts_option,
    use_colour,
    write_reports,
)
from gitops_gen.drift import run as drift_run
from gitops_gen.drift.formats import EXTENSIONS, FORMATS


@click.command("drift")
@repo_option
@click.option("--env", "env", help="Compare this environment's render with its clusters.",
              shell_complete=complete_environments)
@click.option("--cluster", "cluster", help="Only this cluster of the environment (default: all of them).",
              shell_complete=complete_clusters)
@click.option(
    "--desired",
    "desired",
    type=click.Path(path_type=Path),
    help="Compare these manifests (file or folder) instead of an environment's render.",
)
@click.option("--context", "context", help="kubeconfig context (default: the cluster's context, or current).")
@click.option("--argocd-context", "argocd_context",
              help="kubeconfig context of the cluster Argo CD runs on (default: gitops.yaml argocdContext, "
                   "else the cluster's own context).")
@click.option(
    "--live-from",
    "live_from",
    multiple=True,
    metavar="[CLUSTER=]PATH",
    help="Read live objects from a dump (kubectl get -o yaml/json, List, multi-document, folder) instead of "
    "the API. Repeatable as CLUSTER=PATH; one PATH for several clusters is a folder with an entry per cluster "
    "or a file whose parts start with `# cluster: NAME` lines.",
)
@click.option("--only-drifted", "only_drifted", is_flag=True,
              help="List only what drifted (and could not be read): no objects or Applications in sync.")
@click.option("--baseline", "baseline", type=click.Path(dir_okay=False, path_type=Path),
              help="A previous `-o json` report: mark drift new or known (with when it was first seen) "
                   "and list what was resolved since.")
@click.option("--timeout", "timeout", type=Seconds(3600),
              metavar="SECONDS", help="Deadline for reading each cluster (default: drift.timeoutSeconds in "
                                      "gitops.yaml, else 30); past it the cluster is unreadable (exit 3).")
@output_option(FORMATS)
@report_option(sorted(EXTENSIONS))
@require_charts_option
def command(
    repo: Path | None,
    env: str | None,
    cluster: str | None,
    desired: Path | None,
    context: str | None,
    argocd_context: str | None,
    live_from: Sequence[str],
    only_drifted: bool,
    baseline: Path | None,
    timeout: float | None,
    output: str,
    reports: Sequence[Path],
    require_charts: bool,
) -> int:
    """Report objects that drifted from Git: modified, missing, extra; and Argo CD's sync and health.

    Exit 0 in sync, 1 drift, 2 usage or input error, 3 a cluster could not be read.
    """
    if (env is None) == (desired is None):
        raise InputError("give either --env E (the render) or --desired PATH (any manifests)")
    if cluster is not None and env is None:
        raise InputError("--cluster needs --env")
    if context is not None and live_from:
        raise InputError("--context reads a cluster and --live-from reads a dump: give one of them")
    formats = report_formats(reports, EXTENSIONS)
    if env is not None:
        targets, config = drift_run.from_repo(repo, env, cluster, require_charts)
        if context is not None:
            if len(targets) > 1:
                raise InputError(
                    f"--context needs --cluster: environment {env!r} has {len(targets)} clusters"
                )
            targets = [dataclasses.replace(targets[0], context=context)]
    elif desired is not None:
        targets, config = drift_run.from_path(desired, context, repo)
    if argocd_context is not None:
        targets = [dataclasses.replace(t, argocd_context=argocd_context) for t in targets]
    with paused_gc():  # 100,000 live objects: collection passes made reading and comparing more than linear
        report = drift_run.run(targets, config, live_from, {"env": env or "", "desired": str(desired or "")},
                               baseline=baseline, only_drifted=only_drifted, timeout=timeout)
    write_reports(reports, formats, lambda name: FORMATS[name](report))
    click.echo(FORMATS[output](report, use_colour()), nl=False)
    for item in report.clusters:
        for warning in item.warnings:
            notices.warn(f"cluster {item.cluster}: {warning}")
        if item.error:
            click.echo(escape.text(f"gitops-gen: cluster {item.cluster} (context {item.context}) unreadable: "
                                   f"{item.error}"), err=True)
    return int(report.exit_code)

