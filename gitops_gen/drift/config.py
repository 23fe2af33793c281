"""The ``drift:`` section of gitops.yaml, and the rules every drift run starts from.

```yaml
drift:
  ignoreDifferences:            # Argo CD shape, added to the defaults below
    - {group: apps, kind: Deployment, name: web, jsonPointers: [/spec/replicas]}
  defaultIgnores: true          # injected caBundles of webhooks, CRD conversion and APIServices
  hpaOwnedReplicas: true        # spec.replicas of workloads an autoscaler scales
  countOutOfSync: true          # an OutOfSync Application is drift
  countDegraded: true           # a Degraded or Missing Application is drift
  timeoutSeconds: 30            # one deadline for reading each cluster (past it: exit 3)
```
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.errors import InputError, InputErrors, Location
from gitops_gen.blueprint.spec import Bool, Errors, Field, Int, ListOf, Obj, Str, Typed
from gitops_gen.drift.ignore import IgnoreRule, PathSyntaxError, Step, parse_jq, parse_pointer, rule_from_argo
from gitops_gen.yamlio.reader import loc_of

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


@dataclass(frozen=True)
class DriftConfig:
    ignore: tuple[IgnoreRule, ...] = DEFAULT_IGNORES
    default_ignores: bool = True
    hpa_owned_replicas: bool = True
    count_out_of_sync: bool = True
    count_degraded: bool = True
    timeout_seconds: float | None = None  # None: the default deadline (run.TIMEOUT_SECONDS)


# The subset of jq that ``ignore.parse_jq`` follows, as a pattern editors can check too (the parser decides).
_JQ_STEP = r'(\.[A-Za-z_][A-Za-z0-9_-]*|\.?\["([^"\\]|\\.)*"\]|\.?\[[0-9]*\]|\.?"([^"\\]|\\.)*")\??'
JQ_PATH = rf"\s*({_JQ_STEP})+\s*"


def _path(parse: Callable[[str], tuple[Step, ...]], what: str, pattern: str | None = None) -> Typed:
    """A path drift itself must follow: its syntax is checked when gitops.yaml is loaded."""

    def build(value: str, loc: Location, path: str, errors: Errors) -> str | None:
        try:
            parse(value)
        except PathSyntaxError as err:
            errors.append(InputError(f"{path}: {err}", loc))
            return None
        return value

    return Typed(Str(what=what), build, schema={"pattern": pattern} if pattern else {})


IGNORE_RULE_SPEC = Obj({
    "group": Field(Str(), doc="API group of the objects (`\"\"` for the core group); default: any group"),
    "kind": Field(Str(), True, doc="kind of the objects, `*` for every kind"),
    "name": Field(Str(), doc="only the object of this name"),
    "namespace": Field(Str(), doc="only objects in this namespace"),
    "jsonPointers": Field(ListOf(_path(parse_pointer, "a JSON pointer", "/.*")),
                          doc="fields to ignore, e.g. `/spec/replicas`"),
    "jqPathExpressions": Field(ListOf(_path(parse_jq, "a jq path", JQ_PATH)),
                               doc='fields to ignore as jq paths: `.field`, `["key"]`, `[N]` and `[]` steps'),
})


def _build(section: Mapping[str, Any], loc: Location, path: str, errors: Errors) -> DriftConfig:
    flags = {_FLAGS[key]: value for key, value in section.items() if key in _FLAGS}
    rules = tuple(rule_from_argo(entry) for entry in section.get("ignoreDifferences") or ())
    if section.get("timeoutSeconds") is not None:
        flags["timeout_seconds"] = float(section["timeoutSeconds"])
    defaults = DEFAULT_IGNORES if flags.get("default_ignores", True) else ()
    return DriftConfig(ignore=(*defaults, *rules), **flags)


DRIFT_SPEC = Typed(Obj({
    "ignoreDifferences": Field(ListOf(IGNORE_RULE_SPEC),
                               doc="fields that never count as drift (Argo CD's shape), added to the defaults"),
    "defaultIgnores": Field(Bool(), doc="ignore injected `caBundle`s of webhooks, CRD conversion and APIServices",
                            default="true"),
    "hpaOwnedReplicas": Field(Bool(), doc="ignore `spec.replicas` of workloads an autoscaler scales",
                              default="true"),
    "countOutOfSync": Field(Bool(), doc="an OutOfSync Application counts as drift", default="true"),
    "countDegraded": Field(Bool(), doc="a Degraded or Missing Application counts as drift", default="true"),
    "timeoutSeconds": Field(Int(minimum=1), doc="deadline for reading each cluster, in seconds (past it the "
                            "cluster is unreadable: exit 3); `--timeout` overrides it", default="30"),
}), _build)


def parse_config(raw: Mapping[str, Any] | DriftConfig | None, where: Location | None = None) -> DriftConfig:
    """The drift section as given (``None`` or empty: defaults; already loaded: as is); bad entries are InputErrors."""
    if isinstance(raw, DriftConfig):
        return raw
    if not raw:
        return DriftConfig()
    errors: Errors = []
    config = DRIFT_SPEC.check(raw, loc_of(raw, where or Location("gitops.yaml")), "drift", errors)
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    assert isinstance(config, DriftConfig)
    return config
