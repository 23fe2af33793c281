"""One error base class and the one table of exit codes.

Every command returns an ``ExitCode``; every anticipated failure is a
``GitopsGenError`` whose class decides the exit code.  Nothing else in the
package maps failures to numbers.
"""

from __future__ import annotations

import enum
import errno
import os
from pathlib import Path
from typing import NamedTuple


class ExitCode(enum.IntEnum):
    OK = 0
    FINDINGS = 1  # stale output, invalid manifests, policy errors, drift
    USAGE = 2  # usage, configuration or input error
    EXTERNAL = 3  # a cluster or other external system could not be read
    INTERNAL = 4  # an unexpected exception: a bug in gitops-gen, never bad input


class Location(NamedTuple):
    """Where something came from: a file (repo-relative when possible), 1-based line and column."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if self.line <= 0:
            return self.file
        if self.col <= 0:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.col}"


class GitopsGenError(Exception):
    """Base of every anticipated failure: a one-line message and where it came from."""

    exit_code = ExitCode.USAGE

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        return f"{self.location}: {self.message}" if self.location else self.message


class InputError(GitopsGenError):
    """Bad blueprints, bad manifests, bad arguments: exit 2."""

    exit_code = ExitCode.USAGE


class InputErrors(InputError):
    """Several input errors reported at once, sorted by location."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = sorted(errors, key=_sort_key)
        super().__init__(f"{len(self.errors)} error(s)")

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def one_or_all(errors: list[InputError]) -> InputError:
    """What to raise for ``errors`` (at least one): the error itself when alone, else all of them."""
    return errors[0] if len(errors) == 1 else InputErrors(errors)


class ExternalError(GitopsGenError):
    """A cluster, tool or other external system could not be read: exit 3."""

    exit_code = ExitCode.EXTERNAL


def _sort_key(error: InputError) -> tuple[str, int, int, str]:
    loc = error.location or Location("")
    return (loc.file, loc.line, loc.col, error.message)


SHOW_LIMIT = 80


def show(value: object, limit: int = SHOW_LIMIT) -> str:
    """Any user value made safe for a one-line message: quoted, control characters escaped, long text cut.

    Input can hold newlines, terminal escapes or a megabyte of text; echoing it raw would break the
    ``file:line:col: message`` line (or the terminal).  Every message that repeats input goes through here
    (``naming.shown`` is this function).
    """
    if isinstance(value, str):
        cut = len(value) - limit
        return repr(value[:limit]) + (f"... ({cut:,} more characters)" if cut > 0 else "")
    if isinstance(value, dict):
        return "a mapping" if value else "{}"
    if isinstance(value, (list, tuple)):
        return "a list" if value else "[]"
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}..."


def os_error_text(err: OSError, base: Path, rename: tuple[str, str] | None = None) -> str:
    """An OSError as one line, ``path[ -> path2]: reason``: the one wording of the user's environment
    refusing (disk full, read-only, permission).  Paths read relative to ``base`` when inside it;
    ``rename`` maps a first path segment to the name the user knows (our hidden staging tree: rendered)."""
    reason = err.strerror or errno.errorcode.get(err.errno or 0, "") or str(err).strip().split("\n")[0] \
        or "(no message)"
    shown = []
    for name in (n for n in (err.filename, err.filename2) if n is not None):
        path = Path(os.fsdecode(name))
        try:
            rel = path.relative_to(base).as_posix() if path.is_absolute() else path.as_posix()
        except ValueError:
            rel = path.as_posix()
        if rename and rel.split("/")[0] == rename[0]:
            rel = rename[1] + rel[len(rename[0]):]
        shown.append(rel)
    return f"{' -> '.join(shown)}: {reason}" if shown else reason
