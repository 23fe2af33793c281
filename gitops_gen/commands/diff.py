"""``gitops-gen diff``: what a change does to each cluster, between two Git revisions, with its risks."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from gitops_gen.base import notices
from gitops_gen.base.errors import ExitCode, InputError
from gitops_gen.base.gcpause import paused_gc
from gitops_gen.blueprint.load import find_repo_root
from gitops_gen.commands.options import (
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
from gitops_gen.diff.formats import DEFAULT_MAX_LENGTH, EXTENSIONS, FORMATS
from gitops_gen.diff.formats.comment import MIN_MAX_LENGTH


@click.command("diff")
@repo_option
@click.option("--base", "base", metavar="REF",
              help="Base revision (default: merge-base of the head (HEAD) and the default branch: origin/HEAD, "
                   "origin/main, origin/master, main, master).")
@click.option("--head", "head", metavar="REF",
              help="Head revision (default: the work tree, uncommitted edits included).")
@click.option("--env", "envs", multiple=True, metavar="ENV", help="Only this environment (repeatable).",
              shell_complete=complete_environments)
@click.option("--cluster", "clusters", multiple=True, metavar="CLUSTER", help="Only this cluster (repeatable).",
              shell_complete=complete_clusters)
@output_option(FORMATS)
@report_option(sorted(EXTENSIONS))
@click.option("--max-length", "max_length", type=int, default=DEFAULT_MAX_LENGTH, show_default=True,
              help="Markdown: never longer than this many characters (a pull-request comment's limit).")
@click.option("--exit-code", "exit_code", is_flag=True, help="Exit 1 when any cluster is affected, 0 when none is.")
@require_charts_option
def command(repo: Path | None, base: str | None, head: str | None, envs: Sequence[str], clusters: Sequence[str],
            output: str, reports: Sequence[Path], max_length: int, exit_code: bool, require_charts: bool) -> int:
    """Compare what Argo CD would apply per cluster at two revisions; name the risks.

    Exit 0 when compared (with --exit-code: 0 no change, 1 changes), 2 bad input or unknown revision.
    """
    if max_length < MIN_MAX_LENGTH:
        raise InputError(f"--max-length {max_length}: at least {MIN_MAX_LENGTH} (the summary must fit)")
    from gitops_gen.diff.review import review  # gitpython and the validation engine: only when a review runs

    formats = report_formats(reports, EXTENSIONS)
    with paused_gc():  # two renders build ~300k small containers and no cycles worth a collection pass
        report = review(find_repo_root(repo or Path.cwd()), base, head, envs, clusters, require_charts)
    write_reports(reports, formats, lambda name: FORMATS[name](report, max_length))
    click.echo(FORMATS[output](report, max_length, use_colour()), nl=False)
    for warning in report.warnings:
        notices.warn(warning)
    return int(ExitCode.FINDINGS if exit_code and report.changed else ExitCode.OK)

