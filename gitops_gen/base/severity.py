"""How much a finding or a risk matters: the one severity every check, review and report uses."""

from __future__ import annotations

import enum


class Severity(enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        """Sort order: what needs attention first."""
        return {"error": 0, "warning": 1, "info": 2}[self.value]
