"""Which blueprint field each rendered field is rendered from: the renderers' mapping, read backwards (pure).

This module mirrors ``argocd.py``, ``tenants.py`` and ``bundles.py`` (which value goes where) and is never
called by a render: ``explain``, ``diff`` and findings ask it about one field at a time, and it hands the
answer to ``blueprint.provenance`` for the chain of layers behind that blueprint field.  A field no
blueprint wrote (a label gitops-gen adds, a default it applies) has no origin.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, NamedTuple

from gitops_gen.base.jsonpath import Step, format_path, leaf_steps, parse_path
from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.base.redact import REDACTED, is_secret, redact
from gitops_gen.blueprint.model import ClusterPlan, Key
from gitops_gen.blueprint.provenance import Chain, Provenance
from gitops_gen.render import owners
from gitops_gen.render.common import (
    ADDON_LABEL,
    DEPENDS_ON_ANNOTATION,
    ROLE_LABEL,
    TENANT_LABEL,
    TIER_ANNOTATION,
)

ARGOCD_GROUP = "argoproj.io"
_QUOTA_TIER_FIELD = {"requests.cpu": "cpu", "limits.cpu": "cpu", "requests.memory": "memory",
                     "limits.memory": "memory", "pods": "pods", "requests.storage": "storage"}
_SYNC_FIELDS = {"prune": "prune", "selfHeal": "selfHeal"}


class FieldSource(NamedTuple):
    """A blueprint field: of an add-on, tenant, environment, cluster, settings, or a tenant's tier."""

    subject: str
    name: str
    key: Key


@dataclass(frozen=True)
class FieldOrigin:
    """One rendered field, its value, and the chain of layers behind it (None: gitops-gen set it)."""

    path: str
    value: Any
    chain: Chain | None


@dataclass(frozen=True)
class ObjectOrigins:
    ref: ObjectRef
    file: str  # under rendered/ ("" when not written)
    fields: tuple[FieldOrigin, ...]


def chain_of(provenance: Provenance, cluster: str, body: Mapping[str, Any], path: str) -> Chain | None:
    """The chain behind ``path`` (as diff writes it) of the rendered object ``body`` on ``cluster``."""
    plan, steps = provenance.plan(cluster), parse_path(path)
    if plan is None or steps is None:
        return None
    source = field_source(plan, body, steps)
    if source is None:
        return None
    if source.subject == "tier":
        return provenance.tier(cluster, source.name, str(source.key[0]))
    return provenance.chain(cluster, source.subject, source.name, source.key)


def explain_object(provenance: Provenance, cluster: str, manifest: Manifest, field: str = "") -> ObjectOrigins:
    """Every leaf field of ``manifest`` (or those at and below ``field``) with its chain.

    A Secret's values never show (``base.redact``): its fields and where they were written do."""
    found = []
    secret = is_secret(manifest.ref)
    for steps, value in leaf_steps(manifest.body):
        path = format_path(steps)
        if not field or path == field or path.startswith((f"{field}.", f"{field}[")):
            chain = chain_of(provenance, cluster, manifest.body, path)
            shown = redact(manifest.body, steps, value, secret=secret)
            if chain is not None and shown is not value:
                chain = Chain(chain.key, tuple(layer._replace(value=REDACTED) for layer in chain.layers))
            found.append(FieldOrigin(path, shown, chain))
    return ObjectOrigins(manifest.ref, manifest.path, tuple(found))


def objects_of(app: Manifest, objects: Iterable[Manifest]) -> list[Manifest]:
    """The objects of ``objects`` (one cluster's render) that the Application ``app`` deploys (``owners``)."""
    objects = list(objects)
    by_unit = owners.units(objects, None)
    by_name = {m.ref.name: m for m in objects if owners.is_application(m.ref)}
    return [m for m in objects if m is not app and owners.deployed_by(m, by_unit, by_name) is app]


def field_source(plan: ClusterPlan, body: Mapping[str, Any], steps: tuple[Step, ...]) -> FieldSource | None:
    """The blueprint field the renderers wrote at ``steps`` of ``body``, or None (gitops-gen's own)."""
    meta = body.get("metadata") or {}
    labels = meta.get("labels") or {}
    kind, group = str(body.get("kind", "")), str(body.get("apiVersion", "")).rpartition("/")[0]
    if group == ARGOCD_GROUP and kind == "Application":
        return _application(plan, str(meta.get("name", "")), labels, steps)
    if group == ARGOCD_GROUP and kind == "AppProject":
        return _project(plan, labels, steps)
    if ADDON_LABEL in labels:
        return _manifest_addon(plan, labels[ADDON_LABEL], body, steps)
    if TENANT_LABEL in labels:
        return _tenant_object(plan, labels[TENANT_LABEL], body, steps)
    return None


def _application(plan: ClusterPlan, name: str, labels: Mapping[str, str], steps: tuple[Step, ...]
                 ) -> FieldSource | None:
    cluster = plan.cluster.name
    if steps[:2] == ("spec", "syncPolicy") and len(steps) > 3 and steps[2] == "automated":
        field = _SYNC_FIELDS.get(str(steps[3]))
        return FieldSource("environment", "", ("syncPolicy", field)) if field else None
    role = labels.get(ROLE_LABEL)
    if steps == ("spec", "destination", "server"):  # root Applications live on the Argo CD cluster instead
        return FieldSource("cluster", cluster, ("server",)) if role in ("addon", "tenant-namespaces", "tenant-app") \
            else None
    if role == "addon" and ADDON_LABEL in labels:
        return _addon_application(plan, labels[ADDON_LABEL], steps)
    if role == "tenant-namespaces" and TENANT_LABEL in labels:
        tenant = labels[TENANT_LABEL]
        if steps == ("spec", "destination", "namespace"):
            return FieldSource("tenant", tenant, ("namespaces", 0))
        if steps[:2] == ("spec", "ignoreDifferences"):
            return FieldSource("tenant", tenant, ("ignoreDifferences", *steps[2:]))
        return _settings_source(steps)
    if role == "tenant-app" and TENANT_LABEL in labels:
        owner = next((t for t in plan.tenants if t.name == labels[TENANT_LABEL]), None)
        index = next((i for i, a in enumerate(owner.apps) if f"{cluster}-{a.name}" == name), None) if owner else None
        if owner is None or index is None:
            return None
        app: Key = ("apps", index)
        if steps[:2] == ("spec", "source") and len(steps) == 3:
            return FieldSource("tenant", owner.name, (*app, "source", steps[2]))
        if steps == ("spec", "destination", "namespace"):
            return FieldSource("tenant", owner.name, (*app, "namespace"))
        if steps[:2] == ("spec", "ignoreDifferences"):
            return FieldSource("tenant", owner.name, (*app, "ignoreDifferences", *steps[2:]))
        if steps[:3] == ("metadata", "annotations", DEPENDS_ON_ANNOTATION):
            return FieldSource("tenant", owner.name, (*app, "dependsOn"))
    return None


def _addon_application(plan: ClusterPlan, name: str, steps: tuple[Step, ...]) -> FieldSource | None:
    addon = next((a for a in plan.addons if a.name == name), None)
    if addon is None:
        return None
    if steps[:4] == ("spec", "source", "helm", "valuesObject"):
        return FieldSource("addon", name, ("values", *steps[4:]))
    if steps == ("spec", "destination", "namespace"):
        return FieldSource("addon", name, ("namespace",))
    if steps[:2] == ("spec", "ignoreDifferences"):
        return FieldSource("addon", name, ("ignoreDifferences", *steps[2:]))
    if steps[:3] == ("metadata", "annotations", DEPENDS_ON_ANNOTATION):
        return FieldSource("addon", name, ("dependsOn",))
    if steps[:2] != ("spec", "source") or len(steps) != 3:
        return None
    field = str(steps[2])
    if addon.chart:
        key = {"repoURL": "repoURL", "chart": "name", "targetRevision": "version"}.get(field)
        return FieldSource("addon", name, ("chart", key)) if key else None
    if addon.source:
        return FieldSource("addon", name, ("source", field)) if field in ("repoURL", "path", "targetRevision") \
            else None
    return _settings_source(steps)


def _settings_source(steps: tuple[Step, ...]) -> FieldSource | None:
    """A git path into rendered/: the repository and revision of gitops.yaml."""
    if steps in (("spec", "source", "repoURL"), ("spec", "source", "targetRevision")):
        return FieldSource("settings", "", (str(steps[2]),))
    return None


def _project(plan: ClusterPlan, labels: Mapping[str, str], steps: tuple[Step, ...]) -> FieldSource | None:
    tenant = labels.get(TENANT_LABEL)
    if tenant is None:
        return None
    if steps[:2] == ("spec", "sourceRepos"):
        return FieldSource("tenant", tenant, ("sourceRepos", *steps[2:]))
    if steps[:2] == ("spec", "destinations") and len(steps) == 4 and isinstance(steps[2], int):
        if steps[3] == "namespace":
            return FieldSource("tenant", tenant, ("namespaces", steps[2]))
        return FieldSource("cluster", plan.cluster.name, ("server",)) if steps[3] == "server" else None
    if steps[:2] == ("spec", "roles") and len(steps) >= 4 and steps[3] == "groups":
        found = next((t for t in plan.tenants if t.name == tenant), None)
        if found is None or not isinstance(steps[2], int):
            return None
        roles = [r for r, groups in (("owners", found.owners), ("viewers", found.viewers)) if groups]
        return FieldSource("tenant", tenant, (roles[steps[2]], *steps[4:])) if steps[2] < len(roles) else None
    return None


def _tenant_object(plan: ClusterPlan, tenant: str, body: Mapping[str, Any], steps: tuple[Step, ...]
                   ) -> FieldSource | None:
    kind = body.get("kind")
    meta = body.get("metadata") or {}
    if kind == "Namespace":
        if steps == ("metadata", "name"):
            found = next((t for t in plan.tenants if t.name == tenant), None)
            names = found.namespaces if found else ()
            return FieldSource("tenant", tenant, ("namespaces", names.index(meta.get("name")))) \
                if meta.get("name") in names else None
        if steps[:2] == ("metadata", "labels") and len(steps) == 3:
            return FieldSource("tenant", tenant, ("labels", steps[2]))
        return None
    if kind == "ResourceQuota":
        if steps[:2] == ("spec", "hard") and len(steps) == 3 and str(steps[2]) in _QUOTA_TIER_FIELD:
            return FieldSource("tier", tenant, (_QUOTA_TIER_FIELD[str(steps[2])],))
        if steps == ("metadata", "annotations", TIER_ANNOTATION):
            return FieldSource("tenant", tenant, ("tier",))
        return None
    if kind == "RoleBinding" and steps[:1] == ("subjects",) and len(steps) == 3 and steps[2] == "name":
        role = {"tenant-owners": "owners", "tenant-viewers": "viewers"}.get(str(meta.get("name")))
        return FieldSource("tenant", tenant, (role, steps[1])) if role else None
    if kind == "NetworkPolicy" and meta.get("name") == "allow-from-namespaces" and len(steps) == 8 \
            and steps[:2] == ("spec", "ingress") and isinstance(steps[4], int):
        return FieldSource("tenant", tenant, ("network", "allowFromNamespaces", steps[4]))
    if kind == "LimitRange" and steps[:2] == ("spec", "limits") and len(steps) == 5:
        return FieldSource("settings", "", ("limits", steps[3], steps[4]))
    return None


def _manifest_addon(plan: ClusterPlan, name: str, body: Mapping[str, Any], steps: tuple[Step, ...]
                    ) -> FieldSource | None:
    """An object of a plain-manifests add-on: the same field of the manifest it was written as."""
    addon = next((a for a in plan.addons if a.name == name), None)
    if addon is None:
        return None
    meta = body.get("metadata") or {}
    for index, manifest in enumerate(addon.manifests):
        their = manifest.get("metadata") or {}
        if manifest.get("kind") == body.get("kind") and their.get("name") == meta.get("name") \
                and their.get("namespace", meta.get("namespace")) == meta.get("namespace"):
            return FieldSource("addon", name, ("manifests", index, *steps))
    return None



