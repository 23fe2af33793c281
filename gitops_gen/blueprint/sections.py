"""The feature sections of gitops.yaml, declared as plain specs: ``policy:`` (validate) and ``drift:``.

They live here, in the blueprint layer, so that loading gitops.yaml checks every mistake in them with
``file:line:col`` without importing validation or drift; the checked value is plain data (defaults
filled in by the specs), and each feature compiles it into its own configuration
(``validate.policy.config.compile_policy``, ``drift.config.compile_drift``).

```yaml
policy:
  requiredNamespaceLabels: [cost-center]
  rules: {GG104: {severity: warning}, GG107: {enabled: false}}
  exceptions:
    - {rule: GG105, object: {kind: Deployment, namespace: payments-api, name: legacy},
       reason: "vendor image, tracked in SEC-123", expires: 2027-03-31}
  expiryWarningDays: 14
drift:
  ignoreDifferences: [{group: apps, kind: Deployment, name: web, jsonPointers: [/spec/replicas]}]
  defaultIgnores: true
  hpaOwnedReplicas: true
  countOutOfSync: true
  countDegraded: true
  timeoutSeconds: 30
```
"""

from __future__ import annotations

from collections.abc import Callable

from gitops_gen.base import naming
from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.jsonpath import JQ_PATH, PathSyntaxError, Step, parse_jq, parse_pointer
from gitops_gen.base.rule_ids import CONFIGURABLE_RULES
from gitops_gen.base.severity import Severity
from gitops_gen.blueprint.spec import Bool, Date, Errors, Field, Int, ListOf, MapOf, Obj, Str, Typed
from gitops_gen.yamlio.reader import LocDict

SELECTOR_KEYS = ("apiVersion", "kind", "namespace", "name")


def _not_empty(body: LocDict, path: str, errors: Errors) -> None:
    if not body:
        errors.append(InputError(f"{path}: name at least one of {', '.join(SELECTOR_KEYS)}", body.loc))


RULE_ID = Str(choices=tuple(sorted(CONFIGURABLE_RULES)), what="a known policy rule id")
EXCEPTION_SPEC = Obj({
    "rule": Field(RULE_ID, True, doc="the rule id the exception is for"),
    "object": Field(Obj({k: Field(Str(), doc=f"glob over the object's {k}") for k in SELECTOR_KEYS},
                        check_extra=_not_empty, schema={"minProperties": 1}), True,
                    doc="which objects: any of apiVersion, kind, namespace, name (globs allowed)"),
    "reason": Field(Str(r"[\s\S]*\S[\s\S]*", "a reason (not blank)"), True, doc="why, for the next reviewer"),
    "owner": Field(Str(r"[\s\S]*\S[\s\S]*", "an owner (not blank)"),
                   doc="who answers for it: a team, a person (the evidence report lists it)"),
    "expires": Field(Date(), True, doc="YYYY-MM-DD; past it the exception no longer applies and is itself "
                                       "an error (GG000)"),
})
POLICY_SPEC = Obj({
    "requiredNamespaceLabels": Field(ListOf(Str(naming.LABEL_KEY, "a label key"), unique=True),
                                     doc="labels every tenant namespace must carry (GG107)",
                                     default=["cost-center"]),
    "rules": Field(MapOf(Obj({
        "enabled": Field(Bool(), doc="false turns the rule off", default=True),
        "severity": Field(Str(choices=tuple(s.value for s in Severity)), doc="error, warning or info",
                          derived="the rule's own"),
    }), keys=RULE_ID), doc="per rule id: `enabled` and `severity`", default={}),
    "exceptions": Field(ListOf(EXCEPTION_SPEC), doc="objects a rule does not apply to, each with a reason and "
                                                    "an expiry date", default=[]),
    "expiryWarningDays": Field(Int(minimum=0), doc="warn (GG001) this many days before an exception expires; "
                                                   "0 turns the warning off", default=14),
})


def _path(parse: Callable[[str], tuple[Step, ...]], what: str, pattern: str | None = None) -> Typed:
    """A path drift must be able to follow: its syntax is checked when gitops.yaml is loaded."""

    def build(value: str, loc: Location, path: str, errors: Errors) -> str | None:
        try:
            parse(value)
        except PathSyntaxError as err:
            errors.append(InputError(f"{path}: {err}", loc))
            return None
        return value

    return Typed(Str(what=what), build, schema={"pattern": pattern} if pattern else {})


IGNORE_RULE_SPEC = Obj({
    "group": Field(Str(), doc="API group of the objects (`\"\"` for the core group)", derived="any group"),
    "kind": Field(Str(), True, doc="kind of the objects, `*` for every kind"),
    "name": Field(Str(), doc="only the object of this name"),
    "namespace": Field(Str(), doc="only objects in this namespace"),
    "jsonPointers": Field(ListOf(_path(parse_pointer, "a JSON pointer", "/.*")),
                          doc="fields to ignore, e.g. `/spec/replicas`"),
    "jqPathExpressions": Field(ListOf(_path(parse_jq, "a jq path", JQ_PATH)),
                               doc='fields to ignore as jq paths: `.field`, `["key"]`, `[N]` and `[]` steps'),
})
DRIFT_SPEC = Obj({
    "ignoreDifferences": Field(ListOf(IGNORE_RULE_SPEC), default=[],
                               doc="fields that never count as drift (Argo CD's shape), added to the defaults"),
    "defaultIgnores": Field(Bool(), doc="ignore injected `caBundle`s of webhooks, CRD conversion and APIServices",
                            default=True),
    "hpaOwnedReplicas": Field(Bool(), doc="ignore `spec.replicas` of workloads an autoscaler scales", default=True),
    "countOutOfSync": Field(Bool(), doc="an OutOfSync Application counts as drift", default=True),
    "countDegraded": Field(Bool(), doc="a Degraded or Missing Application counts as drift", default=True),
    "timeoutSeconds": Field(Int(minimum=1), doc="deadline for reading each cluster, in seconds (past it the "
                            "cluster is unreadable: exit 3); `--timeout` overrides it", default=30),
})
