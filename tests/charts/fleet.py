"""A repository with chart add-ons served from loopback and pulled into the test's cache."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from gitops_gen.cli import run
from tests.charts.chartkit import (
    CRD,
    DEPLOYMENT,
    HOOK,
    SERVICE_MONITOR,
    TEST_HOOK,
    publish,
    serve,
    write_chart,
    write_repo,
)

SUBCHART_CM = ('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: "{{ .Release.Name }}-sub"}\n'
               'data: {greeting: "{{ .Values.greeting | default "hello" }}"}\n')
SCHEMA = {"type": "object", "properties": {"replicas": {"type": "integer", "minimum": 0}}}
SM_CRD = CRD.format(group="monitoring.coreos.com", kind="ServiceMonitor", plural="servicemonitors",
                    singular="servicemonitor")
WIDGET_CRD = CRD.format(group="example.com", kind="Widget", plural="widgets", singular="widget")


def web_chart(src: Path, version: str = "1.0.0", templates: Mapping[str, str] | None = None,
              kube_version: str = ">=1.25.0-0", values: Mapping[str, Any] | None = None) -> Path:
    sub = write_chart(src / version, "sub", "0.1.0", templates={"cm.yaml": SUBCHART_CM})
    return write_chart(src / version, "web", version, templates=templates or {
        "deployment.yaml": DEPLOYMENT, "servicemonitor.yaml": SERVICE_MONITOR, "hook.yaml": HOOK,
        "test.yaml": TEST_HOOK}, crds={"widget.yaml": WIDGET_CRD}, schema=SCHEMA, kube_version=kube_version,
        subcharts=(sub,), values=values)


def addon(url: str, name: str, version: str = "1.0.0", **extra: Any) -> dict[str, Any]:
    return {"name": name, "namespace": name, "chart": {"repoURL": url, "name": name, "version": version}, **extra}


ENVS = {"dev": {"kubernetesVersion": "1.31", "clusters": [
    {"name": "dev-a", "server": "https://dev-a.test"},
    {"name": "dev-b", "server": "https://dev-b.test", "overrides": {"addons": {"prom-crds": {"enabled": False}}}},
    {"name": "dev-c", "server": "https://dev-c.test"}]},
    "prod": {"kubernetesVersion": "1.31", "production": True,
             "clusters": [{"name": "prod-a", "server": "https://prod-a.test"}]}}


@contextmanager
def chart_repo(tmp: Path, web_values: Mapping[str, Any] | None = None, envs: Mapping[str, Any] | None = None,
               pull: bool = True, web: Path | None = None, render: bool = True) -> Iterator[tuple[Path, str]]:
    """(repository, chart URL): ``prom-crds`` (a CRD under crds/, off on dev-b) and ``web`` (the test chart)."""
    site = tmp / "site"
    publish(site, web or web_chart(tmp / "src"),
            write_chart(tmp / "src", "prom-crds", "1.0.0", templates={}, crds={"sm.yaml": SM_CRD}))
    with serve(site) as url:
        repo = write_repo(tmp / "repo", [addon(url, "prom-crds"),
                                         addon(url, "web", values=dict(web_values or {"replicas": 2}))],
                          envs=envs or ENVS)
        if pull:
            assert run(["charts", "pull", "--repo", str(repo)]) == 0
        if render:  # a chart that fails to expand fails the render too: those tests skip it
            assert run(["render", "--repo", str(repo)]) == 0
        yield repo, url
