"""The network side of ``charts pull``: Helm repositories (``index.yaml``) and OCI registries.

Bounded: every request has a timeout and a byte cap, redirects stay on http(s), and each failure is one
line naming the chart, the URL and what went wrong (404, not an index, a digest the index contradicts).
The only module that opens connections; only ``charts pull`` calls it.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from typing import Any

from gitops_gen.base.errors import ExternalError, InputError, Location
from gitops_gen.charts.cache import MAX_ARCHIVE_BYTES, digest_of
from gitops_gen.charts.lock import ChartKey
from gitops_gen.yamlio import reader

TIMEOUT = 30.0
MAX_INDEX_BYTES = 64 << 20  # bitnami's index.yaml is ~20 MB
HELM_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip"
MANIFEST_TYPES = "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json"
_LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


class FetchError(ExternalError):
    """A chart repository could not be read (exit 3) -- or answered something that is not a chart."""


def _get(url: str, limit: int, what: str, headers: Mapping[str, str] | None = None) -> bytes:
    scheme = urllib.parse.urlsplit(url).scheme
    if scheme not in {"http", "https"}:
        raise InputError(f"{what}: {url}: only http:// and https:// are fetched")
    request = urllib.request.Request(url, headers={"User-Agent": "gitops-gen", **(headers or {})})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            data: bytes = answer.read(limit + 1)
    except urllib.error.HTTPError as err:
        raise FetchError(f"{what}: {url} answered {err.code} {err.reason}") from None
    except (urllib.error.URLError, OSError, ValueError) as err:
        reason = getattr(err, "reason", err)
        raise FetchError(f"{what}: cannot read {url}: {reason}") from None
    if len(data) > limit:
        raise FetchError(f"{what}: {url} is larger than {limit:,} bytes: refused")
    return data


def from_index(key: ChartKey, where: Location) -> bytes:
    """The archive of ``key`` from a Helm repository, checked against the digest its index gives."""
    base = key.repo_url.rstrip("/") + "/"
    index_url = urllib.parse.urljoin(base, "index.yaml")
    raw = _get(index_url, MAX_INDEX_BYTES, f"chart {key}")
    try:
        docs = reader.load_plain(raw.decode("utf-8"), index_url)
    except (InputError, UnicodeDecodeError) as err:
        raise InputError(f"chart {key}: {index_url} is not a Helm repository index: {err}", where) from None
    index = docs[0] if docs else None
    entries = index.get("entries") if isinstance(index, dict) else None
    if not isinstance(entries, dict):
        raise InputError(f"chart {key}: {index_url} is not a Helm repository index (no entries)", where)
    versions = entries.get(key.name)
    if not isinstance(versions, list):
        raise InputError(f"chart {key}: {index_url} has no chart named {key.name!r}", where)
    wanted = {key.version, key.version.removeprefix("v"), "v" + key.version.removeprefix("v")}
    entry = next((e for e in versions if isinstance(e, dict) and str(e.get("version")) in wanted), None)
    if entry is None:
        known = ", ".join(str(e.get("version")) for e in versions[:10] if isinstance(e, dict))
        raise InputError(f"chart {key}: {index_url} has no version {key.version} (it has {known or 'none'})", where)
    urls = entry.get("urls")
    if not isinstance(urls, list) or not urls or not isinstance(urls[0], str):
        raise InputError(f"chart {key}: the index entry has no download URL", where)
    url = urllib.parse.urljoin(base, urls[0])
    data = _get(url, MAX_ARCHIVE_BYTES, f"chart {key}")
    expected = entry.get("digest")
    if isinstance(expected, str) and expected and digest_of(data) != "sha256:" + expected.removeprefix("sha256:"):
        raise InputError(f"chart {key}: {url} has digest {digest_of(data)}, its index says sha256:"
                         f"{expected.removeprefix('sha256:')}: refused (a tampered or truncated archive)", where)
    return data


def _registry(repo_url: str) -> tuple[str, str]:
    """``oci://host:port/path`` -> (registry base URL, repository path)."""
    rest = repo_url.removeprefix("oci://").strip("/")
    host, _, path = rest.partition("/")
    scheme = "http" if host.rsplit(":", 1)[0] in _LOOPBACK else "https"  # Helm's --plain-http, for loopback only
    return f"{scheme}://{host}", path


def _registry_get(url: str, limit: int, what: str, accept: str, scope: str) -> bytes:
    try:
        return _get(url, limit, what, {"Accept": accept})
    except FetchError as err:
        if " answered 401 " not in str(err):
            raise
    token = _anonymous_token(url, scope, what)
    return _get(url, limit, what, {"Accept": accept, "Authorization": f"Bearer {token}"})


def _anonymous_token(url: str, scope: str, what: str) -> str:
    """The token a public registry hands anyone (the Bearer challenge of its 401)."""
    request = urllib.request.Request(url, method="HEAD")
    try:
        urllib.request.urlopen(request, timeout=TIMEOUT)
        raise FetchError(f"{what}: {url} asked for credentials and then did not")
    except urllib.error.HTTPError as err:
        challenge = err.headers.get("WWW-Authenticate", "")
    if not challenge.lower().startswith("bearer "):
        raise FetchError(f"{what}: {url} needs credentials (gitops-gen pulls public charts only)")
    params = dict(p.split("=", 1) for p in challenge[7:].replace('"', "").split(",") if "=" in p)
    query = urllib.parse.urlencode({"service": params.get("service", ""), "scope": scope})
    answer = json.loads(_get(f"{params.get('realm', '')}?{query}", 1 << 20, what))
    return str(answer.get("token") or answer.get("access_token") or "")


def from_oci(key: ChartKey, where: Location) -> bytes:
    """The chart layer of ``oci://registry/path/<name>:<version>``, checked against its manifest's digest."""
    base, path = _registry(key.repo_url)
    repository = f"{path}/{key.name}" if path else key.name
    scope = f"repository:{repository}:pull"
    what = f"chart {key}"
    raw = _registry_get(f"{base}/v2/{repository}/manifests/{key.version.replace('+', '_')}", 4 << 20, what,
                        MANIFEST_TYPES, scope)
    try:
        manifest: Any = json.loads(raw)
    except ValueError:
        raise InputError(f"{what}: the registry's manifest is not JSON", where) from None
    layers = manifest.get("layers") if isinstance(manifest, dict) else None
    layer = next((x for x in layers or () if isinstance(x, dict) and x.get("mediaType") == HELM_LAYER), None)
    if layer is None or not isinstance(layer.get("digest"), str):
        raise InputError(f"{what}: {key.repo_url}/{key.name}:{key.version} is not a Helm chart (no {HELM_LAYER} "
                         "layer)", where)
    data = _registry_get(f"{base}/v2/{repository}/blobs/{layer['digest']}", MAX_ARCHIVE_BYTES, what,
                         "*/*", scope)
    if digest_of(data) != layer["digest"]:
        raise InputError(f"{what}: the registry sent digest {digest_of(data)} for layer {layer['digest']}: "
                         "refused", where)
    return data


def fetch(key: ChartKey, where: Location) -> bytes:
    return from_oci(key, where) if key.repo_url.startswith("oci://") else from_index(key, where)
