"""Drift results as immutable values, in the spirit of kopf's ``DiffItem``.

A ``Change`` says one field differs (``path`` in dotted form, e.g.
``spec.template.spec.containers[name=app].image``); a ``DriftItem`` is the
verdict for one object; a ``ClusterReport`` gathers a cluster's verdicts and
its Argo CD Applications; a ``DriftReport`` is what every output format
renders and what decides the exit code.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from gitops_gen.base.errors import ExitCode
from gitops_gen.base.manifest import ObjectRef
from gitops_gen.base.status import DRIFTED, DriftStatus


class Change(NamedTuple):
    """One differing field.  ``None`` stands for "not set" (null, empty and absent are the same)."""

    path: str
    desired: Any
    live: Any


@dataclass(frozen=True)
class DriftItem:
    status: DriftStatus
    ref: ObjectRef
    changes: tuple[Change, ...] = ()
    reason: str = ""  # why an object is unknown
    source: str = ""  # blueprint file:line the desired object came from
    file: str = ""  # file under rendered/ that holds the desired object
    application: str = ""  # the Argo CD Application that owns it ("" none known)
    hint: str = ""  # the next step, for drifted objects
    baseline: str = ""  # against --baseline: "new" or "known" ("" without a baseline)
    first_seen: str = ""  # when this drift was first reported (carried from report to report)


@dataclass(frozen=True)
class Resolved:
    """An object a previous report (--baseline) found drifted that is now in sync or gone."""

    cluster: str
    ref: ObjectRef
    was: str  # its status then
    first_seen: str = ""
    application: str = ""
    source: str = ""


@dataclass(frozen=True)
class AppStatus:
    """The live Argo CD view of one rendered Application."""

    name: str
    namespace: str
    sync: str  # Synced | OutOfSync | Unknown
    health: str  # Healthy | Progressing | Degraded | Suspended | Missing | Unknown
    operation: str  # last operation phase: Succeeded | Failed | Error | Running | Terminating | ""
    drift: bool  # counts as drift under the drift configuration
    reason: str = ""


def _count(items: tuple[DriftItem, ...]) -> dict[str, int]:
    counts = {status.value: 0 for status in DriftStatus}
    for item in items:
        counts[item.status.value] += 1
    return counts


@dataclass(frozen=True)
class ClusterReport:
    cluster: str
    context: str
    items: tuple[DriftItem, ...] = ()
    applications: tuple[AppStatus, ...] = ()
    error: str = ""  # the cluster could not be read at all (exit 3)
    dump: str = ""  # the live state came from this dump (--live-from), not from ``context``
    warnings: tuple[str, ...] = ()  # parts the reader could not check; the report is incomplete there

    @property
    def summary(self) -> dict[str, int]:
        return _count(self.items)

    @property
    def drifted(self) -> bool:
        return any(i.status in DRIFTED for i in self.items) or any(a.drift for a in self.applications)


@dataclass(frozen=True)
class DriftReport:
    clusters: tuple[ClusterReport, ...]
    options: Mapping[str, Any] = field(default_factory=dict)  # how it was produced (env, source), for headers
    generated_at: str = ""  # UTC, ISO 8601 (e.g. 2026-12-03T06:00:00Z)
    baseline: str = ""  # generated_at of the --baseline report ("" without one)
    resolved: tuple[Resolved, ...] = ()
    only_drifted: bool = False  # formats leave out objects and Applications in sync

    @property
    def items(self) -> tuple[tuple[ClusterReport, DriftItem], ...]:
        return tuple((c, i) for c in self.clusters for i in c.items)

    @property
    def items_drifted(self) -> tuple[tuple[ClusterReport, DriftItem], ...]:
        return tuple((c, i) for c, i in self.items if i.status in DRIFTED)

    @property
    def new_items(self) -> tuple[tuple[ClusterReport, DriftItem], ...]:
        return tuple((c, i) for c, i in self.items_drifted if i.baseline == "new")

    @property
    def summary(self) -> dict[str, int]:
        counts = _count(tuple(i for c in self.clusters for i in c.items))
        counts["applications_drifted"] = sum(a.drift for c in self.clusters for a in c.applications)
        return counts

    @property
    def exit_code(self) -> ExitCode:
        if any(c.error for c in self.clusters):
            return ExitCode.EXTERNAL
        return ExitCode.FINDINGS if any(c.drifted for c in self.clusters) else ExitCode.OK
