"""When to colour, and with what: the one place every text output asks.

The decision, strongest first: ``--color always|never``; ``NO_COLOR`` set and not
empty (https://no-color.org); ``FORCE_COLOR`` set and not ``0`` (for CI logs that
render ANSI); ``TERM=dumb``; otherwise colour exactly when the stream is a
terminal.  The CLI stores the answer on click's root context, so ``click.echo``
also strips codes from any output when colour is off.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

CHOICES = ("auto", "always", "never")

# role -> SGR code; formatters name roles, never escape codes
PALETTE = {
    "error": "31",
    "warning": "33",
    "info": "36",
    "ok": "32",
    "added": "32",
    "removed": "31",
    "changed": "33",
    "heading": "1",
    "dim": "2",
}
RESET = "\033[0m"


class Stream(Protocol):
    def isatty(self) -> bool: ...


def wanted(choice: str, stream: Stream, environ: Mapping[str, str]) -> bool:
    """Whether output written to ``stream`` should carry colour."""
    if choice == "always":
        return True
    if choice == "never":
        return False
    if environ.get("NO_COLOR", ""):
        return False
    if environ.get("FORCE_COLOR", "0") not in ("", "0"):
        return True
    if environ.get("TERM") == "dumb":
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


def paint(text: str, role: str, enabled: bool = True) -> str:
    """``text`` in the colour of ``role`` (a PALETTE key) when ``enabled``; unchanged otherwise."""
    if not enabled or not text:
        return text
    return f"\033[{PALETTE[role]}m{text}{RESET}"
