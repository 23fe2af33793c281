"""Pausing Python's cycle collector around work that builds hundreds of thousands of small containers.

A render, a review or a fleet-size drift builds JSON-like data (dicts, lists, strings) that holds no
reference cycles worth collecting, yet every generation-2 pass walks all of it: with 100,000 live objects
the passes alone turned drift's linear work into more than linear.  Reference counting still frees
everything; the collector runs again when the block ends.  Only the command line pauses it, around the
one call a command makes: a library function never changes the process's collector behind its caller.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()
