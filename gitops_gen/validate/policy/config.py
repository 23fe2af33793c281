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
      owner: payments-team                                                  # optional
      expires: 2027-03-31
  expiryWarningDays: 14      # warn (GG001) this many days before an exception lapses; 0 turns it off
```

The section is declared in the blueprint layer (``blueprint.sections.POLICY_SPEC``) and checked, defaults
filled in, when gitops.yaml is loaded, so every command rejects the same mistakes: ``InputError`` s naming
``file:line:col``, all of them at once.  This module compiles the checked section.  An exception that
has expired is not an input error but an error *finding* (rule ``GG000``) so CI fails on the day
it lapses while ``render`` keeps working; an expired exception no longer suppresses anything.
"""

from __future__ import annotations

import datetime
import fnmatch
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.errors import Location, one_or_all
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.blueprint.construct import make_section
from gitops_gen.blueprint.model import Section
from gitops_gen.blueprint.sections import POLICY_SPEC, SELECTOR_KEYS
from gitops_gen.blueprint.spec import Errors
from gitops_gen.yamlio.reader import loc_of


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
    owner: str = ""

    def matches(self, ref: ObjectRef | None) -> bool:
        if ref is None:
            return False
        values = ref.as_json()
        return all(fnmatch.fnmatchcase(values[key], pattern) for key, pattern in self.selector)

    def expired(self, today: datetime.date) -> bool:
        return self.expires < today


@dataclass(frozen=True)
class PolicyConfig:
    required_namespace_labels: tuple[str, ...]
    rules: Mapping[str, RuleSetting]
    exceptions: tuple[PolicyException, ...]
    expiry_warning_days: int  # an exception lapsing within this many days is a warning (GG001); 0: never

    def setting(self, rule: str) -> RuleSetting:
        return self.rules.get(rule, RuleSetting())


def compile_policy(checked: Section) -> PolicyConfig:
    """The checked ``policy:`` section (every default filled in by its spec) as the rules use it."""
    section, exceptions = checked.data, checked.data["exceptions"]
    places = checked.item_locs.get("exceptions", ())
    return PolicyConfig(
        required_namespace_labels=tuple(section["requiredNamespaceLabels"]),
        rules={rule: RuleSetting(s["enabled"], Severity(s["severity"]) if "severity" in s else None)
               for rule, s in section["rules"].items()},
        exceptions=tuple(PolicyException(e["rule"], tuple((k, str(e["object"][k])) for k in SELECTOR_KEYS
                                                          if k in e["object"]),
                                         e["reason"], e["expires"],
                                         places[i] if i < len(places) else checked.origin, e.get("owner", ""))
                         for i, e in enumerate(exceptions)),
        expiry_warning_days=section["expiryWarningDays"])


def parse_policy(raw: Mapping[str, Any] | None) -> PolicyConfig:
    """A ``policy:`` section as written (a LocDict from gitops.yaml, plain data, or None for the defaults),
    checked against its spec and compiled; mistakes are InputError(s), all of them at once."""
    errors: Errors = []
    checked = POLICY_SPEC.check(raw or {}, loc_of(raw, Location("gitops.yaml")), "policy", errors)
    if errors or checked is None:
        raise one_or_all(errors)
    return compile_policy(make_section(checked))
