"""Cross-file checks and overrides: checked blueprints -> one plan per cluster (pure).

Overrides merge deep (maps merge, lists replace), environment first, then the
cluster's own.  Each merged add-on and tenant is checked again, so an override
that breaks an add-on is reported at the override's line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gitops_gen import blueprints as bp
from gitops_gen.errors import InputError, Location
from gitops_gen.model import Addon, ClusterPlan, Environment, Repo, Tenant
from gitops_gen.spec import Errors, did_you_mean
from gitops_gen.yamlio import LocDict, LocList


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> LocDict:
    """Maps merge, everything else (lists included) is replaced; positions follow the winning value."""
    out = LocDict(base, loc=base.loc if isinstance(base, LocDict) else Location(""))
    if isinstance(base, LocDict):
        out.key_locs.update(base.key_locs)
        out.value_locs.update(base.value_locs)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
        if isinstance(over, LocDict):
            out.key_locs[key] = over.key_loc(key)
            out.value_locs[key] = over.value_loc(key)
    return out


def _loc(raw: Mapping[str, Any], key: str, default: Location) -> Location:
    return raw.value_loc(key) if isinstance(raw, LocDict) and key in raw else default


def _item_locs(raw: Mapping[str, Any], key: str, default: Location) -> list[tuple[Any, Location]]:
    items = raw.get(key) or []
    if isinstance(items, LocList):
        return [(item, items.item_loc(i)) for i, item in enumerate(items)]
    return [(item, default) for item in items]


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """The first dependency cycle in sorted order, as [a, b, ..., a], or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph.get(node, ())):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                return [*stack[stack.index(dep):], dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def _check_tenants(repo: Repo, errors: Errors) -> None:
    owner_of_ns: dict[str, Tenant] = {}
    for tenant in repo.tenants.values():
        if tenant.tier not in repo.settings.tiers:
            errors.append(InputError(f"spec.tier: unknown tier {tenant.tier!r}"
                                     f"{did_you_mean(tenant.tier, set(repo.settings.tiers))}",
                                     _loc(tenant.raw, "tier", tenant.origin)))
        # the default namespace ([tenant name]) is a claim too, made where the tenant is named
        claims = _item_locs(tenant.raw, "namespaces", tenant.origin) or [(tenant.name, tenant.origin)]
        for ns, loc in claims:
            if ns in owner_of_ns and owner_of_ns[ns] is not tenant:
                errors.append(InputError(f"namespace {ns!r} is already claimed by tenant {owner_of_ns[ns].name!r}"
                                         f" ({owner_of_ns[ns].origin.file})", loc))
            owner_of_ns.setdefault(ns, tenant)
        app_names = {app.name for app in tenant.apps}
        seen: set[str] = set()
        for app in tenant.apps:
            if app.name in seen:
                errors.append(InputError(f"app {app.name!r} is defined twice in tenant {tenant.name!r}", app.origin))
            seen.add(app.name)
            if app.namespace not in tenant.namespaces:
                errors.append(InputError(f"app {app.name!r}: namespace {app.namespace!r} is not one of the tenant's"
                                         f" namespaces ({', '.join(tenant.namespaces)})", app.origin))
            for dep in app.depends_on:
                if dep not in app_names:
                    errors.append(InputError(f"app {app.name!r}: dependsOn names unknown app {dep!r}"
                                             f"{did_you_mean(dep, app_names)}", app.origin))
        cycle = find_cycle({app.name: app.depends_on for app in tenant.apps})
        if cycle:
            errors.append(InputError(f"dependency cycle between apps: {' -> '.join(cycle)}", tenant.origin))


def _check_stacks(repo: Repo, errors: Errors) -> None:
    for stack in repo.stacks.values():
        seen: set[str] = set()
        for addon in stack.addons:
            if addon.name in seen:
                errors.append(InputError(f"add-on {addon.name!r} is defined twice in stack {stack.name!r}",
                                         addon.origin))
            seen.add(addon.name)


def _env_addons(repo: Repo, env: Environment, errors: Errors, broken: Broken) -> dict[str, Addon]:
    addons: dict[str, Addon] = {}
    # A stack that failed to load or is misspelt: its add-ons are unknown, not missing; saying so once
    # beats a cascade of "depends on unknown add-on" errors that the one fix removes.
    partial = False
    for name, loc in _item_locs(env.raw, "addonStacks", env.origin):
        if name not in repo.stacks:
            partial = True
            if ("AddonStack", name) not in broken:
                errors.append(InputError(f"unknown add-on stack {name!r}{did_you_mean(name, set(repo.stacks))}",
                                         loc))
            continue
        for addon in repo.stacks[name].addons:
            if addon.name in addons and addons[addon.name].stack != name:
                errors.append(InputError(f"add-on {addon.name!r} comes from both stack {addons[addon.name].stack!r}"
                                         f" and stack {name!r}", loc))
            addons.setdefault(addon.name, addon)
    for addon in addons.values():
        for dep in addon.depends_on:
            if dep not in addons and not partial:
                where = ("no stack defines it" if not any(dep in {a.name for a in s.addons}
                                                         for s in repo.stacks.values())
                         else f"its stack is not in environment {env.name!r}")
                errors.append(InputError(f"add-on {addon.name!r} depends on {dep!r}, but {where}"
                                         f"{did_you_mean(dep, set(addons))}",
                                         _loc(addon.raw, "dependsOn", addon.origin)))
    cycle = find_cycle({a.name: a.depends_on for a in addons.values()})
    if cycle:
        first = addons[cycle[0]]
        errors.append(InputError(f"dependency cycle between add-ons: {' -> '.join(cycle)}",
                                 _loc(first.raw, "dependsOn", first.origin)))
    return addons


def _check_override_targets(overrides: Mapping[str, Any], addons: Mapping[str, Addon],
                            tenants: Mapping[str, Tenant], repo: Repo, errors: Errors,
                            partial: frozenset[str] = frozenset()) -> None:
    for section, noun, known in (("addons", "an add-on", addons), ("tenants", "a tenant", tenants)):
        targets = overrides.get(section) or {}
        for name in targets:
            if name not in known and section not in partial:
                errors.append(InputError(f"overrides.{section}.{name}: not {noun} of this environment"
                                         f"{did_you_mean(name, set(known))}",
                                         targets.key_loc(name) if isinstance(targets, LocDict) else Location("")))
    for name, over in (overrides.get("tenants") or {}).items():
        tier = over.get("tier")
        if tier is not None and tier not in repo.settings.tiers:
            errors.append(InputError(f"overrides.tenants.{name}.tier: unknown tier {tier!r}"
                                     f"{did_you_mean(tier, set(repo.settings.tiers))}",
                                     _loc(over, "tier", Location(""))))


Broken = frozenset[tuple[str, str]]  # (kind, name) of blueprints whose own file had errors
Override = Mapping[str, Any] | None  # an environment's or cluster's override of one add-on or tenant


def _merged(raw: Mapping[str, Any], overrides: Sequence[Override]) -> tuple[LocDict, Location] | None:
    """``raw`` with the overrides merged in order, and where the last one was written; None: no override."""
    patches = [o for o in overrides if o]
    if not patches:
        return None
    merged = deep_merge(raw, {})  # a copy that keeps every position of ``raw``
    for patch in patches:
        merged = deep_merge(merged, patch)
        if isinstance(patch, LocDict) and any(k in patch for k in ("chart", "source", "manifests")):
            merged.loc = patch.loc  # a second source is reported at the override that brought it in
    last = patches[-1]
    return merged, last.loc if isinstance(last, LocDict) else merged.loc


def apply_addon_overrides(addon: Addon, overrides: Sequence[Override], errors: Errors) -> Addon:
    if (found := _merged(addon.raw, overrides)) is None:
        return addon
    merged, where = found
    checked = bp.addon_spec.check(merged, where, f"add-on {addon.name}", errors)
    return bp.make_addon(addon.stack, checked, addon.origin) if checked is not None else addon


def apply_tenant_overrides(tenant: Tenant, overrides: Sequence[Override]) -> Tenant:
    if (found := _merged(tenant.raw, overrides)) is None:
        return tenant
    return dataclasses.replace(bp.make_tenant(tenant.name, found[0], tenant.origin), apps=tenant.apps)


def resolve(repo: Repo, errors: Errors, broken: Broken = frozenset()) -> Repo:
    """Check references across files and compute every cluster's plan; append problems to ``errors``.

    ``broken`` names blueprints whose files had errors of their own: references to them are not reported
    as unknown, and checks that would need their contents are skipped, so one run reports every problem
    without inventing consequences of the ones already reported."""
    _check_stacks(repo, errors)
    _check_tenants(repo, errors)
    clusters: dict[str, Location] = {}
    plans: list[ClusterPlan] = []
    for env in repo.environments.values():
        if env.promotes_from and env.promotes_from not in repo.environments \
                and ("Environment", env.promotes_from) not in broken:
            errors.append(InputError(f"spec.promotesFrom: unknown environment {env.promotes_from!r}"
                                     f"{did_you_mean(env.promotes_from, set(repo.environments))}",
                                     _loc(env.raw, "promotesFrom", env.origin)))
        addons = _env_addons(repo, env, errors, broken)
        tenants: dict[str, Tenant] = {}
        partial = {"addons"} if any(s not in repo.stacks for s in env.addon_stacks) else set()
        for name, loc in _item_locs(env.raw, "tenants", env.origin):
            if name in repo.tenants:
                tenants[name] = repo.tenants[name]
                continue
            partial.add("tenants")  # overrides of a tenant we could not find are that same problem
            if ("Tenant", name) not in broken:
                errors.append(InputError(f"unknown tenant {name!r}{did_you_mean(name, set(repo.tenants))}", loc))
        addon_namespaces = {a.namespace: a.name for a in addons.values()}
        for tenant in tenants.values():
            for ns in tenant.namespaces:
                if ns in addon_namespaces:
                    errors.append(InputError(f"tenant {tenant.name!r} claims namespace {ns!r}, which add-on"
                                             f" {addon_namespaces[ns]!r} uses in environment {env.name!r}",
                                             tenant.origin))
        _check_override_targets(env.overrides, addons, tenants, repo, errors, frozenset(partial))
        for cluster in env.clusters:
            if cluster.name in clusters:
                errors.append(InputError(f"cluster name {cluster.name!r} is already used at {clusters[cluster.name]}",
                                         cluster.origin))
                continue
            clusters[cluster.name] = cluster.origin
            _check_override_targets(cluster.overrides, addons, tenants, repo, errors, frozenset(partial))
            layers = (env.overrides, cluster.overrides)
            plans.append(ClusterPlan(
                env, cluster,
                tuple(apply_addon_overrides(a, [(o.get("addons") or {}).get(a.name) for o in layers], errors)
                      for a in addons.values()),
                tuple(apply_tenant_overrides(t, [(o.get("tenants") or {}).get(t.name) for o in layers])
                      for t in tenants.values())))
    return dataclasses.replace(repo, plans=tuple(plans))
