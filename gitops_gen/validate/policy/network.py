"""Network allowances that point nowhere: a tenant allowing ingress from a namespace nothing creates.

A ``network.allowFromNamespaces`` entry becomes a NetworkPolicy peer selecting
``kubernetes.io/metadata.name: <namespace>``.  A typo there fails closed (no
traffic), silently.  The namespaces that exist are those the repository
creates or deploys into, on any cluster (``PolicyContext.known_namespaces``,
gathered from the whole render in repo mode; the objects at hand otherwise),
plus the ones every cluster has (``SYSTEM_NAMESPACES``) and Argo CD's own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from gitops_gen.base.manifest import Manifest
from gitops_gen.validate.objects import Violation, dig, is_kind, mapping, sequence
from gitops_gen.validate.policy.context import PolicyContext

# Created by Kubernetes itself on every cluster.
SYSTEM_NAMESPACES = frozenset({"default", "kube-system", "kube-public", "kube-node-lease"})
NAME_LABEL = "kubernetes.io/metadata.name"


def namespaces_in(objects: Iterable[Manifest]) -> set[str]:
    """Namespaces the objects create, live in, or deploy into (Application destinations)."""
    found: set[str] = set()
    for m in objects:
        if is_kind(m, "Namespace"):
            found.add(m.ref.name)
        if m.ref.namespace:
            found.add(m.ref.namespace)
        if m.ref.kind == "Application":
            destination = dig(m.body, "spec", "destination")
            if isinstance(destination, Mapping) and isinstance(destination.get("namespace"), str):
                found.add(destination["namespace"])
    return found


def allowance_to_unknown_namespace(objects: Sequence[Manifest], context: PolicyContext) -> Iterator[Violation]:
    known = (context.known_namespaces if context.known_namespaces is not None else namespaces_in(objects))
    known = known | SYSTEM_NAMESPACES | {context.argocd_namespace}
    for m in objects:
        if not is_kind(m, "NetworkPolicy", "networking.k8s.io"):
            continue
        for i, rule in enumerate(sequence(dig(m.body, "spec", "ingress"))):
            for j, peer in enumerate(sequence(mapping(rule).get("from"))):
                name = mapping(dig(mapping(peer), "namespaceSelector", "matchLabels")).get(NAME_LABEL)
                if isinstance(name, str) and name not in known:
                    yield Violation(
                        m,
                        f"allows ingress from namespace {name!r}, which nothing in this repository creates "
                        "or deploys into (a typo fails closed: no traffic)",
                        path=f"spec.ingress[{i}].from[{j}].namespaceSelector.matchLabels",
                    )
