"""Fleet mode in ``validate``: the committed ApplicationSets expanded per cluster, credentials, ordering.

- The per-cluster view is kept from the bytes Argo CD reads: when a committed ApplicationSet or cluster
  Secret differs from the render (stale, edited by hand), the committed ones are expanded again
  (``fleet.expand``) and those Applications are what each cluster's checks judge.
- ``credential`` (error): a credential anywhere in rendered/ (``fleet.credentials``), committed bytes
  included.  Cluster Secrets carry a credential-free auth block only.
- ``fleet-ordering`` (warning): a ``dependsOn`` between Applications that Argo CD cannot order once
  ApplicationSets generate them (docs/fleet.md, "Ordering"): across two ApplicationSets always; inside
  one unless progressive sync orders it (a tenant's namespaces before its apps).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from gitops_gen.base.manifest import Manifest
from gitops_gen.base.ownership import DEPENDS_ON_ANNOTATION, ROLE_LABEL
from gitops_gen.base.severity import Severity
from gitops_gen.fleet import credentials, expand
from gitops_gen.render import Rendering
from gitops_gen.render.appsets import APPSETS_DIR
from gitops_gen.render.common import RENDERED_DIR
from gitops_gen.validate.findings import CREDENTIAL, FLEET_ORDERING, Finding
from gitops_gen.validate.written import committed_object

GENERATED = APPSETS_DIR + "/"


def committed_fleet(rendering: Rendering, committed: Mapping[str, bytes]) -> list[Manifest]:
    """The ApplicationSets and cluster Secrets as committed (the render's where the file is current)."""
    out = []
    for m in rendering.fleet:
        body = committed_object(committed[m.path]) if m.path in committed else None
        out.append(m if body is None else dataclasses.replace(m, body=body))
    return out


def expanded(rendering: Rendering, fleet: list[Manifest]) -> Rendering:
    """``rendering`` with the Applications of every ApplicationSet whose committed bytes differ (or all, when
    a cluster Secret does) expanded again from ``fleet``, cluster by cluster as they are asked for."""
    changed = [new for new, old in zip(fleet, rendering.fleet, strict=True) if new is not old]
    if not changed:
        return rendering
    appsets = [m for m in fleet if m.ref.kind == "ApplicationSet"]
    redo = appsets if any(m.ref.kind == "Secret" for m in changed) else [
        m for m in changed if m.ref.kind == "ApplicationSet"]
    secrets = expand.cluster_secrets([m.body for m in fleet]) + list(rendering.hand_registered.values())
    try:
        prepared = [(m, expand.prepare(m.body)) for m in redo]
    except expand.ExpansionError:
        return rendering  # reported as stale; nothing better to judge than the render
    return dataclasses.replace(rendering, desired=_Regenerated(rendering.desired, prepared, secrets))


class _Regenerated(Mapping[str, tuple[Manifest, ...]]):
    def __init__(self, base: Mapping[str, tuple[Manifest, ...]], prepared: list[tuple[Manifest, expand.Prepared]],
                 secrets: list[Mapping[str, Any]]) -> None:
        self._base, self._prepared = base, prepared
        self._paths = {m.path for m, _ in prepared}
        self._secrets = {expand.secret_data(s).get("name", ""): s for s in secrets}
        self._done: dict[str, tuple[Manifest, ...]] = {}

    def __getitem__(self, cluster: str) -> tuple[Manifest, ...]:
        if cluster not in self._done:
            kept = [m for m in self._base[cluster] if m.path not in self._paths]
            secret = self._secrets.get(cluster)
            inventory = expand.Inventory([secret] if secret is not None else [])
            for m, prepared in self._prepared:
                try:
                    generated = expand.expand(prepared, inventory)
                except expand.ExpansionError:
                    generated = []  # reported as stale
                kept.extend(Manifest(g.body, m.origin, m.path) for g in generated)
            self._done[cluster] = tuple(kept)
        return self._done[cluster]

    def __iter__(self) -> Iterator[str]:
        return iter(self._base)

    def __len__(self) -> int:
        return len(self._base)


def credential_findings(documents: Iterable[tuple[str, Any]]) -> list[Finding]:
    """A ``credential`` error per field holding one, in every (rendered path, document) given."""
    out = []
    seen: set[int] = set()
    for path, doc in documents:
        if id(doc) in seen:
            continue
        seen.add(id(doc))
        for field in credentials.credentials(doc):
            out.append(Finding(CREDENTIAL, Severity.ERROR, None, f"{field}: a credential in Git; Argo CD must get "
                               "it from elsewhere (a cluster Secret's auth block, an ExternalSecret, SOPS)",
                               path=field.split(":")[0], file=f"{RENDERED_DIR}/{path}", line=1))
    return out


def ordering_findings(rendering: Rendering, progressive: bool) -> list[Finding]:
    """One warning per dependency that generated Applications cannot honour, named without the cluster."""
    out: dict[tuple[str, str, str], Finding] = {}
    for cluster, objects in rendering.desired.items():
        prefix = f"{cluster}-"
        generated = {m.ref.name: m for m in objects if m.ref.kind == "Application" and m.path.startswith(GENERATED)}
        for m in generated.values():
            deps = ((m.body["metadata"].get("annotations") or {}).get(DEPENDS_ON_ANNOTATION) or "").split(",")
            for dep in filter(None, deps):
                other = generated.get(dep)
                if other is None:
                    continue
                same = other.path == m.path
                roles = (((other.body["metadata"].get("labels") or {}).get(ROLE_LABEL)),
                         (m.body["metadata"].get("labels") or {}).get(ROLE_LABEL))
                if same and progressive and roles == ("tenant-namespaces", "tenant-app"):
                    continue  # RollingSync orders these steps
                key = (m.path, m.ref.name.removeprefix(prefix), dep.removeprefix(prefix))
                if key in out:
                    continue
                how = ("inside one ApplicationSet, without progressive sync" if same else
                       f"across ApplicationSets ({other.path.rsplit('/', 1)[-1]})")
                out[key] = Finding(
                    FLEET_ORDERING, Severity.WARNING, m.ref,
                    f"{key[1]} depends on {key[2]}: generated Applications are not ordered {how}; sync waves only "
                    "order an app-of-apps' children, so they may sync in any order (docs/fleet.md, Ordering)",
                    file=f"{RENDERED_DIR}/{m.path}", line=1, source=m.origin)
    return list(out.values())
