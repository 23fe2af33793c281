"""`gitops-gen fleet labels`: what to put on the Argo CD Secret of each cluster registered by hand."""

from __future__ import annotations

from pathlib import Path

import click

from gitops_gen.base.errors import ExitCode, InputError
from gitops_gen.blueprint.load import load_repo
from gitops_gen.commands.options import complete_clusters, repo_option
from gitops_gen.commands.render import env_option, repo_root
from gitops_gen.fleet.secrets import hand_labels, switch_keys
from gitops_gen.render import FLEET_MODE, render


@click.group("fleet")
def command() -> None:
    """Fleet mode (`fleet: {mode: applicationsets}`): cluster registration."""


@command.command("labels")
@repo_option
@env_option
@click.option("--cluster", "clusters", multiple=True, metavar="CLUSTER", help="Only this cluster (repeatable).",
              shell_complete=complete_clusters)
def labels(repo: Path | None, envs: tuple[str, ...], clusters: tuple[str, ...]) -> int:
    """Print, per cluster without `auth` (registered by hand with `argocd cluster add`), the commands that
    put on its Argo CD Secret the labels the ApplicationSets select on.  Run them after every render that
    changes a switch, a variant or a label (`gitops-gen render` says when)."""
    loaded = load_repo(repo_root(repo))
    if loaded.settings.fleet.mode != FLEET_MODE:
        raise InputError(f"gitops.yaml: fleet mode is {loaded.settings.fleet.mode}; cluster labels are for "
                         f"`fleet: {{mode: {FLEET_MODE}}}`", loaded.settings.origin)
    rendering = render(loaded, envs)
    unknown = [c for c in clusters if c not in {t.cluster for t in rendering.targets}]
    if unknown:
        raise InputError(f"--cluster {unknown[0]}: no such cluster" + (f" in {', '.join(envs)}" if envs else ""))
    switches = switch_keys([*rendering.hand_registered.values(), *(m.body for m in rendering.fleet)])
    chosen = [t.cluster for t in rendering.targets if not clusters or t.cluster in clusters]
    for cluster in chosen:
        secret = rendering.hand_registered.get(cluster)
        if secret is None:
            click.echo(f"# {cluster}: registered by rendered/ (its auth block); nothing to do by hand")
            continue
        click.echo(f"# {cluster}")
        for line in hand_labels(secret, loaded.settings.argocd_namespace, switches):
            click.echo(line)
    return ExitCode.OK
