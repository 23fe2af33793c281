"""A Kubernetes API stand-in for tests: a real HTTP server, realistic objects, pytest fixtures.

    from tests.kubeapi import KubeApi, load_objects
    pytest_plugins = ["tests.kubeapi.fixture"]     # fixtures kube_api (seeded) and kube_api_empty

    def test_something(kube_api: KubeApi) -> None:
        server, kubeconfig, context = kube_api      # seeded with every file in objects/
        server.fault("/apis/apps/v1/namespaces/*/deployments", 403)
        state = read_live(context, wanted, kubeconfig=str(kubeconfig))
"""

from __future__ import annotations

from tests.kubeapi.objects import OBJECTS_DIR, load_objects
from tests.kubeapi.resources import DEFAULT_RESOURCES, Resource
from tests.kubeapi.server import CONTEXT, TOKEN, Fault, KubeApi, KubeApiServer, Request, matches_labels

__all__ = ["CONTEXT", "DEFAULT_RESOURCES", "OBJECTS_DIR", "TOKEN", "Fault", "KubeApi", "KubeApiServer",
           "Request", "Resource", "load_objects", "matches_labels"]
