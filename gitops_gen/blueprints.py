"""Blueprint format v1: the field specs of each kind and their conversion into the typed model."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gitops_gen.errors import InputError, Location
from gitops_gen.kubeversions import SUPPORTED_VERSIONS
from gitops_gen.model import (
    Addon,
    AddonStack,
    Chart,
    Cluster,
    ContainerLimits,
    Environment,
    GitSource,
    Network,
    Settings,
    SyncPolicy,
    Tenant,
    TenantApp,
    Tier,
)
from gitops_gen.quantity import QUANTITY
from gitops_gen.spec import (
    DNS1123_SUBDOMAIN,
    Bool,
    Errors,
    Field,
    Free,
    Int,
    ListOf,
    MapOf,
    Name,
    Obj,
    Str,
)
from gitops_gen.yamlio import LocDict

API_VERSION = "gitops-gen/v1"
HTTPS_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]+)?(/\S*)?$")
REPO_URL = re.compile(r"^(https://\S+|ssh://\S+|git@[A-Za-z0-9.-]+:\S+|oci://\S+)$")
EXACT_VERSION = re.compile(r"^v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?$")
GROUP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9:._@-]*$")
PATH = re.compile(r"^(?!/)(?!.*(^|/)\.\.(/|$))[A-Za-z0-9._/{}-]+$")
VERSION = re.compile(r"^1\.[0-9]+$")
LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$")
LABEL_KEY = re.compile(r"^([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$")

quantity = Str(QUANTITY, "a Kubernetes quantity such as 500m, 4 or 8Gi", allow_numbers=True)
repo_url = Str(REPO_URL, "a git or Helm repository URL (https://, ssh://, git@ or oci://)")
revision = Str(re.compile(r"^\S+$"), "a revision (branch, tag or commit)")
names = ListOf(Name(), unique=True)
groups = ListOf(Str(GROUP_NAME, "a group name"), unique=True)

chart_spec = Obj({"repoURL": Field(repo_url, True), "name": Field(Str(GROUP_NAME, "a chart name"), True),
                  "version": Field(Str(EXACT_VERSION, "an exact chart version (x.y.z, no ranges)"), True)})
source_spec = Obj({"repoURL": Field(repo_url, True), "path": Field(Str(PATH, "a relative path inside the repo"), True),
                   "targetRevision": Field(revision, True)})
ignore_diff_spec = Obj({
    "group": Field(Str()), "kind": Field(Str(), True), "name": Field(Str()), "namespace": Field(Str()),
    "jsonPointers": Field(ListOf(Str(re.compile(r"^/"), "a JSON pointer starting with '/'"))),
    "jqPathExpressions": Field(ListOf(Str())),
    "managedFieldsManagers": Field(ListOf(Str())),
})


def _check_manifest(value: Any, loc: Location, path: str, errors: Errors) -> Any:
    body = Free().check(value, loc, path, errors)
    if body is None:
        return None
    for key in ("apiVersion", "kind"):
        if not isinstance(body.get(key), str) or not body.get(key):
            errors.append(InputError(f"{path}: a manifest needs {key}", loc))
            return None
    meta = body.get("metadata")
    name = meta.get("name") if isinstance(meta, Mapping) else None
    if not isinstance(name, str) or not DNS1123_SUBDOMAIN.match(name) or len(name) > 253:
        where = meta.value_loc("name") if isinstance(meta, LocDict) and "name" in meta else loc
        errors.append(InputError(f"{path}.metadata.name: {name!r} is not a DNS-1123 subdomain", where))
        return None
    if not re.match(r"^[A-Za-z][A-Za-z0-9]*$", body["kind"]):
        errors.append(InputError(f"{path}.kind: {body['kind']!r} is not a kind name", loc))
        return None
    return body


class _Manifest(Free):
    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        return _check_manifest(value, loc, path, errors)


def _addon_fields(required: bool) -> dict[str, Field]:
    return {
        "name": Field(Name(), required),
        "namespace": Field(Name(), required),
        "chart": Field(chart_spec if required else Obj({k: Field(f.spec) for k, f in chart_spec.fields.items()})),
        "source": Field(source_spec if required else Obj({k: Field(f.spec) for k, f in source_spec.fields.items()})),
        "manifests": Field(ListOf(_Manifest())),
        "values": Field(Free()),
        "dependsOn": Field(names),
        "serverSideApply": Field(Bool()),
        "ignoreDifferences": Field(ListOf(ignore_diff_spec)),
    }


def exactly_one_source(addon: LocDict, path: str, errors: Errors) -> None:
    given = [k for k in ("chart", "source", "manifests") if k in addon]
    if len(given) != 1:
        what = ", ".join(given) if given else "none of them"
        errors.append(InputError(
            f"{path or 'addon'}: an add-on needs exactly one of chart, source or manifests (got {what})", addon.loc))


addon_spec = Obj(_addon_fields(True), check_extra=exactly_one_source)
addon_override_spec = Obj({k: v for k, v in _addon_fields(False).items() if k not in ("name", "dependsOn")})

network_spec = Obj({"allowFromNamespaces": Field(names), "allowSameNamespace": Field(Bool())})
labels_spec = MapOf(Str(LABEL_VALUE, "a label value"), keys=Str(LABEL_KEY, "a label key"))
app_spec = Obj({"name": Field(Name(), True), "namespace": Field(Name(), True),
                "source": Field(source_spec, True), "dependsOn": Field(names),
                "ignoreDifferences": Field(ListOf(ignore_diff_spec))})
tenant_override_fields = {
    "tier": Field(Name()), "labels": Field(labels_spec), "owners": Field(groups), "viewers": Field(groups),
    "network": Field(network_spec),
}
tenant_spec = Obj({**tenant_override_fields, "tier": Field(Name(), True), "namespaces": Field(names),
                   "sourceRepos": Field(ListOf(repo_url, unique=True)), "apps": Field(ListOf(app_spec)),
                   "ignoreDifferences": Field(ListOf(ignore_diff_spec))})
tenant_override_spec = Obj(tenant_override_fields)
overrides_spec = Obj({"addons": Field(MapOf(addon_override_spec)), "tenants": Field(MapOf(tenant_override_spec))})
cluster_spec = Obj({"name": Field(Name(), True),
                    "server": Field(Str(HTTPS_URL, "an https:// URL"), True),
                    "context": Field(Str(re.compile(r"^\S+$"), "a kubeconfig context name")),
                    "overrides": Field(overrides_spec)})
sync_spec = Obj({"automated": Field(Bool()), "prune": Field(Bool()), "selfHeal": Field(Bool())})
environment_spec = Obj({
    "promotesFrom": Field(Name()),
    "kubernetesVersion": Field(Str(VERSION, "a Kubernetes version X.Y (quote it: \"1.31\")"), True),
    "production": Field(Bool()),
    "clusters": Field(ListOf(cluster_spec), True),
    "addonStacks": Field(names),
    "tenants": Field(names),
    "syncPolicy": Field(sync_spec),
    "overrides": Field(overrides_spec),
})
tier_spec = Obj({"cpu": Field(quantity, True), "memory": Field(quantity, True), "pods": Field(Int(1), True),
                 "storage": Field(quantity)})
limits_spec = Obj({"defaultRequest": Field(Obj({"cpu": Field(quantity), "memory": Field(quantity)})),
                   "default": Field(Obj({"cpu": Field(quantity), "memory": Field(quantity)}))})
settings_spec = Obj({
    "repoURL": Field(repo_url, True), "targetRevision": Field(revision, True),
    "argocdNamespace": Field(Name()), "argocdServer": Field(Str(HTTPS_URL, "an https:// URL")),
    "argocdContext": Field(Str(re.compile(r"^\S+$"), "a kubeconfig context name")),
    "tiers": Field(MapOf(tier_spec), True), "limits": Field(limits_spec),
    "policy": Field(Free()), "drift": Field(Free()),
    "crdDirs": Field(ListOf(Str(PATH, "a folder inside the repository"), unique=True)),
})
stack_spec = Obj({"addons": Field(ListOf(addon_spec), True)})

SPEC_OF_KIND = {"Settings": settings_spec, "AddonStack": stack_spec, "Tenant": tenant_spec,
                "Environment": environment_spec}


def ignore_differences(raw: Any) -> tuple[Mapping[str, Any], ...]:
    return tuple(dict(item) for item in raw or ())


def make_settings(spec: LocDict, origin: Location) -> Settings:
    limits = spec.get("limits") or {}
    defaults = ContainerLimits()
    req, lim = limits.get("defaultRequest") or {}, limits.get("default") or {}
    return Settings(
        repo_url=spec["repoURL"], target_revision=spec["targetRevision"],
        argocd_namespace=spec.get("argocdNamespace", "argocd"),
        argocd_server=spec.get("argocdServer", "https://kubernetes.default.svc"),
        tiers={name: Tier(name, t["cpu"], t["memory"], t["pods"], t.get("storage"))
               for name, t in spec["tiers"].items()},
        limits=ContainerLimits(req.get("cpu", defaults.default_request_cpu),
                               req.get("memory", defaults.default_request_memory),
                               lim.get("cpu", defaults.default_cpu), lim.get("memory", defaults.default_memory)),
        policy=spec.get("policy") or LocDict(loc=origin), drift=spec.get("drift") or LocDict(loc=origin),
        crd_dirs=tuple(spec.get("crdDirs") or ()), argocd_context=spec.get("argocdContext"),
        origin=origin)


def make_addon(stack: str, raw: Mapping[str, Any], origin: Location) -> Addon:
    chart, source = raw.get("chart"), raw.get("source")
    return Addon(
        name=raw["name"], stack=stack, namespace=raw["namespace"],
        chart=Chart(chart["repoURL"], chart["name"], chart["version"]) if chart else None,
        source=GitSource(source["repoURL"], source["path"], source["targetRevision"]) if source else None,
        manifests=tuple(raw.get("manifests") or ()), values=raw.get("values") or {},
        depends_on=tuple(raw.get("dependsOn") or ()), server_side_apply=bool(raw.get("serverSideApply", False)),
        ignore_differences=ignore_differences(raw.get("ignoreDifferences")), origin=origin, raw=raw)


def make_stack(name: str, spec: LocDict, origin: Location) -> AddonStack:
    addons = spec["addons"]
    return AddonStack(name, tuple(make_addon(name, a, addons.item_loc(i)) for i, a in enumerate(addons)), origin)


def make_tenant(name: str, spec: Mapping[str, Any], origin: Location) -> Tenant:
    network = spec.get("network") or {}
    apps = spec.get("apps") or []
    return Tenant(
        name=name, owners=tuple(spec.get("owners") or ()), viewers=tuple(spec.get("viewers") or ()),
        tier=spec["tier"], namespaces=tuple(spec.get("namespaces") or (name,)),
        labels=dict(spec.get("labels") or {}),
        network=Network(tuple(network.get("allowFromNamespaces") or ()), network.get("allowSameNamespace", True)),
        source_repos=tuple(spec.get("sourceRepos") or ()),
        apps=tuple(TenantApp(a["name"], a["namespace"], GitSource(a["source"]["repoURL"], a["source"]["path"],
                                                                   a["source"]["targetRevision"]),
                             tuple(a.get("dependsOn") or ()), ignore_differences(a.get("ignoreDifferences")),
                             apps.item_loc(i) if hasattr(apps, "item_loc") else origin)
                   for i, a in enumerate(apps)),
        origin=origin, ignore_differences=ignore_differences(spec.get("ignoreDifferences")), raw=spec)


def make_environment(name: str, spec: LocDict, origin: Location, errors: Errors) -> Environment | None:
    version = spec["kubernetesVersion"]
    if version not in SUPPORTED_VERSIONS:
        errors.append(InputError(
            f"spec.kubernetesVersion: {version!r} is not supported (supported: {SUPPORTED_VERSIONS[0]}"
            f"–{SUPPORTED_VERSIONS[-1]})", spec.value_loc("kubernetesVersion")))
        return None
    production = spec.get("production", name in ("prod", "production"))
    sync = spec.get("syncPolicy") or {}
    automated = sync.get("automated", not production)
    clusters = spec["clusters"]
    return Environment(
        name=name, kubernetes_version=version,
        clusters=tuple(Cluster(c["name"], c["server"], c.get("context", c["name"]), c.get("overrides") or {},
                               clusters.item_loc(i)) for i, c in enumerate(clusters)),
        addon_stacks=tuple(spec.get("addonStacks") or ()), tenants=tuple(spec.get("tenants") or ()),
        # Production prunes only when the blueprint says so: a deleted line must not delete a database.
        sync_policy=SyncPolicy(automated, sync.get("prune", automated and not production),
                               sync.get("selfHeal", automated),
                               "prune" in sync),
        overrides=spec.get("overrides") or {}, production=production, origin=origin,
        promotes_from=spec.get("promotesFrom"), raw=spec)
