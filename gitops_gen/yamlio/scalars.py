"""What a YAML scalar means, read as kubectl reads it (sigs.k8s.io/yaml over go-yaml v2, YAML 1.1).

kubectl, Helm and Argo CD all turn YAML into JSON through go-yaml v2's resolver, so that is the reading
that decides what the API server receives.  It differs from PyYAML's in a few places, and we follow kubectl:

- ``y``/``Y``/``n``/``N`` are booleans too (as are yes/no, on/off, true/false);
- ``1e3`` (no dot) and ``08`` are floats, ``0o17`` and ``0b11`` integers, underscores are ignored;
- sexagesimal ``1:20``, timestamps (``2024-01-01``) and a plain ``=`` stay text;
- integers beyond 64 bits become floats; ``.inf`` and ``.nan`` have no JSON form, so kubectl refuses them
  and so do we.

Pure functions, no YAML library: ``yamlio`` calls them for every scalar it reads.
"""

from __future__ import annotations

import math
import re
from typing import Any

from gitops_gen.base.errors import show

TAG = "tag:yaml.org,2002:"
STR, INT, FLOAT, BOOL, NULL = (TAG + t for t in ("str", "int", "float", "bool", "null"))
TIMESTAMP, MERGE, MAP, SEQ = TAG + "timestamp", TAG + "merge", TAG + "map", TAG + "seq"
SCALAR_TAGS = frozenset({STR, INT, FLOAT, BOOL, NULL, TIMESTAMP, "!"})

_WORDS: dict[str, Any] = {
    **dict.fromkeys(("y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"), True),
    **dict.fromkeys(("n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"), False),
    **dict.fromkeys(("", "~", "null", "Null", "NULL"), None),
}
_NOT_JSON = frozenset({".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF",
                       "-.inf", "-.Inf", "-.INF"})
_MAYBE = frozenset("yYnNtTfFoO~+-.0123456789")  # go-yaml's resolve table: anything else is text
_SIGNED_OR_DIGIT = frozenset("+-0123456789")
# strconv.ParseInt(s, 0, 64) after removing "_": sign, then 0x / 0o / 0b / leading-0 octal / decimal
_GO_INT = re.compile(r"([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]*)|([1-9][0-9]*))\Z")
_GO_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_DOT_FLOAT = re.compile(r"\.[0-9]+(?:[eE][-+]?[0-9]+)?\Z")  # ParseFloat of what starts with "."
_INT64, _UINT64 = 1 << 63, 1 << 64


class ScalarError(ValueError):
    """A scalar that kubectl would refuse; the message is one line, the caller adds the location."""


def resolve_plain(text: str) -> Any:
    """The value of an untagged plain scalar."""
    if not text:
        return None
    first = text[0]
    if first not in _MAYBE:
        return text
    if text in _WORDS:
        return _WORDS[text]
    if text in _NOT_JSON:
        raise ScalarError(f"{text} has no JSON form (kubectl refuses it too): quote it to keep it as text")
    if first == ".":
        return float(text) if _DOT_FLOAT.match(text) else text
    if first in _SIGNED_OR_DIGIT:
        return _number(text)
    return text


def _number(text: str) -> Any:
    plain = text.replace("_", "")
    match = _GO_INT.match(plain)
    if match:
        sign, hexa, octal, binary, zero_octal, decimal = match.groups()
        if hexa is not None:
            value = int(hexa, 16)
        elif octal is not None:
            value = int(octal, 8)
        elif binary is not None:
            value = int(binary, 2)
        elif zero_octal is not None:
            value = int(zero_octal or "0", 8)
        else:
            value = int(decimal)
        value = -value if sign == "-" else value
        if -_INT64 <= value < _UINT64:  # int64, else uint64, else (below) a float, as go-yaml does
            return value
    if _GO_FLOAT.match(plain):
        number = float(plain)
        if not math.isinf(number):
            return number
    return text


def resolve_tagged(tag: str, text: str) -> Any:
    """The value of a scalar with an explicit standard tag (``!!int "12"``); ScalarError if it does not fit."""
    if tag in (STR, "!"):
        return text
    if tag == TIMESTAMP:
        if re.match(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}", text):
            return text  # kept as text, as kubectl keeps timestamps
        raise ScalarError(f"cannot read {show(text)} as !!timestamp")
    value = resolve_plain(text) if text.strip() == text else text
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if tag == FLOAT and is_number:
        return float(value)
    if (tag == INT and is_number and isinstance(value, int)) or (tag == BOOL and isinstance(value, bool)) \
            or (tag == NULL and value is None):
        return value
    raise ScalarError(f"cannot read {show(text)} as !!{tag.removeprefix(TAG)}")


def json_key(value: Any) -> str:
    """A key that is not text as the JSON object key it becomes (sigs.k8s.io/yaml reading YAML, our emitter
    writing it): the one rule for the reader and the emitter.  ``null`` only for the emitter: the reader
    refuses a null key before it asks (kubectl does)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e21 else repr(value)
    return str(value)
