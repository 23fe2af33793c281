"""``ignoreDifferences`` in Argo CD's shape: which fields of which objects never count as drift.

A rule selects objects by group/kind (and optionally name/namespace) and names
fields by JSON pointer (``/spec/replicas``) or by a small subset of jq paths
(``.webhooks[]?.clientConfig.caBundle``: fields, ``["quoted key"]``, ``[N]``
and ``[]`` over every item).  The fields are removed from both sides before
comparing, copying only along the removed paths.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.jsonpath import EVERY, Step, parse_jq, parse_pointer
from gitops_gen.base.manifest import ObjectRef


@dataclass(frozen=True)
class IgnoreRule:
    kind: str
    group: str = ""
    name: str = ""
    namespace: str = ""
    paths: tuple[tuple[Step, ...], ...] = ()
    # Restricts the rule to objects carrying this label value (an Application's add-on or tenant).
    scope: tuple[str, str] | None = None

    def matches(self, ref: ObjectRef, labels: Mapping[str, Any]) -> bool:
        if self.kind not in ("", "*", ref.kind) or self.group not in ("*", ref.group):
            return False
        if self.name and self.name != ref.name:
            return False
        if self.namespace and self.namespace != ref.namespace:
            return False
        return self.scope is None or labels.get(self.scope[0]) == self.scope[1]


def rule_from_argo(entry: Mapping[str, Any], scope: tuple[str, str] | None = None) -> IgnoreRule:
    """One Argo CD ``ignoreDifferences`` entry; raises PathSyntaxError for paths we cannot follow."""
    paths = [parse_pointer(str(p)) for p in entry.get("jsonPointers") or ()]
    paths += [parse_jq(str(e)) for e in entry.get("jqPathExpressions") or ()]
    return IgnoreRule(
        kind=str(entry.get("kind") or ""),
        group=str(entry.get("group") or ""),
        name=str(entry.get("name") or ""),
        namespace=str(entry.get("namespace") or ""),
        paths=tuple(paths),
        scope=scope,
    )


def strip(body: Mapping[str, Any], paths: Iterable[Sequence[Step]]) -> Mapping[str, Any]:
    """``body`` without the fields at ``paths`` (the input is never modified)."""
    out: Any = body
    for path in paths:
        out = _remove(out, path)
    return out  # type: ignore[no-any-return]


def _remove(node: Any, path: Sequence[Step]) -> Any:
    if not path:
        return node
    step, rest = path[0], path[1:]
    if isinstance(node, Mapping):
        keys = list(node) if step is EVERY else [step] if step in node else []
        if not keys:
            return node
        copy = dict(node)
        for key in keys:
            if rest:
                copy[key] = _remove(node[key], rest)
            else:
                del copy[key]
        return copy
    if isinstance(node, list):
        if step is EVERY:
            return [_remove(item, rest) for item in node] if rest else []
        if isinstance(step, int) and 0 <= step < len(node):
            if rest:
                return [*node[:step], _remove(node[step], rest), *node[step + 1 :]]
            return [*node[:step], *node[step + 1 :]]
    return node
