"""A chart archive read without unpacking it: its ``Chart.yaml``, bounded against hostile archives."""

from __future__ import annotations

import io
import tarfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.errors import InputError, Location
from gitops_gen.yamlio import reader

MAX_MEMBERS = 20_000  # kube-prometheus-stack holds ~1,000 files
MAX_UNPACKED_BYTES = 256 << 20


@dataclass(frozen=True)
class ChartInfo:
    name: str
    version: str
    kube_version: str  # the chart's kubeVersion constraint; "" when it sets none
    metadata: Mapping[str, Any]


def top_file(data: bytes, where: Location, file: str) -> bytes | None:
    """``<chart>/<file>`` of the top chart in the archive (at most 1 MiB of it), None when it has none;
    InputError at ``where`` when ``data`` is no chart archive or breaks the bounds."""
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
            size = 0
            found: bytes | None = None
            for members, member in enumerate(tar, 1):
                size += max(member.size, 0)
                if members > MAX_MEMBERS or size > MAX_UNPACKED_BYTES:
                    raise InputError(f"chart archive holds more than {MAX_MEMBERS:,} files or "
                                     f"{MAX_UNPACKED_BYTES:,} bytes: refused", where)
                parts = member.name.split("/")
                if len(parts) == 2 and parts[1] == file and member.isfile() and found is None:
                    handle = tar.extractfile(member)
                    found = handle.read(1 << 20) if handle else None
    except (tarfile.TarError, OSError, EOFError) as err:
        raise InputError(f"not a chart archive (gzipped tar): {err}", where) from None
    return found


def read_info(data: bytes, where: Location) -> ChartInfo:
    """The top chart's metadata; InputError at ``where`` when ``data`` is no chart archive."""
    chart_yaml = top_file(data, where, "Chart.yaml")
    if chart_yaml is None:
        raise InputError("not a chart archive: no <chart>/Chart.yaml in it", where)
    try:
        docs = reader.load_plain(chart_yaml.decode("utf-8"), "Chart.yaml")
    except (InputError, UnicodeDecodeError) as err:
        raise InputError(f"the chart's Chart.yaml is not valid YAML: {err}", where) from None
    meta = docs[0] if docs and isinstance(docs[0], dict) else {}
    if not meta.get("name") or not meta.get("version"):
        raise InputError("the chart's Chart.yaml names no name or version", where)
    return ChartInfo(str(meta["name"]), str(meta["version"]), str(meta.get("kubeVersion") or ""), meta)
