"""Resolve: checked blueprint documents -> the typed repository and one plan per cluster (pure).

This is the last step that sees YAML: it checks references across files, selects each
environment's tenants, applies overrides and switches (``overrides.py``) and builds the typed
model.  Render, validate, diff and drift consume the ``Repo`` it returns and never come back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from gitops_gen.base.errors import InputError, Location
from gitops_gen.blueprint import construct
from gitops_gen.blueprint.model import (
    Addon,
    AddonStack,
    ClusterPlan,
    Environment,
    LoadWarning,
    Repo,
    Settings,
    Sources,
    Tenant,
)
from gitops_gen.blueprint.overrides import addon_with, switched_on, targets, tenant_with
from gitops_gen.blueprint.spec import Errors, did_you_mean
from gitops_gen.yamlio.reader import LocDict, LocList


@dataclass(frozen=True)
class Document:
    """One checked blueprint: its spec (positions kept), where its name was written, its metadata.labels."""

    spec: LocDict
    origin: Location
    labels: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Blueprints:
    """What the loader hands to resolve: settings and every checked document, by kind and name."""

    root: Path
    settings: Settings
    stacks: Mapping[str, Document]
    tenants: Mapping[str, Document]
    environments: Mapping[str, Document]


Broken = frozenset[tuple[str, str]]  # (kind, name) of blueprints whose own file had errors


def _loc(raw: Mapping[str, Any], key: str, default: Location) -> Location:
    return raw.value_loc(key) if isinstance(raw, LocDict) and key in raw else default


def _item_locs(raw: Mapping[str, Any], key: str, default: Location) -> list[tuple[Any, Location]]:
    items = raw.get(key) or []
    if isinstance(items, LocList):
        return [(item, items.item_loc(i)) for i, item in enumerate(items)]
    return [(item, default) for item in items] if isinstance(items, list) else []


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


def _check_tenants(tenants: Mapping[str, Tenant], settings: Settings, errors: Errors) -> None:
    owner_of_ns: dict[str, Tenant] = {}
    for tenant in tenants.values():
        if tenant.tier not in settings.tiers:
            errors.append(InputError(f"spec.tier: unknown tier {tenant.tier!r}"
                                     f"{did_you_mean(tenant.tier, set(settings.tiers))}", tenant.loc("tier")))
        # the default namespace ([tenant name]) is a claim too, made where the tenant is named
        for ns, loc in zip(tenant.namespaces, tenant.namespace_origins, strict=False):
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
            for index, dep in enumerate(app.depends_on):
                if dep not in app_names:
                    errors.append(InputError(f"app {app.name!r}: dependsOn names unknown app {dep!r}"
                                             f"{did_you_mean(dep, app_names)}",
                                             app.locs.get(f"dependsOn[{index}]", app.origin)))
        cycle = find_cycle({app.name: app.depends_on for app in tenant.apps})
        if cycle:
            errors.append(InputError(f"dependency cycle between apps: {' -> '.join(cycle)}", tenant.origin))


def _check_stacks(stacks: Mapping[str, AddonStack], errors: Errors) -> None:
    for stack in stacks.values():
        seen: set[str] = set()
        for addon in stack.addons:
            if addon.name in seen:
                errors.append(InputError(f"add-on {addon.name!r} is defined twice in stack {stack.name!r}",
                                         addon.origin))
            seen.add(addon.name)


def _env_addons(stacks: Mapping[str, AddonStack], env: Environment, spec: LocDict, errors: Errors,
                broken: Broken) -> tuple[dict[str, Addon], bool]:
    """Every add-on of the environment's stacks (switched on or not), and whether a stack is missing."""
    addons: dict[str, Addon] = {}
    # A stack that failed to load or is misspelt: its add-ons are unknown, not missing; saying so once
    # beats a cascade of "depends on unknown add-on" errors that the one fix removes.
    partial = False
    for name, loc in _item_locs(spec, "addonStacks", env.origin):
        if name not in stacks:
            partial = True
            if ("AddonStack", name) not in broken:
                errors.append(InputError(f"unknown add-on stack {name!r}{did_you_mean(name, set(stacks))}", loc))
            continue
        for addon in stacks[name].addons:
            if addon.name in addons and addons[addon.name].stack != name:
                errors.append(InputError(f"add-on {addon.name!r} comes from both stack {addons[addon.name].stack!r}"
                                         f" and stack {name!r}", loc))
            addons.setdefault(addon.name, addon)
    for addon in addons.values():
        for index, dep in enumerate(addon.depends_on):
            if dep not in addons and not partial:
                where = ("no stack defines it" if not any(dep in {a.name for a in s.addons} for s in stacks.values())
                         else f"its stack is not in environment {env.name!r}")
                errors.append(InputError(f"add-on {addon.name!r} depends on {dep!r}, but {where}"
                                         f"{did_you_mean(dep, set(addons))}",
                                         addon.locs.get(f"dependsOn[{index}]", addon.loc("dependsOn"))))
    cycle = find_cycle({a.name: a.depends_on for a in addons.values()})
    if cycle:
        first = addons[cycle[0]]
        errors.append(InputError(f"dependency cycle between add-ons: {' -> '.join(cycle)}", first.loc("dependsOn")))
    return addons, partial


def _select_tenants(env: str, spec: LocDict, origin: Location, tenants: Mapping[str, Tenant], errors: Errors,
                    broken: Broken) -> tuple[tuple[str, ...], bool]:
    """The environment's tenants (listed, ``"*"`` or selected by labels), and whether one is unknown."""
    selector = construct.tenant_selector(spec.get("tenants"))
    if selector is not None:
        return tuple(sorted(n for n, t in tenants.items() if selector.selects(t.selector_labels))), False
    names: list[str] = []
    partial = False
    for name, loc in _item_locs(spec, "tenants", origin):
        if name in tenants:
            names.append(name)
            continue
        partial = True  # overrides of a tenant we could not find are that same problem
        if ("Tenant", name) not in broken:
            errors.append(InputError(f"unknown tenant {name!r}{did_you_mean(name, set(tenants))}", loc))
    return tuple(names), partial


def _check_override_targets(overrides: Mapping[str, Any], addons: Mapping[str, Addon], tenants: Iterable[str],
                            settings: Settings, errors: Errors, partial: frozenset[str]) -> None:
    for section, noun, known in (("addons", "an add-on", set(addons)), ("tenants", "a tenant", set(tenants))):
        targets = overrides.get(section) or {}
        for name in targets:
            if name not in known and section not in partial:
                errors.append(InputError(f"overrides.{section}.{name}: not {noun} of this environment"
                                         f"{did_you_mean(name, known)}",
                                         targets.key_loc(name) if isinstance(targets, LocDict) else Location("")))
    for name, over in (overrides.get("tenants") or {}).items():
        tier = over.get("tier")
        if tier is not None and tier not in settings.tiers:
            errors.append(InputError(f"overrides.tenants.{name}.tier: unknown tier {tier!r}"
                                     f"{did_you_mean(tier, set(settings.tiers))}", _loc(over, "tier", Location(""))))


@dataclass
class _Resolver:
    """The state of one resolution: the typed blueprints, the raw documents overrides merge into."""

    blueprints: Blueprints
    errors: Errors
    broken: Broken
    stacks: dict[str, AddonStack] = field(default_factory=dict)
    tenants: dict[str, Tenant] = field(default_factory=dict)
    raw_addons: dict[tuple[str, str], Mapping[str, Any]] = field(default_factory=dict)
    warnings: list[LoadWarning] = field(default_factory=list)

    def plans(self, env: Environment, spec: LocDict, addons: Mapping[str, Addon],
              clusters: dict[str, Location]) -> list[ClusterPlan]:
        env_over = spec.get("overrides") or {}
        wave_graph = {a.name: a.depends_on for a in addons.values()}
        env_addons = {n: addon_with(a, self.raw_addons[a.stack, n], [targets(env_over, "addons", n)], self.errors)
                      for n, a in addons.items()}
        env_tenants = {n: tenant_with(self.tenants[n], self.blueprints.tenants[n].spec,
                                      [targets(env_over, "tenants", n)]) for n in env.tenants}
        out = []
        for cluster, raw in zip(env.clusters, spec["clusters"], strict=True):
            if cluster.name in clusters:
                self.errors.append(InputError(f"cluster name {cluster.name!r} is already used at "
                                              f"{clusters[cluster.name]}", cluster.origin))
                continue
            clusters[cluster.name] = cluster.origin
            over = raw.get("overrides") or {}
            layers = (env_over, over)
            on = {n for n, a in addons.items() if switched_on(a.enabled, [targets(o, "addons", n) for o in layers])}
            cluster_addons = {n: addon_with(a, self.raw_addons[a.stack, n], [targets(o, "addons", n) for o in layers],
                                            self.errors) for n, a in addons.items() if n in on}
            for name, addon in list(cluster_addons.items()):
                if off := [d for d in addon.depends_on if d not in on and d in addons]:
                    self.warnings.append(LoadWarning(
                        f"add-on {name!r} depends on {', '.join(map(repr, off))}, switched off on cluster "
                        f"{cluster.name!r}: it will sync without waiting for it", cluster.origin))
                    cluster_addons[name] = _without_deps(addon, off)
            tenants = tuple(tenant_with(self.tenants[n], self.blueprints.tenants[n].spec,
                                        [targets(o, "tenants", n) for o in layers]) for n in env.tenants
                            if switched_on(True, [targets(o, "tenants", n) for o in layers]))
            out.append(ClusterPlan(env, cluster, tuple(cluster_addons.values()), tenants,
                                   {n: env_addons[n] for n in cluster_addons},
                                   {t.name: env_tenants[t.name] for t in tenants}, wave_graph))
        return out


def _without_deps(addon: Addon, off: list[str]) -> Addon:
    return replace(addon, depends_on=tuple(d for d in addon.depends_on if d not in off))


def resolve(blueprints: Blueprints, errors: Errors, broken: Broken = frozenset()) -> Repo:
    """Check references across files and compute every cluster's plan; append problems to ``errors``.

    ``broken`` names blueprints whose files had errors of their own: references to them are not reported
    as unknown, and checks that would need their contents are skipped, so one run reports every problem
    without inventing consequences of the ones already reported."""
    r = _Resolver(blueprints, errors, broken)
    settings = blueprints.settings
    for name, doc in blueprints.stacks.items():
        r.stacks[name] = construct.make_stack(name, doc.spec, doc.origin)
        r.raw_addons.update({(name, a["name"]): a for a in doc.spec["addons"]})
    for name, doc in blueprints.tenants.items():
        r.tenants[name] = construct.make_tenant(name, doc.spec, doc.origin, doc.labels)
    _check_stacks(r.stacks, errors)
    _check_tenants(r.tenants, settings, errors)
    clusters: dict[str, Location] = {}
    envs: dict[str, Environment] = {}
    plans: list[ClusterPlan] = []
    for name, doc in blueprints.environments.items():
        spec = doc.spec
        selected, unknown_tenant = _select_tenants(name, spec, doc.origin, r.tenants, errors, broken)
        env = envs[name] = construct.make_environment(name, spec, doc.origin, selected)
        if env.promotes_from and env.promotes_from not in blueprints.environments \
                and ("Environment", env.promotes_from) not in broken:
            errors.append(InputError(f"spec.promotesFrom: unknown environment {env.promotes_from!r}"
                                     f"{did_you_mean(env.promotes_from, set(blueprints.environments))}",
                                     _loc(spec, "promotesFrom", env.origin)))
        addons, unknown_stack = _env_addons(r.stacks, env, spec, errors, broken)
        partial = frozenset({"addons"} if unknown_stack else set()) | ({"tenants"} if unknown_tenant else set())
        addon_namespaces = {a.namespace: a.name for a in addons.values()}
        for tenant in (r.tenants[t] for t in env.tenants):
            for ns in tenant.namespaces:
                if ns in addon_namespaces:
                    errors.append(InputError(f"tenant {tenant.name!r} claims namespace {ns!r}, which add-on"
                                             f" {addon_namespaces[ns]!r} uses in environment {env.name!r}",
                                             tenant.origin))
        _check_override_targets(spec.get("overrides") or {}, addons, env.tenants, settings, errors, partial)
        for raw in spec["clusters"]:
            _check_override_targets(raw.get("overrides") or {}, addons, env.tenants, settings, errors, partial)
        plans.extend(r.plans(env, spec, addons, clusters))
    _check_promotion_cycle(blueprints, envs, errors)
    _unused(r, envs)
    sources = Sources(settings.written, {n: construct.written(d.spec, d.origin) for n, d in blueprints.stacks.items()},
                      {n: construct.written(d.spec, d.origin) for n, d in blueprints.tenants.items()},
                      {n: construct.written(d.spec, d.origin) for n, d in blueprints.environments.items()})
    return Repo(blueprints.root, settings, r.stacks, r.tenants, envs, tuple(plans), tuple(r.warnings), sources=sources)


def _check_promotion_cycle(blueprints: Blueprints, envs: Mapping[str, Environment], errors: Errors) -> None:
    """``promotesFrom`` is a pipeline: a loop (dev from itself, dev -> qa -> dev) has no first environment,
    and `promote` would carry prod back into dev.  Reported once, at the first environment of the loop."""
    cycle = find_cycle({name: [env.promotes_from] if env.promotes_from and env.promotes_from in envs else []
                        for name, env in envs.items()})
    if cycle:
        first = envs[cycle[0]]
        loop = " -> ".join(reversed(cycle))  # in promotion order: each promotes into the next
        errors.append(InputError(f"spec.promotesFrom: promotion cycle {loop}: the pipeline needs a first "
                                 "environment that promotes from none",
                                 _loc(blueprints.environments[first.name].spec, "promotesFrom", first.origin)))


def _unused(r: _Resolver, envs: Mapping[str, Environment]) -> None:
    """A stack or tenant no environment uses renders nothing: most likely a forgotten line, so say so."""
    used_stacks = {s for e in envs.values() for s in e.addon_stacks}
    used_tenants = {t for e in envs.values() for t in e.tenants}
    for stack in r.stacks.values():
        if stack.name not in used_stacks:
            r.warnings.append(LoadWarning(f"add-on stack {stack.name!r} is used by no environment", stack.origin))
    for tenant in r.tenants.values():
        if tenant.name not in used_tenants:
            r.warnings.append(LoadWarning(f"tenant {tenant.name!r} is selected by no environment", tenant.origin))
