"""Declarative field specs for blueprint-shaped YAML, checked with positions.

A spec turns a positioned value (``LocDict``/``LocList``/scalar from yamlio) into
checked plain data, appending an ``InputError`` with ``file:line:col`` for every
problem instead of stopping at the first, so a run reports all errors at once.
Mappings keep their positions (they stay ``LocDict``) for checks made later.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from gitops_gen.errors import InputError, Location
from gitops_gen.yamlio import LocDict, LocList

Errors = list[InputError]

DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")


def type_name(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if value is None:
        return "null"
    return "a string"


def did_you_mean(word: str, choices: list[str] | tuple[str, ...] | set[str]) -> str:
    close = difflib.get_close_matches(word, sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def label_problem(name: str) -> str | None:
    """Why ``name`` is not a DNS-1123 label (names become file paths, so this also keeps them in their folder)."""
    if not name:
        return "must not be empty"
    if len(name) > 63:
        return f"is {len(name)} characters long; at most 63 are allowed"
    if not DNS1123_LABEL.match(name):
        return "must be a DNS-1123 label: lower-case letters, digits and '-', starting and ending alphanumeric"
    return None


class Spec:
    """Base: ``check`` returns the checked value, or None after appending errors."""

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Str(Spec):
    pattern: re.Pattern[str] | None = None
    what: str = ""
    choices: tuple[str, ...] = ()
    allow_numbers: bool = False  # quantities such as `cpu: 4` are written as numbers

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if self.allow_numbers and isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            # YAML reads `1.30` as the number 1.3: say what it became, since the fix is to quote it
            errors.append(InputError(f"{path}: expected a string, got the number {value!r} (write it in quotes)", loc))
            return None
        if not isinstance(value, str):
            errors.append(InputError(f"{path}: expected a string, got {type_name(value)}", loc))
            return None
        if self.choices and value not in self.choices:
            errors.append(InputError(
                f"{path}: {value!r} is not one of {', '.join(self.choices)}{did_you_mean(value, self.choices)}", loc))
            return None
        if self.pattern is not None and not self.pattern.match(value):
            errors.append(InputError(f"{path}: {value!r} is not {self.what or 'valid'}", loc))
            return None
        return value


@dataclass(frozen=True)
class Name(Spec):
    """A DNS-1123 label: every name in a blueprint may become a path segment or object name."""

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if not isinstance(value, str):
            errors.append(InputError(f"{path}: expected a name (string), got {type_name(value)}", loc))
            return None
        problem = label_problem(value)
        if problem:
            errors.append(InputError(f"{path}: {value!r} {problem}", loc))
            return None
        return value


@dataclass(frozen=True)
class Bool(Spec):
    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if not isinstance(value, bool):
            errors.append(InputError(f"{path}: expected true or false, got {type_name(value)}", loc))
            return None
        return value


@dataclass(frozen=True)
class Int(Spec):
    minimum: int | None = None

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if isinstance(value, bool) or not isinstance(value, int):
            errors.append(InputError(f"{path}: expected an integer, got {type_name(value)}", loc))
            return None
        if self.minimum is not None and value < self.minimum:
            errors.append(InputError(f"{path}: must be at least {self.minimum}", loc))
            return None
        return value


@dataclass(frozen=True)
class Free(Spec):
    """Any mapping (Helm values, raw manifests): only its type is checked here."""

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if not isinstance(value, Mapping):
            errors.append(InputError(f"{path}: expected a mapping, got {type_name(value)}", loc))
            return None
        return value


@dataclass(frozen=True)
class Field:
    spec: Spec
    required: bool = False


@dataclass(frozen=True)
class Obj(Spec):
    """A mapping with known keys: unknown keys are errors with a did-you-mean hint."""

    fields: Mapping[str, Field]
    check_extra: Callable[[LocDict, str, Errors], None] | None = field(default=None, compare=False)

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if not isinstance(value, Mapping):
            errors.append(InputError(f"{path or 'document'}: expected a mapping, got {type_name(value)}", loc))
            return None
        src = value if isinstance(value, LocDict) else LocDict(value, loc=loc)
        out = LocDict(loc=src.loc)
        ok = True
        for key, item in src.items():
            sub = f"{path}.{key}" if path else key
            if key not in self.fields:
                errors.append(InputError(f"{sub}: unknown field{did_you_mean(key, tuple(self.fields))}",
                                         src.key_loc(key)))
                ok = False
                continue
            before = len(errors)
            checked = self.fields[key].spec.check(item, src.value_loc(key), sub, errors)
            if len(errors) > before:
                ok = False
                continue
            out[key] = checked
            out.key_locs[key] = src.key_loc(key)
            out.value_locs[key] = src.value_loc(key)
        for key, fld in self.fields.items():
            if fld.required and key not in src:
                errors.append(InputError(f"{path + '.' if path else ''}{key}: required field is missing", src.loc))
                ok = False
        if ok and self.check_extra is not None:
            before = len(errors)
            self.check_extra(out, path, errors)
            ok = len(errors) == before
        return out if ok else None


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec
    unique: bool = False  # scalar items must not repeat

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if not isinstance(value, list):
            errors.append(InputError(f"{path}: expected a list, got {type_name(value)}", loc))
            return None
        src = value if isinstance(value, LocList) else LocList(value, loc=loc)
        out = LocList(loc=src.loc)
        ok = True
        seen: set[Any] = set()
        for index, item in enumerate(src):
            item_loc = src.item_loc(index)
            before = len(errors)
            checked = self.item.check(item, item_loc, f"{path}[{index}]", errors)
            if len(errors) > before:
                ok = False
                continue
            if self.unique and not isinstance(checked, (Mapping, list)):
                if checked in seen:
                    errors.append(InputError(f"{path}[{index}]: {checked!r} is listed twice", item_loc))
                    ok = False
                seen.add(checked)
            out.append(checked)
            out.item_locs.append(item_loc)
        return out if ok else None


@dataclass(frozen=True)
class MapOf(Spec):
    """A mapping from names (checked as DNS-1123 labels unless ``keys`` says otherwise) to values."""

    value: Spec
    keys: Spec = Name()

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if not isinstance(value, Mapping):
            errors.append(InputError(f"{path}: expected a mapping, got {type_name(value)}", loc))
            return None
        src = value if isinstance(value, LocDict) else LocDict(value, loc=loc)
        out = LocDict(loc=src.loc)
        ok = True
        for key, item in src.items():
            sub = f"{path}.{key}"
            if self.keys.check(key, src.key_loc(key), sub, errors) is None:
                ok = False
                continue
            before = len(errors)
            checked = self.value.check(item, src.value_loc(key), sub, errors)
            if len(errors) > before:
                ok = False
                continue
            out[key] = checked
            out.key_locs[key] = src.key_loc(key)
            out.value_locs[key] = src.value_loc(key)
        return out if ok else None
