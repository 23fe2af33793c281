"""Credentials never enter Git: find any in what is rendered (pure).

A credential is a non-empty string under a key that only ever holds one (``bearerToken``, ``password``,
``keyData``...), at any depth of any document, inside an Argo CD cluster Secret's ``config`` JSON too,
and in an exec provider's ``env`` under a name that says token, secret, password or key.  An Argo CD
cluster Secret may hold only ``name``, ``server``, ``config``, ``shard``, ``project``, ``namespaces``
and ``clusterResources``.  The credential-free blocks gitops-gen writes (``awsAuthConfig`` with a role,
``execProviderConfig``, ``tlsClientConfig.caData``) pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from typing import Any

from gitops_gen.fleet.expand import SECRET_TYPE_CLUSTER, SECRET_TYPE_LABEL, ExpansionError, secret_data

CREDENTIAL_KEYS = frozenset({
    "bearerToken", "password", "keyData", "clientSecret", "secretAccessKey", "sessionToken", "privateKey",
    "sshPrivateKey", "tlsClientCertKey", "githubAppPrivateKey", "accessKeyId", "apiKey", "token",
})
CLUSTER_SECRET_KEYS = frozenset({"name", "server", "config", "shard", "project", "namespaces", "clusterResources"})
_SECRET_ENV = re.compile(r"(?i).*(token|secret|password|passwd|key)")


def credentials(doc: Any) -> Iterator[str]:
    """Field paths in ``doc`` that hold a credential."""
    yield from _walk(doc, "")
    if isinstance(doc, Mapping) and doc.get("kind") == "Secret" and \
            ((doc.get("metadata") or {}).get("labels") or {}).get(SECRET_TYPE_LABEL) == SECRET_TYPE_CLUSTER:
        yield from _cluster_secret(doc)


def _walk(value: Any, path: str) -> Iterator[str]:
    pending = [(value, path)]
    while pending:
        node, where = pending.pop()
        if isinstance(node, Mapping):
            for key, item in node.items():
                sub = f"{where}.{key}" if where else str(key)
                if isinstance(item, str):
                    if item and key in CREDENTIAL_KEYS:
                        yield sub
                elif isinstance(item, (Mapping, list)):
                    pending.append((item, sub))
        elif isinstance(node, list):
            pending.extend((item, f"{where}[{i}]") for i, item in enumerate(node) if isinstance(item, (Mapping, list)))


def _cluster_secret(doc: Mapping[str, Any]) -> Iterator[str]:
    try:
        data = secret_data(doc)
    except ExpansionError:
        data = {}
    field = "stringData" if "stringData" in doc else "data"
    for key in sorted(set(data) - CLUSTER_SECRET_KEYS):
        yield f"{field}.{key}"
    if "config" not in data:
        return
    try:
        config = json.loads(data["config"])
    except ValueError:
        return
    for sub in _walk(config, ""):
        yield f"{field}.config: {sub}"
    env = ((config.get("execProviderConfig") or {}).get("env") or {}) if isinstance(config, Mapping) else {}
    for name, value in sorted(env.items()) if isinstance(env, Mapping) else ():
        if value and _SECRET_ENV.fullmatch(str(name)):
            yield f"{field}.config: execProviderConfig.env.{name}"
