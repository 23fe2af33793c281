"""Fixtures for chart tests: a Helm repository served on 127.0.0.1, a CNCF distribution registry, a cache."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from gitops_gen.charts import engine
from tests.conftest import require_tool


@pytest.fixture(autouse=True)
def chart_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test its own cache: nothing leaks between tests or into the user's ~/.cache."""
    folder = tmp_path / "cache"
    monkeypatch.setenv("GITOPS_GEN_CACHE_DIR", str(folder))
    return folder


@pytest.fixture
def need_engine() -> None:
    found = engine.find()
    if found is not None:
        found.close()
    require_tool(found is not None, "no Helm engine: neither `helm` on the PATH nor the helm extra "
                                    "(pip install -e '.[helm]')")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def oci_registry(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Debian's docker-registry (the CNCF distribution registry) on loopback, no auth; yields its base URL."""
    binary = shutil.which("docker-registry")
    require_tool(binary is not None, "docker-registry not installed (apt-get install docker-registry)")
    assert binary is not None
    folder = tmp_path_factory.mktemp("registry")
    port = _free_port()
    config = folder / "config.yml"
    config.write_text(f"version: 0.1\nlog: {{level: error}}\n"
                      f"storage: {{filesystem: {{rootdirectory: {folder}/data}}}}\n"
                      f"http: {{addr: '127.0.0.1:{port}'}}\n")
    proc = subprocess.Popen([binary, "serve", str(config)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/v2/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("docker-registry did not start")
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=10)
