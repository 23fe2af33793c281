"""Normalisation: bring a desired object and its live twin to a form where ``==`` means "no drift".

``canonical(desired)`` drops what the server owns (status, uid, managedFields …),
folds Secret ``stringData`` into ``data`` and turns lists with a merge key into
``Keyed`` mappings ("name=app" -> container).  ``project(canonical, live)`` then
walks the *desired* shape only and returns the live object seen through it:
fields the desired object does not set (defaults, controller additions) never
appear, and live values equal to the desired ones by Kubernetes semantics
(quantities, int/float, null/empty/absent, list order of merge-keyed or
set-like lists) are replaced by the desired value.  So the common case is one
walk plus one C-level ``==``; only objects that really differ go to deepdiff.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from typing import Any, NamedTuple

from gitops_gen.base.quantity import same_duration, same_quantity

# Set by the API server or controllers, never by the author of a manifest.
SERVER_METADATA = frozenset(
    {
        "uid",
        "resourceVersion",
        "generation",
        "creationTimestamp",
        "managedFields",
        "selfLink",
        "deletionTimestamp",
        "deletionGracePeriodSeconds",
        # Owner references carry uids only the cluster knows; a manifest in Git cannot set them.
        "ownerReferences",
    }
)
NOISY_ANNOTATIONS = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        "argocd.argoproj.io/tracking-id",  # Argo CD's resource tracking
        "deployment.kubernetes.io/revision",
    }
)
NOISY_LABELS = frozenset({"app.kubernetes.io/instance"})  # Argo CD label tracking rewrites it

# Lists the API merges by key (strategic merge patch keys); protocol defaults to TCP.
MERGE_KEYS: Mapping[str, tuple[str, ...]] = {
    "containers": ("name",),
    "initContainers": ("name",),
    "ephemeralContainers": ("name",),
    "env": ("name",),
    "volumes": ("name",),
    "imagePullSecrets": ("name",),
    "webhooks": ("name",),
    # volumeMounts' real merge key: one volume is often mounted several times under subPaths.
    "volumeMounts": ("mountPath",),
    "volumeDevices": ("devicePath",),
    "hostAliases": ("ip",),
    "topologySpreadConstraints": ("topologyKey", "whenUnsatisfiable"),
}
PORT_KEYS = (("containerPort", "protocol"), ("port", "protocol"))
# Lists the API treats as sets: order carries no meaning.
SET_LIKE = frozenset({"finalizers", "subsets", "addresses", "notReadyAddresses", "endpoints"})
# Maps whose values are resource quantities, and leaf keys that are quantities themselves.
QUANTITY_MAPS = frozenset(
    {
        "limits",
        "requests",
        "hard",
        "capacity",
        "allocatable",
        "max",
        "min",
        "default",
        "defaultRequest",
        "maxLimitRequestRatio",
        "overhead",
        "used",
    }
)
QUANTITY_KEYS = frozenset({"sizeLimit", "storage", "averageValue"})
# Go durations a conversion webhook re-serialises ("2160h" -> "2160h0m0s"; cert-manager Certificates).
DURATION_KEYS = frozenset({"duration", "renewBefore"})
_SCALARS = (str, int, float, bool, type(None))
_UNMATCHED = object()


class Keyed(dict[str, Any]):
    """A merge-keyed list seen as a mapping from "key=value[,key=value]" to item."""

    fields: tuple[str, ...] = ()


def _key_fields(name: str, items: list[Any]) -> tuple[str, ...] | None:
    if name == "ports":
        first = items[0] if items and isinstance(items[0], Mapping) else {}
        return PORT_KEYS[0] if "containerPort" in first else PORT_KEYS[1]
    return MERGE_KEYS.get(name)


def keyed(items: list[Any], fields: tuple[str, ...]) -> Keyed | None:
    """``items`` by merge key, or ``None`` when an item lacks the key or two items share it."""
    out = Keyed()
    out.fields = fields
    for item in items:
        if not isinstance(item, Mapping) or item.get(fields[0]) is None:
            return None
        key = ",".join(f"{f}={item.get(f) or ('TCP' if f == 'protocol' else '')}" for f in fields)
        if key in out:
            return None
        out[key] = item
    return out


def empty(value: Any) -> bool:
    """null, empty and absent are the same (Go's omitempty); so are false and 0 against absent."""
    return value is None or value is False or (not value and isinstance(value, (str, dict, list, int, float)))


def _sort_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str)


def _canon(value: Any, name: str) -> Any:
    if isinstance(value, Mapping):
        return {k: _canon(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canon(v, name) for v in value]
        if name in SET_LIKE:
            return sorted(items, key=_sort_key)
        fields = _key_fields(name, items) if items else None
        if fields:
            as_keyed = keyed(items, fields)
            if as_keyed is not None:
                return as_keyed
        return items
    return value


def canonical(body: Mapping[str, Any]) -> dict[str, Any]:
    """The comparable form of a desired object (identity and server-owned fields removed)."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key in ("apiVersion", "kind", "status"):
            continue
        if key == "metadata" and isinstance(value, Mapping):
            value = _metadata(value)
        out[key] = _canon(value, key)
    if body.get("kind") == "Secret" and "stringData" in out:
        out = fold_string_data(out)
    if body.get("kind") == "ClusterRole" and out.get("aggregationRule"):
        # The aggregation controller owns an aggregated role's rules (Argo CD: ignoreAggregatedRoles).
        out.pop("rules", None)
    return out


def _metadata(meta: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in meta.items() if k not in SERVER_METADATA}
    for key, noisy in (("annotations", NOISY_ANNOTATIONS), ("labels", NOISY_LABELS)):
        if isinstance(out.get(key), Mapping):
            out[key] = {k: v for k, v in out[key].items() if k not in noisy}
    return out


def fold_string_data(secret: Mapping[str, Any]) -> dict[str, Any]:
    """Secret ``stringData`` is write-only: the API stores it base64-encoded in ``data``."""
    out = dict(secret)
    data = dict(out.get("data") or {})
    for key, text in (out.pop("stringData", None) or {}).items():
        data[key] = base64.b64encode(str(text).encode()).decode()
    out["data"] = data
    return out


def project(desired: Any, live: Any, name: str = "") -> Any:
    """``live`` seen through the shape of canonical ``desired``; equal to it when there is no drift."""
    if isinstance(desired, dict):
        if isinstance(desired, Keyed):
            return _project_keyed(desired, live)
        if not isinstance(live, Mapping):
            return desired if empty(desired) and empty(live) else live
        quantities = name in QUANTITY_MAPS
        out: dict[str, Any] = {}
        for key, want in desired.items():
            if key in live:
                have = live[key]
                if isinstance(want, _SCALARS):
                    out[key] = _leaf(want, have, quantities or key in QUANTITY_KEYS, key in DURATION_KEYS)
                else:
                    out[key] = project(want, have, key)
            elif empty(want):
                out[key] = want
        return out
    if isinstance(desired, list):
        if not isinstance(live, list):
            return desired if empty(desired) and empty(live) else live
        if name in SET_LIKE:
            return _project_set(desired, live, name)
        if len(desired) != len(live):
            return [_canon(v, name) for v in live]
        return [project(want, have, name) for want, have in zip(desired, live, strict=True)]
    return _leaf(desired, live, name in QUANTITY_KEYS, name in DURATION_KEYS)


class Mismatch(NamedTuple):
    """A live scalar Python calls equal to the desired one but Kubernetes does not (``True == 1``).

    As a tuple it never equals a scalar, which keeps the fast ``seen == want`` honest;
    ``plain`` unwraps it for reports.
    """

    value: Any


def _leaf(want: Any, have: Any, quantity: bool, duration: bool = False) -> Any:
    if (type(want) is bool) != (type(have) is bool) and want is not None and have is not None:
        # true vs 1 (or false vs 0) is a hand edit, not a respelling; int vs float still compare by value.
        return Mismatch(have) if want == have or (empty(want) and empty(have)) else have
    if want == have or (empty(want) and empty(have)):
        return want
    if quantity and same_quantity(want, have):
        return want
    if duration and same_duration(want, have):
        return want
    return have


def _project_keyed(desired: Keyed, live: Any) -> Any:
    if isinstance(live, list):
        live_keyed = keyed(live, desired.fields)
        if live_keyed is None:
            return [_canon(v, "") for v in live]
        live = live_keyed
    if not isinstance(live, Mapping):
        return desired if empty(live) and not desired else live
    out = Keyed()
    out.fields = desired.fields
    for key, want in desired.items():
        if key in live:  # live-only items (injected sidecars, extra env) are not ours: like extra fields
            out[key] = project(want, live[key])
    return out


def _project_set(desired: list[Any], live: list[Any], name: str) -> list[Any]:
    """Match items regardless of order; unmatched ones are paired in order so the diff stays small."""
    if len(desired) != len(live):
        return sorted((_canon(v, name) for v in live), key=_sort_key)
    out: list[Any] = [_UNMATCHED] * len(desired)
    unused = list(live)
    for position, want in enumerate(desired):
        for index, have in enumerate(unused):
            seen = project(want, have, name)
            if seen == want:
                out[position] = seen
                del unused[index]
                break
    if not unused:
        return out
    leftovers = iter(unused)
    return [
        project(want, next(leftovers), name) if seen is _UNMATCHED else seen
        for want, seen in zip(desired, out, strict=True)
    ]


def plain(value: Any) -> Any:
    """Back to JSON data for reports: ``Keyed`` mappings become lists again."""
    if isinstance(value, Mismatch):
        return value.value
    if isinstance(value, Keyed):
        return [plain(v) for v in value.values()]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value
