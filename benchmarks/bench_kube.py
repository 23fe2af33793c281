"""Reading a live cluster: LIST per kind (gitops_gen.kube) against one GET per object, on the API stand-in."""

from __future__ import annotations

import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from gitops_gen.base.manifest import ObjectRef
from gitops_gen.kube import read_live
from tests.kubeapi import TOKEN, KubeApiServer

OBJECTS = 10_000
NAMESPACES = 20
SAMPLE = 500  # GETs actually timed for the baseline, extrapolated to OBJECTS


def run(report: Callable[[str, str], None]) -> None:
    refs = [ObjectRef("v1", "ConfigMap", f"ns-{i % NAMESPACES}", f"cm-{i}") for i in range(OBJECTS)]
    objects = [{"apiVersion": "v1", "kind": "ConfigMap", "data": {"key": "value" * 20},
                "metadata": {"name": r.name, "namespace": r.namespace,
                             "labels": {"app.kubernetes.io/managed-by": "gitops-gen"}}} for r in refs]
    with KubeApiServer(objects) as server, tempfile.TemporaryDirectory() as tmp:
        kubeconfig = str(server.write_kubeconfig(Path(tmp) / "kubeconfig"))
        start = time.perf_counter()
        state = read_live("stand-in", refs, kubeconfig=kubeconfig)
        listed = time.perf_counter() - start
        assert len(state.objects) == OBJECTS
        requests = len(server.requests)
        start = time.perf_counter()
        for ref in refs[:SAMPLE]:
            url = f"{server.url}/api/v1/namespaces/{ref.namespace}/configmaps/{ref.name}"
            request = urllib.request.Request(url, headers={"Authorization": f"Bearer {TOKEN}"})
            with urllib.request.urlopen(request) as reply:
                reply.read()
        per_get = (time.perf_counter() - start) / SAMPLE
    report("kube.read_live", f"{OBJECTS} objects in {listed:.2f}s ({requests} requests, "
                             f"{OBJECTS / listed:,.0f} objects/s)")
    report("kube.get_per_object (baseline)", f"~{per_get * OBJECTS:.2f}s for {OBJECTS} GETs "
                                             f"(x{per_get * OBJECTS / listed:.1f} slower)")
    given_up(report)


def given_up(report: Callable[[str, str], None], deadline: float = 1.0) -> None:
    """How long a misbehaving server keeps drift waiting: the deadline, whatever the server does."""
    from gitops_gen.base.errors import ExternalError
    from tests.kubeapi.misbehaving import MODES, MisbehavingServer

    for mode in MODES:
        with MisbehavingServer(mode) as server, tempfile.TemporaryDirectory() as tmp:
            kubeconfig = str(server.write_kubeconfig(Path(tmp) / "kubeconfig", ["bad"]))
            start = time.perf_counter()
            try:
                read_live("bad", [ObjectRef("v1", "ConfigMap", "ns", "cm")], kubeconfig=kubeconfig, timeout=deadline)
                outcome = "read?!"
            except ExternalError as err:
                outcome = "deadline" if "deadline" in err.message else "reply cap"
            took = time.perf_counter() - start
        report(f"kube.{mode} server, {deadline:g}s deadline", f"given up after {took:.2f}s ({outcome})")


if __name__ == "__main__":
    run(lambda name, value: print(f"{name:34} {value}"))
