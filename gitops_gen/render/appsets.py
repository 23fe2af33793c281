"""``fleet: {mode: applicationsets}``: Argo CD does the fan-out (pure; docs/adr/0015-fleet-applicationsets.md).

Every Application the ``applications`` mode renders for a cluster is computed as usual, and once more
for a symbolic cluster whose name, server and environment are sentinels.  The symbolic one, its
sentinels turned into template expressions (``{{.name}}``, ``{{.server}}``, the env label) and every
other ``{{`` escaped, is what the Application looks like for any cluster.  Per ApplicationSet (one per
add-on, per tenant, per platform app), what all its Applications share is the template; what differs
(values, waves, sync policy, namespaces...) is a patch per list element, and clusters whose patches are
the same form one variant: one ``matrix [clusters(selector), list]`` generator per variant, selected by
the cluster Secret's switch label ``<kind>.gitops-gen.io/<name>: <variant>`` (no label: switched off).

The render then expands the ApplicationSets with Argo CD's semantics (``fleet.expand``) and checks that
every cluster gets exactly the Applications the ``applications`` mode renders for it (in Argo CD's
stored form): a blueprint an ApplicationSet cannot carry is an error at its line, never a silent change.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from gitops_gen.base.errors import InputError, InputErrors, Location
from gitops_gen.base.manifest import Manifest
from gitops_gen.blueprint.model import ClusterPlan, Repo
from gitops_gen.fleet import expand, gotemplate, gotypes, secrets
from gitops_gen.render.common import ADDON_LABEL, ARGOCD_API, ENV_LABEL, ROLE_LABEL, TENANT_LABEL, labels
from gitops_gen.render.fleetprojects import fleet_projects

S_NAME, S_SERVER, S_ENV = "\x00cluster\x00", "\x00server\x00", "\x00env\x00"
EXPRESSIONS = {S_NAME: "{{.name}}", S_SERVER: "{{.server}}", S_ENV: f'{{{{index .metadata.labels "{ENV_LABEL}"}}}}'}
APPSETS_DIR = "fleet/applicationsets"
PROJECTS_DIR = "fleet/projects"
SECRETS_DIR = "fleet/clusters"
PATCH = "{{toJson .patch}}"
_ATOMIC = {("spec", "source", "helm", "valuesObject")}  # JSON fields: all in the template or all in the patch


@dataclass
class _Entry:
    plan: ClusterPlan
    item: str  # the Application's name without the "<cluster>-" prefix
    symbolic: Mapping[str, Any]  # templatized: what the template plus this entry's patch must say
    project: str
    origin: Location | None


@dataclass
class _Set:
    name: str
    switch: str  # the cluster Secret label selecting it
    scope: dict[str, str]
    origin: Location | None
    entries: list[_Entry] = field(default_factory=list)


@dataclass
class FleetLayout:
    appsets: list[Manifest]
    projects: list[Manifest]
    secrets: list[Manifest]  # one per cluster that declares `auth`
    expected_secrets: dict[str, dict[str, Any]]  # cluster -> the Secret its generators need (every cluster)
    cluster_projects: dict[str, list[Manifest]]  # cluster -> the projects its Applications name
    origins: dict[tuple[str, str], Location | None]  # (ApplicationSet, item) -> the blueprint behind it

    prepared: list[tuple[Manifest, expand.Prepared]] = field(default_factory=list)

    def applications(self, cluster: str) -> list[Manifest]:
        """The Applications Argo CD generates for ``cluster`` (expanded now: a fleet holds 100,000s)."""
        if not self.prepared:
            self.prepared.extend((m, expand.prepare(m.body)) for m in self.appsets)
        inventory = expand.Inventory([self.expected_secrets[cluster]])
        out = []
        for m, prepared in self.prepared:
            for g in expand.expand(prepared, inventory):
                item = g.body["metadata"]["name"].removeprefix(f"{cluster}-")
                out.append(Manifest(g.body, self.origins.get((m.ref.name, item), m.origin), m.path))
        return out


def symbolic(plan: ClusterPlan, folders: Mapping[tuple[str, str, str], str]) -> tuple[ClusterPlan, dict[Any, str]]:
    """``plan`` for a cluster whose name, server and environment are sentinels, and its folders."""
    name, env = plan.cluster.name, plan.env.name
    sym = dataclasses.replace(plan, cluster=dataclasses.replace(plan.cluster, name=S_NAME, server=S_SERVER),
                              env=dataclasses.replace(plan.env, name=S_ENV))
    keys = [("addon", a.name) for a in plan.addons] + [("tenant", t.name) for t in plan.tenants] + [
        ("platform", "drift-reader")]
    sym_folders = {}
    for kind, item in keys:
        path = folders.get((kind, item, name))
        if path is None:
            continue
        parts = path.split("/")
        for i in range(1, len(parts)):
            if parts[i - 1] == "overlays" and parts[i] == env:
                parts[i] = S_ENV
            elif parts[i - 1] == "clusters" and parts[i] == name:
                parts[i] = S_NAME
        sym_folders[kind, item, S_NAME] = "/".join(parts)
    return sym, sym_folders


def templatize(value: Any) -> Any:
    """A symbolic rendering as an ApplicationSet template: sentinels become expressions, ``{{`` is escaped."""
    if isinstance(value, str):
        text = gotemplate.escape(value) if "{{" in value else value
        if "\x00" in text:
            for sentinel, expression in EXPRESSIONS.items():
                text = text.replace(sentinel, expression)
        return text
    if isinstance(value, Mapping):
        return {templatize(k): templatize(v) for k, v in value.items()}
    if isinstance(value, list):
        return [templatize(v) for v in value]
    return value


def _set_of(m: Manifest, item: str) -> tuple[str, str, dict[str, str]]:
    """(ApplicationSet name, switch label, scope labels) of a generated Application."""
    meta_labels = m.body["metadata"].get("labels") or {}
    if ADDON_LABEL in meta_labels:
        name = meta_labels[ADDON_LABEL]
        return f"addon-{name}", f"addon.gitops-gen.io/{name}", {ADDON_LABEL: name}
    if TENANT_LABEL in meta_labels:
        name = meta_labels[TENANT_LABEL]
        return f"tenant-{name}", f"tenant.gitops-gen.io/{name}", {TENANT_LABEL: name}
    return item, f"platform.gitops-gen.io/{item}", {}


Renderer = Callable[[ClusterPlan], list[Manifest]]


def _units(plan: ClusterPlan, folders: Mapping[Any, str]) -> list[tuple[tuple[str, str, str], Any, tuple[Any, ...]]]:
    """A cluster's Applications in units rendered alone: (memo key, what the rendering reads, (add-ons, tenants)
    of the plan that renders the unit alone)."""
    env, cluster = plan.env.name, plan.cluster.name
    out: list[tuple[tuple[str, str, str], Any, tuple[Any, ...]]] = []
    for a in plan.addons:
        out.append(((env, "addon", a.name), (a, folders.get(("addon", a.name, cluster))), ((a,), ())))
    for t in plan.tenants:
        out.append(((env, "tenant", t.name), (t, folders.get(("tenant", t.name, cluster))), ((), (t,))))
    return out


def _collect(plans: Sequence[ClusterPlan], folders: Mapping[Any, str], symbolic_of: Renderer) -> dict[str, _Set]:
    """Every cluster's Applications, symbolic: a unit (an add-on, a tenant) equal to one rendered before in
    the same environment (the environment's own, or the same override) is rendered once."""
    memo: dict[tuple[str, str, str], list[tuple[Any, list[Manifest]]]] = defaultdict(list)
    sets: dict[str, _Set] = {}
    for plan in plans:
        rendered: list[Manifest] = []
        units = _units(plan, folders)
        reader = folders.get(("platform", "drift-reader", plan.cluster.name))
        if reader is not None:  # the drift reader: rendered by a plan with nothing else in it
            units.append(((plan.env.name, "platform", "reader"), reader, ((), ())))
        for key, reads, (addons, tenants) in units:
            hit = next((r for o, r in memo[key] if o == reads), None)
            if hit is None:  # templatized once: clusters alike share the very same body
                reduced = dataclasses.replace(plan, addons=addons, tenants=tenants)
                hit = [dataclasses.replace(m, body=templatize(m.body)) for m in symbolic_of(reduced)
                       if _unit_of(m) == key[1:]]
                memo[key].append((reads, hit))
            rendered.extend(hit)
        for sym in rendered:
            body = sym.body  # shared by clusters alike, never changed
            item = body["metadata"]["name"].removeprefix("{{.name}}-")
            if not body["metadata"]["name"].startswith("{{.name}}-"):
                raise InputError(f"Application {item}: not named <cluster>-<name>", sym.origin)
            name, switch, scope = _set_of(sym, item)
            entry = sets.setdefault(name, _Set(name, switch, scope, sym.origin))
            entry.entries.append(_Entry(plan, item, body, body["spec"]["project"], sym.origin))
    return sets


def _unit_of(m: Manifest) -> tuple[str, str]:
    meta_labels = m.body["metadata"].get("labels") or {}
    if ADDON_LABEL in meta_labels:
        return "addon", meta_labels[ADDON_LABEL]
    if TENANT_LABEL in meta_labels:
        return "tenant", meta_labels[TENANT_LABEL]
    return "platform", "reader"


def _common(trees: Sequence[Mapping[str, Any]], path: tuple[str, ...] = ()) -> dict[str, Any]:
    """What every tree says alike: keys present in all with equal values, maps compared key by key."""
    out: dict[str, Any] = {}
    for key, value in trees[0].items():
        if not all(key in t for t in trees[1:]):
            continue
        values = [t[key] for t in trees]
        if all(isinstance(v, Mapping) for v in values) and (*path, key) not in _ATOMIC:
            out[key] = _common(values, (*path, key))
        elif all(v == value for v in values[1:]):
            out[key] = value
    return out


def _rest(tree: Mapping[str, Any], common: Mapping[str, Any], path: tuple[str, ...] = ()) -> dict[str, Any]:
    """What ``tree`` says beyond ``common``: the patch that turns the template into it."""
    out: dict[str, Any] = {}
    for key, value in tree.items():
        if key not in common:
            out[key] = value
        elif isinstance(value, Mapping) and (*path, key) not in _ATOMIC and (
                sub := _rest(value, common[key], (*path, key))):
            out[key] = sub
    return out


def _without(body: Mapping[str, Any]) -> dict[str, Any]:
    """The parts the template names by parameter: metadata.name and spec.project."""
    meta = {k: v for k, v in body["metadata"].items() if k != "name"}
    spec = {k: v for k, v in body["spec"].items() if k != "project"}
    return {"metadata": meta, "spec": spec}


def _template(common: dict[str, Any]) -> dict[str, Any]:
    spec = common.setdefault("spec", {})
    common.setdefault("metadata", {})
    spec.setdefault("destination", {})  # required by the CRD; the patch fills it in where it differs
    if "source" in spec and "repoURL" not in spec["source"]:
        del spec["source"]  # the CRD requires repoURL wherever a source is written
    return common


def _variants(s: _Set, patches: Mapping[int, dict[str, Any]]) -> dict[str, tuple[tuple[str, Any], list[_Entry]]]:
    """Variant name -> (its key, the entries of its clusters): clusters whose elements are the same."""
    by_key: dict[tuple[str, Any], list[_Entry]] = defaultdict(list)
    per_cluster: dict[str, list[int]] = defaultdict(list)
    for index, e in enumerate(s.entries):
        per_cluster[e.plan.cluster.name].append(index)
    number: dict[int, int] = {}  # patch object -> a number, equal patches equal numbers
    texts: dict[str, int] = {}
    for patch in patches.values():
        if id(patch) not in number:
            number[id(patch)] = texts.setdefault(json.dumps(patch, sort_keys=True), len(texts))
    for indices in per_cluster.values():
        first = s.entries[indices[0]]
        elements = tuple(sorted((s.entries[i].item, s.entries[i].project, number[id(patches[i])]) for i in indices))
        by_key[first.plan.env.name, elements].extend(s.entries[i] for i in indices)
    names: dict[str, tuple[tuple[str, Any], list[_Entry]]] = {}
    ranked = sorted(by_key.items(), key=lambda kv: (kv[0][0], -len(kv[1]), kv[1][0].plan.cluster.name))
    seen_env: set[str] = set()
    for (env, encoded), entries in ranked:
        name = env if env not in seen_env and env not in names else entries[0].plan.cluster.name
        if name in names:
            name = f"{env}-{entries[0].plan.cluster.name}"
        seen_env.add(env)
        names[name] = ((env, encoded), entries)
    return names


def _appset(s: _Set, settings_ns: str, production_hold: bool,
            progressive: bool) -> tuple[dict[str, Any], dict[str, str]]:
    """The ApplicationSet of ``s`` and, per cluster, the switch label value selecting it."""
    distinct: dict[int, dict[str, Any]] = {}  # entries of clusters alike share their symbolic body
    for e in s.entries:
        if id(e.symbolic) not in distinct:
            distinct[id(e.symbolic)] = _without(e.symbolic)
    template = _template(_common(list(distinct.values())))
    rest = {k: _rest(b, template) for k, b in distinct.items()}
    patches = {i: rest[id(e.symbolic)] for i, e in enumerate(s.entries)}
    index_of = {id(e): i for i, e in enumerate(s.entries)}
    projects = {e.project for e in s.entries}
    template["metadata"]["name"] = "{{.name}}-{{.app}}"
    template["spec"]["project"] = projects.pop() if len(projects) == 1 else "{{.appProject}}"
    patched = any(patches.values())
    generators = []
    switches: dict[str, str] = {}
    for variant, (_, entries) in sorted(_variants(s, patches).items()):
        clusters = sorted({e.plan.cluster.name for e in entries})
        first = [e for e in entries if e.plan.cluster.name == clusters[0]]
        elements = []
        for e in sorted(first, key=lambda e: e.item):
            element: dict[str, Any] = {"app": e.item}
            if template["spec"]["project"] == "{{.appProject}}":
                element["appProject"] = e.project
            if patched:
                element["patch"] = patches[index_of[id(e)]]
            elements.append(element)
        generators.append({"matrix": {"generators": [
            {"clusters": {"selector": {"matchLabels": {s.switch: variant}}}},
            {"list": {"elements": elements}}]}})
        switches.update({c: variant for c in clusters})
    policy: dict[str, Any] = {"preserveResourcesOnDeletion": True}  # finalizers exactly where Applications set one
    if production_hold:
        policy["applicationsSync"] = "create-update"  # production prunes only by explicit choice
    spec: dict[str, Any] = {"goTemplate": True, "goTemplateOptions": ["missingkey=error"], "syncPolicy": policy,
                            "generators": generators, "template": template}
    if patched:
        spec["templatePatch"] = PATCH
    if progressive and s.scope.get(TENANT_LABEL):
        spec["strategy"] = rolling_sync()
    body = {"apiVersion": ARGOCD_API, "kind": "ApplicationSet",
            "metadata": {"name": s.name, "namespace": settings_ns,
                         "labels": labels(**{ROLE_LABEL: "applicationset"}, **s.scope)},
            "spec": spec}
    return body, switches


def rolling_sync() -> dict[str, Any]:
    """A tenant's namespaces (and the project they need) become healthy before its apps sync."""
    return {"type": "RollingSync", "rollingSync": {"steps": [
        {"matchExpressions": [{"key": ROLE_LABEL, "operator": "In", "values": ["tenant-namespaces"]}]},
        {"matchExpressions": [{"key": ROLE_LABEL, "operator": "In", "values": ["tenant-app"]}]}]}}


def layout(repo: Repo, plans: Sequence[ClusterPlan], folders: Mapping[Any, str], symbolic_of: Renderer,
           concrete_of: Renderer, paths: Callable[[Manifest], str]) -> FleetLayout:
    """The fleet files of ``plans`` (all clusters of the repository) and what each cluster gets."""
    s = repo.settings
    sets = _collect(plans, folders, symbolic_of)
    switches: dict[str, dict[str, str]] = defaultdict(dict)
    appsets: list[Manifest] = []
    representatives: dict[str, set[str]] = {}
    for name in sorted(sets):
        st = sets[name]
        hold = any(e.plan.env.production and not e.plan.env.sync_policy.prune for e in st.entries)
        body, chosen = _appset(st, s.argocd_namespace, hold, s.fleet.progressive_sync)
        for cluster, variant in chosen.items():
            switches[cluster][st.switch] = variant
        firsts: dict[str, str] = {}
        for cluster, variant in sorted(chosen.items()):
            firsts.setdefault(variant, cluster)
        representatives[name] = set(firsts.values())
        appsets.append(Manifest(body, st.origin))
    expected = {p.cluster.name: secrets.cluster_secret(p, s, switches[p.cluster.name]) for p in plans}
    written = [Manifest(expected[p.cluster.name], p.cluster.origin) for p in plans if p.cluster.auth is not None]
    appsets = [dataclasses.replace(m, path=paths(m)) for m in appsets]
    _check(appsets, expected, sets, representatives, {p.cluster.name: p for p in plans}, concrete_of)
    projects, cluster_projects = fleet_projects(repo, plans)
    origins = {(name, e.item): e.origin for name, st in sets.items() for e in st.entries}
    return FleetLayout(appsets, projects, written, expected, cluster_projects, origins)


def _check(appsets: Sequence[Manifest], expected: Mapping[str, dict[str, Any]], sets: Mapping[str, _Set],
           representatives: Mapping[str, set[str]], plans: Mapping[str, ClusterPlan], concrete_of: Renderer) -> None:
    """What Argo CD generates equals what the applications mode renders, on one cluster of each variant: the
    others of a variant have the same template and elements and differ only by the generator's parameters."""
    inventory = expand.Inventory(list(expected.values()))
    wanted_by_cluster: dict[str, set[str]] = defaultdict(set)
    for m in appsets:
        for cluster in representatives[m.ref.name]:
            wanted_by_cluster[cluster].add(m.ref.name)
    concrete: dict[tuple[str, str], Manifest] = {}
    for cluster, names in wanted_by_cluster.items():
        plan = plans[cluster]
        keep_addons = tuple(a for a in plan.addons if f"addon-{a.name}" in names)
        keep_tenants = tuple(t for t in plan.tenants if f"tenant-{t.name}" in names)
        for m in concrete_of(dataclasses.replace(plan, addons=keep_addons, tenants=keep_tenants)):
            concrete[cluster, m.ref.name] = m
    errors: list[InputError] = []
    for m in appsets:
        try:
            generated = expand.expand(m.body, inventory, only=representatives[m.ref.name])
        except expand.ExpansionError as err:
            raise InputError(f"{err} (a gitops-gen bug: please report it)", m.origin) from None
        wanted = {(e.plan.cluster.name, f"{e.plan.cluster.name}-{e.item}") for e in sets[m.ref.name].entries
                  if e.plan.cluster.name in representatives[m.ref.name]}
        got = {(g.cluster, g.body["metadata"]["name"]): g for g in generated}
        for key in sorted(wanted | set(got)):
            g, c = got.get(key), concrete.get(key)
            if key not in wanted or g is None or c is None:
                errors.append(InputError(f"ApplicationSet {m.ref.name} generates {'no' if g is None else 'an extra'}"
                                         f" Application {key[1]} on {key[0]}", m.origin))
                continue
            desired = gotypes.go_form(c.body)
            if expand.is_rolling(m.body):  # chosen in gitops.yaml (progressiveSync), documented there
                desired = expand.without_autosync(desired)
            if g.body != desired:
                where = first_difference(desired, g.body)
                errors.append(InputError(
                    f"Application {key[1]}: an ApplicationSet cannot carry what this blueprint renders for "
                    f"{key[0]} ({where}); use fleet mode applications for it", c.origin))
    if errors:
        raise InputErrors(errors[:20])


def first_difference(a: Any, b: Any, path: str = "") -> str:
    """The first field path where ``a`` and ``b`` differ, with both values."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
    return f"{path or 'the object'}: {json.dumps(a, default=str)[:80]} rendered, {json.dumps(b, default=str)[:80]} " \
           "generated"
