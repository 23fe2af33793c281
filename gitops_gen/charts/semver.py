"""Helm's version constraints (Masterminds semver), for a chart's ``kubeVersion`` and the charts Helm picks.

``>=1.25.0-0``, ``^1.2``, ``~1.31``, ``1.2.x``, ``1.2 - 1.4``, ``>=1.20, <1.30``, ``<1.22 || >=1.25``.
Helm checks ``kubeVersion`` in ``helm template`` (the binary) but its SDK's render does not, so both engines
get the same answer from here, before they run.
"""

from __future__ import annotations

import re

_VERSION = re.compile(r"^v?(\d+|[xX*])(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")
_TERM = re.compile(r"^(=>|=<|>=|<=|!=|=|>|<|~>|~|\^)?\s*(\S+)$")

Version = tuple[int, int, int, tuple[object, ...]]


class ConstraintError(ValueError):
    pass


def parse(text: str) -> Version:
    """A full version (missing parts are 0); ValueError when it is none."""
    m = _VERSION.match(text.strip())
    if not m or any(p in {"x", "X", "*"} for p in m.groups()[:3] if p):
        raise ValueError(f"not a version: {text!r}")
    major, minor, patch, pre = m.groups()
    return int(major), int(minor or 0), int(patch or 0), _pre(pre)


def _pre(pre: str | None) -> tuple[object, ...]:
    if not pre:
        return ((1,),)  # a release sorts after every pre-release of it
    return ((0,), *((0, int(p)) if p.isdigit() else (1, p) for p in pre.split(".")))


def _key(v: Version) -> tuple[object, ...]:
    return (v[0], v[1], v[2], v[3])


def _cmp(a: Version, b: Version) -> int:
    ka, kb = _key(a), _key(b)
    return (ka > kb) - (ka < kb)


def _bound(text: str) -> tuple[list[int | None], tuple[object, ...]]:
    m = _VERSION.match(text)
    if not m:
        raise ConstraintError(f"improper constraint: {text}")
    parts: list[int | None] = [None if p is None or p in {"x", "X", "*"} else int(p) for p in m.groups()[:3]]
    return parts, _pre(m.group(4))


def _term(op: str, text: str, v: Version) -> bool:
    parts, pre = _bound(text)
    given = sum(p is not None for p in parts)
    if parts[0] is None:
        return op not in {"!=", "<", ">"}
    filled = tuple(p or 0 for p in parts)
    low: Version = (filled[0], filled[1], filled[2], pre if given == 3 or pre != ((1,),) else ((0,),))
    if op in {"", "="} and given < 3:
        return _within(v, low, given)
    if op == "!=":
        return not (_within(v, low, given) if given < 3 else _cmp(v, low) == 0)
    if op in {"~", "~>"}:
        return _cmp(v, low) >= 0 and _within(v, low, max(min(given, 2), 1 if given == 1 else 2))
    if op == "^":
        lead = next((i for i, p in enumerate(filled) if p), 0 if given == 1 else min(given, 3) - 1)
        return _cmp(v, low) >= 0 and _within(v, low, lead + 1 if filled[0] == 0 else 1)
    c = _cmp(v, low)
    if op in {">=", "=>"}:
        return c >= 0
    if op in {"<=", "=<"}:
        return c <= 0 or (given < 3 and _within(v, low, given))
    if op == ">":
        return c > 0 and not (given < 3 and _within(v, low, given))
    if op == "<":
        return c < 0
    return c == 0


def _within(v: Version, low: Version, parts: int) -> bool:
    """``v`` has the first ``parts`` numbers of ``low``."""
    return v[:parts] == low[:parts]


def satisfies(version: str, constraint: str) -> bool:
    """Whether ``version`` meets ``constraint``; ConstraintError when the constraint is not one."""
    v = parse(version)
    for alternative in constraint.split("||"):
        text = re.sub(r"\s+-\s+", " - ", alternative.strip())
        if " - " in text:
            low, _, high = text.partition(" - ")
            terms = [(">=", low.strip()), ("<=", high.strip())]
        else:
            terms = []
            for raw in re.split(r"\s*,\s*|\s+(?=[<>=!~^v\d])", re.sub(r"([<>=!~^]+)\s+", r"\1", text)):
                if not raw:
                    continue
                m = _TERM.match(raw)
                if not m:
                    raise ConstraintError(f"improper constraint: {constraint}")
                terms.append((m.group(1) or "", m.group(2)))
        if terms and all(_term(op, t, v) for op, t in terms):
            return True
    return False
