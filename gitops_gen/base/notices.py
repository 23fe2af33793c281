"""The one channel a warning travels: something worth a look that does not stop the run.

Every layer calls ``warn``; the command line decides where the lines go (``to``), each line once per
run, in the form editors and CI annotations parse (``file:line:col: warning: ...``) or, without a
place, ``gitops-gen: warning: ...``.  Outside a ``to`` block (gitops-gen used as a library) the lines
go to stderr.  The sink is a context variable: nothing global is installed or removed.
"""

from __future__ import annotations

import contextlib
import contextvars
import sys
from collections.abc import Callable, Iterator

from gitops_gen.base import escape
from gitops_gen.base.errors import Location

Sink = Callable[[str], None]
_SINK: contextvars.ContextVar[Sink | None] = contextvars.ContextVar("gitops_gen_notices", default=None)


def line(message: str, location: Location | None = None) -> str:
    """How a warning reads: located when it has a place; what came from input shown as text
    (``escape.text``: no control character, no line a CI runner reads as a command)."""
    said = f"{location}: warning: {message}" if location else f"gitops-gen: warning: {message}"
    return escape.text(said)


def warn(message: str, location: Location | None = None) -> None:
    _emit(line(message, location))


def note(message: str) -> None:
    """A line of information on the same channel (what a run did, e.g. the charts it expanded)."""
    _emit(f"gitops-gen: {message}")


def _emit(text: str) -> None:
    sink = _SINK.get()
    if sink is None:
        print(text, file=sys.stderr)
    else:
        sink(text)


@contextlib.contextmanager
def to(emit: Sink) -> Iterator[None]:
    """Send this block's warnings to ``emit``, each distinct line once."""
    seen: set[str] = set()

    def once(text: str) -> None:
        if text not in seen:
            seen.add(text)
            emit(text)

    token = _SINK.set(once)
    try:
        yield
    finally:
        _SINK.reset(token)
