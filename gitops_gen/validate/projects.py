"""Argo CD's own matching rules, re-implemented so a verdict here is the verdict at sync time.

Mirrors argo-cd ``util/glob`` (gobwas/glob syntax: ``*`` stops at a separator, ``**`` does not,
``?``, ``[a-z]``, ``[!a]``, ``{a,b}``, ``\\`` escapes), ``util/git.NormalizeGitURL`` and
``AppProject.IsSourcePermitted`` / ``isDestinationMatched`` (``!`` patterns deny, deny wins).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from gitops_gen.base.repourl import normalize_git_url

GLOB_CHARS = frozenset("*?[{")


@functools.lru_cache(maxsize=4096)
def _compile(pattern: str, separators: str) -> re.Pattern[str] | None:
    """gobwas/glob pattern -> anchored regex; ``None`` when it does not compile (Argo: no match)."""
    not_sep = f"[^{re.escape(separators)}]" if separators else "."
    out: list[str] = []
    depth = 0  # inside {...}: "," separates alternatives
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            if i + 1 >= len(pattern):
                return None
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        if c == "*":
            if pattern.startswith("**", i):
                out.append(".*")
                i += 2
                continue
            out.append(f"{not_sep}*")
        elif c == "?":
            out.append(not_sep)
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end < 0:
                return None
            body = pattern[i + 1:end]
            negate = body.startswith("!")
            body = body[1:] if negate else body
            if not body:
                return None
            cls = "".join(ch if ch == "-" else re.escape(ch) for ch in body)
            out.append(f"[{'^' if negate else ''}{cls}]")
            i = end + 1
            continue
        elif c == "{":
            depth += 1
            out.append("(?:")
        elif c == "}" and depth:
            depth -= 1
            out.append(")")
        elif c == "," and depth:
            out.append("|")
        else:
            out.append(re.escape(c))
        i += 1
    if depth:
        return None
    try:
        return re.compile("".join(out), re.DOTALL)
    except re.error:
        return None


def glob_match(pattern: str, text: str, separators: str = "") -> bool:
    """``glob.Match`` of Argo CD."""
    compiled = _compile(pattern, separators)
    return compiled is not None and compiled.fullmatch(text) is not None


def is_deny(pattern: str) -> bool:
    return pattern.startswith("!")


def has_glob(pattern: str) -> bool:
    return any(c in GLOB_CHARS for c in pattern)


def _project_glob(pattern: str, value: str, separators: str = "") -> bool:
    """``globMatch(pattern, val, allowNegation=true)`` of app_project_types.go."""
    if is_deny(pattern):
        return not glob_match(pattern[1:], value, separators)
    return pattern == "*" or glob_match(pattern, value, separators)


def source_permitted(source_repos: Sequence[str], repo_url: str) -> bool:
    """A source is permitted when some entry matches and no ``!`` entry matches (deny wins).

    Like Argo CD, a deny entry that does not match counts as a match: ``["!x"]`` permits all but x.
    """
    src = normalize_git_url(repo_url)
    any_matched = False
    for entry in source_repos:
        normalized = "!" + normalize_git_url(entry[1:]) if is_deny(entry) else normalize_git_url(entry)
        if _project_glob(normalized, src, "/"):
            any_matched = True
        elif is_deny(normalized):
            return False
    return any_matched


_BY_IDENTITY: dict[tuple[int, Callable[[Any], Any]], tuple[object, Any]] = {}


def by_identity(obj: Any, compute: Callable[[Any], Any]) -> Any:
    """``compute(obj)``, once per object while it lives: a fleet's AppProjects are one object shared by
    every cluster's checks, and their destinations list every cluster."""
    key = (id(obj), compute)
    hit = _BY_IDENTITY.get(key)
    if hit is not None and hit[0] is obj:
        return hit[1]
    if len(_BY_IDENTITY) > 4096:
        _BY_IDENTITY.clear()
    value = compute(obj)
    _BY_IDENTITY[key] = (obj, value)  # holds obj: its id cannot be reused while the entry lives
    return value


def _plain(item: Mapping[str, Any]) -> bool:
    """A destination naming one server and a namespace, no glob, no deny: it only ever matches that server."""
    server, ns = str(item.get("server") or ""), str(item.get("namespace") or "")
    return bool(server) and not item.get("name") and not has_glob(server) and not is_deny(server) \
        and not is_deny(ns)


def _by_server(destinations: Sequence[Mapping[str, Any]]) -> tuple[dict[str, list[Mapping[str, Any]]], list[Any]]:
    exact: dict[str, list[Mapping[str, Any]]] = {}
    other: list[Any] = []
    for item in destinations:
        if isinstance(item, Mapping) and _plain(item):
            exact.setdefault(str(item["server"]), []).append(item)
        else:
            other.append(item)
    return exact, other


def destination_permitted(destinations: Sequence[Mapping[str, Any]], server: str, name: str,
                          namespace: str) -> bool:
    """``isDestinationMatched``: some destination matches (server or name, and namespace), none denies.
    Destinations naming one other server plainly can neither match nor deny: only this server's are read."""
    if len(destinations) > 16:
        exact, other = by_identity(destinations, _by_server)
        destinations = [*exact.get(server, ()), *other]
    any_matched = False
    no_deny_matched = True
    for entry in destinations:
        item = entry if isinstance(entry, Mapping) else {}
        item_server = str(item.get("server") or "")
        item_name = str(item.get("name") or "")
        item_ns = str(item.get("namespace") or "")
        name_ok = bool(name) and _project_glob(item_name, name)
        server_ok = bool(server) and _project_glob(item_server, server)
        ns_ok = _project_glob(item_ns, namespace)
        if (server_ok or name_ok) and ns_ok:
            any_matched = True
        elif ((not name_ok and is_deny(item_name)) or (not server_ok and is_deny(item_server))
              or (not ns_ok and is_deny(item_ns))):
            no_deny_matched = False
    return any_matched and no_deny_matched
