"""The change log: commits that changed blueprints, who made them, and the clusters each one changed.

History is read with one ``git log`` over the first-parent line of HEAD (what landed on the branch:
a merged pull request is its merge commit), limited to gitops.yaml, blueprints/ and environments/.
Which clusters a commit changed is decided by comparing, per cluster, what its plan is resolved from --
gitops.yaml's rendered settings, its environment's own fields and its cluster entry, and each add-on and
tenant it runs with the environment's and the cluster's overrides and switches applied (``overrides``,
as resolve applies them) -- as checked blueprint data before and after the commit.  A cluster whose
inputs are equal renders equal objects; a comment, a re-indentation or a change that an override hides
changes nothing (tests check the result against ``diff`` commit by commit).  Only the
files a commit changed are read and checked, so a quarter of history costs little; each commit's
result is cached on disk by its sha (docs/adr/0022-evidence-report.md).
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gitops_gen.base.errors import InputError
from gitops_gen.base.inputs import decode
from gitops_gen.blueprint.construct import tenant_selector
from gitops_gen.blueprint.load import FOLDERS, SETTINGS_FILE, checked_spec
from gitops_gen.blueprint.overrides import Override, merged, switched_on, targets
from gitops_gen.report import cache as cache_files
from gitops_gen.report.model import Commit, plain
from gitops_gen.tools import gitrev

PARTS = (SETTINGS_FILE, *FOLDERS.values())
# gitops.yaml keys that only validate and drift read: a change to them changes no cluster's objects
NOT_RENDERED = frozenset({"policy", "argocdContext"})
_REFERENCES = (re.compile(r"^Merge pull request #(\d+)", re.M), re.compile(r"\(#(\d+)\)\s*$", re.M),
               re.compile(r"^(?:PR|Pull-Request|Pull request): *\S*?#?(\d+)\s*$", re.M | re.I))
_MERGE_REQUEST = re.compile(r"See merge request \S*?!(\d+)")

Checked = tuple[str, str, Any, Mapping[str, str], str] | None  # (kind, name, spec, labels, digest); None: broken


def reference(message: str) -> str:
    """The pull request (``#123``) or merge request (``!45``) a commit message names, or ""."""
    for pattern in _REFERENCES:
        if found := pattern.search(message):
            return f"#{found.group(1)}"
    found = _MERGE_REQUEST.search(message)
    return f"!{found.group(1)}" if found else ""


def kind_of(rel: str) -> str | None:
    if rel == SETTINGS_FILE:
        return "Settings"
    for kind, folder in FOLDERS.items():
        inside = rel.removeprefix(folder + "/")
        if inside != rel and rel.endswith((".yaml", ".yml")) and not any(p.startswith(".") for p in inside.split("/")):
            return kind
    return None


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, default=str).encode()).hexdigest()[:20]


_MODULUS = 1 << 160


@functools.lru_cache(maxsize=65536)
def _entry_number(section: str, name: str, state: str | bool) -> int:
    return int(_digest([section, name, state]), 16)


@dataclass(frozen=True)
class _Entries:
    """One environment's add-ons and tenants, as a cluster with some overrides has them (hashed)."""

    addons: Mapping[str, Mapping[str, Any]]
    own: Mapping[str, str]
    at_env: Mapping[str, str]
    tenants: Mapping[str, tuple[Any, Mapping[str, str], str]]
    tenant_at_env: Mapping[str, str]

    def at(self, section: str, name: str, over: list[Override]) -> int:
        if section == "addons":
            on = switched_on(self.addons[name].get("enabled", True) is not False, over)
            state = on and (_merged(self.addons[name], over, self.own[name]) if len(over) > 1 else self.at_env[name])
        else:
            on = name in self.tenants and switched_on(True, over)
            state = on and (_merged(self.tenants[name][0], over, self.tenants[name][2]) if len(over) > 1
                            else self.tenant_at_env[name])
        return _entry_number(section, name, state)


def _merged(raw: Mapping[str, Any], overrides: list[Override], own: str) -> str:
    """The digest of ``raw`` with ``overrides`` applied as resolve applies them (``own``: raw's digest)."""
    found = merged(raw, overrides)
    return own if found is None else _digest(found[0])


def fingerprints(docs: Mapping[str, Checked]) -> dict[str, str]:
    """Cluster -> a digest of what its plan is resolved from, after overrides and switches (module docstring)."""
    settings, stacks, tenants, envs = "", {}, {}, {}
    broken = sorted(rel for rel, doc in docs.items() if doc is None)
    for doc in docs.values():
        if doc is None:
            continue
        kind, name, spec, labels, digest = doc
        if kind == "Settings":
            settings = digest
        elif kind == "AddonStack":
            stacks[name] = spec
        elif kind == "Tenant":
            tenants[name] = (spec, labels, digest)
        else:
            envs[name] = spec
    out: dict[str, str] = {}
    for env, spec in envs.items():
        addons: dict[str, Mapping[str, Any]] = {}
        for stack in spec.get("addonStacks") or ():
            for raw in (stacks.get(stack) or {}).get("addons") or ():
                addons.setdefault(str(raw.get("name")), raw)  # the first stack wins, as in resolve
        own = {n: _digest(raw) for n, raw in addons.items()}
        selector = tenant_selector(spec.get("tenants"))
        names = sorted(n for n, t in tenants.items() if selector.selects(t[1])) if selector \
            else [str(n) for n in spec.get("tenants") or ()]
        env_over = spec.get("overrides") or {}
        common = _digest([settings, broken, env, sorted(set(spec.get("addonStacks") or ())),
                          {k: v for k, v in spec.items() if k not in ("clusters", "overrides", "addonStacks")},
                          {n: raw.get("dependsOn") for n, raw in addons.items()}])
        at_env = {n: _merged(raw, [targets(env_over, "addons", n)], own[n]) for n, raw in addons.items()}
        tenant_at_env = {n: _merged(tenants[n][0], [targets(env_over, "tenants", n)], tenants[n][2])
                         for n in names if n in tenants}
        # The add-ons and tenants as each cluster has them, hashed as a sum so that a cluster starts from the
        # environment's sum and replaces only the entries its own overrides touch.
        entry = _Entries(addons, own, at_env, tenants, tenant_at_env)
        env_entries = {("addons", n): entry.at("addons", n, [targets(env_over, "addons", n)]) for n in addons}
        env_entries.update({("tenants", n): entry.at("tenants", n, [targets(env_over, "tenants", n)]) for n in names})
        total = sum(env_entries.values()) % _MODULUS
        for cluster in (c for c in spec.get("clusters") or () if isinstance(c, Mapping)):
            layers = (env_over, cluster.get("overrides") or {})
            mine = total
            for section in ("addons", "tenants"):
                for n in set(layers[1].get(section) or ()):
                    if (section, n) in env_entries:
                        mine += entry.at(section, n, [targets(o, section, n) for o in layers]) - env_entries[section, n]
            parts: list[Any] = [common, {k: v for k, v in cluster.items() if k != "overrides"}, mine % _MODULUS]
            out[str(cluster.get("name"))] = _digest(parts)
    return out


def _own_digest(kind: str, name: str, spec: Any, labels: Mapping[str, str]) -> str:
    if kind == "Settings":
        return _digest({k: v for k, v in spec.items() if k not in NOT_RENDERED})
    return _digest([spec, labels]) if kind == "Tenant" else _digest(spec)


class _Reader:
    """Checked blueprint data by blob id: a file is read and checked once, however many commits hold it."""

    def __init__(self, checkout: gitrev.Checkout) -> None:
        self.checkout = checkout
        self.memo: dict[tuple[str, str], Checked] = {}

    def docs(self, files: Mapping[str, str]) -> dict[str, Checked]:
        out: dict[str, Checked] = {}
        for rel, blob in files.items():
            kind = kind_of(rel)
            if kind is None:
                continue
            if (rel, blob) not in self.memo:
                try:
                    found = checked_spec(kind, rel, decode(self.checkout.blob(blob), rel))
                except InputError:
                    found = None
                self.memo[rel, blob] = (kind, *found, _own_digest(kind, *found)) if found else None
            out[rel] = self.memo[rel, blob]
        return out


def change_log(root: Path, since: str, cache: Path | None) -> tuple[Commit, ...]:
    """Every commit since ``since`` that changed blueprints, newest first (``cache``: None for no cache)."""
    with gitrev.open_checkout(root) as checkout:
        reader = _Reader(checkout)
        logged = checkout.history(since, PARTS)
        out: list[Commit] = []
        files: dict[str, str] | None = None  # the blueprint files at the parent of the next commit
        before: dict[str, str] = {}
        for c in logged:
            key = _cache_key(c.sha, checkout.prefix)
            cached = _read(cache, key)
            if cached is not None:
                out.append(cached)
                files = None  # the next uncached commit lists its parent itself
                continue
            if files is None:
                files = checkout.files(c.parents[0], PARTS) if c.parents else {}
                before = fingerprints(reader.docs(files))
            files = {**files, **{p: b for p, b in c.changed.items() if b is not None}}
            for path in [p for p, b in c.changed.items() if b is None]:
                files.pop(path, None)
            after = fingerprints(reader.docs(files))
            clusters = tuple(sorted(n for n in set(before) | set(after) if before.get(n) != after.get(n)))
            subject = c.message.splitlines()[0] if c.message else ""
            commit = Commit(c.sha, c.author, c.date, subject, reference(c.message), clusters)
            _write(cache, key, commit)
            out.append(commit)
            before = after
    return tuple(reversed(out))


def _cache_key(sha: str, prefix: str) -> str:
    return f"{sha}-{hashlib.sha256(prefix.encode()).hexdigest()[:8]}.json"


def _read(cache: Path | None, key: str) -> Commit | None:
    doc = cache_files.read(cache / key if cache else None)
    try:
        return Commit(doc["sha"], doc["author"], doc["date"], doc["subject"], doc["reference"],
                      tuple(doc["clusters"])) if doc else None
    except (KeyError, TypeError):
        return None  # a damaged entry is recomputed


def _write(cache: Path | None, key: str, commit: Commit) -> None:
    cache_files.write(cache / key if cache else None, plain(commit))
