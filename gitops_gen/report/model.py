"""The evidence pack as immutable values: one dataclass per section, then the whole report."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

JSON_VERSION = 1
# The label whose value names who pays for a namespace (docs/adr/0022-evidence-report.md): the label
# policy requires on every tenant namespace by default (``policy.requiredNamespaceLabels``).
COST_CENTRE_LABEL = "cost-center"


class Deployed(NamedTuple):
    """One add-on of an environment's stacks on one cluster."""

    addon: str
    cluster: str
    environment: str
    kind: str  # chart, source or manifests
    version: str  # chart version or git revision ("" for plain manifests, or when switched off)
    enabled: bool
    skew: bool = False  # runs a version its promotesFrom environment runs nowhere


class Grant(NamedTuple):
    """A group holding a role in one namespace of one cluster (``via``: RoleBinding or AppProject)."""

    group: str
    role: str
    via: str
    cluster: str
    namespace: str
    source: str  # the rendered object granting it: Kind/namespace/name


@dataclass(frozen=True)
class Quota:
    """One namespace's ResourceQuota: its tier and its hard limits (as written)."""

    cluster: str
    namespace: str
    tenant: str
    tier: str
    hard: Mapping[str, str]


@dataclass(frozen=True)
class Capacity:
    quotas: tuple[Quota, ...]
    per_cluster: Mapping[str, Mapping[str, str]]  # cluster -> resource -> sum
    per_tier: Mapping[str, Mapping[str, str]]  # tier -> resource -> sum over every cluster ("namespaces": count)
    cost_centres: Mapping[str, tuple[str, ...]]  # cost centre -> tenants ("" : tenants without one)
    unlabelled: tuple[tuple[str, str], ...]  # (cluster, namespace) of tenant namespaces without the label


@dataclass(frozen=True)
class Exception_:
    rule: str
    selector: str
    owner: str
    reason: str
    expires: str
    days_left: int
    location: str

    @property
    def state(self) -> str:
        return "expired" if self.days_left < 0 else "expiring" if self.days_left <= 30 else "active"


@dataclass(frozen=True)
class Posture:
    by_rule: Mapping[str, Mapping[str, int]]  # rule -> severity -> findings
    exceptions: tuple[Exception_, ...]
    today: str


@dataclass(frozen=True)
class Commit:
    sha: str
    author: str
    date: str  # ISO 8601
    subject: str
    reference: str  # "#123" / "!45" / "" : the pull or merge request the message names
    clusters: tuple[str, ...]  # clusters whose rendered objects the commit changed


@dataclass(frozen=True)
class DriftPoint:
    time: str
    drifted: int  # objects modified, missing or extra at that report


@dataclass(frozen=True)
class ClusterDrift:
    cluster: str
    points: tuple[DriftPoint, ...]
    objects: int  # distinct objects drifted in some report
    drifted_hours: float  # object-hours: each drifted object counted until the next report


@dataclass(frozen=True)
class Report:
    commit: str  # the commit the pack describes ("" outside Git)
    generated_at: str
    inventory: tuple[Deployed, ...]
    access: tuple[Grant, ...]
    capacity: Capacity
    posture: Posture
    changes: tuple[Commit, ...] = ()
    drift: tuple[ClusterDrift, ...] = ()
    since: str = ""
    notes: tuple[str, ...] = field(default=())  # what a section could not cover (no Git, no drift reports)


_FIELDS: dict[type, tuple[str, ...] | None] = {str: None, int: None, float: None, bool: None, type(None): None}


def plain(value: Any) -> Any:
    """JSON data from the values above: ``dataclasses.asdict`` without its deep copies (ten times faster on
    a fleet's 60,000 grants).  Each type is looked at once: a record's field names, or None for the rest."""
    kind = type(value)
    if kind not in _FIELDS:
        if dataclasses.is_dataclass(value):
            _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
        elif isinstance(value, tuple) and hasattr(kind, "_fields"):
            _FIELDS[kind] = kind._fields
        else:
            _FIELDS[kind] = None
    names = _FIELDS[kind]
    if names is not None:
        return {name: plain(getattr(value, name)) for name in names}
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if isinstance(value, (tuple, list)):
        return [plain(v) for v in value]
    if isinstance(value, Mapping):
        return {k: plain(v) for k, v in value.items()}
    return value
