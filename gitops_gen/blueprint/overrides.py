"""Overrides and switches: stack / tenant blueprint -> environment -> cluster (pure, used by resolve only).

Overrides merge deep (maps merge, lists replace), environment first, then the cluster's own.
Each merged add-on is checked again, so an override that breaks an add-on is reported at the
override's line.  ``enabled`` is a switch, not a field: the last override that says wins, and
an override that only switches leaves the add-on or tenant itself untouched (the same object).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

from gitops_gen.base.errors import Location
from gitops_gen.blueprint import construct
from gitops_gen.blueprint import v1 as bp
from gitops_gen.blueprint.model import Addon, Tenant
from gitops_gen.blueprint.spec import Errors
from gitops_gen.yamlio.reader import LocDict

Override = Mapping[str, Any] | None  # an environment's or cluster's override of one add-on or tenant


def targets(overrides: Mapping[str, Any], section: str, name: str) -> Override:
    """An environment's or cluster's override of one add-on or tenant (``section``: addons or tenants)."""
    return (overrides.get(section) or {}).get(name)


def deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> LocDict:
    """Maps merge, everything else (lists included) is replaced; positions follow the winning value."""
    out = LocDict(base, loc=base.loc if isinstance(base, LocDict) else Location(""))
    if isinstance(base, LocDict):
        out.key_locs.update(base.key_locs)
        out.value_locs.update(base.value_locs)
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = deep_merge(out[key], value)
        else:
            out[key] = value
        if isinstance(over, LocDict):
            out.key_locs[key] = over.key_loc(key)
            out.value_locs[key] = over.value_loc(key)
    return out


def switched_on(default: bool, overrides: Sequence[Override]) -> bool:
    """``enabled`` after the overrides: the last one that says wins."""
    for override in overrides:
        if override and "enabled" in override:
            default = override["enabled"] is not False
    return default


def _without_switch(override: Override) -> Override:
    if not override or "enabled" not in override:
        return override
    rest = LocDict({k: v for k, v in override.items() if k != "enabled"},
                   loc=override.loc if isinstance(override, LocDict) else Location(""))
    if isinstance(override, LocDict):
        rest.key_locs.update(override.key_locs)
        rest.value_locs.update(override.value_locs)
    return rest or None


def merged(raw: Mapping[str, Any], overrides: Sequence[Override]) -> tuple[LocDict, Location] | None:
    """``raw`` with the overrides merged in order, and where the last one was written; None: no override."""
    patches = [p for o in overrides if (p := _without_switch(o))]
    if not patches:
        return None
    out = deep_merge(raw, {})  # a copy that keeps every position of ``raw``
    for patch in patches:
        out = deep_merge(out, patch)
        if isinstance(patch, LocDict) and any(k in patch for k in ("chart", "source", "manifests")):
            out.loc = patch.loc  # a second source is reported at the override that brought it in
    last = patches[-1]
    return out, last.loc if isinstance(last, LocDict) else out.loc


def addon_with(addon: Addon, raw: Mapping[str, Any], overrides: Sequence[Override], errors: Errors) -> Addon:
    """``addon`` (built from ``raw``) with ``overrides`` applied: the same object when there are none."""
    if (found := merged(raw, overrides)) is None:
        return addon
    doc, where = found
    checked = bp.addon_spec.check(doc, where, f"add-on {addon.name}", errors)
    return construct.make_addon(addon.stack, checked, addon.origin) if checked is not None else addon


def tenant_with(tenant: Tenant, raw: Mapping[str, Any], overrides: Sequence[Override]) -> Tenant:
    """``tenant`` with ``overrides`` applied: the same object when there are none."""
    if (found := merged(raw, overrides)) is None:
        return tenant
    return dataclasses.replace(construct.make_tenant(tenant.name, found[0], tenant.origin, tenant.selector_labels),
                               apps=tenant.apps)
