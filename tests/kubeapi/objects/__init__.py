"""Live objects as a real API server returns them (server metadata, defaults, canonical quantities)."""

from __future__ import annotations

import copy
import functools
from pathlib import Path
from typing import Any

from gitops_gen.yamlio.reader import load_plain

OBJECTS_DIR = Path(__file__).parent


def load_objects(*names: str) -> list[dict[str, Any]]:
    """Fresh copies of the objects in ``objects/<name>.yaml`` (every file when no name is given)."""
    paths = ([OBJECTS_DIR / f"{n.removesuffix('.yaml')}.yaml" for n in names]
             or sorted(OBJECTS_DIR.glob("*.yaml")))
    return [copy.deepcopy(doc) for path in paths for doc in _parsed(path)]


@functools.cache
def _parsed(path: Path) -> tuple[dict[str, Any], ...]:
    return tuple(doc for doc in load_plain(path.read_text(encoding="utf-8")) if doc)
