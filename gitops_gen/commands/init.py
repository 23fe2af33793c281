"""`gitops-gen init`: start a new GitOps repository on the golden path."""

from __future__ import annotations

from pathlib import Path

import click

from gitops_gen import __version__
from gitops_gen.base.errors import ExitCode
from gitops_gen.render.common import RENDERED_DIR
from gitops_gen.write.scaffold import PLACEHOLDER_URL, init


@click.command("init")
@click.argument("directory", required=False, type=click.Path(path_type=Path), default=Path("."))
@click.option("--repo-url", metavar="URL",
              help=f"The new repository's clone URL, which Argo CD syncs from (default: {PLACEHOLDER_URL}).")
@click.option("--install", "install", metavar="REQUIREMENT",
              help="How the new repository's CI and pre-commit install gitops-gen: a pip requirement (an index "
                   "name, a Git URL, a wheel URL). Default: where this gitops-gen was installed from, else "
                   f"gitops-gen=={__version__} from the package index.")
def command(directory: Path, repo_url: str | None, install: str | None) -> int:
    """Create a new repository in DIRECTORY (default: here): settings, an add-on stack, a tenant, dev
    and prod, a README, CI and pre-commit configuration, editor schemas; then render it once.

    Nothing is overwritten: if any of its files exists, init writes nothing and exits 2.
    """
    created = init(directory, repo_url, install)
    for rel in created.files:
        click.echo(f"created {rel}")
    click.echo(f"created {RENDERED_DIR}/ ({created.rendered} files)")
    where = "" if directory == Path(".") else f"cd {directory} && "
    click.echo(f"next: {where}edit gitops.yaml (repoURL) and environments/ (cluster servers), "
               "then `gitops-gen render && gitops-gen validate`, and commit; README.md says more")
    return ExitCode.OK
