"""`gitops-gen render`: regenerate rendered/ (or, with --check, say how it differs)."""

from __future__ import annotations

from pathlib import Path

import click

from gitops_gen.base.colour import paint
from gitops_gen.base.errors import ExitCode, InputError
from gitops_gen.blueprint.load import find_repo_root, load_repo
from gitops_gen.commands.options import complete_environments, repo_option, use_colour
from gitops_gen.render import render
from gitops_gen.render.common import RENDERED_DIR
from gitops_gen.write import cache, writer

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
def command(repo: Path | None, envs: tuple[str, ...], check: bool, no_cache: bool) -> int:
    """Render blueprints into rendered/ (Argo CD apps, Kustomize bases and overlays)."""
    root = repo_root(repo)
    out_dir = root / RENDERED_DIR
    inputs = cache.fingerprint(root, envs)
    if not check and not no_cache and (count := cache.unchanged(root, out_dir, inputs)) is not None:
        click.echo(f"{RENDERED_DIR}/: 0 written, 0 removed, {count} unchanged (no input changed)")
        return ExitCode.OK
    rendering = render(load_repo(root), envs)
    if check:
        the_plan = writer.plan(rendering, out_dir)
        colour = use_colour()
        for label, paths in (("stale", the_plan.stale), ("missing", the_plan.missing), ("extra", the_plan.extra)):
            for path in paths:
                click.echo(f"{paint(label, CHECK_ROLES[label], colour)}: {RENDERED_DIR}/{path}")
        for _, reason in the_plan.blocked:
            click.echo(f"{paint('blocked', 'error', colour)}: {RENDERED_DIR}/{reason}")
        if the_plan.clean:
            click.echo(f"{RENDERED_DIR}/ is up to date ({the_plan.unchanged} files)")
            return ExitCode.OK
        click.echo(f"{RENDERED_DIR}/ is out of date: run `gitops-gen render` and commit",
                   err=True)
        return ExitCode.FINDINGS

    def inputs_unchanged() -> None:  # a `git checkout` during the render would give a tree of two branches
        if cache.fingerprint(root, envs) != inputs:
            raise InputError("the inputs changed during the render (gitops.yaml or a blueprint, e.g. a git "
                             "checkout); nothing was written: render again")

    with writer.exclusive(out_dir):
        the_plan = writer.plan(rendering, out_dir)
        writer.apply(rendering, out_dir, the_plan, before_swap=inputs_unchanged)
        cache.save(root, out_dir, inputs)
    written = len(the_plan.missing) + len(the_plan.stale)
    click.echo(f"{RENDERED_DIR}/: {written} written, {len(the_plan.extra)} removed, "
               f"{the_plan.unchanged} unchanged")
    return ExitCode.OK
