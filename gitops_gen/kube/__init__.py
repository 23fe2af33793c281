"""Reading live clusters, read-only (GET only), through the official ``kubernetes`` client.

Reading is shaped for big clusters: discovery maps apiVersion/kind to resources, then one LIST per kind
across namespaces with the ownership selector finds every owned object (the wanted ones and the extras);
only wanted objects that list did not return are looked for with plain LISTs per namespace (or one
cluster-wide LIST when they span many namespaces).  In a cluster in sync that is one LIST per kind.
Failures of one kind make its objects ``unknown`` with a reason and the rest is still read; only a
cluster that cannot be reached at all is an error (exit 3).

``client`` owns the connection (and is the one module importing ``kubernetes``), ``reader`` one read.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from gitops_gen.base.errors import ExternalError
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.ownership import OWNER_SELECTOR
from gitops_gen.kube.client import ApiResource, Cluster, RequestFailed, in_cluster_only
from gitops_gen.kube.reader import LiveState, Reader

__all__ = ["ApiResource", "LiveState", "RequestFailed", "in_cluster_only", "read_applications", "read_live"]

APPLICATION_API_VERSION = "argoproj.io/v1alpha1"
MANY_NAMESPACES = 5  # beyond this, one cluster-wide LIST is cheaper than one LIST per namespace


def read_live(context: str | None, wanted: Sequence[ObjectRef], owner_selector: str = OWNER_SELECTOR, *,
              kubeconfig: str | None = None, timeout: float = 30.0, workers: int = 8, retries: int = 3,
              backoff: float = 0.2, cluster_wide_above: int = MANY_NAMESPACES,
              group_selectors: Mapping[str, str] | None = None) -> LiveState:
    """Read the wanted objects and the owned objects of their kinds (``owner_selector=""``: no extras).

    ``timeout`` is one deadline for the whole read (seconds); past it, or on a reply too large, the
    read raises ExternalError.  Warnings of the client (urllib3's InsecureRequestWarning ...) come back
    in ``LiveState.warnings`` instead of reaching stderr.

    ``group_selectors`` narrows the owned objects of one API group (e.g. only this cluster's Argo CD
    Applications when one Argo CD holds every cluster's)."""
    with warnings.catch_warnings(record=True) as caught:  # the client's warnings become report lines
        warnings.simplefilter("always")
        cluster = Cluster(context, kubeconfig, timeout=timeout, workers=workers, retries=retries,
                          backoff=backoff)
        try:
            reader = Reader(cluster, owner_selector, cluster_wide_above, group_selectors or {})
            state = reader.read(list(dict.fromkeys(wanted)))
        finally:
            cluster.close()
    said = tuple(dict.fromkeys(_warning_line(w) for w in caught))
    return dataclasses.replace(state, warnings=(*said, *state.warnings)) if said else state


def _warning_line(caught: warnings.WarningMessage) -> str:
    """A third-party warning as one line of the report, never as a raw traceback-like message."""
    if caught.category.__name__ == "InsecureRequestWarning":
        return ("the API server's TLS certificate is not verified (insecure-skip-tls-verify in the "
                "kubeconfig): anyone on the path could answer for it")
    text = " ".join(str(caught.message).split())
    return f"{caught.category.__name__}: {text[:200]}"


def read_applications(context: str | None, argocd_namespace: str, names: Sequence[str],
                      **kwargs: Any) -> Mapping[str, Mapping[str, Any]]:
    """The live Argo CD Applications among ``names`` (absent when they do not exist), with their status.

    Raises ExternalError when Applications cannot be read at all (forbidden, Argo CD not installed ...);
    ``read_live`` with Application refs in ``wanted`` reports that per object instead.
    """
    kwargs["owner_selector"] = ""
    refs = [ObjectRef(APPLICATION_API_VERSION, "Application", argocd_namespace, n) for n in names]
    state = read_live(context, refs, **kwargs)
    if state.unknown:
        reason = next(iter(state.unknown.values()))
        raise ExternalError(f"cannot read Argo CD Applications in {argocd_namespace}: {reason}")
    return {ref.name: obj for ref, obj in state.objects.items()}
