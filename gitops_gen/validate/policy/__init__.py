"""Policy rules: an explicit registry of small pure functions with stable ids (GG1xx).

Each rule reads the rendered Kubernetes objects of one cluster and yields ``Violation`` s; this
module turns them into ``Finding`` s with the rule's id and (configured) severity, and applies the
``policy:`` section of gitops.yaml (disable, severity, expiring exceptions).  Add a rule by writing
its function, one line in ``RULES`` and its ``tests/validate/policy/fixtures/GGnnn-{PASSED,FAILED}.yaml``.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple

from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.base.severity import Severity
from gitops_gen.validate.findings import Finding
from gitops_gen.validate.objects import Violation
from gitops_gen.validate.policy import images, network, promotion, secrets, sources, tenancy
from gitops_gen.validate.policy.config import PolicyConfig, PolicyException, parse_policy
from gitops_gen.validate.policy.context import PolicyContext

__all__ = ["EXPIRED_EXCEPTION", "EXPIRING_EXCEPTION", "RULES", "PolicyConfig", "PolicyContext", "Rule", "apply_config",
           "evaluate", "exception_findings", "parse_policy", "run_rules"]

Check = Callable[[Sequence[Manifest], PolicyContext], Iterable[Violation]]

EXPIRED_EXCEPTION = "GG000"  # an exception in gitops.yaml past its expiry date (always an error)
EXPIRING_EXCEPTION = "GG001"  # an exception that lapses within policy.expiryWarningDays (a warning)


class Rule(NamedTuple):
    id: str
    name: str
    severity: Severity
    rationale: str
    check: Check


E = Severity.ERROR

RULES: dict[str, Rule] = {
    "GG101": Rule("GG101", "tenant-namespace-quota", E,
                  "a tenant namespace without a ResourceQuota can starve the cluster",
                  tenancy.namespace_without_quota),
    "GG102": Rule("GG102", "tenant-namespace-limitrange", E,
                  "without a LimitRange, pods without requests escape the quota's intent",
                  tenancy.namespace_without_limitrange),
    "GG103": Rule("GG103", "tenant-namespace-default-deny", E,
                  "tenant namespaces must deny ingress by default and allow only what is declared",
                  tenancy.namespace_without_default_deny),
    "GG104": Rule("GG104", "chart-version-pinned", E,
                  "a chart version range upgrades clusters without a reviewed change",
                  sources.chart_not_pinned),
    "GG105": Rule("GG105", "image-tag-pinned", E,
                  "`latest` or untagged images change under a synced Application without a commit",
                  images.image_latest_or_untagged),
    "GG106": Rule("GG106", "prod-addon-revision-pinned", E,
                  "a production add-on that tracks a branch or HEAD deploys whatever was pushed last",
                  sources.prod_addon_tracks_branch),
    "GG107": Rule("GG107", "tenant-namespace-labels", E,
                  "required labels (cost-center by default) attribute cost and ownership",
                  tenancy.namespace_missing_labels),
    "GG108": Rule("GG108", "tenant-project-least-privilege", E,
                  "a tenant AppProject with wildcards or cluster resources lets a tenant escape its fence",
                  tenancy.tenant_project_too_wide),
    "GG109": Rule("GG109", "prod-prune-opt-in", E,
                  "automated prune in production deletes live objects; it must be chosen explicitly",
                  sources.prod_prune_without_opt_in),
    "GG110": Rule("GG110", "tenant-app-project", E,
                  "the default project allows every source, destination and kind",
                  tenancy.tenant_app_in_default_project),
    "GG111": Rule("GG111", "destination-server-or-name", E,
                  "Argo CD rejects a destination with both server and name (or neither)",
                  sources.destination_server_and_name),
    "GG112": Rule("GG112", "promotion-order", Severity.WARNING,
                  "a version the promotesFrom environment does not run skipped a stage, or waits for promotion",
                  promotion.runs_what_upstream_does_not),
    "GG113": Rule("GG113", "network-allowance-namespace-exists", Severity.WARNING,
                  "an allowance from a namespace nothing creates is a typo that silently blocks traffic",
                  network.allowance_to_unknown_namespace),
    "GG120": Rule("GG120", "no-plaintext-secret", E,
                  "a Secret with data or stringData in Git or a chart is a readable credential: encrypt it",
                  secrets.plaintext_secret),
}


def evaluate(objects: Sequence[Manifest], context: PolicyContext, config: PolicyConfig) -> list[Finding]:
    """The findings of every enabled rule over ``objects`` (one cluster's desired state), before the config's
    severities and exceptions (``apply_config``) are applied."""
    context = dataclasses.replace(context, required_namespace_labels=config.required_namespace_labels)
    return [Finding(rule.id, rule.severity, v.obj.ref, v.message, path=v.path, file=v.obj.path or v.obj.template,
                    source=v.source or v.obj.origin_at(v.path))
            for rule in RULES.values() if config.setting(rule.id).enabled
            for v in rule.check(objects, context)]


def run_rules(objects: Sequence[Manifest], context: PolicyContext,
              config: PolicyConfig | None = None) -> list[Finding]:
    """The policy over one set of objects: the rules, the config applied, the exceptions' own findings."""
    config = config or parse_policy(None)
    return [*apply_config(evaluate(objects, context, config), config, context),
            *exception_findings(config, context.today)]


def apply_config(findings: Iterable[Finding], config: PolicyConfig, context: PolicyContext) -> list[Finding]:
    """Drop disabled rules and excepted objects, override severities.

    Usable for any rule id the config knows (the engine also passes reference findings through it)."""
    live = [e for e in config.exceptions if not e.expired(context.today)]
    out: list[Finding] = []
    for f in findings:
        setting = config.setting(f.rule)
        if not setting.enabled or any(e.rule == f.rule and e.matches(f.ref) for e in live):
            continue
        out.append(dataclasses.replace(f, severity=setting.severity) if setting.severity else f)
    return out


def exception_findings(config: PolicyConfig, today: datetime.date) -> list[Finding]:
    """Exceptions that expired (GG000, errors) or lapse within ``expiryWarningDays`` (GG001): once per run,
    however many clusters the run checks."""
    live = [e for e in config.exceptions if not e.expired(today)]
    soon = today + datetime.timedelta(days=config.expiry_warning_days)
    return [*(_expired(e) for e in config.exceptions if e.expired(today)),
            *(_expiring(e, today) for e in live if e.expires <= soon and config.expiry_warning_days)]


def _expiring(exception: PolicyException, today: datetime.date) -> Finding:
    days = (exception.expires - today).days
    when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
    return Finding(EXPIRING_EXCEPTION, Severity.WARNING, _selected(exception),
                   f"policy exception for {exception.rule} expires {when} ({exception.expires.isoformat()}, "
                   f"{exception.reason}); fix the object or renew the exception before CI fails",
                   file=exception.location.file, line=exception.location.line, source=exception.location)


def _selected(exception: PolicyException) -> ObjectRef:
    selector = dict(exception.selector)
    return ObjectRef(selector.get("apiVersion", ""), selector.get("kind", ""),
                     selector.get("namespace", ""), selector.get("name", ""))


def _expired(exception: PolicyException) -> Finding:
    ref = _selected(exception)
    return Finding(EXPIRED_EXCEPTION, Severity.ERROR, ref,
                   f"policy exception for {exception.rule} expired on {exception.expires.isoformat()} "
                   f"({exception.reason}); fix the object or renew the exception",
                   file=exception.location.file, line=exception.location.line, source=exception.location)
