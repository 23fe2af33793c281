"""The connection to one cluster through the official ``kubernetes`` client: configuration, GET with
timeout and retries, discovery.  The only module importing ``kubernetes`` (and the ``urllib3`` it uses)."""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar

import urllib3
from kubernetes import client as k8s_client
from kubernetes import config as _k8s_config
from kubernetes.client.exceptions import ApiException
from kubernetes.config import kube_config as _kube_config
from kubernetes.config.config_exception import ConfigException

from gitops_gen.base.errors import ExternalError, GitopsGenError, InputError, Location
from gitops_gen.kube import credentials, shapes
from gitops_gen.kube.deadline import Deadline, DeadlineExceeded

RETRIED_STATUSES = frozenset({429, 500, 502, 503, 504})
PAGE_SIZE = 500
# A LIST page of 500 objects is a few MB even for large CRDs: a reply past this is a server gone wrong.
MAX_RESPONSE_BYTES = 256 * 1024 * 1024
# Caps past one reply: a LIST whose pages add up past this (or whose continue token repeats) and a
# cluster whose replies add up past that are servers gone wrong, not clusters (100,000 pods list in ~1 GB).
LIST_REPLIES, CLUSTER_REPLIES = 2, 8  # those caps, in replies' worth of bytes
CONNECT_TIMEOUT = 10.0
CHUNK = 1 << 16
k8s_config: Any = _k8s_config  # its loaders are untyped
kube_config: Any = _kube_config
_T = TypeVar("_T")
_R = TypeVar("_R")


class ApiResource(NamedTuple):
    api_version: str
    kind: str
    plural: str
    namespaced: bool

    @property
    def resource(self) -> str:
        """``plural.group``, the spelling of ``kubectl auth can-i list``."""
        group = self.api_version.rpartition("/")[0]
        return f"{self.plural}.{group}" if group else self.plural

    def path(self, namespace: str = "") -> str:
        base = _group_path(self.api_version)
        return f"{base}/namespaces/{namespace}/{self.plural}" if namespace else f"{base}/{self.plural}"

    def scope(self, namespace: str) -> str:
        return f"in {namespace}" if namespace else "at cluster scope"


class RequestFailed(Exception):
    """A request that failed for good: HTTP status (0 = no reply) and a one-line reason."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


class Cluster:
    """One API client: GET with retries under one deadline for the whole read, discovery cached.

    ``timeout`` is that deadline (seconds, from construction); ``max_bytes`` caps one reply.
    """

    def __init__(self, context: str | None, kubeconfig: str | None, *, timeout: float, workers: int,
                 retries: int, backoff: float, max_bytes: int | None = None) -> None:
        self.timeout, self.retries, self.backoff = timeout, retries, backoff
        self.deadline = Deadline(timeout)  # started first: an exec credential plugin runs under it too
        try:
            self.api, self.where = _connect(context, kubeconfig, workers, self.deadline)
        except BaseException:
            self.deadline.cancel()
            raise
        self.max_bytes = max_bytes or MAX_RESPONSE_BYTES
        self.max_list_bytes, self.max_cluster_bytes = LIST_REPLIES * self.max_bytes, CLUSTER_REPLIES * self.max_bytes
        self._read = 0  # bytes of every reply so far: the per-cluster cap
        self._lock = threading.Lock()
        manager = self.api.rest_client.pool_manager
        manager.pool_classes_by_scheme = self.deadline.track(manager.pool_classes_by_scheme)
        self.pool = ThreadPoolExecutor(max(1, workers), thread_name_prefix="kube")
        self._kinds: dict[str, Mapping[str, ApiResource]] = {}  # discovery cache: apiVersion -> kind -> ...

    def close(self) -> None:
        self.deadline.expire()  # wakes any read still blocked, so shutting the pool down cannot hang
        self.pool.shutdown(wait=True)
        self.deadline.cancel()
        self.api.close()

    def _give_up(self) -> DeadlineExceeded:
        return DeadlineExceeded(f"no complete answer within the {round(self.timeout, 1):g}s deadline from the "
                                f"Kubernetes API at {self.where} (set drift.timeoutSeconds or --timeout)")

    def map(self, fn: Callable[[_T], _R], items: Iterable[_T]) -> list[tuple[_T, _R | RequestFailed]]:
        """``fn`` over items in parallel; a RequestFailed becomes that item's result."""
        def attempt(item: _T) -> _R | RequestFailed:
            try:
                return fn(item)
            except RequestFailed as failed:
                return failed
        items = list(items)
        return list(zip(items, self.pool.map(attempt, items), strict=True))

    def scrub(self, message: str) -> str:
        """``message`` without the bearer token (or basic credentials) this client sends."""
        values = [str(v) for v in (self.api.configuration.api_key or {}).values() if v]
        return credentials.scrub(message, values + [v.split(" ", 1)[1] for v in values if " " in v])

    def get(self, path: str, query: Sequence[tuple[str, str]] = ()) -> Any:
        """The JSON of a GET (raises RequestFailed, or ExternalError past the deadline or a cap)."""
        return self.get_sized(path, query)[0]

    def get_sized(self, path: str, query: Sequence[tuple[str, str]] = ()) -> tuple[Any, int]:
        """``get`` and the size of the reply."""
        try:
            return self._get(path, query)
        except RequestFailed as failed:
            failed.reason = self.scrub(failed.reason)
            raise
        except GitopsGenError as err:
            err.message = self.scrub(err.message)
            err.args = (err.message,)
            raise

    def _count(self, path: str, size: int) -> None:
        with self._lock:
            self._read += size
            total = self._read
        if total > self.max_cluster_bytes:
            raise ExternalError(f"the replies of the Kubernetes API at {self.where} add up to more than "
                                f"{self.max_cluster_bytes / 2**20:g} MiB (last: GET {path}): the server (or a "
                                "proxy before it) is misbehaving")

    def _get(self, path: str, query: Sequence[tuple[str, str]] = ()) -> tuple[Any, int]:
        for attempt in range(self.retries + 1):
            wait = self.backoff * 2 ** attempt
            if self.deadline.passed():
                raise self._give_up()
            try:
                status, data, headers = _send(self.api, path, query, self.deadline, self.max_bytes)
                self._count(path, len(data))
                if 200 <= status < 300:
                    try:
                        return json.loads(data), len(data)
                    except ValueError:  # e.g. an HTML page from a proxy in front of the API server
                        raise RequestFailed(status, f"HTTP {status}: the reply is not JSON") from None
                failed = RequestFailed(status, _http_reason(status, data))
                wait = max(wait, min(_float(headers.get("Retry-After")), 10.0))
                retry = status in RETRIED_STATUSES
            except ValueError:  # a header value http.client refuses (a credential with a control character)
                raise ExternalError(f"cannot send a request to the Kubernetes API at {self.where}: a "
                                    "credential in the kubeconfig cannot be sent as an HTTP header (it is "
                                    "not shown)") from None
            except (urllib3.exceptions.HTTPError, OSError) as err:  # refused, reset, DNS, TLS, timeout
                if self.deadline.passed():
                    raise self._give_up() from None
                failed, retry = RequestFailed(0, _describe(err, self.timeout)), True
            if not retry or attempt == self.retries:
                if attempt:
                    failed.reason += f" (after {attempt + 1} attempts)"
                raise failed
            if wait >= self.deadline.remaining():
                raise self._give_up()
            time.sleep(wait)
        raise AssertionError("unreachable")

    def discover(self, api_versions: Iterable[str]) -> Mapping[str, Mapping[str, ApiResource] | str]:
        """Kinds served per apiVersion ({} when not served), or why they could not be discovered.

        Raises ExternalError when the cluster cannot be reached at all.
        """
        try:
            served = set(shapes.core_versions(self.get("/api"), "/api"))
            served |= set(shapes.group_versions(self.get("/apis"), "/apis"))
        except RequestFailed as failed:
            raise ExternalError(f"cannot read the Kubernetes API at {self.where}: {failed.reason}") from None
        found: dict[str, Mapping[str, ApiResource] | str] = {}
        todo = []
        for av in set(api_versions):
            if av not in served:
                found[av] = {}
            elif av in self._kinds:
                found[av] = self._kinds[av]
            else:
                todo.append(av)
        for av, body in self.map(lambda av: self.get(_group_path(av)), todo):
            if isinstance(body, RequestFailed):  # e.g. an aggregated API whose backend is down (503)
                found[av] = {} if body.status == 404 else f"cannot discover {av}: {body.reason}"
                continue
            found[av] = self._kinds[av] = {
                kind: ApiResource(av, kind, plural, namespaced)
                for kind, plural, namespaced in shapes.resources(body, _group_path(av))}
        return found

    def list(self, res: ApiResource, namespace: str = "", label: str = "", field: str = ""
             ) -> list[dict[str, Any]]:
        """Every page of a LIST; items get the kind and apiVersion that real list replies leave out."""
        query = [(k, v) for k, v in (("labelSelector", label), ("fieldSelector", field)) if v]
        query.append(("limit", str(PAGE_SIZE)))
        items: list[dict[str, Any]] = []
        token = ""
        seen: set[str] = set()
        size = 0
        path = res.path(namespace)
        while True:
            body, read = self.get_sized(path, [*query, ("continue", token)] if token else query)
            size += read
            kind, api_version, page, token = shapes.page(body, path)
            kind, api_version = kind.removesuffix("List") or res.kind, api_version or res.api_version
            items += [{"apiVersion": api_version, "kind": kind, **item} for item in page]
            if not token:
                return items
            if token in seen or size > self.max_list_bytes:
                why = "its continue token repeats" if token in seen else \
                    f"its pages add up to more than {self.max_list_bytes / 2**20:g} MiB"
                raise ExternalError(f"the LIST of {path} never ends ({why}): the API server at {self.where} "
                                    "(or a proxy before it) is misbehaving")
            seen.add(token)


def _group_path(api_version: str) -> str:
    return f"/apis/{api_version}" if "/" in api_version else f"/api/{api_version}"


def in_cluster_only(kubeconfig: str | None = None) -> bool:
    """Running in a pod with no kubeconfig to read: the pod's own service account is the only way in."""
    if not os.environ.get("KUBERNETES_SERVICE_HOST") or kubeconfig:
        return False
    path = os.environ.get("KUBECONFIG") or os.path.expanduser("~/.kube/config")
    return not any(os.path.isfile(p) for p in path.split(os.pathsep) if p)


class _Loader(kube_config.KubeConfigLoader):  # type: ignore[misc]
    """The client's kubeconfig loader with tokens trimmed as kubectl trims them and exec plugins run by
    ``credentials.run_plugin`` (under the deadline, stderr kept back, failure = the cluster fails)."""

    deadline: Deadline | None = None
    token: str

    def _load_user_token(self) -> bool:
        if not super()._load_user_token():
            return False
        self.token = "Bearer " + credentials.token(self.token.removeprefix("Bearer "))
        return True

    def _load_from_exec_plugin(self) -> bool | None:
        if "exec" not in self._user:
            return None
        left = self.deadline.remaining() if self.deadline is not None else 30.0
        cluster = self._cluster.value if self._user["exec"].safe_get("provideClusterInfo") else None
        status = credentials.run_plugin(self._user["exec"].value, self._get_base_path(self._cluster.path),
                                        cluster, left, self.deadline.seconds if self.deadline else None)
        if "token" in status:
            self.token = "Bearer " + credentials.token(status["token"])
        elif "clientCertificateData" in status and "clientKeyData" in status:
            base = self._get_base_path(self._cluster.path)
            self.cert_file = kube_config.FileOrData(status, None, data_key_name="clientCertificateData",
                                                    file_base_path=base, base64_file_content=False,
                                                    temp_file_path=self._temp_file_path).as_file()
            self.key_file = kube_config.FileOrData(status, None, data_key_name="clientKeyData",
                                                   file_base_path=base, base64_file_content=False,
                                                   temp_file_path=self._temp_file_path).as_file()
        else:
            raise ExternalError("exec credential plugin: its ExecCredential has neither a token nor a "
                                "client certificate and key")
        if "expirationTimestamp" in status:
            self.expiry = kube_config.parse_rfc3339(status["expirationTimestamp"])
        return True


def _connect(context: str | None, kubeconfig: str | None, workers: int, deadline: Deadline | None = None
             ) -> tuple[Any, str]:
    """An ApiClient for a kubeconfig context; in a pod, the pod's own configuration when no context is
    asked for or there is no kubeconfig at all (the scheduled drift job runs that way)."""
    cfg = k8s_client.Configuration()
    cfg.retries = False  # we retry ourselves, with backoff, and say how often we tried
    cfg.connection_pool_maxsize = max(1, workers)
    if in_cluster_only(kubeconfig) or (
            context is None and kubeconfig is None and os.environ.get("KUBERNETES_SERVICE_HOST")):
        try:
            k8s_config.load_incluster_config(client_configuration=cfg)
        except ConfigException as err:
            raise InputError(f"in-cluster configuration: {err}") from None
        return k8s_client.ApiClient(cfg), f"{cfg.host} (in-cluster)"
    path = kubeconfig or os.environ.get("KUBECONFIG") or "~/.kube/config"
    where = Location(path)
    try:
        merged = kube_config.KubeConfigMerger(path).config
        if merged is None:
            raise InputError("cannot use kubeconfig: Invalid kube-config file. No configuration found.", where)
        names = [c["name"] for c in merged.value.get("contexts") or ()]
        current = merged.value.get("current-context") or ""
        if context is not None and context not in names:
            available = ", ".join(names) or "none"
            raise InputError(f"context {context!r} not found in kubeconfig (available: {available})", where)
        if context is None and not current:
            raise InputError("kubeconfig has no current-context: name a context", where)
        loader = _Loader(config_dict=merged, active_context=context, config_base_path=None)
        loader.deadline = deadline
        loader.load_and_set(cfg)
        api = k8s_client.ApiClient(configuration=cfg)
    except (ConfigException, OSError, ValueError, KeyError, TypeError, AttributeError) as err:
        message = credentials.scrub(_one_line(err), [str(v) for v in (cfg.api_key or {}).values()])
        raise InputError(f"cannot use kubeconfig: {message}", where) from None
    name = context or current
    return api, f"{credentials.scrub(cfg.host)} (context {name})"


def _send(api: Any, path: str, query: Sequence[tuple[str, str]], deadline: Deadline, max_bytes: int
          ) -> tuple[int, bytes, Mapping[str, str]]:
    """One GET through the client's auth and connection pool, without deserialising (we parse JSON).

    The reply is read in chunks, so neither a dripping nor an endless body can outlast the deadline or
    grow past ``max_bytes``; each socket wait is bounded by what remains of the deadline."""
    headers = {"Accept": "application/json"}
    remaining = max(0.001, deadline.remaining())
    timeout = (min(CONNECT_TIMEOUT, remaining), remaining)
    try:
        if hasattr(api, "param_serialize"):  # clients generated since v32 split serialising from sending
            method, url, hdrs, body, post = api.param_serialize(
                "GET", path, query_params=list(query), header_params=headers, auth_settings=["BearerToken"])
            resp = api.call_api(method, url, hdrs, body, post, _request_timeout=timeout)
        else:
            resp = api.call_api(path, "GET", query_params=list(query), header_params=headers,
                                auth_settings=["BearerToken"], _preload_content=False,
                                _return_http_data_only=True, _request_timeout=timeout)
        raw = getattr(resp, "response", resp)  # the urllib3 response, not read yet
        return int(resp.status), _read_capped(raw, path, deadline, max_bytes), resp.headers
    except ApiException as err:  # older clients raise on non-2xx; all raise status 0 on TLS errors
        if not err.status:
            raise RequestFailed(0, f"TLS error: {_one_line(err.reason or err)}") from None
        body = err.body.encode() if isinstance(err.body, str) else (err.body or b"")
        return int(err.status), body, err.headers or {}


def _read_capped(raw: Any, path: str, deadline: Deadline, max_bytes: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    try:
        while True:
            if deadline.passed():
                raise OSError("deadline passed while reading the reply")
            chunk = raw.read1(CHUNK) if hasattr(raw, "read1") else raw.read(CHUNK)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > max_bytes:
                raise ExternalError(f"a reply to GET {path} is larger than {max_bytes / 2**20:g} MiB: "
                                    "the API server (or a proxy before it) is misbehaving")
            chunks.append(chunk)
    except BaseException:
        raw.close()  # never hand a half-read connection back to the pool
        raise
    finally:
        if hasattr(raw, "release_conn"):
            raw.release_conn()


def _http_reason(status: int, data: bytes) -> str:
    try:
        message = str(json.loads(data).get("message") or "")
    except (ValueError, AttributeError):
        message = ""
    return f"HTTP {status}: {_one_line(message)[:200]}" if message else f"HTTP {status}"


def _describe(err: BaseException, timeout: float) -> str:
    text = str(err).lower()
    if "refused" in text:  # before timeouts: urllib3's NewConnectionError subclasses ConnectTimeoutError
        return "connection refused"
    if isinstance(err, urllib3.exceptions.NameResolutionError) or "name or service not known" in text:
        return "cannot resolve the host name"
    if isinstance(err, urllib3.exceptions.TimeoutError) or "timed out" in text:
        return f"timed out after {timeout:g}s"
    if isinstance(err, urllib3.exceptions.SSLError):
        return f"TLS error: {_one_line(err)}"
    if isinstance(err, urllib3.exceptions.ProtocolError) or "reset" in text:
        return "connection reset"
    return f"{type(err).__name__}: {_one_line(err)}"


def _one_line(value: object) -> str:
    return " ".join(str(value).split())


def _float(value: str | None) -> float:
    try:
        return max(0.0, float(value or 0))
    except ValueError:
        return 0.0
