"""Policy posture: findings by rule and severity, and every policy exception with its owner and expiry (pure)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from gitops_gen.report.model import Exception_, Posture
from gitops_gen.validate.findings import Finding
from gitops_gen.validate.policy.config import PolicyConfig


def posture(findings: Iterable[Finding], config: PolicyConfig, today: datetime.date) -> Posture:
    by_rule: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for f in findings:
        by_rule[f.rule][f.severity.value] += 1
    exceptions = tuple(sorted((Exception_(
        e.rule, ", ".join(f"{k}={v}" for k, v in e.selector), e.owner, e.reason, e.expires.isoformat(),
        (e.expires - today).days, str(e.location)) for e in config.exceptions), key=lambda x: (x.expires, x.rule)))
    return Posture({r: dict(sorted(s.items())) for r, s in sorted(by_rule.items())}, exceptions, today.isoformat())
