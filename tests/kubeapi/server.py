"""A small Kubernetes API server stand-in that speaks the real HTTP API (read side only).

It serves discovery (``/version``, ``/api``, ``/api/v1``, ``/apis``, ``/apis/<g>/<v>``), LIST at
namespace and cluster scope with ``labelSelector``, ``fieldSelector`` (metadata.name/namespace),
``limit``/``continue`` pagination, and GET of single objects.  Replies look like a real server's:
``XList`` kind, ``metadata.resourceVersion``, items of built-in kinds WITHOUT ``kind``/``apiVersion``,
``Status`` bodies for errors.  Faults (status codes, N failures then success, slow replies) are
configured per path pattern, and every request is recorded so tests can count them.
"""

from __future__ import annotations

import copy
import fnmatch
import functools
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import parse_qs, urlsplit

from tests.kubeapi.resources import DEFAULT_RESOURCES, SUBRESOURCES, Resource

TOKEN = "stand-in-token"
CONTEXT = "stand-in"
USER = "system:serviceaccount:gitops-gen:drift-reader"
GIT_VERSION = "v1.31.2"


class Request(NamedTuple):
    method: str
    path: str
    query: Mapping[str, str]


@dataclass
class Fault:
    """What to do to requests whose path matches ``pattern`` (fnmatch, no query string)."""

    pattern: str
    status: int = 0  # 0 = answer normally (with ``delay``), else reply with this code and a Status body
    times: int | None = None  # fail only the first N matching requests; None = every time
    delay: float = 0.0  # seconds to sleep before replying
    reply: Callable[[Any], Any] | None = None  # 200 with what this makes of the normal reply (any JSON)
    hits: int = 0


class KubeApi(NamedTuple):
    """What the fixtures yield: ``server, kubeconfig, context = kube_api``."""

    server: KubeApiServer
    kubeconfig: Path
    context: str


class KubeApiServer:
    """``with KubeApiServer(objects) as server: ...`` — bound to 127.0.0.1 on an ephemeral port."""

    def __init__(self, objects: Iterable[Mapping[str, Any]] = (),
                 resources: Iterable[Resource] = DEFAULT_RESOURCES, *, token: str | None = TOKEN) -> None:
        self.token = token
        self.resources: dict[tuple[str, str], Resource] = {}  # (api_version, plural) -> Resource
        for res in resources:
            self.serve(res)
        self.faults: list[Fault] = []
        self.requests: list[Request] = []
        self._objects: dict[tuple[str, str, str, str], dict[str, Any]] = {}  # (apiVersion, kind, ns, name)
        self._selections: dict[tuple[str, ...], list[dict[str, Any]]] = {}  # one list query -> its result
        self._lock = threading.Lock()
        self._rv = 1000
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._http.daemon_threads = True
        self._http.api = self  # type: ignore[attr-defined]
        self._thread: threading.Thread | None = None
        self.add(*objects)

    # -- lifecycle ---------------------------------------------------------------------------------
    @property
    def url(self) -> str:
        host, port = self._http.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> KubeApiServer:
        self._thread = threading.Thread(target=self._http.serve_forever, kwargs={"poll_interval": 0.05},
                                        daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._http.shutdown()
        self._http.server_close()

    def __enter__(self) -> KubeApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- state -------------------------------------------------------------------------------------
    def serve(self, resource: Resource) -> None:
        self.resources[(resource.api_version, resource.plural)] = resource

    def unserve(self, api_version: str, kind: str | None = None) -> None:
        """Stop serving a kind (or a whole group version), like an uninstalled CRD."""
        for key, res in list(self.resources.items()):
            if res.api_version == api_version and kind in (None, res.kind):
                del self.resources[key]

    def add(self, *objects: Mapping[str, Any]) -> None:
        """Store objects (replacing same identity), filling in the fields a server sets when absent."""
        with self._lock:
            for obj in objects:
                body = copy.deepcopy(dict(obj))
                meta = body.setdefault("metadata", {})
                self._rv += 1
                meta.setdefault("uid", str(uuid.uuid4()))
                meta.setdefault("resourceVersion", str(self._rv))
                meta.setdefault("creationTimestamp", "2024-05-14T09:21:37Z")
                self._objects[_key(body)] = body
            self._selections.clear()

    def remove(self, api_version: str, kind: str, namespace: str, name: str) -> None:
        with self._lock:
            self._objects.pop((api_version, kind, namespace, name), None)
            self._selections.clear()

    def objects(self) -> list[dict[str, Any]]:
        with self._lock:
            return [copy.deepcopy(o) for o in self._objects.values()]

    def fault(self, pattern: str, status: int = 0, *, times: int | None = None, delay: float = 0.0,
              reply: Callable[[Any], Any] | None = None) -> Fault:
        fault = Fault(pattern, status, times, delay, reply)
        with self._lock:
            self.faults.append(fault)
        return fault

    def count(self, pattern: str = "*", method: str = "GET") -> int:
        """How many requests matched a path pattern (fnmatch) and method."""
        with self._lock:
            return sum(1 for r in self.requests
                       if r.method == method and fnmatch.fnmatchcase(r.path, pattern))

    def writes(self) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.method != "GET"]

    def write_kubeconfig(self, path: Path, contexts: Iterable[str] = (CONTEXT,),
                         current: str | None = None, namespace: str = "default") -> Path:
        """A kubeconfig with one context per name, all pointing at this server."""
        names = list(contexts)
        lines = ["apiVersion: v1", "kind: Config", "preferences: {}",
                 f"current-context: {current or names[0]}", "clusters:",
                 "- name: stand-in", "  cluster:", f"    server: {self.url}", "users:",
                 "- name: drift-reader", "  user:", f"    token: {self.token or 'none'}", "contexts:"]
        for name in names:
            lines += [f"- name: {name}", "  context:", "    cluster: stand-in", "    user: drift-reader",
                      f"    namespace: {namespace}"]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        return path

    # -- request handling (called from handler threads) --------------------------------------------
    def _active_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                active = fault.times is None or fault.hits < fault.times
                if active and fnmatch.fnmatchcase(path, fault.pattern):
                    fault.hits += 1
                    return fault
        return None

    def handle(self, method: str, raw_path: str, auth: str | None) -> tuple[int, Any]:
        split = urlsplit(raw_path)
        path = split.path.rstrip("/") or "/"
        query = {k: v[0] for k, v in parse_qs(split.query).items()}
        with self._lock:
            self.requests.append(Request(method, path, query))
        if self.token and auth != f"Bearer {self.token}":
            return 401, status_body(401, "Unauthorized", "Unauthorized")
        if method != "GET":
            return 405, status_body(405, "MethodNotAllowed", f"the stand-in is read-only ({method})")
        fault = self._active_fault(path)
        if fault is not None:
            time.sleep(fault.delay)
            if fault.status:
                return fault.status, fault_body(fault.status, path)
            if fault.reply is not None:
                plain = {k: v for k, v in query.items() if k != "continue"}  # the tokens are the reply's own
                return 200, fault.reply(copy.deepcopy(self._route(path, plain)[1]))
        return self._route(path, query)

    def _route(self, path: str, query: Mapping[str, str]) -> tuple[int, dict[str, Any]]:
        if path == "/version":
            return 200, {"major": "1", "minor": GIT_VERSION.split(".")[1], "gitVersion": GIT_VERSION,
                         "platform": "linux/amd64"}
        if path == "/api":
            return 200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": "10.0.0.1:6443"}]}
        if path == "/apis":
            return 200, self._group_list()
        match = re.fullmatch(r"/api/(v1)(/.*)?|/apis/([^/]+)/([^/]+)(/.*)?", path)
        if not match:
            return 404, status_body(404, "NotFound", "the server could not find the requested resource")
        api_version = match[1] or f"{match[3]}/{match[4]}"
        rest = (match[2] if match[1] else match[5]) or ""
        if not any(r.api_version == api_version for r in self.resources.values()):
            return 404, status_body(404, "NotFound", "the server could not find the requested resource")
        if not rest:
            return 200, self._resource_list(api_version)
        return self._objects_at(api_version, rest.strip("/").split("/"), query)

    def _group_list(self) -> dict[str, Any]:
        groups: dict[str, list[str]] = {}
        for res in self.resources.values():
            if res.group and res.version not in groups.setdefault(res.group, []):
                groups[res.group].append(res.version)
        return {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
            {"name": g, "versions": [{"groupVersion": f"{g}/{v}", "version": v} for v in vs],
             "preferredVersion": {"groupVersion": f"{g}/{vs[0]}", "version": vs[0]}}
            for g, vs in groups.items()]}

    def _resource_list(self, api_version: str) -> dict[str, Any]:
        items = []
        for res in self.resources.values():
            if res.api_version == api_version:
                items.append(res.discovery())
                items += [{"name": f"{res.plural}/{sub}", "singularName": "", "namespaced": res.namespaced,
                           "kind": res.kind, "verbs": ["get", "patch", "update"]}
                          for sub in SUBRESOURCES.get(res.plural, ())]
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": api_version,
                "resources": items}

    def _objects_at(self, api_version: str, parts: list[str], query: Mapping[str, str]
                    ) -> tuple[int, dict[str, Any]]:
        namespace = ""
        if len(parts) >= 3 and parts[0] == "namespaces":
            namespace, parts = parts[1], parts[2:]
        res = self.resources.get((api_version, parts[0]))
        if res is None or len(parts) > 2 or (namespace and not res.namespaced):
            return 404, status_body(404, "NotFound", "the server could not find the requested resource")
        if len(parts) == 2:
            with self._lock:
                obj = self._objects.get((api_version, res.kind, namespace, parts[1]))
                if obj is not None:
                    return 200, copy.deepcopy(obj)
            return 404, status_body(404, "NotFound", f'{res.plural} "{parts[1]}" not found',
                                    {"name": parts[1], "kind": res.plural})
        label, field = query.get("labelSelector", ""), query.get("fieldSelector", "")
        with self._lock:
            # The selection is kept until the next change, so pages 2..n of a list cost no scan.
            found = self._selections.get((api_version, res.kind, namespace, label, field))
            if found is None:
                selected = label_selector(label)
                found = [o for k, o in sorted(self._objects.items())
                         if k[0] == api_version and k[1] == res.kind and (not namespace or k[2] == namespace)
                         and selected(o["metadata"].get("labels") or {}) and _matches_fields(o, field)]
                self._selections[(api_version, res.kind, namespace, label, field)] = found
            start = int(query.get("continue") or 0)
            limit = int(query.get("limit") or 0) or len(found) + 1
            # Shallow copies: stored objects are replaced whole, never changed in place.
            page = [dict(o) for o in found[start:start + limit]]
            more, rv = start + limit < len(found), str(self._rv)
        if res.builtin:  # typed lists drop TypeMeta from items; unstructured (CRD) lists keep it
            for obj in page:
                obj.pop("kind", None)
                obj.pop("apiVersion", None)
        meta: dict[str, Any] = {"resourceVersion": rv}
        if more:
            meta["continue"] = str(start + limit)
            meta["remainingItemCount"] = len(found) - start - limit
        return 200, {"kind": f"{res.kind}List", "apiVersion": api_version, "metadata": meta, "items": page}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the client's connection pool expects
    disable_nagle_algorithm = True  # headers and body are separate writes: no 40 ms delayed-ACK stall

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_PATCH(self) -> None:
        self._answer("PATCH")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        api: KubeApiServer = self.server.api  # type: ignore[attr-defined]
        code, body = api.handle(method, self.path, self.headers.get("Authorization"))
        data = json.dumps(body).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            if code == 429:
                self.send_header("Retry-After", "0")
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout); nothing to tell
            pass

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests count requests instead
        pass


def _key(obj: Mapping[str, Any]) -> tuple[str, str, str, str]:
    meta = obj.get("metadata") or {}
    return (obj.get("apiVersion", ""), obj.get("kind", ""), meta.get("namespace") or "", meta["name"])


def status_body(code: int, reason: str, message: str, details: Mapping[str, Any] | None = None
                ) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                            "message": message, "reason": reason, "code": code}
    if details:
        body["details"] = dict(details)
    return body


def fault_body(code: int, path: str) -> dict[str, Any]:
    """The Status a real server sends for ``code`` on ``path``."""
    if code == 403:
        parts = path.strip("/").split("/")
        group = "" if parts[0] == "api" else parts[1]
        plural = parts[-1]
        where = f' in the namespace "{parts[-2]}"' if "namespaces" in parts[:-1] else " at the cluster scope"
        resource = f"{plural}.{group}" if group else plural
        return status_body(403, "Forbidden", f'{resource} is forbidden: User "{USER}" cannot list resource '
                           f'"{plural}" in API group "{group}"{where}', {"group": group, "kind": plural})
    reasons = {404: "NotFound", 409: "Conflict", 429: "TooManyRequests", 500: "InternalError",
               503: "ServiceUnavailable", 504: "Timeout"}
    return status_body(code, reasons.get(code, "Unknown"), f"stand-in fault {code} on {path}")


def matches_labels(labels: Mapping[str, str], selector: str) -> bool:
    """Equality- and set-based label selectors (``a=b,c!=d,e,!f,g in (x,y),h notin (z)``)."""
    return label_selector(selector)(labels)


@functools.lru_cache(maxsize=64)
def label_selector(selector: str) -> Callable[[Mapping[str, str]], bool]:
    """A selector parsed once into a predicate (lists of thousands of objects are matched per request)."""
    terms: list[tuple[str, frozenset[str] | None, bool]] = []  # key, allowed values (None: exists), negate
    for raw in re.findall(r"[^,(]+(?:\([^)]*\))?", selector):
        term = raw.strip()
        if m := re.fullmatch(r"(\S+)\s+(in|notin)\s+\(([^)]*)\)", term):
            terms.append((m[1], frozenset(v.strip() for v in m[3].split(",")), m[2] == "notin"))
        elif m := re.fullmatch(r"([^=!\s]+)\s*(==|=|!=)\s*(\S*)", term):
            terms.append((m[1], frozenset([m[3]]), m[2] == "!="))
        elif term:
            terms.append((term.lstrip("!"), None, term.startswith("!")))

    def selected(labels: Mapping[str, str]) -> bool:
        return all(((key in labels) if values is None else (labels.get(key) in values)) != negate
                   for key, values, negate in terms)
    return selected


def _matches_fields(obj: Mapping[str, Any], selector: str) -> bool:
    meta = obj.get("metadata") or {}
    for term in filter(None, selector.split(",")):
        field, _, value = term.partition("=")
        actual = meta.get(field.removeprefix("metadata."), "")
        if actual != value.lstrip("="):
            return False
    return True
