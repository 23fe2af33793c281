"""``ignoreDifferences`` in Argo CD's shape: which fields of which objects never count as drift.

A rule selects objects by group/kind (and optionally name/namespace) and names
fields by JSON pointer (``/spec/replicas``) or by a small subset of jq paths
(``.webhooks[]?.clientConfig.caBundle``: fields, ``["quoted key"]``, ``[N]``
and ``[]`` over every item).  The fields are removed from both sides before
comparing, copying only along the removed paths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.manifest import ObjectRef

EVERY = object()  # the jq ``[]`` step: every item of a list (or every value of a mapping)
Step = str | int | object
_JQ_STEP = re.compile(
    r'\.([A-Za-z_][A-Za-z0-9_-]*)|\.?\["((?:[^"\\]|\\.)*)"\]|\.?\[(\d*)\]|\.?"((?:[^"\\]|\\.)*)"'
)


class PathSyntaxError(ValueError):
    pass


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


def parse_pointer(pointer: str) -> tuple[Step, ...]:
    if not pointer.startswith("/"):
        raise PathSyntaxError(f"JSON pointer {pointer!r} must start with '/'")
    steps: list[Step] = []
    for raw in pointer[1:].split("/"):
        text = raw.replace("~1", "/").replace("~0", "~")
        steps.append(int(text) if text.isdigit() else text)
    return tuple(steps)


def parse_jq(expression: str) -> tuple[Step, ...]:
    text = expression.strip().replace("[]?", "[]").replace("?", "")
    steps: list[Step] = []
    pos = 0
    while pos < len(text):
        match = _JQ_STEP.match(text, pos)
        if not match:
            raise PathSyntaxError(
                f'unsupported jq path {expression!r}: only .field, ["key"], [N] and [] steps'
            )
        field, quoted, index, dotted_quote = match.groups()
        if field is not None:
            steps.append(field)
        elif quoted is not None or dotted_quote is not None:
            steps.append((quoted if quoted is not None else dotted_quote).replace('\\"', '"'))
        else:
            steps.append(int(index) if index else EVERY)
        pos = match.end()
    if not steps:
        raise PathSyntaxError(f"empty jq path {expression!r}")
    return tuple(steps)


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
