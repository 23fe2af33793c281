"""Secret values never leave a comparison: one rule for every report (diff, drift) and every format.

A value is secret when it sits under ``data`` or ``stringData`` of a core ``Secret``, wherever that
Secret is: a whole object, an item of a ``kind: List``, an object inside a changed list (chart output,
a List grown by one item).  In an Argo CD Application's Helm source, a value whose key names a secret
(``adminPassword``, ``apiToken``, ``existingSecret``...) in ``valuesObject`` or ``parameters``, and a
``values`` text holding such a key, are hidden too: charts take credentials as values.
Only whether a key is set may show: a value that is absent, null or empty
reads "(not set)" (null = empty = absent, as Kubernetes treats them), any other value ``<redacted>``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from gitops_gen.base.jsonpath import Named, Step
from gitops_gen.base.manifest import ObjectRef

REDACTED = "<redacted>"
SECRET_FIELDS = ("data", "stringData")
_ABSENT = object()
# Key names that hold credentials in Helm values (matched anywhere in the key, any case).
SECRET_KEY = re.compile(r"(?i)pass(word|wd|phrase)|secret|token|api[-_]?key|private[-_]?key|credential")
_SECRET_LINE = re.compile(r"(?im)^[ \t-]*[\"']?[\w.-]*(" + SECRET_KEY.pattern.removeprefix("(?i)")
                          + r")[\w.-]*[\"']?[ \t]*:")  # a `key:` line of a Helm `values` text


def is_secret(ref: ObjectRef) -> bool:
    return ref.kind == "Secret" and ref.group == ""


def is_secret_body(node: Any) -> bool:
    return isinstance(node, Mapping) and node.get("kind") == "Secret" and node.get("apiVersion") == "v1"


def hidden(value: Any) -> Any:
    """A secret value as it may be shown: not set, ``<redacted>``, or a mapping's keys with values hidden."""
    if value is None or value in ("", {}, []):
        return None
    if isinstance(value, Mapping):
        return {key: hidden(item) for key, item in value.items()}
    return REDACTED


def redact(root: Any, steps: Sequence[Step], value: Any, *, secret: bool = False, application: bool = False) -> Any:
    """``value``, found at ``steps`` below ``root``, safe to print.

    ``secret`` / ``application``: ``root`` is a Secret / an Argo CD Application even if its body does not say
    so (a ref said it: drift compares bodies without apiVersion and kind)."""
    if _helm_secret(root, steps, value, application):
        return hidden(value)
    node = root
    for step in steps:
        if (secret or is_secret_body(node)) and step in SECRET_FIELDS:
            return hidden(value)
        secret = False
        node = _child(node, step)
        if node is _ABSENT:
            break
    return scrub(value)


def is_application_body(node: Any) -> bool:
    return isinstance(node, Mapping) and node.get("kind") == "Application" and str(
        node.get("apiVersion", "")).startswith("argoproj.io/")


def _helm_secret(root: Any, steps: Sequence[Step], value: Any, application: bool) -> bool:
    """Whether ``steps`` lead into an Application's Helm values to a key that names a secret."""
    if not (application or is_application_body(root)):
        return False
    path = list(steps)
    for index, step in enumerate(path):
        if step != "helm":
            continue
        below = path[index + 1:]
        if below[:1] == ["valuesObject"]:
            return any(isinstance(k, str) and SECRET_KEY.search(k) for k in below[1:]) or (
                isinstance(value, Mapping) and _holds_secret_key(value))
        if below[:1] == ["values"]:
            return isinstance(value, str) and bool(_SECRET_LINE.search(value))
        if below[:1] == ["parameters"] and len(below) > 1:
            item = below[1]
            name = item.value if isinstance(item, Named) else _param_name(root, path[:index + 2], item)
            return bool(name and SECRET_KEY.search(name))
    return False


def _param_name(root: Any, to_list: Sequence[Step], index: Step) -> str:
    node = root
    for step in [*to_list, index]:
        node = _child(node, step)
    return str(node.get("name", "")) if isinstance(node, Mapping) else ""


def _holds_secret_key(value: Mapping[str, Any]) -> bool:
    return any((isinstance(k, str) and SECRET_KEY.search(k)) or (isinstance(v, Mapping) and _holds_secret_key(v))
               for k, v in value.items())


def _helm_hidden(helm: Mapping[str, Any]) -> Mapping[str, Any]:
    out = dict(helm)
    if isinstance(helm.get("valuesObject"), Mapping):
        out["valuesObject"] = _hide_keys(helm["valuesObject"])
    if isinstance(helm.get("values"), str) and _SECRET_LINE.search(helm["values"]):
        out["values"] = REDACTED
    if isinstance(helm.get("parameters"), list):
        out["parameters"] = [{**p, "value": hidden(p.get("value"))} if isinstance(p, Mapping)
                             and SECRET_KEY.search(str(p.get("name", ""))) else p for p in helm["parameters"]]
    return out


def _hide_keys(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {k: hidden(v) if isinstance(k, str) and SECRET_KEY.search(k) else _hide_keys(v)
                for k, v in node.items()}
    if isinstance(node, list):
        return [_hide_keys(v) for v in node]
    return node


def _application_hidden(app: Mapping[str, Any]) -> Mapping[str, Any]:
    spec = app.get("spec")
    if not isinstance(spec, Mapping):
        return app
    new_spec = dict(spec)
    if isinstance(spec.get("source"), Mapping) and isinstance(spec["source"].get("helm"), Mapping):
        new_spec["source"] = {**spec["source"], "helm": _helm_hidden(spec["source"]["helm"])}
    if isinstance(spec.get("sources"), list):
        new_spec["sources"] = [{**s, "helm": _helm_hidden(s["helm"])} if isinstance(s, Mapping)
                               and isinstance(s.get("helm"), Mapping) else s for s in spec["sources"]]
    return {**app, "spec": new_spec}


def scrub(value: Any) -> Any:
    """``value`` with the secret fields of every Secret inside it hidden (``value`` itself when none)."""
    if isinstance(value, Mapping):
        if is_secret_body(value):
            return {k: hidden(v) if k in SECRET_FIELDS else scrub(v) for k, v in value.items()}
        if is_application_body(value):
            hid = _application_hidden(value)
            return hid if hid != value else value
        cleaned = {k: scrub(v) for k, v in value.items()}
        return value if all(cleaned[k] is value[k] for k in value) else cleaned
    if isinstance(value, list):
        items = [scrub(v) for v in value]
        return value if all(a is b for a, b in zip(items, value, strict=True)) else items
    return value


def _child(node: Any, step: Step) -> Any:
    if isinstance(step, Named):
        if isinstance(node, list):
            return next((i for i in node if isinstance(i, Mapping) and i.get(step.field) == step.value), _ABSENT)
        return _ABSENT
    if isinstance(node, Mapping):
        return node.get(step, _ABSENT)
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return _ABSENT
