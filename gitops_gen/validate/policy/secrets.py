"""Rule on Secrets: a plaintext Secret in Git (or in a chart Argo CD renders) is a leaked credential.

Accepted forms are the encrypted ones: a SealedSecret (bitnami-labs), an ExternalSecret (external-secrets)
and a SOPS-encrypted file (a top-level ``sops`` block, values ``ENC[...]``): their kinds differ or their
values are ciphertext, so only a ``v1 Secret`` with ``data``/``stringData`` values is reported.
gitops-gen's own credential-free Argo CD cluster Secrets (fleet mode) are exempt.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from gitops_gen.base.manifest import MANAGED_BY_LABEL, MANAGED_BY_VALUE, Manifest
from gitops_gen.validate.objects import Violation, is_kind, labels, mapping
from gitops_gen.validate.policy.context import PolicyContext

SECRET_TYPE_LABEL = "argocd.argoproj.io/secret-type"


def _encrypted(value: object) -> bool:
    return isinstance(value, str) and value.startswith("ENC[")


def plaintext_secret(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    for m in objects:
        if not is_kind(m, "Secret") or "sops" in m.body:
            continue
        own = labels(m)
        if own.get(MANAGED_BY_LABEL) == MANAGED_BY_VALUE and own.get(SECRET_TYPE_LABEL) == "cluster":
            continue
        for field in ("data", "stringData"):
            keys = sorted(k for k, v in mapping(m.body.get(field)).items() if not _encrypted(v))
            if keys:
                where = f" (chart template {m.template})" if m.template else ""
                yield Violation(m, f"Secret {m.ref.name} holds plaintext {field} ({', '.join(keys)}){where}: "
                                   "commit a SealedSecret, an ExternalSecret or a SOPS-encrypted file instead",
                                field)
                break
