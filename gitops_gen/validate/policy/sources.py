"""Rules on what Applications sync and how: pinned versions, prod revisions, prune, destinations."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from gitops_gen.base.manifest import Manifest
from gitops_gen.base.repourl import same_repo
from gitops_gen.validate.objects import (
    Violation,
    annotations_of,
    app_sources,
    applications,
    dig,
    is_production_app,
    labels,
    mapping,
)
from gitops_gen.validate.policy.context import ALLOW_PROD_PRUNE, ROLE_LABEL, PolicyContext

# An exact SemVer 2 version (Helm chart versions are SemVer); anything else is a range to Argo CD.
EXACT_VERSION = re.compile(r"^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
                           r"(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$")
# Git revisions that cannot move: a commit SHA, or a tag that names a full version.
COMMIT_SHA = re.compile(r"^[0-9a-f]{7,40}$|^[0-9a-f]{64}$")
VERSION_TAG = re.compile(r"^(refs/tags/)?([A-Za-z0-9._/-]*[-/_])?v?\d+\.\d+\.\d+([-+.][0-9A-Za-z.+-]*)?$")


def chart_not_pinned(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    for app in applications(objects):
        for path, source in app_sources(app):
            if not source.get("chart"):
                continue  # a git source: its revision is GG106's business
            revision = str(source.get("targetRevision") or "")
            if not EXACT_VERSION.match(revision):
                shown = repr(revision) if revision else "empty (latest)"
                yield Violation(app, f"chart {source['chart']} version {shown} is not an exact version; "
                                     "pin it, e.g. 1.16.2", f"{path}.targetRevision")


def prod_addon_tracks_branch(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    """Sources in the GitOps repository itself are exempt: they follow the repo's own revision."""
    for app in applications(objects):
        if labels(app).get(ROLE_LABEL) != "addon" or not is_production_app(app, context):
            continue
        for path, source in app_sources(app):
            if source.get("chart") or (context.repo_url and same_repo(str(source.get("repoURL") or ""),
                                                                     context.repo_url)):
                continue
            revision = str(source.get("targetRevision") or "")
            if not (COMMIT_SHA.match(revision) or VERSION_TAG.match(revision)):
                shown = repr(revision) if revision else "empty (HEAD)"
                yield Violation(app, f"production add-on tracks the moving revision {shown}; "
                                     "pin a version tag or commit SHA", f"{path}.targetRevision")


def prod_prune_without_opt_in(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    """Automated prune deletes whatever leaves Git; in production that needs an explicit opt-in.

    Contract with the render: it writes the annotation ``gitops-gen.io/allow-prod-prune: "true"`` on
    an Application exactly when the Environment blueprint sets ``syncPolicy.prune: true`` itself
    (a default never counts as an opt-in).
    """
    for app in applications(objects):
        if mapping(dig(app.body, "spec", "syncPolicy", "automated")).get("prune") is not True:
            continue
        if is_production_app(app, context) and str(annotations_of(app).get(ALLOW_PROD_PRUNE)) != "true":
            yield Violation(app, "automated prune in production without an explicit opt-in "
                                 f"(set syncPolicy.prune in the Environment; annotation {ALLOW_PROD_PRUNE})",
                            "spec.syncPolicy.automated.prune")


def destination_server_and_name(objects: Sequence[Manifest],
                                context: PolicyContext) -> Iterator[Violation]:
    for app in applications(objects):
        dest = mapping(dig(app.body, "spec", "destination"))
        if dest.get("server") and dest.get("name"):
            yield Violation(app, "destination sets both server and name; Argo CD accepts exactly one",
                            "spec.destination")
        elif not dest.get("server") and not dest.get("name"):
            yield Violation(app, "destination sets neither server nor name", "spec.destination")
