"""``gitops-gen charts pull``: fetch every chart version the repository runs into the cache, keep charts.lock."""

from __future__ import annotations

from pathlib import Path

import click

from gitops_gen.base.errors import ExitCode
from gitops_gen.blueprint.load import find_repo_root, load_repo
from gitops_gen.commands.options import complete_environments, repo_option


@click.group("charts")
def command() -> None:
    """Helm charts: fetch them into the cache (the only command that uses the network)."""


@command.command("pull")
@repo_option
@click.option("--env", "envs", multiple=True, metavar="ENV", help="Only this environment's charts (repeatable).",
              shell_complete=complete_environments)
@click.option("--relock", is_flag=True, help="Accept archives whose digest differs from charts.lock.")
def pull_command(repo: Path | None, envs: tuple[str, ...], relock: bool) -> int:
    """Fetch every chart any environment or cluster runs; write charts.lock (commit it)."""
    from gitops_gen.charts import cache
    from gitops_gen.charts.lock import LOCK_FILE
    from gitops_gen.charts.pull import pull

    root = find_repo_root(repo if repo is not None else Path.cwd())
    done = pull(load_repo(root), envs, relock)
    for item in done:
        click.echo(f"{item.action}: {item.key.name} {item.key.version} ({item.key.repo_url}) {item.digest}")
    fetched = sum(1 for d in done if d.action != "cached")
    click.echo(f"{len(done)} chart(s): {fetched} fetched, {len(done) - fetched} already cached; "
               f"cache {cache.cache_dir()}, lock {LOCK_FILE}")
    return ExitCode.OK
