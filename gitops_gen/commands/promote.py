"""`gitops-gen promote`: carry add-on versions, revisions and values into the next environment."""

from __future__ import annotations

from pathlib import Path

import click

from gitops_gen.base import escape
from gitops_gen.base.errors import ExitCode
from gitops_gen.blueprint.load import find_repo_root
from gitops_gen.commands.options import complete_addons, complete_environments, repo_option
from gitops_gen.promote import promote


@click.command("promote")
@repo_option
@click.option("--to", "target", required=True, metavar="ENV", help="The environment to promote into.",
              shell_complete=complete_environments)
@click.option("--from", "source", metavar="ENV", help="Where from (default: the target's promotesFrom).",
              shell_complete=complete_environments)
@click.option("--addon", "addons", multiple=True, metavar="NAME",
              help="Only this add-on, values included (repeatable).",
              shell_complete=complete_addons)
@click.option("--dry-run", is_flag=True, help="Print the blueprint diff; write nothing.")
def command(repo: Path | None, target: str, source: str | None, addons: tuple[str, ...], dry_run: bool) -> int:
    """Edit the target environment's blueprint so it runs what its source runs.

    Chart versions and git revisions of the source environment's add-ons are carried into the target's
    overrides (comments and layout kept); Helm values too for the add-ons named with --addon, except the
    values the target sets itself. Prints the blueprint diff. See docs/promotion.md.
    """
    root = find_repo_root(repo if repo is not None else Path.cwd())
    result = promote(root, target, source, addons, dry_run)
    promotion = result.promotion
    if not promotion.changes:
        click.echo(f"nothing to promote from {promotion.source} to {promotion.target}")
    else:
        click.echo(f"promote {promotion.source} -> {promotion.target} ({promotion.file}):")
        for change in promotion.changes:
            click.echo(f"  {escape.text(change.describe())}")
    for note in promotion.notes:
        click.echo(f"note: {escape.text(note)}")
    if result.diff:  # each line of the blueprint's diff shown as text: a value cannot drive the terminal
        click.echo("".join(escape.lines(line.rstrip("\n")) + "\n" for line in result.diff.splitlines(True)),
                   nl=False)
    if result.written:
        click.echo(f"wrote {promotion.file}: run `gitops-gen render`, review with `gitops-gen diff`, commit")
    elif promotion.changes:
        click.echo("dry run: nothing written")
    return ExitCode.OK
