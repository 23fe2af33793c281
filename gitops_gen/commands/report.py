"""``gitops-gen report``: the evidence pack an audit or a FinOps review asks for, from Git, offline."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import click

from gitops_gen.base import notices
from gitops_gen.base.errors import ExitCode
from gitops_gen.commands.options import complete_environments, repo_option


@click.command("report")
@repo_option
@click.option("--env", "envs", multiple=True, metavar="ENV", help="Only this environment (repeatable).",
              shell_complete=complete_environments)
@click.option("--since", "since", metavar="DATE",
              help="Change log: commits since DATE (YYYY-MM-DD or any date git reads; default: 92 days ago).")
@click.option("--drift-reports", "drift_reports", type=click.Path(file_okay=False, path_type=Path),
              help="A folder of `gitops-gen drift -o json` reports, for the drift history.")
@click.option("-o", "--output", "output", type=click.Choice(["csv", "html", "json", "markdown"]), default="markdown",
              show_default=True, help="Format on standard output (csv: the access matrix).")
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path),
              help="Write every format into DIR with manifest.json (sha256 of each file, the commit) instead.")
@click.option("--no-cache", "no_cache", is_flag=True, help="Recompute the change log instead of reading its cache.")
def command(repo: Path | None, envs: Sequence[str], since: str | None, drift_reports: Path | None, output: str,
            out: Path | None, no_cache: bool) -> int:
    """Inventory, access, capacity and cost, policy posture, change log and drift history, in one pack.

    The change log's per-commit results are cached under the user cache folder
    ($GITOPS_GEN_CACHE_DIR, default ~/.cache/gitops-gen/report).
    """
    from gitops_gen.blueprint.load import find_repo_root
    from gitops_gen.report.formats import FORMATS
    from gitops_gen.report.run import MANIFEST, build, write_out

    report = build(find_repo_root(repo or Path.cwd()), envs, since, drift_reports, cache=not no_cache)
    for note in report.notes:
        notices.warn(note)
    if out is not None:
        manifest = write_out(report, out)
        click.echo(f"wrote {len(manifest['files']) + 1} files to {out} ({MANIFEST}: commit "
                   f"{manifest['commit'][:12] or 'none'})")
        return int(ExitCode.OK)
    click.echo(FORMATS[output](report), nl=False)
    return int(ExitCode.OK)
