"""Values that remember where they were written: what the YAML reader returns for blueprints.

``LocDict`` / ``LocList`` are plain ``dict`` / ``list`` subclasses that carry the ``Location`` of
themselves, of every key, every value and every item, so that errors found long after reading can still
name ``file:line:col``.  Import them from ``gitops_gen.yamlio.reader``, which builds them.
"""

from __future__ import annotations

from typing import Any

from gitops_gen.base.errors import Location


class LocDict(dict[str, Any]):
    """A mapping that remembers where it and each of its keys were written."""

    loc: Location
    key_locs: dict[str, Location]
    value_locs: dict[str, Location]

    def __init__(self, *args: Any, loc: Location | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loc = loc or Location("")
        self.key_locs = {}
        self.value_locs = {}

    def key_loc(self, key: str) -> Location:
        return self.key_locs.get(key, self.loc)

    def value_loc(self, key: str) -> Location:
        return self.value_locs.get(key, self.key_loc(key))


class LocList(list[Any]):
    """A sequence that remembers where it and each of its items were written."""

    loc: Location
    item_locs: list[Location]

    def __init__(self, *args: Any, loc: Location | None = None) -> None:
        super().__init__(*args)
        self.loc = loc or Location("")
        self.item_locs = []

    def item_loc(self, index: int) -> Location:
        return self.item_locs[index] if index < len(self.item_locs) else self.loc


def loc_of(value: Any, default: Location) -> Location:
    return value.loc if isinstance(value, (LocDict, LocList)) else default
