"""Charts the tests write themselves, packed as real archives, served by a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import contextlib
import functools
import gzip
import hashlib
import http.server
import io
import json
import shutil
import tarfile
import threading
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

CRD = """apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {{name: {plural}.{group}}}
spec:
  group: {group}
  names: {{kind: {kind}, plural: {plural}, singular: {singular}, listKind: {kind}List}}
  scope: Namespaced
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec: {{type: object, x-kubernetes-preserve-unknown-fields: true}}
"""

DEPLOYMENT = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  namespace: {{ .Release.Namespace }}
  labels: {app: {{ .Release.Name }}}
spec:
  replicas: {{ .Values.replicas }}
  selector:
    matchLabels: {app: {{ .Values.selectorApp | default .Release.Name }}}
  template:
    metadata:
      labels: {app: {{ .Values.selectorApp | default .Release.Name }}}
    spec:
      containers:
        - name: app
          image: "{{ .Values.image }}"
          securityContext:
            allowPrivilegeEscalation: false
            runAsNonRoot: true
            readOnlyRootFilesystem: true
            capabilities: {drop: [ALL]}
          resources:
            requests: {cpu: 10m, memory: 16Mi}
            limits: {cpu: 100m, memory: 64Mi}
"""

SERVICE_MONITOR = """{{- if .Capabilities.APIVersions.Has "monitoring.coreos.com/v1/ServiceMonitor" }}
apiVersion: monitoring.coreos.com/v1
kind: ServiceMonitor
metadata: {name: {{ .Release.Name }}, namespace: {{ .Release.Namespace }}}
spec: {selector: {matchLabels: {app: {{ .Release.Name }}}}, endpoints: [{port: http}]}
{{- end }}
"""

HOOK = """apiVersion: batch/v1
kind: Job
metadata:
  name: {{ .Release.Name }}-migrate
  namespace: {{ .Release.Namespace }}
  annotations: {"helm.sh/hook": pre-upgrade, "helm.sh/hook-weight": "-5"}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: "{{ .Values.image }}"}]
"""

TEST_HOOK = """apiVersion: v1
kind: Pod
metadata: {name: {{ .Release.Name }}-test, annotations: {"helm.sh/hook": test}}
spec: {containers: [{name: t, image: busybox}]}
"""


def write_chart(root: Path, name: str, version: str, templates: Mapping[str, str] | None = None,
                values: Mapping[str, Any] | None = None, crds: Mapping[str, str] | None = None,
                schema: Mapping[str, Any] | None = None, kube_version: str | None = None,
                subcharts: tuple[Path, ...] = ()) -> Path:
    """A chart folder ``root/name`` (a plain app chart unless ``templates`` say otherwise)."""
    folder = root / name
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "templates").mkdir(parents=True)
    meta: dict[str, Any] = {"apiVersion": "v2", "name": name, "version": version}
    if kube_version:
        meta["kubeVersion"] = kube_version
    if subcharts:
        meta["dependencies"] = [{"name": s.name, "version": _meta(s)["version"]} for s in subcharts]
    (folder / "Chart.yaml").write_text(yaml.safe_dump(meta))
    (folder / "values.yaml").write_text(yaml.safe_dump(dict(values or {"replicas": 1, "image": "nginx:1.27"})))
    for path, text in (templates if templates is not None else {"deployment.yaml": DEPLOYMENT}).items():
        (folder / "templates" / path).write_text(text)
    for path, text in (crds or {}).items():
        (folder / "crds").mkdir(exist_ok=True)
        (folder / "crds" / path).write_text(text)
    if schema is not None:
        (folder / "values.schema.json").write_text(json.dumps(schema))
    for sub in subcharts:
        (folder / "charts").mkdir(exist_ok=True)
        shutil.copytree(sub, folder / "charts" / sub.name)
    return folder


def _meta(folder: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((folder / "Chart.yaml").read_text())
    return data


def pack(folder: Path) -> bytes:
    """``helm package``'s layout: one gzipped tar with the chart under ``<name>/``; deterministic bytes."""
    buf = io.BytesIO()
    with gzip.GzipFile(fileobj=buf, mode="wb", mtime=0) as gz, tarfile.open(fileobj=gz, mode="w") as tar:
        for path in sorted(folder.rglob("*")):
            info = tar.gettarinfo(str(path), arcname=f"{folder.name}/{path.relative_to(folder).as_posix()}")
            info.mtime, info.uid, info.gid, info.uname, info.gname = 0, 0, 0, "", ""
            if path.is_file():
                with path.open("rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)
    return buf.getvalue()


def publish(site: Path, *folders: Path) -> None:
    """Pack each chart into ``site`` and (re)write ``site/index.yaml`` listing every archive there."""
    site.mkdir(parents=True, exist_ok=True)
    for folder in folders:
        meta = _meta(folder)
        (site / f"{meta['name']}-{meta['version']}.tgz").write_bytes(pack(folder))
    entries: dict[str, list[dict[str, Any]]] = {}
    for archive in sorted(site.glob("*.tgz")):
        with tarfile.open(archive) as tar:
            member = next(m for m in tar if m.name.count("/") == 1 and m.name.endswith("/Chart.yaml"))
            handle = tar.extractfile(member)
            assert handle is not None
            meta = yaml.safe_load(handle.read())
        entries.setdefault(meta["name"], []).append(
            {**meta, "urls": [archive.name], "digest": hashlib.sha256(archive.read_bytes()).hexdigest()})
    (site / "index.yaml").write_text(yaml.safe_dump({"apiVersion": "v1", "entries": entries}))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """A real HTTP server for ``folder`` on 127.0.0.1 (an ephemeral port); yields its base URL."""
    folder.mkdir(parents=True, exist_ok=True)
    handler = functools.partial(_Quiet, directory=str(folder.parent))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/{folder.name}"
    finally:
        server.shutdown()
        server.server_close()


def push_oci(registry: str, repository: str, archive: bytes, version: str) -> None:
    """Push a chart to a distribution registry as ``helm push`` lays it out (config + one chart layer)."""
    def upload(blob: bytes) -> str:
        digest = "sha256:" + hashlib.sha256(blob).hexdigest()
        start = urllib.request.Request(f"{registry}/v2/{repository}/blobs/uploads/", method="POST")
        with urllib.request.urlopen(start, timeout=10) as answer:
            location = answer.headers["Location"]
        if location.startswith("/"):
            location = registry + location
        sep = "&" if "?" in location else "?"
        put = urllib.request.Request(f"{location}{sep}digest={digest}", data=blob, method="PUT",
                                     headers={"Content-Type": "application/octet-stream"})
        urllib.request.urlopen(put, timeout=10).close()
        return digest
    config = b"{}"
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.cncf.helm.config.v1+json", "digest": upload(config),
                           "size": len(config)},
                "layers": [{"mediaType": "application/vnd.cncf.helm.chart.content.v1.tar+gzip",
                            "digest": upload(archive), "size": len(archive)}]}
    body = json.dumps(manifest).encode()
    put = urllib.request.Request(f"{registry}/v2/{repository}/manifests/{version}", data=body, method="PUT",
                                 headers={"Content-Type": "application/vnd.oci.image.manifest.v1+json"})
    urllib.request.urlopen(put, timeout=10).close()


def write_repo(root: Path, addons: list[dict[str, Any]], envs: Mapping[str, dict[str, Any]] | None = None,
               settings: Mapping[str, Any] | None = None) -> Path:
    """A small GitOps repository: one add-on stack of ``addons``, environments (default dev + prod)."""
    root.mkdir(parents=True, exist_ok=True)
    spec = {"repoURL": "https://git.example.test/platform.git", "targetRevision": "main",
            "argocdNamespace": "argocd", "tiers": {"small": {"cpu": "4", "memory": "8Gi", "pods": 40}},
            **(settings or {})}
    (root / "gitops.yaml").write_text(yaml.safe_dump({"apiVersion": "gitops-gen/v1", "kind": "Settings",
                                                      "spec": spec}, sort_keys=False))
    (root / "blueprints" / "addons").mkdir(parents=True, exist_ok=True)
    (root / "blueprints" / "tenants").mkdir(parents=True, exist_ok=True)
    (root / "blueprints" / "addons" / "platform.yaml").write_text(yaml.safe_dump(
        {"apiVersion": "gitops-gen/v1", "kind": "AddonStack", "metadata": {"name": "platform"},
         "spec": {"addons": addons}}, sort_keys=False))
    (root / "environments").mkdir(exist_ok=True)
    envs = envs if envs is not None else {
        "dev": {"kubernetesVersion": "1.31", "clusters": [{"name": "dev-a", "server": "https://dev-a.test"},
                                                          {"name": "dev-b", "server": "https://dev-b.test"}]},
        "prod": {"kubernetesVersion": "1.31", "production": True,
                 "clusters": [{"name": "prod-a", "server": "https://prod-a.test"}]}}
    for name, env in envs.items():
        (root / "environments" / f"{name}.yaml").write_text(yaml.safe_dump(
            {"apiVersion": "gitops-gen/v1", "kind": "Environment", "metadata": {"name": name},
             "spec": {"addonStacks": ["platform"], **env}}, sort_keys=False))
    return root
