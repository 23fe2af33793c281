"""One cluster's drift: match desired and live objects, compare, find extras, read Argo CD's verdicts."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gitops_gen.base.errors import InputError
from gitops_gen.base.jsonpath import PathSyntaxError, Step, parse_pointer
from gitops_gen.base.manifest import Manifest, ObjectRef, ref_of
from gitops_gen.base.ownership import MANAGED_BY_LABEL, MANAGED_BY_VALUE, SCOPE_LABELS
from gitops_gen.base.status import DRIFTED, DriftStatus
from gitops_gen.drift.compare import compare
from gitops_gen.drift.config import DriftConfig
from gitops_gen.drift.hints import hint
from gitops_gen.drift.ignore import IgnoreRule, rule_from_argo
from gitops_gen.drift.model import ClusterReport, DriftItem
from gitops_gen.drift.owners import Owner, Owners
from gitops_gen.drift.status import applications
from gitops_gen.render.owners import is_application

Identity = tuple[str, str, str, str]  # group, kind, namespace, name: versions do not matter
AUTOSCALERS = {("autoscaling", "HorizontalPodAutoscaler"), ("keda.sh", "ScaledObject")}
_REPLICAS = parse_pointer("/spec/replicas")


@dataclass(frozen=True)
class LiveSnapshot:
    """What was read from a cluster (or a dump).

    ``unknown`` maps an ObjectRef, or a kind ("Deployment", "apps/Deployment",
    "apps/v1/Deployment", "deployments.apps"), to why it could not be read.
    ``apps`` maps Application name to live Application; None: take them from ``objects``.
    """

    objects: tuple[Mapping[str, Any], ...]
    unknown: Mapping[Any, str] = field(default_factory=dict)
    apps: Mapping[str, Mapping[str, Any]] | None = None
    warnings: tuple[str, ...] = ()  # what the reader could not check (e.g. extras of a forbidden kind)


def identity(ref: ObjectRef) -> Identity:
    return (ref.group, ref.kind, ref.namespace, ref.name)


def diff_cluster(
    cluster: str,
    context: str,
    desired: Sequence[Manifest],
    live: LiveSnapshot,
    config: DriftConfig,
    dump: str = "",
    *,
    production: bool = False,
    kube_context: str | None = None,
) -> ClusterReport:
    """One cluster's verdicts; each drifted object names its Application and the next step.

    ``production`` and ``kube_context`` only shape the wording of hints (and the kubectl commands in them).
    """
    wanted = _index_desired(desired)
    owners = Owners(desired)

    def advised(item: DriftItem, owner: Owner | None, body: Mapping[str, Any] | None = None) -> DriftItem:
        if item.status not in DRIFTED:
            return dataclasses.replace(item, application=owner.name if owner else "")
        words = hint(item.status, item.ref, item.changes, owner, source=item.source, file=item.file,
                     production=production, context=kube_context, live=body)
        source = item.source or (owner.source if owner else "")
        return dataclasses.replace(item, application=owner.name if owner else "", source=source, hint=words)

    by_id = {identity(ref_of(body)): body for body in live.objects}
    by_name = _index_by_name(by_id)
    # ObjectRefs of any version by identity: looked up per object instead of scanning every unknown.
    unknown_ids = {identity(k): why for k, why in live.unknown.items() if isinstance(k, ObjectRef)}
    rules = (*config.ignore, *_application_rules(desired))
    scaled = _autoscaled(desired, live.objects) if config.hpa_owned_replicas else set()
    items: list[DriftItem] = []
    matched: set[Identity] = set()
    for ident, manifest in wanted.items():
        ref = manifest.ref
        source, file = str(manifest.origin or ""), manifest.path
        reason = _unknown_reason(ref, live.unknown, unknown_ids)
        found_id = ident if ident in by_id else _loose_match(ident, by_id, by_name)
        if found_id is None:
            status = DriftStatus.UNKNOWN if reason else DriftStatus.MISSING
            items.append(advised(DriftItem(status, ref, reason=reason, source=source, file=file),
                                 owners.of_desired(manifest)))
            continue
        matched.add(found_id)
        labels = (manifest.body.get("metadata") or {}).get("labels") or {}
        paths: list[Sequence[Step]] = [p for r in rules if r.matches(ref, labels) for p in r.paths]
        if ident[1:] in scaled or found_id[1:] in scaled:
            paths.append(_REPLICAS)
        body = by_id[found_id]
        changes = compare(manifest.body, body, paths, ref=ref)
        status = DriftStatus.MODIFIED if changes else DriftStatus.IN_SYNC
        item = DriftItem(status, ref, changes, source=source, file=file)
        items.append(advised(item, owners.of_desired(manifest, body)))
    known = wanted.keys() | by_id.keys()
    items.extend(
        advised(DriftItem(DriftStatus.EXTRA, ref_of(body)), owners.of_live(body), body)
        for ident, body in by_id.items()
        if ident not in matched and _is_ours(body, known)
    )
    live_apps = (
        live.apps
        if live.apps is not None
        else {
            ref.name: body
            for body in live.objects
            if (ref := ref_of(body)).kind == "Application" and ref.group == "argoproj.io"
        }
    )
    unknown_apps = {
        i.ref.name: i.reason for i in items if i.status is DriftStatus.UNKNOWN and i.ref.kind == "Application"
    }
    return ClusterReport(
        cluster,
        context,
        tuple(sorted(items, key=_order)),
        applications(tuple(desired), live_apps, config, unknown_apps),
        dump=dump,
        warnings=live.warnings,
    )


def _order(item: DriftItem) -> tuple[str, str, str, str]:
    return (item.ref.kind, item.ref.namespace, item.ref.name, item.ref.api_version)


def _index_desired(desired: Sequence[Manifest]) -> dict[Identity, Manifest]:
    out: dict[Identity, Manifest] = {}
    for manifest in desired:
        ident = identity(manifest.ref)
        if ident in out:
            raise InputError(
                f"{manifest.ref} is defined twice (also at {out[ident].origin or '?'})", manifest.origin
            )
        out[ident] = manifest
    return out


def _index_by_name(by_id: Mapping[Identity, Any]) -> dict[tuple[str, str, str], list[Identity]]:
    """(group, kind, name) -> live identities: loose matching looks up instead of scanning every object."""
    out: dict[tuple[str, str, str], list[Identity]] = {}
    for ident in by_id:
        out.setdefault((ident[0], ident[1], ident[3]), []).append(ident)
    return out


def _loose_match(ident: Identity, by_id: Mapping[Identity, Any],
                 by_name: Mapping[tuple[str, str, str], list[Identity]]) -> Identity | None:
    """A desired object without namespace (plain manifests) matches the one live object of that name.

    A namespace on a cluster-scoped kind means nothing (the API server drops it), so a desired object
    with one matches the live object of that kind and name that has none.
    """
    if ident[2]:
        cluster_scoped = (*ident[:2], "", ident[3])
        return cluster_scoped if cluster_scoped in by_id else None
    candidates = by_name.get((ident[0], ident[1], ident[3]), [])
    return candidates[0] if len(candidates) == 1 else None


def _unknown_reason(ref: ObjectRef, unknown: Mapping[Any, str], unknown_ids: Mapping[Identity, str]) -> str:
    if not unknown:
        return ""
    if ref in unknown:
        return unknown[ref]
    for key in (
        ref.kind,
        f"{ref.group}/{ref.kind}",
        f"{ref.api_version}/{ref.kind}",
        f"{ref.kind.lower()}s.{ref.group}" if ref.group else f"{ref.kind.lower()}s",
    ):
        if key in unknown:
            return unknown[key]
    return unknown_ids.get(identity(ref), "")  # an ObjectRef with another version of the same kind


def _application_rules(desired: Sequence[Manifest]) -> list[IgnoreRule]:
    """Each rendered Application's ignoreDifferences, scoped to the add-on or tenant it deploys."""
    rules: list[IgnoreRule] = []
    for app in (m for m in desired if is_application(m.ref)):
        labels = (app.body.get("metadata") or {}).get("labels") or {}
        scope = next(((k, str(labels[k])) for k in SCOPE_LABELS if labels.get(k)), None)
        for entry in (app.body.get("spec") or {}).get("ignoreDifferences") or ():
            try:
                rules.append(rule_from_argo(entry, scope))
            except (PathSyntaxError, AttributeError):
                continue  # Argo CD features we cannot follow (jq filters): the field stays compared
    return rules


def _autoscaled(desired: Sequence[Manifest], live: Sequence[Mapping[str, Any]]) -> set[tuple[str, str, str]]:
    """(kind, namespace, name) of workloads an autoscaler owns the replicas of."""
    out = set()
    for body in [*(m.body for m in desired), *live]:
        ref = ref_of(body)
        if (ref.group, ref.kind) in AUTOSCALERS:
            target = (body.get("spec") or {}).get("scaleTargetRef") or {}
            out.add((str(target.get("kind") or "Deployment"), ref.namespace, str(target.get("name") or "")))
    return out


def _is_ours(body: Mapping[str, Any], by_id: Collection[Identity]) -> bool:
    """Carries our ownership label and was not made by a controller from one of our objects."""
    meta = body.get("metadata") or {}
    if (meta.get("labels") or {}).get(MANAGED_BY_LABEL) != MANAGED_BY_VALUE:
        return False
    if any(o.get("controller") for o in meta.get("ownerReferences") or ()):
        return False  # ReplicaSets, Pods, EndpointSlices inherit labels from what we own
    ref = ref_of(body)
    # Endpoints copy their Service's labels but carry no owner reference.
    return not (ref.kind == "Endpoints" and ("", "Service", ref.namespace, ref.name) in by_id)
