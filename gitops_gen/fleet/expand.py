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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.fleet import gotemplate
from gitops_gen.fleet.gotemplate import TemplateError

SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type"
SECRET_TYPE_CLUSTER = "cluster"
RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"
_JSON_FIELDS = (("spec", "source", "helm", "valuesObject"),)  # RawExtension fields of the Application
_INVALID_DNS = re.compile(r"[^-a-z0-9.]")
_FLOAT_EXACT = 2**53


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


def _cluster_generator(spec: Mapping[str, Any], secrets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    unknown = set(spec) - {"selector"}
    if unknown:
        raise ExpansionError(f"clusters generator field(s) {sorted(unknown)} are not covered by the expansion")
    selector = spec.get("selector") or {}
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        raise ExpansionError("a clusters generator without a selector also selects the in-cluster entry; "
                             "gitops-gen always sets one")
    by_name: dict[str, dict[str, Any]] = {}
    for secret in secrets:  # Argo CD keys the matching Secrets by cluster name: the last one wins
        labels = (secret.get("metadata") or {}).get("labels") or {}
        if labels.get(SECRET_TYPE_LABEL) == SECRET_TYPE_CLUSTER and selects(selector, labels):
            params = cluster_params(secret)
            by_name[params["name"]] = params
    return [by_name[n] for n in sorted(by_name)]


def _list_generator(spec: Mapping[str, Any], outer: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    unknown = set(spec) - {"elements"}
    if unknown:
        raise ExpansionError(f"list generator field(s) {sorted(unknown)} are not covered by the expansion")
    elements = [go_json(e) for e in spec.get("elements") or ()]
    if outer:  # a matrix's second generator is interpolated with the first one's parameters
        elements = [template_value(e, outer) for e in elements]
    if any(not isinstance(e, Mapping) for e in elements):
        raise ExpansionError("list generator elements must be objects")
    return [dict(e) for e in elements]


def _params(generator: Mapping[str, Any], secrets: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    if set(generator) - {"clusters", "list", "matrix"} or len(generator) != 1:
        raise ExpansionError(f"generator {sorted(generator)} is not covered by the expansion "
                             "(clusters, list and matrix of the two are)")
    if "clusters" in generator:
        return _cluster_generator(generator["clusters"] or {}, secrets)
    if "list" in generator:
        return _list_generator(generator["list"] or {}, None)
    children = list((generator["matrix"] or {}).get("generators") or ())
    if len(children) != 2 or "clusters" not in children[0] or "list" not in children[1]:
        raise ExpansionError("a matrix is covered as [clusters, list] only")
    out = []
    for outer in _cluster_generator(children[0]["clusters"] or {}, secrets):
        for inner in _list_generator(children[1]["list"] or {}, outer):
            out.append({**inner, **outer})  # mergo.WithOverride, cluster parameters merged last
    return out


def expand(appset: Mapping[str, Any], secrets: Sequence[Mapping[str, Any]]) -> list[Generated]:
    """Every Application ``appset`` generates against the cluster ``secrets``."""
    spec = appset.get("spec") or {}
    name = secret_name(appset)
    if spec.get("goTemplate") is not True or "missingkey=error" not in (spec.get("goTemplateOptions") or ()):
        raise ExpansionError(f"ApplicationSet {name}: the expansion covers goTemplate with missingkey=error only")
    if (spec.get("strategy") or {}).get("type") not in (None, "AllAtOnce", "RollingSync"):
        raise ExpansionError(f"ApplicationSet {name}: strategy {spec['strategy'].get('type')!r} is not covered")
    template = spec.get("template") or {}
    preserve = bool((spec.get("syncPolicy") or {}).get("preserveResourcesOnDeletion"))
    rolling = (spec.get("strategy") or {}).get("type") == "RollingSync"
    patch_text = spec.get("templatePatch")
    namespace = (appset.get("metadata") or {}).get("namespace") or ""
    out = []
    try:
        for generator in spec.get("generators") or ():
            for params in _params(generator, secrets):
                out.append(Generated(_one(template, params, preserve, patch_text, namespace, rolling), name,
                                     params["name"]))
    except TemplateError as err:
        raise ExpansionError(f"ApplicationSet {name}: {err}") from None
    return out


def _one(template: Mapping[str, Any], params: Mapping[str, Any], preserve: bool, patch_text: str | None,
         namespace: str, rolling: bool) -> dict[str, Any]:
    meta = template.get("metadata") or {}
    app = {"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
           "metadata": template_value({k: meta[k] for k in ("name", "namespace", "labels", "annotations",
                                                             "finalizers") if k in meta}, params),
           "spec": _template_spec(template.get("spec") or {}, params)}
    app = go_form(app)
    if not preserve and not app["metadata"].get("finalizers"):
        app["metadata"]["finalizers"] = [RESOURCES_FINALIZER]
    if patch_text:
        patch = go_json(_parse_json(gotemplate.render(patch_text, params)))
        if not isinstance(patch, Mapping):
            raise ExpansionError("templatePatch must render to an object")
        project = app["spec"].get("project")
        app = go_form(strategic_merge(app, patch, ()))
        app["spec"]["project"] = project  # Argo CD refuses to let a patch move an Application to a project
    if rolling:
        app = without_autosync(app)
    app["metadata"]["namespace"] = namespace
    return app


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


def _template_spec(spec: Mapping[str, Any], params: Mapping[str, Any]) -> Any:
    spec = copy.deepcopy(dict(spec))
    for path in _JSON_FIELDS:
        holder = _at(spec, path[1:-1])
        if holder is not None and path[-1] in holder:
            holder[path[-1]] = go_json(holder[path[-1]])
    return template_value(spec, params)


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
    if isinstance(value, str):
        return gotemplate.render(value, params) if "{{" in value else value
    if isinstance(value, Mapping):
        return {(gotemplate.render(k, params) if "{{" in k else k): template_value(v, params)
                for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [template_value(v, params) for v in value]
    return value


def go_json(value: Any) -> Any:
    """A JSON value after a round trip through Go's ``any``: integers become float64."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        as_float = float(value)
        return int(as_float) if abs(value) < _FLOAT_EXACT or as_float == value else as_float
    if isinstance(value, Mapping):
        return {k: go_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [go_json(v) for v in value]
    return value


def strategic_merge(original: Any, patch: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    """Kubernetes' strategic merge patch for the parts of an Application gitops-gen patches."""
    out = dict(original) if isinstance(original, Mapping) else {}
    for key, value in patch.items():
        if key.startswith("$"):
            raise ExpansionError(f"templatePatch directive {'.'.join((*path, key))} is not covered")
        if value is None:
            out.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping) and (*path, key) not in _RAW:
            out[key] = strategic_merge(out[key], value, (*path, key))
        elif (*path, key) == ("metadata", "finalizers") and isinstance(out.get(key), list):
            out[key] = [*out[key], *(f for f in value if f not in out[key])]
        else:
            out[key] = _without_nulls(value)
    return out


_RAW = {p for p in _JSON_FIELDS}


def _without_nulls(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_nulls(v) for v in value]
    return value


_MAPS = {("metadata", "labels"), ("metadata", "annotations")}


def go_form(app: Mapping[str, Any]) -> dict[str, Any]:
    """An Application as Argo CD's Go types store it: optional fields that are empty are left out
    (``prune: false``, ``""``, empty lists, empty labels); structs (``automated: {}``) and JSON
    fields (valuesObject) stay as they are."""
    return _go(app, ())  # type: ignore[no-any-return]


def _go(value: Any, path: tuple[str, ...]) -> Any:
    if path in _RAW:
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            sub = (*path, key)
            item = _go(item, sub)
            if item is None or item is False or item == "" or (item == 0 and not isinstance(item, float)) \
                    or (isinstance(item, list) and not item) or (sub in _MAPS and not item):
                continue
            out[key] = item
        return out
    if isinstance(value, list):
        return [_go(v, path) for v in value]
    return value


def expand_all(appsets: Sequence[Mapping[str, Any]], secrets: Sequence[Mapping[str, Any]]) -> Iterator[Generated]:
    for appset in appsets:
        yield from expand(appset, secrets)


def per_cluster(appsets: Sequence[Mapping[str, Any]],
                secrets: Sequence[Mapping[str, Any]]) -> dict[str, list[Generated]]:
    """Cluster name -> the Applications Argo CD generates for it from ``appsets``."""
    out: dict[str, list[Generated]] = {}
    for generated in expand_all(appsets, secrets):
        out.setdefault(generated.cluster, []).append(generated)
    return out
