"""Charts opened on the 3x8 / 25 / 300 fleet with 20 chart add-ons (charts written here, 10-20 templates each).

Same run, same machine: `validate --repo` with the charts expanded against the same command before any
`charts pull` (no expansion); `diff` of a chart bump in one environment against one full `render`; how
many identical renders the expansion saved (cache hits); and the anchor's method -- `helm template` once per
cluster and chart, as argocd-diff-preview's repo-server does -- where a `helm` binary exists (otherwise the
SDK worker once per cluster and chart, without the de-duplication, stands in for it).
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import io
import json
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.fleet import scratch, write_fleet

CHARTS = 20
EXE = str(Path(sys.executable).parent / "gitops-gen")


def _templates(name: str, count: int) -> dict[str, str]:
    meta = 'metadata: {name: "{{ .Release.Name }}-%s", labels: {app: "{{ .Release.Name }}"}}\n'
    out = {
        "deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\n" + meta % "main" +
            "spec:\n  replicas: {{ .Values.replicaCount }}\n  selector: {matchLabels: {app: \"{{ .Release.Name }}\"}}\n"
            "  template:\n    metadata: {labels: {app: \"{{ .Release.Name }}\"}}\n    spec:\n      containers:\n"
            f"        - name: main\n          image: \"ghcr.io/acme/{name}:1.0.0\"\n"
            "          resources: {{ toYaml .Values.resources | nindent 12 }}\n"),
        "service.yaml": ("apiVersion: v1\nkind: Service\n" + meta % "svc" +
                         "spec: {selector: {app: \"{{ .Release.Name }}\"}, ports: [{port: 80, targetPort: 8080}]}\n"),
        "serviceaccount.yaml": "apiVersion: v1\nkind: ServiceAccount\n" + meta % "sa",
        "servicemonitor.yaml": ('{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor" }}\n'
                                "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\n" + meta % "sm" +
                                "spec: {selector: {matchLabels: {app: \"{{ .Release.Name }}\"}}, "
                                "endpoints: [{port: http}]}\n{{- end }}\n"),
    }
    for i in range(count - len(out)):
        data = f'data: {{level: info, index: "{i}", replicas: "{{{{ .Values.replicaCount }}}}"}}\n'
        out[f"config-{i:02d}.yaml"] = "apiVersion: v1\nkind: ConfigMap\n" + meta % f"cfg-{i:02d}" + data
    return out


def _pack(name: str, version: str, templates: dict[str, str], crds: dict[str, str]) -> bytes:
    files = {f"{name}/Chart.yaml": f"apiVersion: v2\nname: {name}\nversion: {version}\nkubeVersion: '>=1.25.0-0'\n",
             f"{name}/values.yaml": "replicaCount: 1\nresources: {requests: {cpu: 50m, memory: 64Mi}}\n",
             **{f"{name}/templates/{k}": v for k, v in templates.items()},
             **{f"{name}/crds/{k}": v for k, v in crds.items()}}
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for path, text in sorted(files.items()):
            data = text.encode()
            info = tarfile.TarInfo(path)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


SM_CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: servicemonitors.monitoring.coreos.com}
spec:
  group: monitoring.coreos.com
  names: {kind: ServiceMonitor, plural: servicemonitors, singular: servicemonitor, listKind: ServiceMonitorList}
  scope: Namespaced
  versions: [{name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object,
    x-kubernetes-preserve-unknown-fields: true}}}]
"""


def _site(folder: Path, versions: dict[str, list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    entries: dict[str, list[dict[str, object]]] = {}
    for index, (name, numbers) in enumerate(sorted(versions.items())):
        for version in numbers:
            templates = _templates(name, 10 + index % 11)  # 10-20 templates
            data = _pack(name, version, templates, {"servicemonitor.yaml": SM_CRD} if index == 0 else {})
            (folder / f"{name}-{version}.tgz").write_bytes(data)
            entries.setdefault(name, []).append({"name": name, "version": version, "apiVersion": "v2",
                                                 "urls": [f"{name}-{version}.tgz"],
                                                 "digest": hashlib.sha256(data).hexdigest()})
    (folder / "index.yaml").write_text(json.dumps({"apiVersion": "v1", "entries": entries}))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def _serve(folder: Path) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _chart_fleet(root: Path, url: str) -> dict[str, list[str]]:
    """The bench fleet with its 15 chart add-ons and its 5 git-source add-ons all served from ``url``."""
    write_fleet(root)
    versions: dict[str, list[str]] = {}
    for stack in (root / "blueprints" / "addons").glob("*.yaml"):
        text = stack.read_text()
        text = re.sub(r"source: \{repoURL: https://github.com/acme/(addon-\d+).git, path: deploy, "
                      r"targetRevision: v1\.(\d+)\.0\}",
                      r"chart: {repoURL: https://charts.example.com/\1, name: \1, version: 1.\2.0}", text)
        text = re.sub(r"https://charts.example.com/(addon-\d+)", url, text)
        stack.write_text(text)
        for name, minor in re.findall(r"name: (addon-\d+), version: 1\.(\d+)\.0", text):
            versions[name] = [f"1.{minor}.0", f"1.{minor}.1"]
    assert len(versions) == CHARTS, versions
    return versions


def _time(*args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run([EXE, *args], capture_output=True, text=True, check=False, env=env)
    took = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"gitops-gen {' '.join(args)} failed ({done.returncode}): {done.stderr[-600:]}")
    return took, done.stderr


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def _commit(repo: Path, message: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=bench", "-c", "user.email=bench@example.com", "commit", "-q", "-m", message)


def run(report: Callable[[str, str], None]) -> None:
    import os

    from gitops_gen.blueprint.load import load_repo
    from gitops_gen.charts import engine as engines
    from gitops_gen.charts import lock
    from gitops_gen.charts.build import expand_repo

    if engines.find() is None:
        report("charts", "skipped: no Helm engine (pip install -e '.[helm]')")
        return
    with tempfile.TemporaryDirectory(prefix="charts-", dir=scratch()) as tmp:
        env = {**os.environ, "GITOPS_GEN_CACHE_DIR": str(Path(tmp) / "cache")}
        os.environ["GITOPS_GEN_CACHE_DIR"] = env["GITOPS_GEN_CACHE_DIR"]
        site = Path(tmp) / "site"
        with _serve(site) as url:
            repo = Path(tmp) / "fleet"
            versions = _chart_fleet(repo, url)
            _site(site, versions)
            _time("render", "--repo", str(repo), env=env)
            without, _ = _time("validate", "--repo", str(repo), env=env)
            _git(repo, "init", "-q", "-b", "main")
            _commit(repo, "fleet")
            prod = repo / "environments" / "prod.yaml"
            before = prod.read_text()
            bumped = before.replace("    addons:\n", "    addons:\n      addon-00: {chart: {version: 1.0.1}}\n", 1)
            prod.write_text(bumped)
            plain_diff, _ = _time("diff", "--repo", str(repo), env=env)  # no charts.lock yet: nothing expanded
            prod.write_text(before)
            pulled, _ = _time("charts", "pull", "--repo", str(repo), env=env)
            with_charts, said = _time("validate", "--repo", str(repo), env=env)
            render_once, _ = _time("render", "--repo", str(repo), "--no-cache", env=env)
            _commit(repo, "charts pulled")
            prod.write_text(bumped)
            _time("charts", "pull", "--repo", str(repo), env=env)
            diff, _ = _time("diff", "--repo", str(repo), env=env)
        summary = next((line for line in said.splitlines() if "expansion" in line), "")
        report("chart add-ons x clusters expanded", summary.split("charts: ")[-1])
        report("validate --repo without charts (none pulled)", f"{without:.2f} s")
        report("validate --repo with 20 charts expanded", f"{with_charts:.2f} s")
        report("  ratio (target <= 3x)", f"x{with_charts / without:.2f}")
        report("charts pull (20 charts from loopback)", f"{pulled:.2f} s")
        report("render, one full (baseline)", f"{render_once:.2f} s")
        report("diff of the bump before any charts pull (nothing expanded)", f"{plain_diff:.2f} s")
        report("diff of a chart bump in prod (both revisions expanded)", f"{diff:.2f} s")
        report("  ratio to one render (target <= 2x)", f"x{diff / render_once:.2f}")
        report("  ratio to the same diff without charts", f"x{diff / plain_diff:.2f}")
        expansion = expand_repo(load_repo(repo))
        report("renders done / identical renders saved (cache hits)", f"{expansion.renders} / {expansion.hits}")
        _anchor(report, repo, expansion.renders + expansion.hits, lock.read(repo))
        shutil.rmtree(repo, ignore_errors=True)


def _anchor(report: Callable[[str, str], None], repo: Path, per_cluster: int, locked: object) -> None:
    """What a repo-server does: one `helm template` per cluster and chart, nothing shared."""
    from gitops_gen.blueprint.load import load_repo
    from gitops_gen.charts import cache, capabilities, engine, lock
    from gitops_gen.charts.engine import Request

    assert isinstance(locked, lock.Lock)
    binary = shutil.which("helm")
    repo_model = load_repo(repo)
    requests = []
    for plan in repo_model.plans:
        api = tuple(sorted(capabilities.builtin(plan.env.kubernetes_version)))
        for addon in plan.addons:
            if addon.chart:
                path = cache.archive(lock.ChartKey(addon.chart.repo_url, addon.chart.name, addon.chart.version),
                                     locked)
                if path is not None:
                    requests.append(Request(path, addon.name, addon.namespace, addon.values,
                                            capabilities.kube_version(plan.env.kubernetes_version), api))
    started = time.perf_counter()
    if binary:
        for r in requests:
            subprocess.run([binary, *engine.flags(r)], capture_output=True, check=True)
        what = "helm template per cluster x chart (the anchor)"
    else:
        sdk = engine.find("sdk")
        assert sdk is not None
        try:
            for r in requests:
                sdk.render(r)
        finally:
            sdk.close()
        what = "SDK per cluster x chart, no sharing (no helm binary here)"
    took = time.perf_counter() - started
    report(what, f"{len(requests)} renders in {took:.2f} s ({len(requests) / took:.0f}/s)")
