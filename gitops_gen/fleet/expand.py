"""ApplicationSets -> the Applications Argo CD generates from them, per cluster (pure).

Argo CD v3.6's ApplicationSet controller (applicationset/generators, applicationset/utils and
applicationset/controllers/template), carried over for exactly what gitops-gen writes
(docs/fleet.md, "What the expansion covers"):

- generators: ``clusters`` with a label selector (the in-cluster entry is never added: a selector is
  always set), ``list`` and ``matrix`` of the two (the list's strings are templated with the cluster's
  parameters, as a matrix's second generator is).  Cluster parameters: ``name``, ``nameNormalized``,
  ``server``, ``project``, and ``metadata.labels`` / ``metadata.annotations`` when the Secret has any;
  in a matrix, the cluster's parameters win over the list element's.
- ``goTemplate: true`` with ``missingkey=error`` (``gotemplate``): every string and map key of the
  template is templated, valuesObject included; a JSON field (valuesObject, list elements) goes through
  Go's ``any`` (numbers become float64) and loses map entries whose value is null.
- the ``resources-finalizer`` Argo CD adds unless ``syncPolicy.preserveResourcesOnDeletion``;
- ``templatePatch``: templated, then a strategic merge patch (maps merge, a null deletes, lists
  replace except ``metadata.finalizers``, which merge); the project cannot be patched;
- the Application lands in the ApplicationSet's namespace, and is stored through Argo CD's Go types
  (``go_form``: empty optional fields are dropped).

Anything else in an ApplicationSet is refused with ``ExpansionError`` rather than guessed.
"""

from __future__ import annotations

import base64
import binascii
import copy
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.fleet import gotemplate
from gitops_gen.fleet.gotemplate import TemplateError
from gitops_gen.fleet.gotypes import JSON_FIELDS, RAW, PatchError, go_form, go_json, strategic_merge

SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type"
SECRET_TYPE_CLUSTER = "cluster"
RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"
_INVALID_DNS = re.compile(r"[^-a-z0-9.]")


class ExpansionError(ValueError):
    """An ApplicationSet Argo CD would fail on, or one using a feature the expansion does not cover."""


@dataclass(frozen=True)
class Generated:
    """One Application as Argo CD would generate it, and where it came from."""

    body: dict[str, Any]
    appset: str  # the ApplicationSet's name
    cluster: str  # the cluster Secret's name field


def cluster_secrets(objects: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The Argo CD cluster Secrets among ``objects``."""
    return [o for o in objects if o.get("kind") == "Secret" and str(o.get("apiVersion")) == "v1"
            and ((o.get("metadata") or {}).get("labels") or {}).get(SECRET_TYPE_LABEL) == SECRET_TYPE_CLUSTER]


def secret_data(secret: Mapping[str, Any]) -> dict[str, str]:
    """A Secret's data as text: ``data`` decoded, ``stringData`` on top (as the API server merges them)."""
    out: dict[str, str] = {}
    for key, value in (secret.get("data") or {}).items():
        try:
            out[key] = base64.b64decode(str(value), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError) as err:
            raise ExpansionError(f"Secret {secret_name(secret)}: data.{key} is not base64 text") from err
    out.update({k: str(v) for k, v in (secret.get("stringData") or {}).items()})
    return out


def secret_name(secret: Mapping[str, Any]) -> str:
    return str((secret.get("metadata") or {}).get("name") or "")


def sanitize_name(name: str) -> str:
    """Argo CD's ``nameNormalized``: lower case, invalid DNS characters to '-', at most 253, trimmed."""
    return _INVALID_DNS.sub("-", name.lower())[:253].strip("-.")


def cluster_params(secret: Mapping[str, Any]) -> dict[str, Any]:
    data = secret_data(secret)
    meta = secret.get("metadata") or {}
    name = data.get("name", "")
    params: dict[str, Any] = {"name": name, "nameNormalized": sanitize_name(name), "server": data.get("server", ""),
                              "project": data.get("project", "")}
    metadata: dict[str, Any] = {}
    if meta.get("annotations"):
        metadata["annotations"] = dict(meta["annotations"])
    if meta.get("labels"):
        metadata["labels"] = dict(meta["labels"])
    params["metadata"] = metadata
    return params


def selects(selector: Mapping[str, Any], labels: Mapping[str, str]) -> bool:
    """A Kubernetes label selector (matchLabels and matchExpressions, ANDed)."""
    if any(labels.get(k) != v for k, v in (selector.get("matchLabels") or {}).items()):
        return False
    for expr in selector.get("matchExpressions") or ():
        key, operator, values = expr.get("key"), expr.get("operator"), list(expr.get("values") or ())
        present = key in labels
        ok = {"In": present and labels.get(key) in values, "NotIn": not present or labels.get(key) not in values,
              "Exists": present, "DoesNotExist": not present}.get(str(operator))
        if ok is None:
            raise ExpansionError(f"selector operator {operator!r} is not a Kubernetes one")
        if not ok:
            return False
    return True


class Inventory:
    """The cluster Secrets, read once: their generator parameters, found by label (a fleet has hundreds)."""

    def __init__(self, secrets: Sequence[Mapping[str, Any]]) -> None:
        self.entries: list[tuple[Mapping[str, str], dict[str, Any]]] = []
        self.by_label: dict[tuple[str, str], list[int]] = {}
        for secret in secrets:
            labels = (secret.get("metadata") or {}).get("labels") or {}
            if labels.get(SECRET_TYPE_LABEL) != SECRET_TYPE_CLUSTER:
                continue
            index = len(self.entries)
            self.entries.append((labels, cluster_params(secret)))
            for pair in labels.items():
                self.by_label.setdefault(pair, []).append(index)

    def select(self, selector: Mapping[str, Any], only: Collection[str] | None = None) -> list[dict[str, Any]]:
        match = selector.get("matchLabels") or {}
        candidates: Iterable[int] = range(len(self.entries))
        if match:
            key, value = next(iter(match.items()))
            candidates = self.by_label.get((key, value), [])
        by_name: dict[str, dict[str, Any]] = {}
        for index in candidates:  # Argo CD keys the matching Secrets by cluster name: the last one wins
            labels, params = self.entries[index]
            if (only is None or params["name"] in only) and selects(selector, labels):
                by_name[params["name"]] = params
        return [by_name[n] for n in sorted(by_name)]


def _selector(spec: Mapping[str, Any]) -> Mapping[str, Any]:
    unknown = set(spec) - {"selector"}
    if unknown:
        raise ExpansionError(f"clusters generator field(s) {sorted(unknown)} are not covered by the expansion")
    selector = spec.get("selector") or {}
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        raise ExpansionError("a clusters generator without a selector also selects the in-cluster entry; "
                             "gitops-gen always sets one")
    return selector


def _list_elements(spec: Mapping[str, Any]) -> list[Compiled]:
    unknown = set(spec) - {"elements"}
    if unknown:
        raise ExpansionError(f"list generator field(s) {sorted(unknown)} are not covered by the expansion")
    elements = [go_json(e) for e in spec.get("elements") or ()]
    if any(not isinstance(e, Mapping) for e in elements):
        raise ExpansionError("list generator elements must be objects")
    return [compile_tree(e, raw=True) for e in elements]


@dataclass(frozen=True)
class _Generator:
    selector: Mapping[str, Any] | None  # a clusters generator's (None: a list alone)
    elements: tuple[Compiled, ...] | None  # a list's (None: clusters alone)


def _generator(generator: Mapping[str, Any]) -> _Generator:
    if set(generator) - {"clusters", "list", "matrix"} or len(generator) != 1:
        raise ExpansionError(f"generator {sorted(generator)} is not covered by the expansion "
                             "(clusters, list and matrix of the two are)")
    if "clusters" in generator:
        return _Generator(_selector(generator["clusters"] or {}), None)
    if "list" in generator:
        return _Generator(None, tuple(_list_elements(generator["list"] or {})))
    children = list((generator["matrix"] or {}).get("generators") or ())
    if len(children) != 2 or "clusters" not in children[0] or "list" not in children[1]:
        raise ExpansionError("a matrix is covered as [clusters, list] only")
    return _Generator(_selector(children[0]["clusters"] or {}), tuple(_list_elements(children[1]["list"] or {})))


def _params(generator: _Generator, inventory: Inventory, only: Collection[str] | None) -> Iterator[dict[str, Any]]:
    if generator.selector is None:
        yield from (dict(run(e, {})) for e in generator.elements or ())
        return
    for outer in inventory.select(generator.selector, only):
        if generator.elements is None:
            yield outer
            continue
        for element in generator.elements:  # a matrix's second generator is interpolated with the first's parameters
            yield {**run(element, outer), **outer}  # mergo.WithOverride, cluster parameters merged last


@dataclass(frozen=True)
class Prepared:
    """An ApplicationSet read and compiled once, to be expanded against any clusters."""

    name: str
    namespace: str
    template: Compiled
    patch_of: Callable[[Mapping[str, Any]], Any] | None
    generators: tuple[_Generator, ...]
    preserve: bool
    rolling: bool


def prepare(appset: Mapping[str, Any]) -> Prepared:
    spec = appset.get("spec") or {}
    name = secret_name(appset)
    if spec.get("goTemplate") is not True or "missingkey=error" not in (spec.get("goTemplateOptions") or ()):
        raise ExpansionError(f"ApplicationSet {name}: the expansion covers goTemplate with missingkey=error only")
    if (spec.get("strategy") or {}).get("type") not in (None, "AllAtOnce", "RollingSync"):
        raise ExpansionError(f"ApplicationSet {name}: strategy {spec['strategy'].get('type')!r} is not covered")
    patch_text = spec.get("templatePatch")
    try:
        return Prepared(name, (appset.get("metadata") or {}).get("namespace") or "",
                        _compile_app(spec.get("template") or {}), _patch_of(patch_text) if patch_text else None,
                        tuple(_generator(g) for g in spec.get("generators") or ()),
                        bool((spec.get("syncPolicy") or {}).get("preserveResourcesOnDeletion")),
                        (spec.get("strategy") or {}).get("type") == "RollingSync")
    except (TemplateError, PatchError) as err:
        raise ExpansionError(f"ApplicationSet {name}: {err}") from None


def expand(appset: Mapping[str, Any] | Prepared, secrets: Sequence[Mapping[str, Any]] | Inventory,
           only: Collection[str] | None = None) -> list[Generated]:
    """Every Application ``appset`` generates against the cluster ``secrets`` (``only``: these clusters')."""
    inventory = secrets if isinstance(secrets, Inventory) else Inventory(secrets)
    p = appset if isinstance(appset, Prepared) else prepare(appset)
    out = []
    try:
        for generator in p.generators:
            for params in _params(generator, inventory, only):
                out.append(Generated(_one(p.template, params, p.preserve, p.patch_of, p.namespace, p.rolling),
                                     p.name, params["name"]))
    except (TemplateError, PatchError) as err:
        raise ExpansionError(f"ApplicationSet {p.name}: {err}") from None
    return out


def _compile_app(template: Mapping[str, Any]) -> Compiled:
    """The template as the Application Argo CD starts from, in its stored form, compiled once."""
    meta = template.get("metadata") or {}
    spec = copy.deepcopy(dict(template.get("spec") or {}))
    for path in JSON_FIELDS:
        holder = _at(spec, path[1:-1])
        if holder is not None and path[-1] in holder:
            holder[path[-1]] = go_json(holder[path[-1]])
    app = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
           "metadata": {k: meta[k] for k in ("name", "namespace", "labels", "annotations", "finalizers") if k in meta},
           "spec": spec}
    return compile_tree(go_form(app))


def _patch_of(text: str) -> Callable[[Mapping[str, Any]], Any]:
    """The templatePatch as a function of the parameters (``{{toJson X}}`` alone: X itself, no text trip)."""
    parts = gotemplate.compile_text(text)
    if len(parts) == 1 and not isinstance(parts[0], str) and parts[0][0] == "toJson":
        word = parts[0][1][0]
        return lambda params: go_json(gotemplate.term(word, params))
    return lambda params: go_json(_parse_json(gotemplate.render(text, params)))


def _one(template: Compiled, params: Mapping[str, Any], preserve: bool,
         patch_of: Callable[[Mapping[str, Any]], Any] | None, namespace: str, rolling: bool) -> dict[str, Any]:
    app = dict(run(template, params))
    app["metadata"] = dict(app.get("metadata") or {})
    if not preserve and not app["metadata"].get("finalizers"):
        app["metadata"]["finalizers"] = [RESOURCES_FINALIZER]
    if patch_of is not None:
        patch = patch_of(params)
        if not isinstance(patch, Mapping):
            raise ExpansionError("templatePatch must render to an object")
        project = app["spec"].get("project")
        app = strategic_merge(app, go_form(patch), ())
        app["spec"] = {**app["spec"], "project": project}  # Argo CD refuses to let a patch move an Application
    if rolling:
        app = without_autosync(app)
    app["metadata"]["namespace"] = namespace
    return app


_STATIC, _TEXT, _MAP, _LIST = range(4)
Compiled = tuple[int, Any]


def compile_tree(value: Any, raw: bool = False, path: tuple[str, ...] = ()) -> Compiled:
    """A template tree, compiled: static subtrees are kept (and shared by every Application generated),
    strings holding ``{{`` are templated, map entries whose value is null are dropped (Go's nil)."""
    if isinstance(value, str):
        return (_TEXT, (value, raw or path in RAW)) if "{{" in value else (_STATIC, value)
    if isinstance(value, Mapping):
        inner = raw or path in RAW
        items = [(compile_tree(k, True), compile_tree(v, inner, (*path, k) if not inner else path))
                 for k, v in value.items() if v is not None]
        if all(k[0] == _STATIC and v[0] == _STATIC for k, v in items):
            return (_STATIC, {k[1]: v[1] for k, v in items})
        return (_MAP, items)
    if isinstance(value, list):
        elements = [compile_tree(v, raw, path) for v in value]
        if all(e[0] == _STATIC for e in elements):
            return (_STATIC, [e[1] for e in elements])
        return (_LIST, elements)
    return (_STATIC, value)


def run(node: Compiled, params: Mapping[str, Any]) -> Any:
    kind, value = node
    if kind == _STATIC:
        return value
    if kind == _TEXT:
        return gotemplate.render(value[0], params)
    if kind == _MAP:
        out = {}
        for k, v in value:
            item = run(v, params)
            if item == "" and v[0] == _TEXT and not v[1][1]:
                continue  # a templated optional string that came out empty: Go's omitempty
            out[run(k, params)] = item
        return out
    return [run(v, params) for v in value]


def without_autosync(app: Mapping[str, Any]) -> dict[str, Any]:
    """RollingSync syncs the Applications itself: Argo CD turns their auto-sync off."""
    spec = dict(app["spec"])
    policy = {k: v for k, v in (spec.get("syncPolicy") or {}).items() if k != "automated"}
    if policy:
        spec["syncPolicy"] = policy
    else:
        spec.pop("syncPolicy", None)
    return {**app, "spec": spec}


def is_rolling(appset: Mapping[str, Any]) -> bool:
    return ((appset.get("spec") or {}).get("strategy") or {}).get("type") == "RollingSync"


def _at(tree: Any, path: Sequence[str]) -> Any:
    for key in path:
        if not isinstance(tree, dict) or key not in tree:
            return None
        tree = tree[key]
    return tree if isinstance(tree, dict) else None


def _parse_json(text: str) -> Any:
    import json

    try:
        return json.loads(text)
    except ValueError as err:
        raise ExpansionError(f"templatePatch did not render to JSON: {err}") from None


def template_value(value: Any, params: Mapping[str, Any]) -> Any:
    """Argo CD's deeplyReplace: every string and map key templated; null map entries are dropped."""
    return run(compile_tree(value, raw=True), params)


def expand_all(appsets: Sequence[Mapping[str, Any]],
               secrets: Sequence[Mapping[str, Any]] | Inventory) -> Iterator[Generated]:
    inventory = secrets if isinstance(secrets, Inventory) else Inventory(secrets)
    for appset in appsets:
        yield from expand(appset, inventory)


def per_cluster(appsets: Sequence[Mapping[str, Any]],
                secrets: Sequence[Mapping[str, Any]]) -> dict[str, list[Generated]]:
    """Cluster name -> the Applications Argo CD generates for it from ``appsets``."""
    out: dict[str, list[Generated]] = {}
    for generated in expand_all(appsets, Inventory(secrets)):
        out.setdefault(generated.cluster, []).append(generated)
    return out
