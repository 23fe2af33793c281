"""The blueprint line behind each changed field, from the provenance map of the side that holds it (pure).

A field the change sets or modifies is named by the layer that won at head; a field it removes, by
the layer that had set it at base.  Lines at a revision read ``<sha>:file:line:col`` (git's notation,
as errors in a revision's blueprints do); the work tree's read ``file:line:col``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any, NamedTuple

from gitops_gen.blueprint.provenance import Provenance
from gitops_gen.diff.clusters import ClusterPair
from gitops_gen.diff.model import AppChange, ClusterChange, FieldChange
from gitops_gen.render.origins import chain_of
from gitops_gen.render.owners import is_application

Objects = Mapping[Any, Mapping[str, Any]]


class Sourced(NamedTuple):
    """One side's provenance and how its locations are prefixed ("<sha>:" at a revision, "" in the work tree)."""

    provenance: Provenance | None
    prefix: str = ""


def _source(side: Sourced, cluster: str, body: Mapping[str, Any] | None, path: str) -> str:
    if side.provenance is None or body is None:
        return ""
    chain = chain_of(side.provenance, cluster, body, path)
    return f"{side.prefix}{chain.winner.location}" if chain is not None else ""


def _fields(changes: tuple[FieldChange, ...], cluster: str, base: tuple[Sourced, Mapping[str, Any] | None],
            head: tuple[Sourced, Mapping[str, Any] | None]) -> tuple[FieldChange, ...]:
    out = []
    for c in changes:
        side, body = head if c.head is not None else base
        out.append(dataclasses.replace(c, source=_source(side, cluster, body, c.path)) if body is not None else c)
    return tuple(out)


def with_sources(change: ClusterChange, pair: ClusterPair, base: Sourced, head: Sourced) -> ClusterChange:
    """``change`` with the blueprint line of every changed field that a blueprint wrote."""
    if base.provenance is None and head.provenance is None:
        return change
    apps_of = {r.name: r for objects in (pair.head, pair.base) for r in objects if is_application(r)}
    cluster = change.name
    apps = []
    for app in change.applications:
        ref = apps_of.get(app.name)
        fields = _fields(app.changes, cluster, (base, pair.base.get(ref)), (head, pair.head.get(ref))) \
            if ref is not None else app.changes
        objects = tuple(dataclasses.replace(o, changes=_fields(o.changes, cluster, (base, pair.base.get(o.ref)),
                                                              (head, pair.head.get(o.ref)))) for o in app.objects)
        apps.append(AppChange(app.name, app.status, fields, objects))
    return dataclasses.replace(change, applications=tuple(apps))
