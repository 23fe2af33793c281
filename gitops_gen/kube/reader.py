"""One read of a cluster: owned objects per kind, then the wanted objects that listing did not find."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.manifest import ObjectRef
from gitops_gen.kube.client import ApiResource, Cluster, RequestFailed


@dataclass(frozen=True)
class LiveState:
    """Live objects by identity, and why some wanted objects could not be read.

    ``objects`` holds each wanted object that exists (under the wanted ref) plus every object of the
    wanted kinds carrying the ownership label (candidates for ``extra``).  ``warnings`` are failed reads
    that left no wanted object unknown, e.g. extras of a kind that could not be listed cluster-wide.
    """

    objects: Mapping[ObjectRef, Mapping[str, Any]]
    unknown: Mapping[ObjectRef, str]
    warnings: tuple[str, ...] = ()


class Reader:
    """One read: discovery, owned objects per kind, then the wanted objects still unseen."""

    def __init__(self, cluster: Cluster, owner_selector: str, cluster_wide_above: int,
                 group_selectors: Mapping[str, str]) -> None:
        self.cluster, self.owner_selector, self.group_selectors = cluster, owner_selector, group_selectors
        self.cluster_wide_above = cluster_wide_above
        self.objects: dict[ObjectRef, Mapping[str, Any]] = {}
        self.unknown: dict[ObjectRef, str] = {}
        self.warnings: list[str] = []
        self.index: dict[ObjectRef, ObjectRef] = {}  # identity as listed -> wanted ref

    def read(self, wanted: list[ObjectRef]) -> LiveState:
        by_kind: dict[tuple[str, str], list[ObjectRef]] = defaultdict(list)
        for ref in wanted:
            by_kind[(ref.api_version, ref.kind)].append(ref)
        served = self.cluster.discover({av for av, _ in by_kind})
        kinds: dict[ApiResource, list[ObjectRef]] = {}
        for (av, kind), refs in by_kind.items():
            kinds_served = served[av]
            res = None if isinstance(kinds_served, str) else kinds_served.get(kind)
            if res is None:
                self._unknown(refs, kinds_served if isinstance(kinds_served, str)
                              else f"not served by the cluster ({av}/{kind})")
                continue
            kinds[res] = refs
            for ref in refs:
                self.index[_listed_as(res, ref)] = ref
        unseen = self._read_owned(kinds) if self.owner_selector else kinds
        self._read_unseen(unseen)
        # Sorted, so that reports do not depend on which reply came first.
        return LiveState(dict(sorted(self.objects.items())), dict(sorted(self.unknown.items())),
                         tuple(sorted(self.warnings)))

    def _read_owned(self, kinds: dict[ApiResource, list[ObjectRef]]) -> dict[ApiResource, list[ObjectRef]]:
        unseen: dict[ApiResource, list[ObjectRef]] = {}
        def owned(res: ApiResource) -> list[dict[str, Any]]:
            group = res.api_version.rpartition("/")[0]
            return self.cluster.list(res, label=self.group_selectors.get(group, self.owner_selector))

        for res, items in self.cluster.map(owned, kinds):
            if isinstance(items, RequestFailed):
                if items.status == 404:
                    self._unknown(kinds[res], f"not served by the cluster ({res.api_version}/{res.kind})")
                    continue
                self.warnings.append(f"extra objects not checked: {_reason(res, '', items)}")
                unseen[res] = kinds[res]
                continue
            for item in items:
                listed = _ref(res, item)
                self.objects[self.index.get(listed, listed)] = item
            unseen[res] = [ref for ref in kinds[res] if ref not in self.objects]
        return unseen

    def _read_unseen(self, kinds: dict[ApiResource, list[ObjectRef]]) -> None:
        jobs: list[tuple[ApiResource, str, str, list[ObjectRef]]] = []
        for res, refs in kinds.items():
            by_ns: dict[str, list[ObjectRef]] = defaultdict(list)
            for ref in refs:
                by_ns[_listed_as(res, ref).namespace].append(ref)
            if len(by_ns) > self.cluster_wide_above:
                by_ns = {"": refs}
            for ns, in_ns in by_ns.items():
                names = {ref.name for ref in in_ns}
                # One name: a field selector keeps the LIST as small as a GET (e.g. one CRD among hundreds).
                jobs.append((res, ns, f"metadata.name={names.pop()}" if len(names) == 1 else "", in_ns))
        for (res, ns, _, refs), items in self.cluster.map(lambda j: self.cluster.list(j[0], j[1], field=j[2]),
                                                          jobs):
            if isinstance(items, RequestFailed):
                self._unknown(refs, _reason(res, ns, items))
                continue
            for item in items:
                if (wanted := self.index.get(_ref(res, item))) is not None:
                    self.objects[wanted] = item

    def _unknown(self, refs: Iterable[ObjectRef], reason: str) -> None:
        self.unknown.update(dict.fromkeys(refs, reason))


def _listed_as(res: ApiResource, ref: ObjectRef) -> ObjectRef:
    """The identity a wanted ref has in list replies (namespaced kinds default to "default")."""
    namespace = (ref.namespace or "default") if res.namespaced else ""
    return ObjectRef(res.api_version, res.kind, namespace, ref.name)


def _ref(res: ApiResource, item: Mapping[str, Any]) -> ObjectRef:
    meta = item.get("metadata") or {}
    return ObjectRef(res.api_version, res.kind, meta.get("namespace") or "", meta.get("name") or "")


def _reason(res: ApiResource, namespace: str, failed: RequestFailed) -> str:
    if failed.status == 403:
        return f"forbidden: cannot list {res.resource} {res.scope(namespace)}"
    if failed.status == 404:
        return f"not served by the cluster ({res.api_version}/{res.kind})"
    return f"cannot list {res.resource} {res.scope(namespace)}: {failed.reason}"
