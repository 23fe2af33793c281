"""Resolve once: the resolved repository is typed data only, no YAML node survives into it."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from gitops_gen.blueprint.load import load_repo
from gitops_gen.yamlio.reader import LocDict, LocList
from tests.test_load_errors import BASE

PROJECT = Path(__file__).resolve().parents[1]


def yaml_nodes(value: Any, path: str, seen: set[int]) -> list[str]:
    if id(value) in seen:
        return []
    seen.add(id(value))
    if isinstance(value, (LocDict, LocList)):
        return [path]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [p for f in dataclasses.fields(value)
                for p in yaml_nodes(getattr(value, f.name), f"{path}.{f.name}", seen)]
    if isinstance(value, Mapping):
        return [p for k, v in value.items() for p in yaml_nodes(v, f"{path}[{k!r}]", seen)]
    if isinstance(value, (list, tuple)):
        return [p for i, v in enumerate(value) for p in yaml_nodes(v, f"{path}[{i}]", seen)]
    return []


def test_the_resolved_repository_holds_no_yaml_nodes() -> None:
    for root in (PROJECT, BASE, PROJECT / "tests" / "corpus" / "globex"):
        repo = load_repo(root)
        assert repo.plans
        assert yaml_nodes(repo, "repo", set()) == [], root
