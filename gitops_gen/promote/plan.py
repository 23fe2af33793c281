"""Promotion planning: what carrying one environment's add-on versions and values into another changes (pure).

The semantics (docs/adr/0008-promotion.md), in short: an add-on's *environment-level* state is its
stack entry with the environment's ``overrides.addons.<name>`` merged in (cluster overrides are per
cluster and are reported, never carried).  That state is taken from the resolved model (resolve's
``ClusterPlan.env_addons``): promotion does not merge again, and reads values as the loader does.
Where the source's and the target's states differ, the
target's override is edited, with the smallest edit that makes them equal:

- ``chart`` and ``source`` fields (version, targetRevision, repoURL, name, path) are always carried;
  when the source runs the stack default, the target's override of that field is removed instead;
- ``values`` are carried leaf by leaf for the add-ons named with ``--addon`` only (an environment's
  overrides mix its own sizing with changes in flight; naming the add-on says which is meant), and
  never the leaves the target environment sets itself: those are its own configuration (prod's
  replica count), kept and reported.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gitops_gen.base.errors import InputError
from gitops_gen.blueprint.model import Addon, Environment, Repo
from gitops_gen.blueprint.overrides import deep_merge
from gitops_gen.blueprint.spec import did_you_mean

SOURCE_KINDS = ("chart", "source")  # where a version or revision lives; carried field by field


class _Missing:
    def __repr__(self) -> str:
        return "(unset)"


MISSING: Any = _Missing()


@dataclass(frozen=True)
class Change:
    """One field of one add-on in the target environment: ``old`` (what it runs) becomes ``new``."""

    addon: str
    path: tuple[str, ...]  # below the add-on: ("chart", "version"), ("values", "controller", "replicas")
    old: Any
    new: Any
    remove: bool = False  # made by removing the target's override: the source runs the stack default

    def describe(self) -> str:
        how = " (override removed: the stack default)" if self.remove else ""
        return f"{self.addon}: {'.'.join(self.path)} {_show(self.old)} -> {_show(self.new)}{how}"


@dataclass(frozen=True)
class Promotion:
    source: str
    target: str
    file: str  # the target environment's blueprint, repo-relative
    changes: tuple[Change, ...]
    notes: tuple[str, ...]  # what differs but is not carried, and why


@dataclass(frozen=True)
class Overrides:
    """An environment's add-on overrides as its blueprint writes them: the environment's own and each
    cluster's (the model holds only their merged result; promotion must know who set what)."""

    env: Mapping[str, Any]  # add-on name -> override
    clusters: Mapping[str, Mapping[str, Any]]  # cluster name -> add-on name -> override

    @classmethod
    def of(cls, spec: Mapping[str, Any]) -> Overrides:
        clusters = [c for c in spec.get("clusters") or () if isinstance(c, Mapping)]
        return cls(_addons_of(spec), {str(c.get("name")): _addons_of(c) for c in clusters})


def _addons_of(holder: Mapping[str, Any]) -> Mapping[str, Any]:
    found = (holder.get("overrides") or {}).get("addons") or {}
    return found if isinstance(found, Mapping) else {}


def plan(repo: Repo, target: str, source: str | None = None, addons: Sequence[str] = (), *,
         read: Callable[[Environment], Overrides]) -> Promotion:
    """What promoting ``source`` (default: the target's ``promotesFrom``) into ``target`` changes.

    ``read`` gives an environment's overrides as written in its blueprint (the caller reads the file)."""
    to_env = _environment(repo, target, "--to")
    source = source or to_env.promotes_from
    if not source:
        raise InputError(f"environment {target!r} has no promotesFrom: name the source with --from ENV")
    from_env = _environment(repo, source, "--from")
    if source == target:
        raise InputError(f"--from and --to both name {target!r}: promotion needs two environments")
    have, want = env_addons(repo, to_env), env_addons(repo, from_env)
    known = set(have) | set(want)
    addons = list(dict.fromkeys(addons))  # named twice is named once
    for name in addons:
        if name not in known:
            raise InputError(f"--addon: {name!r} is not an add-on of {source!r} or {target!r}"
                             f"{did_you_mean(name, known)}")
    over = (read(from_env), read(to_env))
    changes: list[Change] = []
    notes: list[str] = []
    absent = [n for n in (addons or want) if n not in have]
    if absent:
        notes.append(f"not in {target} (no stack of {target} has them), not promoted: {', '.join(absent)}")
    for name in addons or list(want):
        if name in absent:
            continue
        if name not in want:
            if addons:
                notes.append(f"{name}: does not run in {source}; nothing to promote")
            continue
        found, found_notes = _addon_changes(name, (want[name], _resolved(repo, from_env, name)), have[name],
                                            _resolved(repo, to_env, name), (from_env, over[0]), (to_env, over[1]),
                                            bool(addons))
        changes.extend(found)
        notes.extend(found_notes)
    return Promotion(source, target, to_env.origin.file, tuple(changes), tuple(notes))


def env_addons(repo: Repo, env: Environment) -> dict[str, Addon]:
    """The add-ons an environment runs, by name, as its stacks define them (before overrides)."""
    out: dict[str, Addon] = {}
    for stack in env.addon_stacks:
        for addon in repo.stacks[stack].addons if stack in repo.stacks else ():
            out.setdefault(addon.name, addon)
    return out


def _resolved(repo: Repo, env: Environment, name: str) -> Addon | None:
    """The add-on at environment level, as resolve made it (None: switched off on every cluster)."""
    return next((p.env_addons[name] for p in repo.plans if p.env.name == env.name and name in p.env_addons), None)


def addon_override(overrides: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    found = overrides.get(name)
    return found if isinstance(found, Mapping) else {}


def stack_fields(addon: Addon) -> dict[str, Any]:
    """An add-on as its stack defines it, in blueprint field names (what overrides merge into)."""
    out: dict[str, Any] = {"values": dict(addon.values)}
    if addon.chart:
        out["chart"] = {"repoURL": addon.chart.repo_url, "name": addon.chart.name, "version": addon.chart.version}
    if addon.source:
        out["source"] = {"repoURL": addon.source.repo_url, "path": addon.source.path,
                         "targetRevision": addon.source.target_revision}
    if getattr(addon, "enabled", True) is False:
        out["enabled"] = False
    return out


def _environment(repo: Repo, name: str, option: str) -> Environment:
    if name not in repo.environments:
        raise InputError(f"{option}: unknown environment {name!r}{did_you_mean(name, set(repo.environments))}")
    return repo.environments[name]


def _state(stack: Addon, resolved: Addon | None, override: Mapping[str, Any]) -> dict[str, Any]:
    """An add-on's fields at environment level: the resolved add-on's; switched off when resolve has none."""
    if resolved is not None:
        return stack_fields(resolved)
    return dict(deep_merge(stack_fields(stack), {"enabled": False, **override}))


def _addon_changes(name: str, source_addon: tuple[Addon, Addon | None], tgt_addon: Addon, tgt_resolved: Addon | None,
                   source: tuple[Environment, Overrides], target: tuple[Environment, Overrides],
                   with_values: bool) -> tuple[list[Change], list[str]]:
    (src, src_over), (tgt, tgt_overrides) = source, target
    base = stack_fields(tgt_addon)
    tgt_over = addon_override(tgt_overrides.env, name)
    want = _state(source_addon[0], source_addon[1], addon_override(src_over.env, name))
    have = _state(tgt_addon, tgt_resolved, tgt_over)
    if False in (want.get("enabled", True), have.get("enabled", True)):
        off = src.name if want.get("enabled", True) is False else tgt.name
        return [], [f"{name}: switched off in {off}; not promoted"]
    kind_want = next((k for k in SOURCE_KINDS if k in want), "manifests")
    kind_have = next((k for k in SOURCE_KINDS if k in have), "manifests")
    if kind_want != kind_have:
        return [], [f"{name}: {src.name} deploys it from {kind_want}, {tgt.name} from {kind_have}; "
                    "change the target by hand"]
    changes: list[Change] = []
    notes: list[str] = []
    if kind_want in SOURCE_KINDS:
        w_fields, h_fields = want[kind_want], have[kind_want]
        default = base.get(kind_want) or {}
        for key in [*w_fields, *(k for k in h_fields if k not in w_fields)]:
            new, old = w_fields.get(key, MISSING), h_fields.get(key, MISSING)
            if new == old or new is MISSING:
                continue
            overridden = key in (tgt_over.get(kind_want) or {})
            changes.append(Change(name, (kind_want, key), old, new, overridden and default.get(key, MISSING) == new))
    held: list[str] = []
    for path, new, old in leaf_differences(want.get("values") or {}, have.get("values") or {}):
        dotted = ".".join(("values", *path))
        if sets(tgt_over.get("values"), path):
            if with_values:
                notes.append(f"{name}: {dotted} is {tgt.name}'s own setting ({_show(old)}; {src.name} has "
                             f"{_show(new)}): kept")
        elif new is MISSING:
            continue
        elif with_values:
            changes.append(Change(name, ("values", *path), old, new))
        else:
            held.append(dotted)
    if held:
        notes.append(f"{name}: {', '.join(held)} differ{'s' if len(held) == 1 else ''}; values are carried "
                     f"only for the add-ons named (--addon {name})")
    notes.extend(_cluster_notes(name, changes, source, target))
    return changes, notes


def _cluster_notes(name: str, changes: Sequence[Change], source: tuple[Environment, Overrides],
                   target: tuple[Environment, Overrides]) -> Iterator[str]:
    (src, src_over), (_, tgt_over) = source, target
    for cluster, by_addon in tgt_over.clusters.items():
        over = addon_override(by_addon, name)
        for change in changes:
            if sets(over, change.path):
                yield (f"{name}: cluster {cluster} overrides {'.'.join(change.path)} itself and keeps "
                       f"{_show(_dig(over, change.path))}; edit its overrides to change that")
    for cluster, by_addon in src_over.clusters.items():
        over = addon_override(by_addon, name)
        touched = [k for k in (*SOURCE_KINDS, "values") if k in over]
        if touched:
            yield (f"{name}: cluster {cluster} of {src.name} overrides {', '.join(touched)}; "
                   "cluster overrides are not promoted")


def leaf_differences(want: Any, have: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any, Any]]:
    """(path, wanted, had) of every leaf where two values differ; maps recurse, all else is a leaf."""
    if isinstance(want, Mapping) and isinstance(have, Mapping):
        for key in [*want, *(k for k in have if k not in want)]:
            yield from leaf_differences(want.get(key, MISSING), have.get(key, MISSING), (*prefix, str(key)))
    elif want != have and prefix:
        yield prefix, want, have


def sets(over: Any, path: Sequence[str]) -> bool:
    """Whether the override ``over`` writes ``path`` (or a part of it) itself."""
    node = over
    for key in path:
        if not isinstance(node, Mapping) or key not in node:
            return False
        node = node[key]
    return True


def _dig(node: Any, path: Sequence[str]) -> Any:
    for key in path:
        node = node[key]
    return node


def _show(value: Any) -> str:
    if value is MISSING or isinstance(value, str):
        return str(value)
    return json.dumps(value, default=str)
