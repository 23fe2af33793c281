"""The states an object can be in, as the reports name them: the one home of both status vocabularies.

A *change* is what a review finds between two renders (``diff``); *drift* is what a live cluster shows
against the desired state (``drift``).  Both say ``modified`` for the same thing: the object exists on
both sides and some field differs.
"""

from __future__ import annotations

import enum


class ChangeStatus(enum.Enum):
    """An object between a base and a head render."""

    ADDED = "added"
    REMOVED = "removed"
    MODIFIED = "modified"


class DriftStatus(enum.StrEnum):
    """A desired object against the live cluster."""

    IN_SYNC = "in_sync"
    MODIFIED = "modified"
    MISSING = "missing"
    EXTRA = "extra"
    UNKNOWN = "unknown"


# The order in which drift reports list objects: what needs attention first.
DRIFT_ORDER = (DriftStatus.MODIFIED, DriftStatus.MISSING, DriftStatus.EXTRA, DriftStatus.UNKNOWN,
               DriftStatus.IN_SYNC)
DRIFTED = frozenset({DriftStatus.MODIFIED, DriftStatus.MISSING, DriftStatus.EXTRA})
