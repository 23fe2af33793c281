"""Every rule id a user may name in gitops.yaml (``policy.rules``, ``policy.exceptions``), with its name.

A leaf literal so that the blueprint layer can check ``policy:`` without importing validation; the
registries that implement the rules (``validate.policy.RULES``, ``validate.references.REFERENCE_RULES``)
are checked against it by a test, so the two never disagree.
"""

from __future__ import annotations

CONFIGURABLE_RULES: dict[str, str] = {
    "GG101": "tenant-namespace-quota",
    "GG102": "tenant-namespace-limitrange",
    "GG103": "tenant-namespace-default-deny",
    "GG104": "chart-version-pinned",
    "GG105": "image-tag-pinned",
    "GG106": "prod-addon-revision-pinned",
    "GG107": "tenant-namespace-labels",
    "GG108": "tenant-project-least-privilege",
    "GG109": "prod-prune-opt-in",
    "GG110": "tenant-app-project",
    "GG111": "destination-server-or-name",
    "GG112": "promotion-order",
    "GG113": "network-allowance-namespace-exists",
    "GG120": "no-plaintext-secret",
    "GG201": "app-project-exists",
    "GG202": "app-source-permitted",
    "GG203": "app-destination-permitted",
    "GG204": "single-owner",
    "GG205": "app-name-unique",
    "GG206": "app-path-rendered",
    "GG207": "sync-wave-order",
}
