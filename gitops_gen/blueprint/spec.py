"""Declarative field specs for blueprint-shaped YAML, checked with positions.

A spec turns a positioned value (``LocDict``/``LocList``/scalar from yamlio) into
checked plain data, appending an ``InputError`` with ``file:line:col`` for every
problem instead of stopping at the first, so a run reports all errors at once.
Mappings keep their positions (they stay ``LocDict``) for checks made later.
"""

from __future__ import annotations

import copy
import datetime
import difflib
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from gitops_gen.base import naming
from gitops_gen.base.errors import InputError, Location
from gitops_gen.yamlio.reader import LocDict, LocList

Errors = list[InputError]

DNS1123_LABEL = re.compile(naming.LABEL)
DNS1123_SUBDOMAIN = re.compile(naming.SUBDOMAIN)
shown = naming.shown


def type_name(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, datetime.date):
        return "a date"
    if value is None:
        return "null"
    return "a string"


def did_you_mean(word: str, choices: Collection[str]) -> str:
    """The one did-you-mean of the project: every unknown key, name and reference uses it."""
    same = [c for c in sorted(choices) if c.lower() == str(word).lower()]  # `in` for `In`: too short for difflib
    close = same or difflib.get_close_matches(str(word), sorted(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def key_text(key: Any) -> str:
    """A key as a path segment in a message: as written when printable and short, else escaped and cut."""
    return key if isinstance(key, str) and key.isprintable() and len(key) <= 80 else shown(key)


class Spec:
    """Base: ``check`` returns the checked value, or None after appending errors.

    Every spec is also data: ``gitops_gen.blueprint.jsonschema`` turns it into JSON Schema and
    ``gitops_gen.blueprint.fielddocs`` into the field reference, so the three never disagree."""

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        raise NotImplementedError


@dataclass(frozen=True)
class Str(Spec):
    """A string; ``pattern`` must match all of it (``re.fullmatch``: a final newline is not "the end")."""

    pattern: re.Pattern[str] | str | None = None
    what: str = ""
    choices: tuple[str, ...] | Callable[[], Collection[str]] = ()
    allow_numbers: bool = False  # quantities such as `cpu: 4` are written as numbers
    max_length: int | None = None
    not_a_choice: str = ""  # how to say a well-formed value is not one of the choices ("is not supported")

    def compiled(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if isinstance(self.pattern, str) else self.pattern

    def options(self) -> tuple[str, ...]:
        return tuple(sorted(self.choices())) if callable(self.choices) else self.choices

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
        if self.max_length is not None and len(value) > self.max_length:
            errors.append(InputError(f"{path}: {shown(value)} is {len(value)} characters long; at most"
                                     f" {self.max_length} are allowed", loc))
            return None
        pattern = self.compiled()
        if pattern is not None and not pattern.fullmatch(value):
            errors.append(InputError(f"{path}: {shown(value)} is not {self.what or 'valid'}", loc))
            return None
        choices = self.options()
        if choices and value not in choices:
            listed = f"one of {', '.join(choices)}" if len(choices) <= 6 or not self.what else self.what
            said = self.not_a_choice or f"is not {listed}{did_you_mean(value, choices)}"
            errors.append(InputError(f"{path}: {shown(value)} {said}", loc))
            return None
        return value


@dataclass(frozen=True)
class Name(Spec):
    """A DNS-1123 label: every name in a blueprint may become a path segment or object name."""

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if not isinstance(value, str):
            errors.append(InputError(f"{path}: expected a name (string), got {type_name(value)}", loc))
            return None
        problem = naming.label_problem(value)
        if problem:
            errors.append(InputError(f"{path}: {shown(value)} {problem}", loc))
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
class Date(Spec):
    """A calendar day, written YYYY-MM-DD (YAML reads it as a date; a quoted one is accepted too)."""

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return value
        if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        errors.append(InputError(f"{path}: expected a date YYYY-MM-DD, got {shown(value)}", loc))
        return None


@dataclass(frozen=True)
class Field:
    """A key of an ``Obj``: its spec, whether it must be present, its default and what the reference says.

    ``default`` is a value: ``Obj.check`` fills it in (checked by ``spec``, so nested defaults apply too)
    when the key is absent, and the reference and the JSON Schema show it.  A default that depends on
    other values (the cluster name, "false in production") cannot be filled in here: ``derived`` says it
    in words and the constructor that knows the other values applies it."""

    spec: Spec
    required: bool = False
    doc: str = ""
    default: Any = None  # None: nothing is filled in
    derived: str = ""

    def default_text(self) -> str:
        """The default as the field reference shows it ("" when there is none)."""
        if self.default is None or self.default == {}:  # an empty mapping: its fields' rows show the defaults
            return self.derived
        return _flow(self.default)


def _flow(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return str(value)


def defaults_of(spec: Obj) -> dict[str, Any]:
    """What ``spec`` fills in for the keys it has defaults for: the one place a feature takes them from."""
    errors: Errors = []
    out = {key: fld.spec.check(copy.deepcopy(fld.default), Location("<defaults>"), key, errors)
           for key, fld in spec.fields.items() if fld.default is not None}
    if errors:  # a spec whose own defaults fail it is a bug, not an input error
        raise ValueError(f"defaults do not pass their own spec: {errors}")
    return out


@dataclass(frozen=True)
class Obj(Spec):
    """A mapping with known keys: unknown keys are errors with a did-you-mean hint."""

    fields: Mapping[str, Field]
    check_extra: Callable[[LocDict, str, Errors], None] | None = field(default=None, compare=False)
    schema: Mapping[str, Any] = field(default_factory=dict, compare=False)  # what check_extra means, as JSON Schema

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        if not isinstance(value, Mapping):
            errors.append(InputError(f"{path or 'document'}: expected a mapping, got {type_name(value)}", loc))
            return None
        src = value if isinstance(value, LocDict) else LocDict(value, loc=loc)
        out = LocDict(loc=src.loc)
        ok = True
        for key, item in src.items():
            sub = f"{path}.{key_text(key)}" if path else key_text(key)
            if key not in self.fields:
                errors.append(InputError(f"{path + '.' if path else ''}{key_text(key)}: unknown field"
                                         f"{did_you_mean(key, tuple(self.fields))}",
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
            elif fld.default is not None and key not in src:
                out[key] = fld.spec.check(copy.deepcopy(fld.default), src.loc, key, errors)
                out.key_locs[key] = out.value_locs[key] = src.loc
        if ok and self.check_extra is not None:
            before = len(errors)
            self.check_extra(out, path, errors)
            ok = len(errors) == before
        return out if ok else None


@dataclass(frozen=True)
class ListOf(Spec):
    item: Spec
    unique: bool = False  # scalar items must not repeat
    check_extra: Callable[[LocList, str, Errors], None] | None = field(default=None, compare=False)
    schema: Mapping[str, Any] = field(default_factory=dict, compare=False)  # what check_extra means, as JSON Schema

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
                    errors.append(InputError(f"{path}[{index}]: {shown(checked)} is listed twice", item_loc))
                    ok = False
                seen.add(checked)
            out.append(checked)
            out.item_locs.append(item_loc)
        if ok and self.check_extra is not None:
            before = len(errors)
            self.check_extra(out, path, errors)
            ok = len(errors) == before
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
            sub = f"{path}.{key_text(key)}"
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


@dataclass(frozen=True)
class Typed(Spec):
    """``inner``, then ``build`` turns the checked value into a typed one (or appends errors and returns None)."""

    inner: Spec
    build: Callable[[Any, Location, str, Errors], Any] = field(compare=False)
    schema: Mapping[str, Any] = field(default_factory=dict, compare=False)  # what build checks, as JSON Schema

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        before = len(errors)
        checked = self.inner.check(value, loc, path, errors)
        if len(errors) > before:
            return None
        return self.build(checked, loc, path, errors)


@dataclass(frozen=True)
class Either(Spec):
    """One of several shapes told apart by their YAML type (a list of names, or a selector mapping)."""

    options: tuple[Spec, ...]
    what: str

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        for option in self.options:
            if _accepts_type(option, value):
                return option.check(value, loc, path, errors)
        errors.append(InputError(f"{path}: expected {self.what}, got {type_name(value)}", loc))
        return None


def _accepts_type(spec: Spec, value: Any) -> bool:
    while isinstance(spec, Typed):
        spec = spec.inner
    if isinstance(spec, (Obj, MapOf, Free)):
        return isinstance(value, Mapping)
    if isinstance(spec, ListOf):
        return isinstance(value, list)
    if isinstance(spec, Bool):
        return isinstance(value, bool)
    if isinstance(spec, Int):
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, str)
