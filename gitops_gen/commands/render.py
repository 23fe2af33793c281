"""`gitops-gen render`: regenerate rendered/ (or, with --check, say how it differs)."""

from __future__ import annotations

from pathlib import Path

import click

from gitops_gen.base.colour import paint
from gitops_gen.base.errors import ExitCode
from gitops_gen.blueprint.load import find_repo_root
from gitops_gen.commands.options import complete_environments, repo_option, require_charts_option, use_colour
from gitops_gen.render.common import RENDERED_DIR
from gitops_gen.write import build

env_option = click.option("--env", "envs", multiple=True, metavar="ENV", help="Only this environment (repeatable).",
                          shell_complete=complete_environments)

CHECK_ROLES = {"stale": "changed", "missing": "removed", "extra": "warning"}  # --check labels -> colour roles

def repo_root(repo_dir: Path | None) -> Path:
    return find_repo_root(repo_dir if repo_dir is not None else Path.cwd())


@click.command("render")
@repo_option
@env_option
@click.option("--check", is_flag=True, help="Write nothing; exit 1 listing stale, missing and extra files.")
@click.option("--no-cache", is_flag=True, help="Render even when nothing changed since the last render.")
@require_charts_option
def command(repo: Path | None, envs: tuple[str, ...], check: bool, no_cache: bool, require_charts: bool) -> int:
    """Render blueprints into rendered/ (Argo CD apps, Kustomize bases and overlays)."""
    root = repo_root(repo)
    if check:
        the_plan = build.check(root, envs, require_charts)
        colour = use_colour()
        for label, paths in (("stale", the_plan.stale), ("missing", the_plan.missing), ("extra", the_plan.extra)):
            for path in paths:
                click.echo(f"{paint(label, CHECK_ROLES[label], colour)}: {RENDERED_DIR}/{path}")
        for _, reason in the_plan.blocked:
            click.echo(f"{paint('blocked', 'error', colour)}: {RENDERED_DIR}/{reason}")
        if the_plan.clean:
            click.echo(f"{RENDERED_DIR}/ is up to date ({the_plan.unchanged} files)")
            return ExitCode.OK
        click.echo(f"{RENDERED_DIR}/ is out of date: run `gitops-gen render` and commit", err=True)
        return ExitCode.FINDINGS
    done = build.build(root, envs, use_cache=not no_cache, require_charts=require_charts)
    why = " (no input changed)" if done.cached else ""
    click.echo(f"{RENDERED_DIR}/: {done.written} written, {done.removed} removed, {done.unchanged} unchanged{why}")
    if done.created:
        _name_untracked(root, [f"{RENDERED_DIR}/{p}" for p in done.created])
    return ExitCode.OK


SHOWN_NEW = 10


def _name_untracked(root: Path, created: list[str]) -> None:
    """New files Git does not track yet: Argo CD never sees them until they are added and committed."""
    from gitops_gen.tools import gitrev  # gitpython only when a render created files

    new = gitrev.untracked(root, created)
    if not new:
        return
    more = f" and {len(new) - SHOWN_NEW} more" if len(new) > SHOWN_NEW else ""
    click.echo(f"new, not yet in Git ({len(new)}): {', '.join(new[:SHOWN_NEW])}{more}; "
               f"`git add {RENDERED_DIR}/` before committing")
