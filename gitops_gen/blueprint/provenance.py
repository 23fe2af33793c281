"""Provenance: which layer set each value of a cluster's plan, and where (pure, built on demand).

A value a cluster renders from a blueprint went through layers, lowest first:

- chart default: the chart's own ``values.yaml`` (once charts are expanded: pass ``chart_defaults``);
- stack default (the add-on as its AddonStack writes it), or tenant (the Tenant blueprint);
- environment override: the environment's ``spec.overrides``;
- cluster override: ``spec.clusters[].overrides`` of that cluster;
- tier: for a tenant's quota, the gitops.yaml tier that the last ``tier`` above chose.

Overrides merge as ``overrides.deep_merge`` merges them (maps merge; anything else, lists too, replaces),
so the chain of a field is every layer that wrote it since a later layer last replaced it or what holds
it; the last one wins.  Nothing here runs during a render: a ``Provenance`` reads the documents as written
(``Repo.sources``: plain data and positions, kept by resolve) the first time a cluster's add-on, tenant or
environment is asked about, and keeps the answer (docs/adr/0021-provenance.md).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from gitops_gen.base.errors import Location
from gitops_gen.base.jsonpath import Named, format_path
from gitops_gen.blueprint.model import Addon, ClusterPlan, Key, Repo, Written

CHART = "chart default"
STACK = "stack default"
TENANT = "tenant"
ENVIRONMENT = "environment override"
CLUSTER = "cluster override"
TIER = "tier"
SETTINGS = "settings"
ENVIRONMENT_FILE = "environment"  # a value the environment sets outright (syncPolicy, a cluster's server)

# Charts (issue 16): the chart's default values of one add-on on one cluster, and where they were read,
# or None (not a chart, not expanded).  They become the lowest layer under the add-on's ``values``.
# Written(value={"values": <the chart's values.yaml>}, positions keyed ("values", ...), origin=<the file>).
ChartDefaults = Callable[[ClusterPlan, Addon], Written | None]


class Layer(NamedTuple):
    """One layer that wrote a field: its name, the field as that blueprint spells it, where, and the value."""

    layer: str
    field: str
    location: Location
    value: Any

    def as_json(self) -> dict[str, Any]:
        return {"layer": self.layer, "field": self.field, "file": self.location.file, "line": self.location.line,
                "col": self.location.col, "value": self.value}


@dataclass(frozen=True)
class Chain:
    """Every layer that wrote one field, in the order they apply: the last one won."""

    key: Key
    layers: tuple[Layer, ...]

    @property
    def winner(self) -> Layer:
        return self.layers[-1]


class _Set(NamedTuple):
    """A layer that wrote a field, and where in its document: what a key below it is looked up in."""

    layer: Layer
    written: Written
    at: Key


Source = tuple[str, str, Written, Key]  # (layer, the field as written, the document, the subtree's key in it)


class Provenance:
    """The chains of every field of every cluster's add-ons, tenants and environment, computed per subject."""

    def __init__(self, repo: Repo, chart_defaults: ChartDefaults | None = None) -> None:
        self._repo = repo
        self._chart_defaults = chart_defaults
        self._plans = {p.cluster.name: p for p in repo.plans}
        self._cache: dict[tuple[str, str, str], dict[Key, list[_Set]]] = {}

    def plan(self, cluster: str) -> ClusterPlan | None:
        return self._plans.get(cluster)

    def chain(self, cluster: str, subject: str, name: str, key: Key) -> Chain | None:
        """The chain behind ``key`` of ``subject`` (addon, tenant, environment, cluster, settings) ``name``
        on ``cluster``; a key below a replaced value (a list item, a key in a list's item) is found in the
        value that holds it.  None: no blueprint wrote it (a default of gitops-gen)."""
        chains = self._chains(cluster, subject, name)
        for size in range(len(key), 0, -1):
            found = chains.get(key[:size])
            if found:
                return _below(key, found, key[size:])
        return None

    def tier(self, cluster: str, tenant: str, field: str) -> Chain | None:
        """A quota value: the layers that chose the tenant's tier, then the tier's own ``field``."""
        chosen = self.chain(cluster, "tenant", tenant, ("tier",))
        settings = self._repo.sources.settings if self._repo.sources else None
        tier = str(chosen.winner.value) if chosen else ""
        tiers = settings.value.get("tiers") if settings else None
        if chosen is None or settings is None or not isinstance(tiers, Mapping) \
                or not isinstance(tiers.get(tier), Mapping) or field not in tiers[tier]:
            return chosen
        own = Layer(TIER, format_path(("spec", "tiers", tier, field)), settings.at(("tiers", tier, field)),
                    tiers[tier][field])
        return Chain(("tier", field), (*chosen.layers, own))

    def fields(self, cluster: str, subject: str, name: str) -> Iterator[Chain]:
        """Every chain of one subject, in key order."""
        for key, sets in sorted(self._chains(cluster, subject, name).items(), key=lambda kv: repr(kv[0])):
            yield Chain(key, tuple(s.layer for s in sets))

    def _chains(self, cluster: str, subject: str, name: str) -> dict[Key, list[_Set]]:
        cached = self._cache.get((cluster, subject, name))
        if cached is None:
            cached = self._cache[cluster, subject, name] = _layered(self._sources(cluster, subject, name))
        return cached

    def _sources(self, cluster: str, subject: str, name: str) -> list[Source]:
        plan, sources = self._plans.get(cluster), self._repo.sources
        if sources is None:
            return []
        if subject == "settings":
            return [(SETTINGS, "spec", sources.settings, ())] if sources.settings is not None else []
        env = sources.environments.get(plan.env.name) if plan is not None else None
        if plan is None or env is None:
            return []
        index = _index(env.value.get("clusters"), cluster)
        if subject == "environment":
            return [(ENVIRONMENT_FILE, "spec", env, ())]
        if subject == "cluster":
            return [(ENVIRONMENT_FILE, format_path(("spec", "clusters", Named("name", cluster))), env,
                     ("clusters", index))] if index is not None else []
        section = {"addon": "addons", "tenant": "tenants"}[subject]
        own = self._own(plan, subject, name)
        if own is None:
            return []
        out = own
        over: list[tuple[str, Key, Key]] = [(ENVIRONMENT, ("spec", "overrides"), ("overrides",))]
        if index is not None:
            over.append((CLUSTER, ("spec", "clusters", Named("name", cluster), "overrides"),
                         ("clusters", index, "overrides")))
        for layer, shown, at in over:
            if isinstance(_get(env.value, (*at, section, name)), Mapping):
                out.append((layer, format_path((*shown, section, name)), env, (*at, section, name)))
        return out

    def _own(self, plan: ClusterPlan, subject: str, name: str) -> list[Source] | None:
        """The subject's own blueprint, and for a chart add-on the chart's defaults beneath it."""
        sources = self._repo.sources
        if sources is None:
            return None
        if subject == "tenant":
            doc = sources.tenants.get(name)
            return [(TENANT, "spec", doc, ())] if doc is not None else None
        addon = plan.env_addons.get(name) or next((a for a in plan.addons if a.name == name), None)
        stack = sources.stacks.get(addon.stack) if addon is not None else None
        index = _index(stack.value.get("addons"), name) if stack is not None else None
        if addon is None or stack is None or index is None:
            return None
        out: list[Source] = []
        if self._chart_defaults is not None and (defaults := self._chart_defaults(plan, addon)) is not None:
            out.append((CHART, "", defaults, ()))
        out.append((STACK, format_path(("spec", "addons", Named("name", name))), stack, ("addons", index)))
        return out


def _index(items: Any, name: str, field: str = "name") -> int | None:
    """The index of the item whose ``field`` is ``name`` in a list of mappings."""
    if not isinstance(items, list):
        return None
    return next((i for i, item in enumerate(items) if isinstance(item, Mapping) and item.get(field) == name), None)


def _get(value: Any, key: Key) -> Any:
    for step in key:
        if isinstance(value, Mapping) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def _leaves(node: Mapping[str, Any], key: Key) -> Iterator[tuple[Key, Any]]:
    for name, value in node.items():
        if isinstance(value, Mapping) and value:
            yield from _leaves(value, (*key, name))
        else:
            yield (*key, name), value


def _layered(sources: Sequence[Source]) -> dict[Key, list[_Set]]:
    """Field -> the layers that wrote it, applied in order with deep_merge's rule (maps merge, else replace)."""
    chains: dict[Key, list[_Set]] = {}
    for layer, prefix, doc, at in sources:
        node = _get(doc.value, at)
        if not isinstance(node, Mapping):
            continue
        for key, value in _leaves(node, ()):
            size = len(key)
            if isinstance(value, Mapping) and any(k[:size] == key and (k != key or isinstance(
                    chains[k][-1].layer.value, Mapping)) for k in chains):
                continue  # an empty map merged into a map changes nothing
            # what this value replaces: a value written above it (a scalar where a map now is) or below it
            for old in [k for k in chains if k != key and (k[:size] == key or key[:len(k)] == k)]:
                del chains[old]
            entry = Layer(layer, _join(prefix, key), doc.at((*at, *key)), value)
            chains.setdefault(key, []).append(_Set(entry, doc, (*at, *key)))
    return chains


def _below(key: Key, chain: list[_Set], rest: Key) -> Chain | None:
    """The chain of ``key``, found in the values of the layers that wrote a value holding it."""
    if not rest:
        return Chain(key, tuple(s.layer for s in chain))
    layers = []
    for entry in chain:
        found = _descend(entry.layer.value, rest)
        if found is not None:
            value, steps = found
            layers.append(Layer(entry.layer.layer, _join(entry.layer.field, rest),
                                entry.written.at((*entry.at, *steps)), value))
    if not layers or _descend(chain[-1].layer.value, rest) is None:
        return None  # the value that won does not hold it: not from a blueprint
    return Chain(key, tuple(layers))


def _join(prefix: str, steps: Key) -> str:
    tail = format_path(steps)
    return tail if not prefix else prefix + tail if tail.startswith("[") else f"{prefix}.{tail}"


def _descend(value: Any, steps: Key) -> tuple[Any, Key] | None:
    """The value at ``steps`` below ``value``, and those steps with ``[name=x]`` made list indexes."""
    out: list[Any] = []
    for step in steps:
        if isinstance(step, Named):
            step = _index(value, step.value, step.field or "name")
            if step is None:
                return None
        held = (isinstance(step, int) and isinstance(value, list) and 0 <= step < len(value)) or \
            (isinstance(step, str) and isinstance(value, Mapping) and step in value)
        if not held:
            return None
        value = value[step]
        out.append(step)
    return value, tuple(out)
