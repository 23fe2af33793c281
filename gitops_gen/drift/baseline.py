"""``--baseline PREVIOUS.json``: what changed since the last report (new, known, resolved drift).

A drifted object is identified by cluster, API group, kind, namespace and name (not by version, not by
status: an object modified yesterday and missing today is still the same, known, drift).  ``first_seen``
is carried forward from report to report, so a scheduled job feeding each report to the next one keeps
the age of every drift.  A previous drift is ``resolved`` only where this run could tell: its cluster was
read and the object is now in sync or gone (an object that could not be read now is neither).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.inputs import read_text
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.status import DRIFTED, DriftStatus
from gitops_gen.drift.model import DriftReport, Resolved
from gitops_gen.yamlio.reader import load_json

SUPPORTED_VERSIONS = (1,)
Key = tuple[str, str, str, str, str]  # cluster, group, kind, namespace, name


@dataclass(frozen=True)
class Entry:
    ref: ObjectRef
    status: str
    first_seen: str
    application: str
    source: str


@dataclass(frozen=True)
class Baseline:
    file: str
    generated_at: str
    entries: Mapping[Key, Entry]


def key(cluster: str, ref: ObjectRef) -> Key:
    return (cluster, ref.group, ref.kind, ref.namespace, ref.name)


def load(path: Path) -> Baseline:
    """A previous ``-o json`` drift report; anything else is an InputError naming file and line."""
    name = str(path)
    text = read_text(path, name)  # the guarded reader: regular files only, within a byte cap, UTF-8
    try:
        data = load_json(text, name)  # depth, digits and surrogates guarded as for every JSON input
    except InputError as err:
        raise InputError(f"--baseline is not a JSON drift report (gitops-gen drift -o json): "
                         f"{err.message.removeprefix('invalid JSON: ')}", err.location) from None
    where = Location(name, 1, 1)
    if not isinstance(data, dict) or not isinstance(data.get("objects"), list) or "version" not in data:
        validate = isinstance(data, dict) and "findings" in data
        looks = " (it looks like a `gitops-gen validate` report)" if validate else ""
        raise InputError(f"--baseline is not a gitops-gen drift report: expected the JSON of "
                         f"`gitops-gen drift -o json`, with \"version\" and \"objects\"{looks}", where)
    if type(data["version"]) is not int or data["version"] not in SUPPORTED_VERSIONS:  # true == 1 is no version
        raise InputError(f"--baseline has report version {data['version']!r}; this gitops-gen reads "
                         f"version {', '.join(map(str, SUPPORTED_VERSIONS))}", where)
    lines = _element_lines(text, "objects")
    generated_at = str(data.get("generated_at") or "")
    entries: dict[Key, Entry] = {}
    for index, obj in enumerate(data["objects"]):
        at = Location(name, lines[index] if index < len(lines) else 1)
        entry_key, entry = _entry(obj, index, at, generated_at)
        if entry is not None:
            entries[entry_key] = entry
    return Baseline(name, generated_at, entries)


def _entry(obj: Any, index: int, at: Location, generated_at: str) -> tuple[Key, Entry | None]:
    ident = obj.get("object") if isinstance(obj, dict) else None
    fields = ("apiVersion", "kind", "name")
    if not isinstance(ident, dict) or not all(isinstance(ident.get(f), str) and ident.get(f) for f in fields):
        raise InputError(f"--baseline objects[{index}] is not a drift report object: it needs \"cluster\", "
                         "\"status\" and \"object\" with apiVersion, kind, namespace and name", at)
    status = str(obj.get("status") or "")
    if status not in {s.value for s in DriftStatus}:
        raise InputError(f"--baseline objects[{index}] has an unknown status {status!r}", at)
    ref = ObjectRef(ident["apiVersion"], ident["kind"], str(ident.get("namespace") or ""), ident["name"])
    k = key(str(obj.get("cluster") or ""), ref)
    if DriftStatus(status) not in DRIFTED:
        return k, None
    first_seen = str(obj.get("first_seen") or generated_at)
    return k, Entry(ref, status, first_seen, str(obj.get("application") or ""), str(obj.get("source") or ""))


def _element_lines(text: str, field: str) -> list[int]:
    """The line each element of the top-level list ``field`` starts on (for located messages)."""
    decoder = json.JSONDecoder()
    start = text.find(f'"{field}"')
    start = text.find("[", start) + 1 if start >= 0 else 0
    lines: list[int] = []
    pos, line, counted = start, 1, 0
    while 0 < pos < len(text):
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            break
        line += text.count("\n", counted, pos)
        counted = pos
        lines.append(line)
        try:
            _, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            break
    return lines


def apply(report: DriftReport, baseline: Baseline | None) -> DriftReport:
    """Mark each drifted object new or known (with first_seen); list previous drift now resolved."""
    now = report.generated_at
    clusters = []
    current: set[Key] = set()
    unknown: set[Key] = set()
    for cluster in report.clusters:
        items = []
        for item in cluster.items:
            k = key(cluster.cluster, item.ref)
            if item.status is DriftStatus.UNKNOWN:
                unknown.add(k)
            if item.status not in DRIFTED:
                items.append(item)
                continue
            current.add(k)
            before = baseline.entries.get(k) if baseline else None
            if baseline is None:
                items.append(dataclasses.replace(item, first_seen=now))
            elif before is None:
                items.append(dataclasses.replace(item, baseline="new", first_seen=now))
            else:
                items.append(dataclasses.replace(item, baseline="known", first_seen=before.first_seen or now))
        clusters.append(dataclasses.replace(cluster, items=tuple(items)))
    if baseline is None:
        return dataclasses.replace(report, clusters=tuple(clusters))
    readable = {c.cluster for c in report.clusters if not c.error}
    resolved = tuple(
        Resolved(k[0], e.ref, e.status, e.first_seen, e.application, e.source)
        for k, e in sorted(baseline.entries.items())
        if k[0] in readable and k not in current and k not in unknown
    )
    return dataclasses.replace(report, clusters=tuple(clusters), baseline=baseline.generated_at or baseline.file,
                               resolved=resolved)
