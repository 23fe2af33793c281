"""The ``policy:`` section of gitops.yaml: rule switches, severities and expiring exceptions.

```yaml
policy:
  requiredNamespaceLabels: [cost-center]
  rules:
    GG104: {severity: warning}
    GG107: {enabled: false}
  exceptions:
    - rule: GG105
      object: {kind: Deployment, namespace: payments-api, name: legacy}   # globs allowed
      reason: "vendor image, tracked in SEC-123"
      expires: 2027-03-31
  expiryWarningDays: 14      # warn (GG001) this many days before an exception lapses; 0 turns it off
```

The section is declared with ``gitops_gen.blueprint.spec`` (``POLICY_SPEC``) and checked when gitops.yaml is
loaded, so every command rejects the same mistakes: ``InputError`` s naming ``file:line:col``, all of
them at once.  An exception that
has expired is not an input error but an error *finding* (rule ``GG000``) so CI fails on the day
it lapses while ``render`` keeps working; an expired exception no longer suppresses anything.
"""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from gitops_gen.base import naming
from gitops_gen.base.errors import InputError, InputErrors, Location
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.blueprint.spec import Bool, Date, Errors, Field, Int, ListOf, MapOf, Obj, Str, Typed
from gitops_gen.yamlio.reader import LocDict, loc_of

SELECTOR_KEYS = ("apiVersion", "kind", "namespace", "name")
EXPIRY_WARNING_DAYS = 14  # an exception lapsing within this many days is a warning (GG001); 0: never


@dataclass(frozen=True)
class RuleSetting:
    enabled: bool = True
    severity: Severity | None = None  # None: the rule's default


@dataclass(frozen=True)
class PolicyException:
    rule: str
    selector: tuple[tuple[str, str], ...]  # (apiVersion|kind|namespace|name, glob)
    reason: str
    expires: datetime.date
    location: Location

    def matches(self, ref: ObjectRef | None) -> bool:
        if ref is None:
            return False
        values = ref.as_json()
        return all(fnmatch.fnmatchcase(values[key], pattern) for key, pattern in self.selector)

    def expired(self, today: datetime.date) -> bool:
        return self.expires < today


@dataclass(frozen=True)
class PolicyConfig:
    required_namespace_labels: tuple[str, ...] = ("cost-center",)
    rules: Mapping[str, RuleSetting] | None = None
    exceptions: tuple[PolicyException, ...] = ()
    expiry_warning_days: int = EXPIRY_WARNING_DAYS

    def setting(self, rule: str) -> RuleSetting:
        return (self.rules or {}).get(rule, RuleSetting())


def known_rules() -> tuple[str, ...]:
    """Every rule id ``rules:`` and ``exceptions:`` may name: the policy rules and the reference checks."""
    from gitops_gen.validate.policy import (  # late: that package imports this module
        EXPIRED_EXCEPTION,
        EXPIRING_EXCEPTION,
        RULES,
    )
    from gitops_gen.validate.references import REFERENCE_RULES

    return tuple(sorted({*RULES, *REFERENCE_RULES} - {EXPIRED_EXCEPTION, EXPIRING_EXCEPTION}))


def _rule_setting(body: Mapping[str, Any], loc: Location, path: str, errors: Errors) -> RuleSetting:
    return RuleSetting(body.get("enabled", True), Severity(body["severity"]) if "severity" in body else None)


def _not_empty(body: LocDict, path: str, errors: Errors) -> None:
    if not body:
        errors.append(InputError(f"{path}: name at least one of {', '.join(SELECTOR_KEYS)}", body.loc))


def _exception(body: Mapping[str, Any], loc: Location, path: str, errors: Errors) -> PolicyException:
    selector = tuple((k, str(body["object"][k])) for k in SELECTOR_KEYS if k in body["object"])
    return PolicyException(body["rule"], selector, body["reason"], body["expires"], loc)


def _policy(body: Mapping[str, Any], loc: Location, path: str, errors: Errors) -> PolicyConfig:
    labels = body.get("requiredNamespaceLabels")
    return PolicyConfig(PolicyConfig.required_namespace_labels if labels is None else tuple(labels),
                        dict(body.get("rules") or {}), tuple(body.get("exceptions") or ()),
                        body.get("expiryWarningDays", EXPIRY_WARNING_DAYS))


RULE_ID = Str(choices=known_rules, what="a known policy rule id")
SEVERITIES = tuple(s.value for s in Severity)
EXCEPTION_SPEC = Typed(Obj({
    "rule": Field(RULE_ID, True, doc="the rule id the exception is for"),
    "object": Field(Obj({k: Field(Str(), doc=f"glob over the object's {k}") for k in SELECTOR_KEYS},
                        check_extra=_not_empty, schema={"minProperties": 1}), True,
                    doc="which objects: any of apiVersion, kind, namespace, name (globs allowed)"),
    "reason": Field(Str(r"[\s\S]*\S[\s\S]*", "a reason (not blank)"), True, doc="why, for the next reviewer"),
    "expires": Field(Date(), True, doc="YYYY-MM-DD; past it the exception no longer applies and is itself "
                                       "an error (GG000)"),
}), _exception)
POLICY_SPEC = Typed(Obj({
    "requiredNamespaceLabels": Field(ListOf(Str(naming.LABEL_KEY, "a label key"), unique=True),
                                     doc="labels every tenant namespace must carry (GG107)",
                                     default="[cost-center]"),
    "rules": Field(MapOf(Typed(Obj({
        "enabled": Field(Bool(), doc="false turns the rule off", default="true"),
        "severity": Field(Str(choices=SEVERITIES), doc="error, warning or info", default="the rule's own"),
    }), _rule_setting), keys=RULE_ID), doc="per rule id: `enabled` and `severity`"),
    "exceptions": Field(ListOf(EXCEPTION_SPEC), doc="objects a rule does not apply to, each with a reason and "
                                                    "an expiry date"),
    "expiryWarningDays": Field(Int(minimum=0), doc="warn (GG001) this many days before an exception expires; "
                                                   "0 turns the warning off", default=str(EXPIRY_WARNING_DAYS)),
}), _policy)


def parse_policy(raw: Mapping[str, Any] | PolicyConfig | None,
                 known_rules: Collection[str] | None = None) -> PolicyConfig:
    """The ``policy:`` section (a LocDict from gitops.yaml, or plain data; already loaded: as is).

    Raises InputError(s), all of them at once.  ``known_rules`` is accepted for compatibility: the spec
    asks the rule registries itself."""
    if isinstance(raw, PolicyConfig):
        return raw
    if raw is None:
        return PolicyConfig()
    errors: Errors = []
    config = POLICY_SPEC.check(raw, loc_of(raw, Location("gitops.yaml")), "policy", errors)
    if errors:
        raise errors[0] if len(errors) == 1 else InputErrors(errors)
    assert isinstance(config, PolicyConfig)
    return config
