"""``gitops-gen explain``: where a rendered value comes from -- every layer that set it, and the one that won."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gitops_gen.base.errors import ExitCode, InputError
from gitops_gen.commands.options import complete_applications, complete_clusters, output_option, repo_option


@click.command("explain")
@repo_option
@click.argument("cluster", shell_complete=complete_clusters)
@click.argument("application", shell_complete=complete_applications)
@click.argument("obj", metavar="[OBJECT]", required=False, default="")
@click.argument("field", metavar="[FIELD]", required=False, default="")
@output_option(("text", "json"))
@click.option("--all", "every", is_flag=True, help="Text: also list the fields gitops-gen sets itself.")
def command(repo: Path | None, cluster: str, application: str, obj: str, field: str, output: str,
            every: bool) -> int:
    """Say which blueprint layers set each field of an Application or of an object it deploys.

    \b
    Layers, lowest first: chart default, stack default (or tenant), environment override,
    cluster override, and for quotas the tier of gitops.yaml; the last one wins.
    APPLICATION: its name, with or without the "<cluster>-" prefix.  OBJECT: Kind/name or
    Kind/namespace/name ("-" or none: the Application itself); a path given as OBJECT is a FIELD
    of the Application.  FIELD: a path as diff and drift write it, e.g.
      gitops-gen explain prod-eu1 ingress-nginx spec.source.helm.valuesObject.controller.replicaCount
      gitops-gen explain prod-eu1 payments-namespaces ResourceQuota/payments-api/tenant-quota 'spec.hard["limits.cpu"]'
    """
    from gitops_gen.blueprint.load import find_repo_root, load_repo
    from gitops_gen.blueprint.provenance import Provenance
    from gitops_gen.charts.build import render_repo
    from gitops_gen.charts.defaults import chart_defaults
    from gitops_gen.explain import as_json, as_text, explain

    if obj and "/" not in obj and obj != "-" and not field:
        obj, field = "", obj  # `explain CLUSTER APP spec.source.targetRevision`: a field of the Application
    root = find_repo_root(repo or Path.cwd())
    loaded = load_repo(root)
    plan = next((p for p in loaded.plans if p.cluster.name == cluster), None)
    if plan is None:
        known = ", ".join(sorted(p.cluster.name for p in loaded.plans))
        raise InputError(f"unknown cluster {cluster!r} (known: {known})")
    rendering = render_repo(loaded, [plan.env.name])  # chart objects too, where the chart is in the cache
    provenance = Provenance(loaded, chart_defaults=chart_defaults(root))
    found = explain(provenance, rendering.desired.get(cluster, ()), cluster, application, obj, field)
    if output == "json":
        click.echo(json.dumps(as_json(cluster, application, found), indent=2, ensure_ascii=False))
    else:
        click.echo(as_text(found, every or bool(field)), nl=False)
    return int(ExitCode.OK)
