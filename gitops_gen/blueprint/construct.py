"""Checked blueprint documents -> the typed model (called by the loader and resolve, never by render)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_gen.base.errors import Location
from gitops_gen.blueprint.model import (
    Addon,
    AddonStack,
    Chart,
    Cluster,
    ContainerLimits,
    Environment,
    Fleet,
    GitSource,
    Key,
    Network,
    Section,
    Settings,
    SyncPolicy,
    Tenant,
    TenantApp,
    TenantSelector,
    Tier,
    Written,
)
from gitops_gen.yamlio.reader import LocDict, LocList, to_json


def ignore_differences(raw: Any) -> tuple[Mapping[str, Any], ...]:
    return tuple(to_json(item) for item in raw or ())


def _locs(raw: Mapping[str, Any]) -> dict[str, Location]:
    return dict(raw.value_locs) if isinstance(raw, LocDict) else {}


def _item_locs(raw: Any, default: Location) -> tuple[Location, ...]:
    return tuple(raw.item_loc(i) if isinstance(raw, LocList) else default for i in range(len(raw or ())))


def make_section(checked: Mapping[str, Any]) -> Section:
    """A checked feature section (``blueprint.sections``) without its YAML, its list items' places kept."""
    origin = checked.loc if isinstance(checked, LocDict) else Location("gitops.yaml")
    return Section(to_json(checked), {key: _item_locs(value, origin) for key, value in checked.items()
                                      if isinstance(value, list)}, origin)


def make_settings(spec: LocDict, origin: Location) -> Settings:
    """gitops.yaml, checked: its specs filled in every default (``blueprint.v1``, ``blueprint.sections``)."""
    req, lim = spec["limits"]["defaultRequest"], spec["limits"]["default"]
    return Settings(
        repo_url=spec["repoURL"], target_revision=spec["targetRevision"],
        argocd_namespace=spec["argocdNamespace"], argocd_server=spec["argocdServer"],
        tiers={name: Tier(name, t["cpu"], t["memory"], t["pods"], t.get("storage"),
                          _value_loc(spec["tiers"], name, origin), _locs(t))
               for name, t in spec["tiers"].items()},
        limits=ContainerLimits(req["cpu"], req["memory"], lim["cpu"], lim["memory"]),
        policy=make_section(spec["policy"]), drift=make_section(spec["drift"]),
        crd_dirs=tuple(spec.get("crdDirs") or ()), argocd_context=spec.get("argocdContext"),
        charts_required=bool((spec.get("charts") or {}).get("required", False)),
        fleet=make_fleet(spec.get("fleet") or {}), origin=origin, locs=_locs(spec), written=written(spec, origin))


def make_fleet(raw: Mapping[str, Any]) -> Fleet:
    return Fleet(mode=raw.get("mode", "applications"), progressive_sync=bool(raw.get("progressiveSync", False)))


def make_cluster(raw: Mapping[str, Any], origin: Location) -> Cluster:
    auth = raw.get("auth")
    return Cluster(raw["name"], raw["server"], raw.get("context", raw["name"]), origin,
                   labels=dict(raw.get("labels") or {}), auth=to_json(auth) if auth is not None else None,
                   shard=raw.get("shard"))


def written(spec: LocDict, origin: Location) -> Written:
    """``spec`` as plain data with the position of every node below it (one pass, no recursion)."""
    positions: dict[Key, Location] = {}
    stack: list[tuple[Key, Any]] = [((), spec)]
    while stack:
        key, node = stack.pop()
        if isinstance(node, LocDict):
            for name, value in node.items():
                positions[(*key, name)] = node.value_loc(name)
                stack.append(((*key, name), value))
        elif isinstance(node, LocList):
            for index, value in enumerate(node):
                positions[(*key, index)] = node.item_loc(index)
                stack.append(((*key, index), value))
    return Written(to_json(spec), positions, origin)


def _value_loc(raw: Any, key: str, default: Location) -> Location:
    return raw.value_loc(key) if isinstance(raw, LocDict) else default


def make_addon(stack: str, raw: Mapping[str, Any], origin: Location) -> Addon:
    chart, source = raw.get("chart"), raw.get("source")
    return Addon(
        name=raw["name"], stack=stack, namespace=raw["namespace"],
        chart=Chart(chart["repoURL"], chart["name"], chart["version"]) if chart else None,
        source=GitSource(source["repoURL"], source["path"], source["targetRevision"]) if source else None,
        manifests=tuple(to_json(m) for m in raw.get("manifests") or ()), values=to_json(raw.get("values") or {}),
        depends_on=tuple(raw.get("dependsOn") or ()), server_side_apply=bool(raw.get("serverSideApply", False)),
        hydrate=bool(raw.get("hydrate", False)),
        ignore_differences=ignore_differences(raw.get("ignoreDifferences")), origin=origin,
        enabled=raw.get("enabled", True), manifest_origins=_item_locs(raw.get("manifests"), origin),
        locs={**_locs(raw), **_nested_locs(raw, ("chart", "version"), ("source", "targetRevision")),
              **dependency_locs(raw, origin)})


def dependency_locs(raw: Mapping[str, Any], origin: Location) -> dict[str, Location]:
    """``"dependsOn[i]"`` -> where item i was written, so a misspelt name is reported at the name itself."""
    items = raw.get("dependsOn") if isinstance(raw, Mapping) else None
    return {f"dependsOn[{i}]": loc for i, loc in enumerate(_item_locs(items, origin))} if items else {}


def _nested_locs(raw: Mapping[str, Any], *paths: tuple[str, str]) -> dict[str, Location]:
    """``"chart.version"`` -> where the value in effect was written (after overrides: the override's line)."""
    out = {}
    for outer, inner in paths:
        node = raw.get(outer)
        if isinstance(node, LocDict) and inner in node:
            out[f"{outer}.{inner}"] = node.value_loc(inner)
    return out


def make_stack(name: str, spec: LocDict, origin: Location) -> AddonStack:
    addons = spec["addons"]
    return AddonStack(name, tuple(make_addon(name, a, addons.item_loc(i)) for i, a in enumerate(addons)), origin)


def make_tenant(name: str, spec: Mapping[str, Any], origin: Location,
                selector_labels: Mapping[str, str] | None = None) -> Tenant:
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
                             apps.item_loc(i) if isinstance(apps, LocList) else origin,
                             dependency_locs(a, origin))
                   for i, a in enumerate(apps)),
        origin=origin, ignore_differences=ignore_differences(spec.get("ignoreDifferences")),
        selector_labels=dict(selector_labels or {}),
        namespace_origins=_item_locs(spec.get("namespaces"), origin) if spec.get("namespaces") else (origin,),
        locs=_locs(spec))


def tenant_selector(raw: Any) -> TenantSelector | None:
    """The environment's ``tenants`` as a selector, or None when it lists names."""
    if isinstance(raw, list):
        return TenantSelector(every=True) if raw == ["*"] else None
    if not isinstance(raw, Mapping):
        return None
    return TenantSelector(match_labels=dict(raw.get("matchLabels") or {}), match_expressions=tuple(
        (e["key"], e["operator"], tuple(e.get("values") or ())) for e in raw.get("matchExpressions") or ()))


def make_environment(name: str, spec: LocDict, origin: Location, tenants: tuple[str, ...]) -> Environment:
    production = spec.get("production", name in ("prod", "production"))
    sync = spec.get("syncPolicy") or {}
    automated = sync.get("automated", not production)
    clusters = spec["clusters"]
    return Environment(
        name=name, kubernetes_version=spec["kubernetesVersion"],
        clusters=tuple(make_cluster(c, clusters.item_loc(i)) for i, c in enumerate(clusters)),
        addon_stacks=tuple(spec.get("addonStacks") or ()), tenants=tenants,
        # Production prunes only when the blueprint says so: a deleted line must not delete a database.
        sync_policy=SyncPolicy(automated, sync.get("prune", automated and not production),
                               sync.get("selfHeal", automated),
                               "prune" in sync),
        production=production, origin=origin, promotes_from=spec.get("promotesFrom"),
        tenant_selector=tenant_selector(spec.get("tenants")))
