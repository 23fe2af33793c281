"""``explain``: why a rendered value is what it is -- the layers that set it, where, and which one won (pure).

The answer comes from two halves that meet here: ``render.origins`` reads a rendered field back to the
blueprint field it was rendered from, and ``blueprint.provenance`` knows the layers that wrote that field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from gitops_gen.base.errors import InputError
from gitops_gen.base.escape import text as esc
from gitops_gen.base.jsonpath import format_path, parse_path
from gitops_gen.base.manifest import Manifest
from gitops_gen.blueprint.provenance import Provenance
from gitops_gen.blueprint.spec import did_you_mean
from gitops_gen.render.origins import ARGOCD_GROUP, ObjectOrigins, explain_object, objects_of
from gitops_gen.yamlio.reader import to_json

JSON_VERSION = 1


def explain(provenance: Provenance, objects: Sequence[Manifest], cluster: str, application: str,
            obj: str = "", field: str = "") -> list[ObjectOrigins]:
    """``explain CLUSTER APPLICATION [OBJECT] [FIELD]`` on one cluster's rendered ``objects``.

    APPLICATION is the Application's name, or that name without the ``<cluster>-`` prefix; OBJECT is
    ``Kind/name`` or ``Kind/namespace/name`` of the Application or an object it deploys (empty or ``-``:
    the Application itself)."""
    apps = {m.ref.name: m for m in objects if m.ref.group == ARGOCD_GROUP and m.ref.kind == "Application"}
    app = apps.get(application) or apps.get(f"{cluster}-{application}")
    if app is None:
        raise InputError(f"no Application {application!r} on cluster {cluster!r}"
                         f"{did_you_mean(application, set(apps) | {n.removeprefix(cluster + '-') for n in apps})}")
    steps = parse_path(field) if field else ()
    if steps is None:
        raise InputError(f"{field!r} is not a field path (like spec.source.targetRevision, "
                         'spec.hard["limits.cpu"] or subjects[0].name)')
    field = format_path(steps)  # one spelling: labels["team"] is labels.team
    if obj in ("", "-"):
        return [explain_object(provenance, cluster, app, field)]
    kind, _, rest = obj.partition("/")
    namespace, _, name = rest.rpartition("/")
    owned = [app, *objects_of(app, objects)]
    found = [m for m in owned if m.ref.kind.lower() == kind.lower() and m.ref.name == name
             and (not namespace or m.ref.namespace == namespace)]
    if not found:
        known = {f"{m.ref.kind}/{m.ref.namespace + '/' if m.ref.namespace else ''}{m.ref.name}" for m in owned}
        raise InputError(f"{app.ref.name} deploys no {obj!r} on {cluster}{did_you_mean(obj, known)}")
    return [explain_object(provenance, cluster, m, field) for m in found]


def as_json(cluster: str, application: str, found: Sequence[ObjectOrigins]) -> dict[str, Any]:
    return {"version": JSON_VERSION, "cluster": cluster, "application": application, "objects": [
        {"object": o.ref.as_json(), "file": f"rendered/{o.file}" if o.file else "", "fields": [
            {"path": f.path, "value": to_json(f.value), "origin": "blueprint" if f.chain else "gitops-gen",
             "winner": f.chain.winner.as_json() if f.chain else None,
             "chain": [layer.as_json() for layer in f.chain.layers] if f.chain else []}
            for f in o.fields]} for o in found]}


def as_text(found: Sequence[ObjectOrigins], every: bool) -> str:
    """One block per field: its value, then each layer (the winner marked); ``every``: fields gitops-gen
    sets itself are listed too, one line each."""
    lines: list[str] = []
    for o in found:
        lines.append(esc(o.ref) + (f"  (rendered/{esc(o.file)})" if o.file else ""))
        for f in o.fields:
            if f.chain is None:
                if every:
                    lines.append(f"  {esc(f.path)} = {_shown(f.value)}   set by gitops-gen")
                continue
            lines.append(f"  {esc(f.path)} = {_shown(f.value)}")
            last = len(f.chain.layers) - 1
            for i, layer in enumerate(f.chain.layers):
                mark = "wins" if i == last else "    "
                lines.append(f"    {mark} {esc(layer.layer):<21} {_shown(layer.value):<14} {esc(layer.location)}  "
                             f"{esc(layer.field)}")
        if not any(f.chain for f in o.fields) and not every:
            lines.append("  (no field of it comes from a blueprint)")
    return "\n".join(lines) + "\n"


def _shown(value: Any) -> str:
    """A value on one terminal line: JSON (strings quoted, control characters escaped), long ones cut."""
    text = json.dumps(to_json(value), ensure_ascii=False, sort_keys=True)
    return esc(text if len(text) <= 60 else text[:57] + "...")
