"""Argo CD cluster Secrets: the fleet's inventory, never a credential (pure).

A cluster that declares ``auth`` gets a Secret in ``rendered/fleet/clusters/<cluster>/``: its name,
server, optional shard and a ``config`` holding only the credential-free block the blueprint declares
(``awsAuthConfig``: an IAM role the Argo CD pods assume through IRSA / Pod Identity; or
``execProviderConfig``: a credential plugin) plus the public CA bundle.  Its labels are what the
ApplicationSets select on: Argo CD's secret type, the environment and cluster, the blueprint's own
labels (region...) and one switch per add-on, tenant and platform app that runs there
(``<kind>.gitops-gen.io/<name>: <variant>``).  A cluster without ``auth`` was registered by hand
(``argocd cluster add``): nothing is rendered for it and ``hand_labels`` says what to put on its Secret.
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterable, Mapping
from typing import Any

from gitops_gen.base.ownership import (
    CLUSTER_LABEL,
    ENV_LABEL,
    MANAGED_BY_LABEL,
    MANAGED_BY_VALUE,
    ROLE_LABEL,
    SYNC_WAVE,
)
from gitops_gen.blueprint.model import ClusterPlan, Settings
from gitops_gen.fleet.expand import SECRET_TYPE_CLUSTER, SECRET_TYPE_LABEL

SECRET_WAVE = "-5"  # after the projects (-10), before the ApplicationSets select the cluster


def config(auth: Mapping[str, Any]) -> dict[str, Any]:
    """The Secret's ``config``: Argo CD's ClusterConfig with the credential-free parts only."""
    out: dict[str, Any] = {}
    if "aws" in auth:
        aws = auth["aws"]
        out["awsAuthConfig"] = {k: aws[k] for k in ("clusterName", "roleARN", "profile") if k in aws}
    if "exec" in auth:
        ex = auth["exec"]
        out["execProviderConfig"] = {k: ex[k] for k in ("command", "args", "env", "apiVersion", "installHint")
                                     if k in ex}
    if "caData" in auth:
        out["tlsClientConfig"] = {"caData": auth["caData"]}
    return out


def secret_labels(plan: ClusterPlan, switches: Mapping[str, str]) -> dict[str, str]:
    """The labels of a cluster's Secret (the blueprint's own labels first; ours win)."""
    return {**plan.cluster.labels, MANAGED_BY_LABEL: MANAGED_BY_VALUE, SECRET_TYPE_LABEL: SECRET_TYPE_CLUSTER,
            CLUSTER_LABEL: plan.cluster.name, ENV_LABEL: plan.env.name, ROLE_LABEL: "cluster",
            **dict(sorted(switches.items()))}


def cluster_secret(plan: ClusterPlan, settings: Settings, switches: Mapping[str, str]) -> dict[str, Any]:
    """The Secret registering ``plan``'s cluster with Argo CD (for a hand-registered one: what it must match)."""
    data: dict[str, str] = {"name": plan.cluster.name, "server": plan.cluster.server}
    if plan.cluster.auth is not None:
        data["config"] = json.dumps(config(plan.cluster.auth), sort_keys=True, separators=(",", ":"))
    if plan.cluster.shard is not None:
        data["shard"] = str(plan.cluster.shard)
    return {"apiVersion": "v1", "kind": "Secret",
            "metadata": {"name": f"cluster-{plan.cluster.name}", "namespace": settings.argocd_namespace,
                         "labels": secret_labels(plan, switches), "annotations": {SYNC_WAVE: SECRET_WAVE}},
            "type": "Opaque", "stringData": data}


SWITCH_DOMAINS = ("addon.gitops-gen.io/", "tenant.gitops-gen.io/", "platform.gitops-gen.io/")


def switch_keys(secrets: Iterable[Mapping[str, Any]]) -> set[str]:
    """Every switch label key on ``secrets``."""
    return {k for s in secrets for k in (s["metadata"].get("labels") or {}) if k.startswith(SWITCH_DOMAINS)}


def hand_labels(secret: Mapping[str, Any], namespace: str, switches: Iterable[str] = ()) -> list[str]:
    """Commands that put a hand-registered cluster's labels on its Secret: ``argocd`` and ``kubectl``
    (which also removes the ``switches`` that are off there)."""
    data = secret["stringData"]
    labels = secret["metadata"]["labels"]
    pairs = [f"{k}={v}" for k, v in sorted(labels.items()) if k != SECRET_TYPE_LABEL]
    pairs_off = [f"{k}-" for k in sorted(set(switches) - set(labels))]
    out = [f"# its Argo CD cluster name must be {data['name']} (argocd cluster set OLD-NAME --name {data['name']})",
           "argocd cluster set " + shlex.quote(data["name"]) + "".join(f" --label {shlex.quote(p)}" for p in pairs)]
    selector = f"{SECRET_TYPE_LABEL}={SECRET_TYPE_CLUSTER}"
    ns = shlex.quote(namespace)
    out.append(f"kubectl -n {ns} label --overwrite secret \"$(kubectl -n {ns} get "
               f"secret -l {selector} -o go-template='{{{{range .items}}}}{{{{if eq (.data.server | base64decode) "
               f"\"{data['server']}\"}}}}{{{{.metadata.name}}}}{{{{end}}}}{{{{end}}}}')\" "
               + " ".join(shlex.quote(p) for p in [*pairs, *pairs_off]))
    if "shard" in data:
        out.append(f"# and shard {data['shard']}: argocd cluster set does not take it; kubectl -n {namespace} patch "
                   f"secret <that secret> -p '{{\"stringData\":{{\"shard\":\"{data['shard']}\"}}}}'")
    return out
