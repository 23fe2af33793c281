"""The one Helm engine: the ``helm`` binary on the PATH (what Argo CD runs), else the SDK of the ``helm`` extra.

Both take the same request (an archive, release name, namespace, values, the cluster's Kubernetes
version and API versions) and give the same answer: each template's output keyed by its Helm path
(``chart/templates/x.yaml``, ``chart/crds/y.yaml``).  The binary runs as ``helm template`` with the flags
Argo CD's repo-server passes (``--name-template``, ``--namespace``, ``--kube-version``, ``--api-versions``,
``--include-crds``, ``--values``).  The SDK (helm-python-sdk, Helm's Go SDK through ctypes) runs in one
worker process per run (``sdkworker``), so that a template that loops is stopped by a deadline and a
render that emits too much is refused at a byte cap: neither can hang or fill this process.
Choice and measurements: docs/adr/0013-helm-engine.md.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from gitops_gen.base.errors import ExternalError, GitopsGenError

RENDER_TIMEOUT = 30.0  # seconds for one chart: kube-prometheus-stack renders in well under one
MAX_OUTPUT_BYTES = 64 << 20  # one chart's output; the largest real charts emit a few MB (CRDs included)
ENGINE_VARIABLE = "GITOPS_GEN_HELM_ENGINE"  # "binary" or "sdk": force one (tests, benchmarks)


class RenderError(GitopsGenError):
    """Helm refused the chart (a template error, values its schema rejects, output over the cap)."""


@dataclass(frozen=True)
class Request:
    archive: Path
    release: str
    namespace: str
    values: Mapping[str, Any]
    kube_version: str  # "v1.31.0"
    api_versions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Output:
    templates: Mapping[str, str] = field(default_factory=dict)  # Helm path -> rendered text (crds/ included)


class Engine(Protocol):
    name: str
    version: str

    def render(self, request: Request) -> Output: ...

    def close(self) -> None: ...


def describe(engine: Engine | None) -> str:
    return f"{engine.name} (Helm {engine.version})" if engine else "none"


def find(prefer: str | None = None) -> Engine | None:
    """The binary when on the PATH, else the SDK when installed; None when neither is (charts are skipped)."""
    prefer = prefer or os.environ.get(ENGINE_VARIABLE) or None
    binary = shutil.which("helm")
    if binary and prefer != "sdk":
        return BinaryEngine(binary)
    if prefer == "binary":
        return None
    return SdkEngine.start()


def _pipes(proc: subprocess.Popen[bytes]) -> tuple[IO[bytes], IO[bytes]]:
    """The child's stdin and stdout (both opened as pipes by whoever started it)."""
    if proc.stdin is None or proc.stdout is None:
        raise ExternalError("the Helm engine's process has no pipes")
    return proc.stdin, proc.stdout


def _finish(proc: subprocess.Popen[bytes]) -> None:
    """Stop ``proc`` (if it still runs) and close every pipe: nothing is left open behind a render."""
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _read_capped(stream: IO[bytes], proc: subprocess.Popen[bytes], deadline: float, what: str) -> bytes:
    """Read a child's stdout to EOF, killing it past the deadline or the byte cap."""
    chunks: list[bytes] = []
    size = 0
    with selectors.DefaultSelector() as sel:
        sel.register(stream, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                proc.kill()
                raise RenderError(f"{what}: rendering took longer than {RENDER_TIMEOUT:g}s: stopped "
                                  "(does a template loop?)")
            if not sel.select(left):
                continue
            chunk = os.read(stream.fileno(), 1 << 16)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > MAX_OUTPUT_BYTES:
                proc.kill()
                raise RenderError(f"{what}: the chart renders more than {MAX_OUTPUT_BYTES:,} bytes: refused")
            chunks.append(chunk)


def split_sources(text: str) -> dict[str, str]:
    """``helm template`` output -> Helm path -> text, by the ``# Source:`` line heading each document."""
    out: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines(keepends=True):
        if line.startswith("# Source: "):
            current = out.setdefault(line[len("# Source: "):].strip(), [])
            if current:
                current.append("---\n")
            continue
        if current is not None and line.rstrip() != "---":
            current.append(line)
    return {path: "".join(lines) for path, lines in out.items()}


class BinaryEngine:
    name = "helm binary"

    def __init__(self, path: str) -> None:
        self.path = path
        done = subprocess.run([path, "version", "--short"], capture_output=True, text=True, timeout=30,
                              check=False)
        self.version = (done.stdout.strip() or "unknown").split("+")[0]

    def render(self, request: Request) -> Output:
        with tempfile.TemporaryDirectory(prefix="gitops-gen-helm-") as tmp:
            values = Path(tmp) / "values.json"  # JSON is YAML: no emitter needed
            values.write_text(json.dumps(request.values), encoding="utf-8")
            args = [self.path, "template", str(request.archive), "--name-template", request.release,
                    "--namespace", request.namespace, "--kube-version", request.kube_version,
                    "--values", str(values), "--include-crds"]
            for api in request.api_versions:
                args += ["--api-versions", api]
            with tempfile.TemporaryFile() as errors:
                proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=errors, stdin=subprocess.DEVNULL,
                                        env={**os.environ, "HELM_CACHE_HOME": tmp, "HELM_CONFIG_HOME": tmp,
                                             "HELM_DATA_HOME": tmp})
                try:
                    if proc.stdout is None:
                        raise ExternalError("helm template: no output pipe")
                    raw = _read_capped(proc.stdout, proc, time.monotonic() + RENDER_TIMEOUT, "helm template")
                finally:
                    _finish(proc)
                errors.seek(0)
                err = errors.read(1 << 16).decode("utf-8", "replace")
        if proc.returncode != 0:
            raise RenderError(_helm_message(err))
        return Output(split_sources(raw.decode("utf-8", "replace")))

    def close(self) -> None:
        pass


def _helm_message(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    text = " ".join(lines) or "helm failed without a message"
    return text.removeprefix("Error: ")


class SdkEngine:
    """The SDK in a worker process: loaded once per run (0.25 s), one JSON line per request."""

    name = "helm-python-sdk"

    def __init__(self, proc: subprocess.Popen[bytes], version: str) -> None:
        self.proc = proc
        self.version = version

    @classmethod
    def start(cls) -> SdkEngine | None:
        try:
            import importlib.util

            if importlib.util.find_spec("helm_python") is None:
                return None
        except (ImportError, ValueError):
            return None
        engine = cls(_worker(), "")
        hello = engine._call({"op": "version"})
        engine.version = str(hello.get("version", "unknown"))
        return engine

    def _call(self, message: Mapping[str, Any]) -> dict[str, Any]:
        stdin, _ = _pipes(self.proc)
        if self.proc.poll() is not None:
            raise ExternalError("the Helm SDK worker stopped")
        stdin.write(json.dumps(message).encode("utf-8") + b"\n")
        stdin.flush()
        deadline = time.monotonic() + RENDER_TIMEOUT
        line = self._line(deadline)
        answer: dict[str, Any] = json.loads(line)
        return answer

    def _line(self, deadline: float) -> bytes:
        _, stdout = _pipes(self.proc)
        buf = bytearray()
        with selectors.DefaultSelector() as sel:
            sel.register(stdout, selectors.EVENT_READ)
            while not buf.endswith(b"\n"):
                left = deadline - time.monotonic()
                if left <= 0 or len(buf) > MAX_OUTPUT_BYTES * 2:  # JSON escaping may double the text
                    self._restart()
                    if left <= 0:
                        raise RenderError(f"rendering took longer than {RENDER_TIMEOUT:g}s: stopped "
                                          "(does a template loop?)")
                    raise RenderError(f"the chart renders more than {MAX_OUTPUT_BYTES:,} bytes: refused")
                if not sel.select(min(left, 1.0)):
                    continue
                chunk = os.read(stdout.fileno(), 1 << 20)
                if not chunk:
                    raise ExternalError("the Helm SDK worker stopped")
                buf.extend(chunk)
        return bytes(buf)

    def _restart(self) -> None:
        self.proc.kill()
        _finish(self.proc)
        self.proc = _worker()

    def render(self, request: Request) -> Output:
        answer = self._call({"op": "render", "archive": str(request.archive), "release": request.release,
                             "namespace": request.namespace, "values": request.values,
                             "kube_version": request.kube_version, "api_versions": list(request.api_versions)})
        if not answer.get("ok"):
            raise RenderError(str(answer.get("error") or "the Helm SDK failed without a message"))
        templates = answer.get("templates") or {}
        size = sum(len(t) for t in templates.values())
        if size > MAX_OUTPUT_BYTES:
            raise RenderError(f"the chart renders more than {MAX_OUTPUT_BYTES:,} bytes: refused")
        return Output(dict(templates))

    def close(self) -> None:
        _finish(self.proc)  # closing stdin ends the worker's loop


def _worker() -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "gitops_gen.charts.sdkworker"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)


def flags(request: Request) -> Sequence[str]:
    """The ``helm template`` arguments for ``request`` (the benchmark runs the binary with them)."""
    args = ["template", str(request.archive), "--name-template", request.release, "--namespace",
            request.namespace, "--kube-version", request.kube_version, "--include-crds"]
    for api in request.api_versions:
        args += ["--api-versions", api]
    return args
