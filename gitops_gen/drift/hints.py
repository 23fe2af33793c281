"""The next step for one drifted object, in words an on-call engineer can act on (pure).

The case decides the words: who owns the object (an Application Git still renders, one it no longer
renders, none at all), how that Application syncs (manual, automated, self-healing, pruning; production
prunes only by explicit choice) and what drifted (values Git set, or values only the live object has).
Commands are spelled out with the exact resource, so they can be pasted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.status import DriftStatus
from gitops_gen.drift.model import Change
from gitops_gen.drift.owners import Owner

RESOURCES_FINALIZER = "resources-finalizer.argocd.argoproj.io"


def argocd_resource(ref: ObjectRef) -> str:
    """``argocd app sync --resource`` spelling: GROUP:KIND:[NAMESPACE/]NAME."""
    name = f"{ref.namespace}/{ref.name}" if ref.namespace else ref.name
    return f"{ref.group}:{ref.kind}:{name}"


def kubectl_target(ref: ObjectRef, context: str | None) -> str:
    kind = f"{ref.kind.lower()}.{ref.group}" if ref.group else ref.kind.lower()
    where = f" -n {ref.namespace}" if ref.namespace else ""
    ctx = f" --context {context}" if context else ""
    return f"kubectl{ctx} delete {kind} {ref.name}{where}"


def live_only(change: Change) -> bool:
    """A value only the live object has: Git never set it, or the live list has items Git's lacks."""
    if change.desired is None:
        return change.live is not None
    if isinstance(change.desired, list) and isinstance(change.live, list):
        return len(change.live) > len(change.desired) and all(d in change.live for d in change.desired)
    return False


def _sync(owner: Owner, ref: ObjectRef, prune: bool = False) -> str:
    return f"`argocd app sync {owner.name}{' --prune' if prune else ''} --resource {argocd_resource(ref)}`"


def hint(status: DriftStatus, ref: ObjectRef, changes: Sequence[Change], owner: Owner | None, *,
         source: str = "", file: str = "", production: bool = False, context: str | None = None,
         live: Mapping[str, Any] | None = None) -> str:
    if status is DriftStatus.MODIFIED:
        return _modified(ref, changes, owner, source, file, production, context)
    if status is DriftStatus.MISSING:
        return _missing(ref, owner, file, production, context)
    if status is DriftStatus.EXTRA:
        return _extra(ref, owner, production, context, live)
    return ""


def _modified(ref: ObjectRef, changes: Sequence[Change], owner: Owner | None, source: str, file: str,
              production: bool, context: str | None) -> str:
    if changes and all(live_only(c) for c in changes):
        where = f" ({source})" if source else ""
        return (f"the live object has values Git never set ({', '.join(c.path for c in changes)}): if they "
                f"should stay, adopt them into the blueprint{where} or add an ignoreDifferences rule for "
                f"{changes[0].path}; otherwise " + (f"sync: {_sync(owner, ref)}" if owner and owner.rendered
                                                    else "re-apply the file from Git"))
    if owner is None or not owner.rendered:
        return f"no Application syncs this object: {_apply(file, context, 're-apply it')}"
    if not owner.automated:
        return f"sync Application {owner.name}{_by_design(production)}: {_sync(owner, ref)}"
    if not owner.self_heal:
        return (f"Application {owner.name} syncs automatically but selfHeal is off, so hand edits stay until "
                f"the next change in Git: {_sync(owner, ref)}, or turn on selfHeal")
    return (f"Application {owner.name} self-heals, yet this drifted: check `argocd app get {owner.name}`; "
            "OutOfSync with a failed sync: fix that error; Synced: Argo CD ignores these fields "
            "(ignoreDifferences) or a controller rewrites them: add the same rule to drift.ignoreDifferences "
            "in gitops.yaml")


def _missing(ref: ObjectRef, owner: Owner | None, file: str, production: bool, context: str | None) -> str:
    if owner is None or not owner.rendered:
        return f"not deployed and no Application syncs it: {_apply(file, context, 'apply it')}"
    if not owner.automated:
        return f"sync Application {owner.name} to create it{_by_design(production)}: {_sync(owner, ref)}"
    return (f"Application {owner.name} syncs automatically, yet this is missing: check `argocd app get "
            f"{owner.name}` for a failed sync or a sync window, and that its root Application is synced")


def _extra(ref: ObjectRef, owner: Owner | None, production: bool, context: str | None,
           live: Mapping[str, Any] | None) -> str:
    finalizers = ((live or {}).get("metadata") or {}).get("finalizers") or ()
    cascade = (" Careful: it carries Argo CD's resources finalizer, so deleting it also deletes everything "
               "it deployed; remove the finalizer first to keep them.") if RESOURCES_FINALIZER in finalizers else ""
    if owner is not None and owner.rendered:
        if owner.prune:
            return (f"Application {owner.name} no longer renders it and prunes it on its next sync; if it "
                    f"stays, check `argocd app get {owner.name}` for a failed sync.{cascade}")
        why = "prune is off in production by design: review it, then" if production else "prune it:"
        return f"Application {owner.name} no longer renders it; {why} {_sync(owner, ref, prune=True)}.{cascade}"
    gone = f" any more ({owner.name} is no longer in Git)" if owner is not None else ""
    delete = kubectl_target(ref, context)
    return (f"no Application owns it{gone}: check that nothing uses it, then `{delete} "
            f"--dry-run=server` and, if that shows only this object, run it without --dry-run.{cascade}")


def _apply(file: str, context: str | None, otherwise: str) -> str:
    """The command that puts a file from Git on the cluster by hand (no Application will)."""
    return f"`kubectl{f' --context {context}' if context else ''} apply -f {file}`" if file else otherwise


def _by_design(production: bool) -> str:
    return " (production: automated sync is off by design)" if production else ""
