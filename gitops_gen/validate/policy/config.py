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

Mistakes are ``InputError`` s naming ``file:line:col`` (all of them at once).  An exception that
has expired is not an input error but an error *finding* (rule ``GG000``) so CI fails on the day
it lapses while ``render`` keeps working; an expired exception no longer suppresses anything.
"""

from __future__ import annotations

import datetime
import difflib
import fnmatch
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Any

from gitops_gen.errors import InputError, InputErrors, Location
from gitops_gen.manifest import ObjectRef
from gitops_gen.validate.findings import Severity
from gitops_gen.yamlio import LocDict, LocList

SELECTOR_KEYS = ("apiVersion", "kind", "namespace", "name")
_POLICY_KEYS = ("requiredNamespaceLabels", "rules", "exceptions", "expiryWarningDays")
EXPIRY_WARNING_DAYS = 14  # an exception lapsing within this many days is a warning (GG001); 0: never
_RULE_KEYS = ("enabled", "severity")
_EXCEPTION_KEYS = ("rule", "object", "reason", "expires")


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


_NOWHERE = Location("gitops.yaml")


def _loc(node: Any, key: str | None = None, default: Location = _NOWHERE) -> Location:
    if isinstance(node, LocDict):
        return node.value_loc(key) if key is not None else node.loc
    if isinstance(node, LocList):
        return node.loc
    return default


def _key_loc(node: Mapping[str, Any], key: str, default: Location) -> Location:
    return node.key_loc(key) if isinstance(node, LocDict) else default


def _hint(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Parser:
    def __init__(self, known_rules: Collection[str]) -> None:
        self.known = sorted(known_rules)
        self.errors: list[InputError] = []

    def fail(self, message: str, loc: Location) -> None:
        self.errors.append(InputError(message, loc))

    def mapping(self, node: Any, what: str, keys: tuple[str, ...], loc: Location) -> Mapping[str, Any] | None:
        if not isinstance(node, Mapping):
            self.fail(f"{what} must be a mapping", loc)
            return None
        for key in node:
            if key not in keys:
                self.fail(f"unknown key {key!r} in {what}{_hint(str(key), keys)}", _key_loc(node, key, loc))
        return node

    def rule_id(self, value: Any, loc: Location) -> str | None:
        if value in self.known:
            return str(value)
        self.fail(f"unknown policy rule {value!r}{_hint(str(value), self.known)}", loc)
        return None

    def labels(self, node: Any, loc: Location) -> tuple[str, ...]:
        if not isinstance(node, list) or not all(isinstance(v, str) and v for v in node):
            self.fail("policy.requiredNamespaceLabels must be a list of label keys", loc)
            return ()
        return tuple(node)

    def rules(self, node: Any, loc: Location) -> dict[str, RuleSetting]:
        if not isinstance(node, Mapping):
            self.fail("policy.rules must be a mapping of rule id to settings", loc)
            return {}
        out: dict[str, RuleSetting] = {}
        for key, value in node.items():
            rule = self.rule_id(key, _key_loc(node, key, loc))
            vloc = _loc(node, key, loc)
            body = self.mapping(value, f"policy.rules.{key}", _RULE_KEYS, vloc)
            if rule is None or body is None:
                continue
            enabled = body.get("enabled", True)
            if not isinstance(enabled, bool):
                self.fail(f"policy.rules.{key}.enabled must be true or false", _loc(body, "enabled", vloc))
                enabled = True
            severity = None
            if "severity" in body:
                choices = [s.value for s in Severity]
                try:
                    severity = Severity(body["severity"])
                except ValueError:
                    self.fail(f"policy.rules.{key}.severity must be one of {', '.join(choices)}"
                              f"{_hint(str(body['severity']), choices)}", _loc(body, "severity", vloc))
            out[rule] = RuleSetting(enabled, severity)
        return out

    def exception(self, node: Any, loc: Location) -> PolicyException | None:
        body = self.mapping(node, "policy exception", _EXCEPTION_KEYS, loc)
        if body is None:
            return None
        for key in _EXCEPTION_KEYS:
            if key not in body or body[key] in (None, "", {}):
                self.fail(f"policy exception needs {key!r}", loc)
        rule = self.rule_id(body["rule"], _loc(body, "rule", loc)) if body.get("rule") else None
        selector = self.selector(body.get("object"), _loc(body, "object", loc))
        reason = body.get("reason")
        if reason is not None and not isinstance(reason, str):
            self.fail("policy exception reason must be text", _loc(body, "reason", loc))
        expires = self.date(body.get("expires"), _loc(body, "expires", loc))
        if rule is None or selector is None or not reason or expires is None:
            return None
        return PolicyException(rule, selector, str(reason), expires, loc)

    def selector(self, node: Any, loc: Location) -> tuple[tuple[str, str], ...] | None:
        if node in (None, {}):
            return None  # reported as missing
        body = self.mapping(node, "policy exception object", SELECTOR_KEYS, loc)
        if body is None:
            return None
        if not all(isinstance(v, str) for v in body.values()):
            self.fail("policy exception object values must be text (globs allowed)", loc)
            return None
        return tuple((k, str(body[k])) for k in SELECTOR_KEYS if k in body)

    def date(self, value: Any, loc: Location) -> datetime.date | None:
        if value in (None, ""):
            return None
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"policy exception expires must be a date YYYY-MM-DD, got {value!r}", loc)
            return None


def parse_policy(raw: Mapping[str, Any] | None, known_rules: Collection[str]) -> PolicyConfig:
    """Parse the ``policy:`` section (a LocDict from gitops.yaml, or plain data); raise InputError(s)."""
    if raw is None:
        return PolicyConfig()
    parser = _Parser(known_rules)
    top = _loc(raw)
    section = parser.mapping(raw, "policy", _POLICY_KEYS, top) or {}
    labels = (parser.labels(section["requiredNamespaceLabels"], _loc(section, "requiredNamespaceLabels", top))
              if "requiredNamespaceLabels" in section else PolicyConfig.required_namespace_labels)
    rules = parser.rules(section["rules"], _loc(section, "rules", top)) if "rules" in section else {}
    exceptions: list[PolicyException] = []
    if "exceptions" in section:
        items = section["exceptions"]
        if not isinstance(items, list):
            parser.fail("policy.exceptions must be a list", _loc(section, "exceptions", top))
            items = []
        for index, item in enumerate(items):
            loc = items.item_loc(index) if isinstance(items, LocList) else top
            parsed = parser.exception(item, loc)
            if parsed is not None:
                exceptions.append(parsed)
    days = section.get("expiryWarningDays", EXPIRY_WARNING_DAYS)
    if isinstance(days, bool) or not isinstance(days, int) or days < 0:
        parser.fail("policy.expiryWarningDays must be a whole number of days (0 or more)",
                    _loc(section, "expiryWarningDays", top))
        days = EXPIRY_WARNING_DAYS
    if parser.errors:
        raise parser.errors[0] if len(parser.errors) == 1 else InputErrors(parser.errors)
    return PolicyConfig(labels, rules, tuple(exceptions), days)
