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

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Mapping
from dataclasses import asdict
from pathlib import Path
from typing import Any

from gitops_gen import __version__
from gitops_gen.base.errors import InputError
from gitops_gen.base.inputs import decode, read_input
from gitops_gen.blueprint.construct import tenant_selector
from gitops_gen.blueprint.load import FOLDERS, SETTINGS_FILE, checked_spec
from gitops_gen.blueprint.overrides import Override, merged, switched_on, targets
from gitops_gen.report.model import Commit
from gitops_gen.tools import gitrev

PARTS = (SETTINGS_FILE, *FOLDERS.values())
# gitops.yaml keys that only validate and drift read: a change to them changes no cluster's objects
NOT_RENDERED = frozenset({"policy", "crdDirs", "argocdContext"})
CACHE_FORMAT = 1
_REFERENCES = (re.compile(r"^Merge pull request #(\d+)", re.M), re.compile(r"\(#(\d+)\)\s*$", re.M),
               re.compile(r"^(?:PR|Pull-Request|Pull request): *\S*?#?(\d+)\s*$", re.M | re.I))
_MERGE_REQUEST = re.compile(r"See merge request \S*?!(\d+)")

Checked = tuple[str, str, Any, Mapping[str, str]] | None  # (kind, name, spec, labels), None: broken file


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
        kind, name, spec, labels = doc
        if kind == "Settings":
            settings = _digest({k: v for k, v in spec.items() if k not in NOT_RENDERED})
        elif kind == "AddonStack":
            stacks[name] = spec
        elif kind == "Tenant":
            tenants[name] = (spec, labels, _digest([spec, labels]))
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
        for cluster in spec.get("clusters") or ():
            layers = (env_over, cluster.get("overrides") or {})
            parts: list[Any] = [common, {k: v for k, v in cluster.items() if k != "overrides"}]
            for n, raw in addons.items():
                over = [targets(o, "addons", n) for o in layers]
                on = switched_on(raw.get("enabled", True) is not False, over)
                parts.append((n, on and at_env[n], on and (_merged(raw, over, own[n]) if over[1] else at_env[n])))
            for n in names:
                over = [targets(o, "tenants", n) for o in layers]
                if n not in tenants or not switched_on(True, over):
                    parts.append((n, n in tenants))
                    continue
                parts.append((n, tenant_at_env[n], _merged(tenants[n][0], over, tenants[n][2]) if over[1]
                              else tenant_at_env[n]))
            out[str(cluster.get("name"))] = _digest(parts)
    return out


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
                self.memo[rel, blob] = (kind, *found) if found else None
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
    if cache is None or not (cache / key).is_file():
        return None
    try:
        doc = json.loads(read_input(cache / key, limit=1 << 20))
        if doc.get("format") != CACHE_FORMAT or doc.get("version") != __version__:
            return None
        return Commit(doc["sha"], doc["author"], doc["date"], doc["subject"], doc["reference"],
                      tuple(doc["clusters"]))
    except (InputError, ValueError, KeyError, TypeError, AttributeError):
        return None  # a damaged entry is recomputed


def _write(cache: Path | None, key: str, commit: Commit) -> None:
    if cache is None:
        return
    try:
        cache.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=cache, prefix=".tmp-")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"format": CACHE_FORMAT, "version": __version__, **asdict(commit)}, out)
        os.replace(tmp, cache / key)
    except OSError:
        pass  # a cache that cannot be written only costs time



