"""CRD ``pattern``s with Go's regexp semantics (RE2), as the API server evaluates them.

The API server matches a CRD ``pattern`` with Go's ``regexp.MatchString``: RE2
syntax (``(?i)`` anywhere, ``\\z``, ``[[:alpha:]]``, ``\\pL``, ``\\Q...\\E``;
no look-around, no back-references), unanchored search.  jsonschema-rs checks
``pattern`` against ECMA-262 and rejects such syntax outright, so CRD schemas
carry their patterns as the ``x-go-pattern`` keyword instead, evaluated here
with Google's RE2 (the engine Go's package was modelled on).  A pattern RE2
cannot compile is refused by ``compile_pattern``; the caller skips it with a
warning, as the API server itself would have refused the CRD.
"""

from __future__ import annotations

import functools
from typing import Any

import re2

KEYWORD = "x-go-pattern"


def _options() -> Any:
    options = re2.Options()
    options.log_errors = False  # RE2 would print every refused pattern to stderr
    return options


_OPTIONS = _options()


@functools.lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Any:
    """The compiled pattern; raise ValueError (with RE2's reason) when Go could not compile it either."""
    try:
        return re2.compile(pattern, _OPTIONS)
    except re2.error as err:
        reason = err.args[0] if err.args else err
        raise ValueError(reason.decode() if isinstance(reason, bytes) else str(reason)) from None
    except TypeError as err:
        raise ValueError(str(err)) from None


class GoPattern:
    """jsonschema-rs custom keyword: a string must contain a match of the pattern (non-strings pass)."""

    def __init__(self, parent_schema: Any, value: Any, schema_path: Any) -> None:
        self.pattern = str(value)
        self.regex = compile_pattern(self.pattern)

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str) and self.regex.search(instance) is None:
            raise ValueError(f'"{instance}" does not match "{self.pattern}"')


KEYWORDS = {KEYWORD: GoPattern}
