"""Compare one desired object with its live twin: the module that owns deepdiff.

Normalise and project (``normalize``), compare with ``==``, and only for the
few objects that differ ask deepdiff where, turning its answer into
``Change(path, desired, live)`` values with dotted paths such as
``spec.template.spec.containers[name=app].image`` or ``spec.hard.cpu``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gitops_gen.base.jsonpath import Named, Step
from gitops_gen.base.jsonpath import format_path as join_path
from gitops_gen.base.manifest import ObjectRef, ref_of
from gitops_gen.base.redact import is_secret, redact
from gitops_gen.drift.ignore import strip
from gitops_gen.drift.model import Change
from gitops_gen.drift.normalize import SET_LIKE, Keyed, canonical, plain, project
from gitops_gen.render.owners import APPLICATION

_ABSENT = object()


def compare(
    desired: Mapping[str, Any],
    live: Mapping[str, Any],
    ignore: Iterable[Sequence[Step]] = (),
    *,
    ref: ObjectRef | None = None,
    shortcut: bool = True,
) -> tuple[Change, ...]:
    """The fields where ``live`` drifted from ``desired`` (empty: in sync), Secret values masked.

    ``shortcut=False`` runs deepdiff even on equal objects (the benchmark's baseline).
    """
    paths = tuple(ignore)
    if paths:
        desired, live = strip(desired, paths), strip(live, paths)
    want = canonical(desired)
    if not (live.get("metadata") or {}).get("namespace") and isinstance(want.get("metadata"), dict):
        # A cluster-scoped kind: the API server drops a namespace the manifest gives (so does Argo CD).
        want["metadata"].pop("namespace", None)
    seen = project(want, live)
    if shortcut and seen == want:
        return ()
    which = ref or ref_of(desired)
    return changes(want, seen, secret=is_secret(which), application=(which.group, which.kind) == APPLICATION)


def changes(want: Any, seen: Any, *, secret: bool = False, application: bool = False) -> tuple[Change, ...]:
    """deepdiff's view of two projected objects as Changes, one per differing field or list."""
    from deepdiff import DeepDiff  # imported late: it is slow to import and rarely needed

    diff = DeepDiff(want, seen, view="tree")
    cut_paths: dict[tuple[Any, ...], None] = {}
    for levels in diff.values():
        for level in levels:
            cut_paths[tuple(_cut(level.path(output_format="list"), want, seen))] = None
    ordered = sorted(cut_paths, key=lambda path: tuple(str(step) for step in path))
    return tuple(
        Change(format_path(path, want, seen), redact(want, path, _value(want, path), secret=secret,
                                                     application=application),
               redact(seen, path, _value(seen, path), secret=secret, application=application)) for path in ordered
    )


def _get(node: Any, step: Any) -> Any:
    if isinstance(node, Mapping):
        return node.get(step, _ABSENT)
    if isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
        return node[step]
    return _ABSENT


def _cut(path: list[Any], want: Any, seen: Any) -> list[Any]:
    """Shorten ``path`` to a whole list: the first whose length changed, else the last set-like one."""
    cut = path
    for index, step in enumerate(path):
        if isinstance(want, list) and isinstance(step, int):
            if not isinstance(seen, list) or len(want) != len(seen):
                return path[:index]
            if index and path[index - 1] in SET_LIKE:
                cut = path[:index]
        want, seen = _get(want, step), _get(seen, step)
    return cut


def _value(node: Any, path: Iterable[Any]) -> Any:
    for step in path:
        node = _get(node, step)
    return None if node is _ABSENT else plain(node)


def format_path(path: Iterable[Any], want: Any, seen: Any = None) -> str:
    """deepdiff's steps as a field path; a step into a merge-keyed list reads ``[name=app]``."""
    steps: list[Any] = []
    for step in path:
        keyed = isinstance(want, Keyed) or isinstance(seen, Keyed)
        steps.append(step if isinstance(step, int) else Named("", str(step)) if keyed else str(step))
        want, seen = _get(want, step), _get(seen, step)
    return join_path(steps)
