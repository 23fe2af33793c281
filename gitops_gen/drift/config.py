"""The ``drift:`` section of gitops.yaml, and the rules every drift run starts from.

```yaml
drift:
  ignoreDifferences:            # Argo CD shape, added to the defaults below
    - {group: apps, kind: Deployment, name: web, jsonPointers: [/spec/replicas]}
  defaultIgnores: true          # injected caBundles of webhooks, CRD conversion and APIServices
  hpaOwnedReplicas: true        # spec.replicas of workloads an autoscaler scales
  countOutOfSync: true          # an OutOfSync Application is drift
  countDegraded: true           # a Degraded or Missing Application is drift
  timeoutSeconds: 30            # one deadline for reading each cluster (exit 3 past it)
```
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitops_gen.drift.ignore import IgnoreRule, PathSyntaxError, parse_jq, parse_pointer, rule_from_argo
from gitops_gen.errors import InputError, Location
from gitops_gen.yamlio import LocDict, LocList, loc_of

DEFAULT_IGNORES = (
    # cert-manager's cainjector and friends write caBundle after every sync.
    IgnoreRule(
        group="admissionregistration.k8s.io",
        kind="MutatingWebhookConfiguration",
        paths=(parse_jq(".webhooks[]?.clientConfig.caBundle"),),
    ),
    IgnoreRule(
        group="admissionregistration.k8s.io",
        kind="ValidatingWebhookConfiguration",
        paths=(parse_jq(".webhooks[]?.clientConfig.caBundle"),),
    ),
    IgnoreRule(
        group="apiextensions.k8s.io",
        kind="CustomResourceDefinition",
        paths=(parse_pointer("/spec/conversion/webhook/clientConfig/caBundle"),),
    ),
    IgnoreRule(group="apiregistration.k8s.io", kind="APIService", paths=(parse_pointer("/spec/caBundle"),)),
)
_FLAGS = {
    "defaultIgnores": "default_ignores",
    "hpaOwnedReplicas": "hpa_owned_replicas",
    "countOutOfSync": "count_out_of_sync",
    "countDegraded": "count_degraded",
}
MAX_TIMEOUT = 3600
_RULE_KEYS = ("group", "kind", "name", "namespace", "jsonPointers", "jqPathExpressions")


@dataclass(frozen=True)
class DriftConfig:
    ignore: tuple[IgnoreRule, ...] = DEFAULT_IGNORES
    default_ignores: bool = True
    hpa_owned_replicas: bool = True
    count_out_of_sync: bool = True
    count_degraded: bool = True
    timeout_seconds: float | None = None  # None: the default deadline (run.TIMEOUT_SECONDS)


def parse_config(raw: Mapping[str, Any] | None, where: Location | None = None) -> DriftConfig:
    """The drift section as given (``None`` or empty: defaults); bad entries are InputErrors."""
    if not raw:
        return DriftConfig()
    where = loc_of(raw, where or Location("gitops.yaml"))
    if not isinstance(raw, Mapping):
        raise InputError("drift: must be a mapping", where)
    flags: dict[str, Any] = {}
    rules: list[IgnoreRule] = []
    for key, value in raw.items():
        loc = raw.value_loc(key) if isinstance(raw, LocDict) else where
        if key in _FLAGS:
            if not isinstance(value, bool):
                raise InputError(f"drift.{key} must be true or false", loc)
            flags[_FLAGS[key]] = value
        elif key == "ignoreDifferences":
            rules.extend(_rules(value, loc))
        elif key == "timeoutSeconds":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_TIMEOUT:
                raise InputError(f"drift.timeoutSeconds must be a number of seconds above 0 and at most "
                                 f"{MAX_TIMEOUT}", loc)
            flags["timeout_seconds"] = float(value)
        else:
            raise InputError(
                f"unknown key drift.{key}{_hint(key, [*_FLAGS, 'ignoreDifferences', 'timeoutSeconds'])}",
                raw.key_loc(key) if isinstance(raw, LocDict) else where,
            )
    defaults = DEFAULT_IGNORES if flags.get("default_ignores", True) else ()
    return DriftConfig(ignore=(*defaults, *rules), **flags)


def _rules(value: Any, loc: Location) -> list[IgnoreRule]:
    if not isinstance(value, list):
        raise InputError("drift.ignoreDifferences must be a list", loc)
    rules = []
    for index, entry in enumerate(value):
        entry_loc = value.item_loc(index) if isinstance(value, LocList) else loc
        if not isinstance(entry, Mapping):
            raise InputError("drift.ignoreDifferences entries must be mappings", entry_loc)
        for key in entry:
            if key not in _RULE_KEYS:
                key_loc = entry.key_loc(key) if isinstance(entry, LocDict) else entry_loc
                raise InputError(f"unknown key {key!r} in ignoreDifferences{_hint(key, _RULE_KEYS)}", key_loc)
        if not entry.get("kind"):
            raise InputError("ignoreDifferences entry needs a kind", entry_loc)
        try:
            rules.append(rule_from_argo(entry))
        except PathSyntaxError as err:
            raise InputError(str(err), entry_loc) from None
    return rules


def _hint(key: str, choices: list[str] | tuple[str, ...]) -> str:
    close = difflib.get_close_matches(key, choices, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
