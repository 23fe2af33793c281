"""Validation findings a change introduces and resolves: the existing validation, run on both renders.

Only what can differ is validated: the per-document checks (schemas, names,
removed APIs) on objects that changed -- or on every object of a cluster whose
Kubernetes version or CRDs changed -- and the cluster-wide checks (policy,
references) on changed clusters.  A finding is the same on both sides when its
rule, severity, object, field path and message are (its file and line may move).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gitops_gen.diff.clusters import ClusterPair, Side
from gitops_gen.diff.fields import is_secret
from gitops_gen.manifest import Manifest, ObjectRef
from gitops_gen.model import Repo
from gitops_gen.validate.crds import CrdRegistry
from gitops_gen.validate.findings import Finding
from gitops_gen.validate.repo import check_rendering

Key = tuple[str, str, ObjectRef | None, str, str]


@dataclass(frozen=True)
class Validated:
    """One side, ready to validate: its loaded repository and CRDs (None: nothing at that revision)."""

    side: Side
    repo: Repo | None
    crds: CrdRegistry
    crd_digest: str


def _key(finding: Finding) -> Key:
    return (finding.rule, finding.severity.value, finding.ref, finding.path, finding.message)


def _findings(one: Validated, pairs: Sequence[ClusterPair], whole: set[str]) -> dict[Key, Finding]:
    if one.repo is None:
        return {}
    changed = {p.name: {r for r in set(p.base) | set(p.head) if p.base.get(r) != p.head.get(r)} for p in pairs}

    def document(cluster: str, m: Manifest) -> bool:
        return cluster in whole or m.ref in changed.get(cluster, ())

    found, _ = check_rendering(one.repo, one.side.rendering, one.crds, clusters=set(changed), document=document)
    out: dict[Key, Finding] = {}
    for finding in sorted(found, key=Finding.sort_key):
        out.setdefault(_key(finding), _safe(finding))
    return out


def _safe(finding: Finding) -> Finding:
    """A schema message may quote the offending value: for a Secret, keep only where it is."""
    if finding.ref is None or not is_secret(finding.ref):
        return finding
    return Finding(finding.rule, finding.severity, finding.ref, f"{finding.path or 'object'}: invalid (value redacted)",
                   finding.path, finding.file, finding.line, finding.source)


def _versions(one: Validated) -> Mapping[str, str]:
    return {t.cluster: t.kubernetes_version for t in one.side.rendering.targets}


def compare_findings(base: Validated, head: Validated,
                     pairs: Sequence[ClusterPair]) -> tuple[tuple[Finding, ...], tuple[Finding, ...]]:
    """(introduced, resolved) by the change, on the changed clusters."""
    old_versions, new_versions = _versions(base), _versions(head)
    whole = {p.name for p in pairs if base.crd_digest != head.crd_digest
             or old_versions.get(p.name) != new_versions.get(p.name)}
    old, new = _findings(base, pairs, whole), _findings(head, pairs, whole)
    introduced = tuple(new[k] for k in new if k not in old)
    resolved = tuple(old[k] for k in old if k not in new)
    return introduced, resolved
