"""The ``drift:`` section of gitops.yaml compiled for drift, and the rules every drift run starts from.

The section is declared (and checked, defaults filled in) in ``blueprint.sections.DRIFT_SPEC``.

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

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.errors import Location, one_or_all
from gitops_gen.base.jsonpath import parse_jq, parse_pointer
from gitops_gen.blueprint.construct import make_section
from gitops_gen.blueprint.model import Section
from gitops_gen.blueprint.sections import DRIFT_SPEC
from gitops_gen.blueprint.spec import Errors, defaults_of
from gitops_gen.drift.ignore import IgnoreRule, rule_from_argo
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
_DEFAULTS = defaults_of(DRIFT_SPEC)  # the spec's defaults, for configurations built in code (tests, paths)


@dataclass(frozen=True)
class DriftConfig:
    ignore: tuple[IgnoreRule, ...] = DEFAULT_IGNORES
    default_ignores: bool = _DEFAULTS["defaultIgnores"]
    hpa_owned_replicas: bool = _DEFAULTS["hpaOwnedReplicas"]
    count_out_of_sync: bool = _DEFAULTS["countOutOfSync"]
    count_degraded: bool = _DEFAULTS["countDegraded"]
    timeout_seconds: float = float(_DEFAULTS["timeoutSeconds"])  # one deadline per cluster read; --timeout wins


def compile_drift(checked: Section) -> DriftConfig:
    """The checked ``drift:`` section (every default filled in by its spec) as drift uses it."""
    section = checked.data
    rules = tuple(rule_from_argo(entry) for entry in section["ignoreDifferences"])
    defaults = DEFAULT_IGNORES if section["defaultIgnores"] else ()
    return DriftConfig(ignore=(*defaults, *rules), default_ignores=section["defaultIgnores"],
                       hpa_owned_replicas=section["hpaOwnedReplicas"], count_out_of_sync=section["countOutOfSync"],
                       count_degraded=section["countDegraded"], timeout_seconds=float(section["timeoutSeconds"]))


def parse_config(raw: Mapping[str, Any] | None, where: Location | None = None) -> DriftConfig:
    """A ``drift:`` section as written (None or empty: the defaults), checked and compiled; InputError(s)."""
    errors: Errors = []
    checked = DRIFT_SPEC.check(raw or {}, loc_of(raw, where or Location("gitops.yaml")), "drift", errors)
    if errors or checked is None:
        raise one_or_all(errors)
    return compile_drift(make_section(checked))
