"""pytest fixtures: a running stand-in plus a kubeconfig (in tmp_path) whose context points at it.

Load them in a test module with ``pytest_plugins = ["tests.kubeapi.fixture"]`` (or from a conftest).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.kubeapi.objects import load_objects
from tests.kubeapi.server import CONTEXT, KubeApi, KubeApiServer


@pytest.fixture
def kube_api(tmp_path: Path) -> Iterator[KubeApi]:
    """The stand-in seeded with every object in tests/kubeapi/objects/."""
    with KubeApiServer(load_objects()) as server:
        yield KubeApi(server, server.write_kubeconfig(tmp_path / "kubeconfig", [CONTEXT]), CONTEXT)


@pytest.fixture
def kube_api_empty(tmp_path: Path) -> Iterator[KubeApi]:
    """The stand-in with no objects: seed it with ``server.add(...)``."""
    with KubeApiServer() as server:
        yield KubeApi(server, server.write_kubeconfig(tmp_path / "kubeconfig", [CONTEXT]), CONTEXT)
