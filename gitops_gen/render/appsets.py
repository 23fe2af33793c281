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
from gitops_gen.fleet import expand, gotemplate, secrets
from gitops_gen.render import argocd
from gitops_gen.render.common import ADDON_LABEL, ARGOCD_API, ENV_LABEL, ROLE_LABEL, TENANT_LABEL, labels

S_NAME, S_SERVER, S_ENV = "\x00cluster\x00", "\x00server\x00", "\x00env\x00"
EXPRESSIONS = {S_NAME: "{{.name}}", S_SERVER: "{{.server}}", S_ENV: f'{{{{index .metadata.labels "{ENV_LABEL}"}}}}'}
PLATFORM_PROJECT = "gitops-gen-platform"
PROJECTS = argocd.ProjectNames(PLATFORM_PROJECT, "tenant-{tenant}")
APPSETS_DIR = "fleet/applicationsets"
PROJECTS_DIR = "fleet/projects"
SECRETS_DIR = "fleet/clusters"
PATCH = "{{toJson .patch}}"
_ATOMIC = {("spec", "source", "helm", "valuesObject")}  # JSON fields: all in the template or all in the patch

ObjectsOf = Callable[[ClusterPlan, argocd.ProjectNames], list[Manifest]]


@dataclass
class _Entry:
    plan: ClusterPlan
    item: str  # the Application's name without the "<cluster>-" prefix
    concrete: Manifest
    symbolic: dict[str, Any]  # templatized: what the template plus this entry's patch must say
    project: str


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
    applications: dict[str, list[Manifest]]  # cluster -> the Applications Argo CD generates for it
    cluster_projects: dict[str, list[Manifest]]  # cluster -> the projects its Applications name


def symbolic(plan: ClusterPlan, folders: Mapping[tuple[str, str, str], str]) -> tuple[ClusterPlan, dict[Any, str]]:
    """``plan`` for a cluster whose name, server and environment are sentinels, and its folders."""
    name, env = plan.cluster.name, plan.env.name
    sym = dataclasses.replace(plan, cluster=dataclasses.replace(plan.cluster, name=S_NAME, server=S_SERVER),
                              env=dataclasses.replace(plan.env, name=S_ENV))
    sym_folders = {}
    for (kind, item, cluster), path in folders.items():
        if cluster == name:
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


def _collect(plans: Sequence[ClusterPlan], objects_of: ObjectsOf,
             symbolic_of: Callable[[ClusterPlan], list[Manifest]]) -> dict[str, _Set]:
    sets: dict[str, _Set] = {}
    for plan in plans:
        prefix = f"{plan.cluster.name}-"
        for m, sym in zip(objects_of(plan, PROJECTS), symbolic_of(plan), strict=True):
            item = m.ref.name.removeprefix(prefix)
            body = templatize(sym.body)
            if not m.ref.name.startswith(prefix) or body["metadata"]["name"] != "{{.name}}-" + item:
                raise InputError(f"Application {m.ref.name}: not named <cluster>-<name>", m.origin)
            name, switch, scope = _set_of(m, item)
            entry = sets.setdefault(name, _Set(name, switch, scope, m.origin))
            entry.entries.append(_Entry(plan, item, m, body, body["spec"]["project"]))
    return sets


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


def _variants(s: _Set, patches: Mapping[int, dict[str, Any]]) -> dict[str, tuple[tuple[str, str], list[_Entry]]]:
    """Variant name -> (its key, the entries of its clusters): clusters whose elements are the same."""
    by_key: dict[tuple[str, str], list[_Entry]] = defaultdict(list)
    per_cluster: dict[str, list[int]] = defaultdict(list)
    for index, e in enumerate(s.entries):
        per_cluster[e.plan.cluster.name].append(index)
    for indices in per_cluster.values():
        first = s.entries[indices[0]]
        elements = sorted((s.entries[i].item, s.entries[i].project, json.dumps(patches[i], sort_keys=True))
                          for i in indices)
        key = (first.plan.env.name, json.dumps(elements))
        by_key[key].extend(s.entries[i] for i in indices)
    names: dict[str, tuple[tuple[str, str], list[_Entry]]] = {}
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
    bodies = [_without(e.symbolic) for e in s.entries]
    template = _template(_common(bodies))
    patches = {i: _rest(b, template) for i, b in enumerate(bodies)}
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
                element["patch"] = patches[s.entries.index(e)]
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


def layout(repo: Repo, plans: Sequence[ClusterPlan], objects_of: ObjectsOf,
           symbolic_of: Callable[[ClusterPlan], list[Manifest]], paths: Callable[[Manifest], str]) -> FleetLayout:
    """The fleet files of ``plans`` (all clusters of the repository) and what each cluster gets."""
    s = repo.settings
    sets = _collect(plans, objects_of, symbolic_of)
    switches: dict[str, dict[str, str]] = defaultdict(dict)
    appsets: list[Manifest] = []
    for name in sorted(sets):
        st = sets[name]
        hold = any(e.plan.env.production and not e.plan.env.sync_policy.prune for e in st.entries)
        body, chosen = _appset(st, s.argocd_namespace, hold, s.fleet.progressive_sync)
        for cluster, variant in chosen.items():
            switches[cluster][st.switch] = variant
        appsets.append(Manifest(body, st.origin))
    expected = {p.cluster.name: secrets.cluster_secret(p, s, switches[p.cluster.name]) for p in plans}
    written = [Manifest(expected[p.cluster.name], p.cluster.origin) for p in plans if p.cluster.auth is not None]
    appsets = [dataclasses.replace(m, path=paths(m)) for m in appsets]
    applications = _expand_and_check(appsets, expected, sets)
    projects, cluster_projects = fleet_projects(repo, plans, objects_of)
    return FleetLayout(appsets, projects, written, expected, applications, cluster_projects)


def _expand_and_check(appsets: Sequence[Manifest], expected: Mapping[str, dict[str, Any]],
                      sets: Mapping[str, _Set]) -> dict[str, list[Manifest]]:
    """Argo CD's fan-out of ``appsets``, checked against what the applications mode renders."""
    secret_list = list(expected.values())
    out: dict[str, list[Manifest]] = defaultdict(list)
    errors: list[InputError] = []
    for m in appsets:
        try:
            generated = expand.expand(m.body, secret_list)
        except expand.ExpansionError as err:
            raise InputError(f"{err} (a gitops-gen bug: please report it)", m.origin) from None
        wanted = {(e.plan.cluster.name, e.concrete.ref.name): e for e in sets[m.ref.name].entries}
        got = {(g.cluster, g.body["metadata"]["name"]): g for g in generated}
        for key in sorted(set(wanted) | set(got)):
            e, g = wanted.get(key), got.get(key)
            if e is None or g is None:
                errors.append(InputError(f"ApplicationSet {m.ref.name} generates {'no' if g is None else 'an extra'}"
                                         f" Application {key[1]} on {key[0]}", m.origin))
                continue
            desired = expand.go_form(e.concrete.body)
            if expand.is_rolling(m.body):  # chosen in gitops.yaml (progressiveSync), documented there
                desired = expand.without_autosync(desired)
            if g.body != desired:
                where = first_difference(desired, g.body)
                errors.append(InputError(
                    f"Application {key[1]}: an ApplicationSet cannot carry what this blueprint renders for "
                    f"{key[0]} ({where}); use fleet mode applications for it", e.concrete.origin))
                continue
            out[key[0]].append(dataclasses.replace(e.concrete, body=g.body, path=m.path))
    if errors:
        raise InputErrors(errors[:20])
    return out


def first_difference(a: Any, b: Any, path: str = "") -> str:
    """The first field path where ``a`` and ``b`` differ, with both values."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        for key in sorted(set(a) | set(b), key=str):
            if a.get(key) != b.get(key):
                return first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else str(key))
    return f"{path or 'the object'}: {json.dumps(a, default=str)[:80]} rendered, {json.dumps(b, default=str)[:80]} " \
           "generated"


def fleet_projects(repo: Repo, plans: Sequence[ClusterPlan],
                   objects_of: ObjectsOf) -> tuple[list[Manifest], dict[str, list[Manifest]]]:
    """One platform AppProject over every cluster and one AppProject per tenant over its clusters."""
    s = repo.settings
    repos: set[str] = set()
    for plan in plans:
        repos |= argocd.platform_repos(repo, plan)
    platform_dest = sorted(({"server": p.cluster.server, "namespace": "*"} for p in plans),
                           key=lambda d: d["server"])
    platform = argocd.fleet_project(PLATFORM_PROJECT, s, "Platform add-ons and tenant namespaces on every cluster",
                                    sorted(repos), _unique(platform_dest), [{"group": "*", "kind": "*"}])
    projects = [Manifest(platform, s.origin)]
    per_cluster: dict[str, list[Manifest]] = {p.cluster.name: [projects[0]] for p in plans}
    by_tenant: dict[str, list[ClusterPlan]] = defaultdict(list)
    for plan in plans:
        for tenant in plan.tenants:
            by_tenant[tenant.name].append(plan)
    for name in sorted(by_tenant):
        bodies = []
        for plan in by_tenant[name]:
            tenant = next(t for t in plan.tenants if t.name == name)
            one = argocd.tenant_project(PROJECTS.tenant(name), tenant, s, plan.env, plan.cluster)
            bodies.append((plan, tenant, one))
        _, tenant, first = bodies[0]
        destinations = _unique(sorted((d for _, _, b in bodies for d in b["spec"]["destinations"]),
                                      key=lambda d: (d["server"], d["namespace"])))
        source_repos = sorted({r for _, _, b in bodies for r in b["spec"]["sourceRepos"]})
        body = argocd.fleet_tenant_project(first, name, len(bodies), destinations, source_repos)
        if any(b["spec"].get("roles") != first["spec"].get("roles") for _, _, b in bodies[1:]):
            body["spec"]["roles"] = split_roles(PROJECTS.tenant(name), [(p, t, b) for p, t, b in bodies])
        m = Manifest(body, tenant.origin)
        projects.append(m)
        for plan, _, _ in bodies:
            per_cluster[plan.cluster.name].append(m)
    return projects, per_cluster


def split_roles(project: str, bodies: Sequence[tuple[ClusterPlan, Any, Mapping[str, Any]]]) -> list[dict[str, Any]]:
    """Roles that differ between a tenant's clusters (owners per environment): one role per group of
    clusters alike, each granted on exactly the Applications of its clusters (never a wider glob)."""
    groups: dict[str, list[tuple[ClusterPlan, Any]]] = {}
    for plan, tenant, body in bodies:
        groups.setdefault(json.dumps(body["spec"].get("roles") or [], sort_keys=True), []).append((plan, tenant))
    out: list[dict[str, Any]] = []
    used: set[str] = set()
    for key, members in groups.items():
        envs = {p.env.name for p, _ in members}
        label = envs.pop() if len(envs) == 1 else members[0][0].cluster.name
        if label in used:
            label = members[0][0].cluster.name
        used.add(label)
        apps = sorted(f"{p.cluster.name}-{a.name}" for p, t in members for a in t.apps)
        for role in json.loads(key):
            name = f"{role['name']}-{label}"
            actions = [line.split(",")[3].strip() for line in role["policies"]]
            policies = [f"p, proj:{project}:{name}, applications, {action}, {project}/{app}, allow"
                        for action in actions for app in apps]
            out.append({**role, "name": name, "description": f"{role['description']} ({label})",
                        "policies": policies})
    return out


def _unique(items: list[dict[str, str]]) -> list[dict[str, str]]:
    out: list[dict[str, str]] = []
    for item in items:
        if not out or out[-1] != item:
            out.append(item)
    return out
