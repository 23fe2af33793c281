"""The one module that owns ruamel.yaml.

Reading keeps source positions: mappings and sequences come back as
``LocDict`` / ``LocList`` (plain ``dict`` / ``list`` subclasses) that remember
the ``Location`` of themselves, of every key and of every item, so errors found
long after parsing can still name ``file:line:col``.

Writing lives in ``gitops_gen.emit`` (our own emitter, no YAML library).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from typing import Any, ClassVar

import yaml as pyyaml
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import Composer
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import AliasEvent, CollectionStartEvent

from gitops_gen.errors import InputError, Location

_FAST_LOADER: Any = getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)
YAML_ERRORS: tuple[type[Exception], ...] = (YAMLError, pyyaml.YAMLError)  # what the loaders below raise
YAML_OR_DEPTH_ERRORS: tuple[type[Exception], ...] = (*YAML_ERRORS, RecursionError)
# ruamel's composer recurses per level and its scanner slows quadratically on deep flow nesting ("[[[[...");
# stopping at a sane depth while streaming events keeps a nesting bomb from costing minutes.
MAX_DEPTH = 100


class LocDict(dict[str, Any]):
    """A mapping that remembers where it and each of its keys were written."""

    loc: Location
    key_locs: dict[str, Location]
    value_locs: dict[str, Location]

    def __init__(self, *args: Any, loc: Location | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.loc = loc or Location("")
        self.key_locs = {}
        self.value_locs = {}

    def key_loc(self, key: str) -> Location:
        return self.key_locs.get(key, self.loc)

    def value_loc(self, key: str) -> Location:
        return self.value_locs.get(key, self.key_loc(key))


class LocList(list[Any]):
    """A sequence that remembers where it and each of its items were written."""

    loc: Location
    item_locs: list[Location]

    def __init__(self, *args: Any, loc: Location | None = None) -> None:
        super().__init__(*args)
        self.loc = loc or Location("")
        self.item_locs = []

    def item_loc(self, index: int) -> Location:
        return self.item_locs[index] if index < len(self.item_locs) else self.loc


def loc_of(value: Any, default: Location) -> Location:
    return value.loc if isinstance(value, (LocDict, LocList)) else default


def _yaml(pure: bool = False) -> YAML:
    yaml = YAML(typ="safe", pure=True) if pure else YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    return yaml


def _error_location(err: YAMLError, filename: str) -> Location:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    if mark is None:
        return Location(filename, 1, 1)
    return Location(filename, mark.line + 1, mark.column + 1)


def _one_line(err: YAMLError) -> str:
    if isinstance(err, DuplicateKeyError):
        key = re.search(r'found duplicate key "([^"]*)"', str(err))
        return f"duplicate key {key.group(1)!r}" if key else "duplicate key"
    if isinstance(err, MarkedYAMLError):
        parts = [p for p in (err.context, err.problem) if p]
        if "flow" in (err.context or "") and "got '{'" in (err.problem or ""):
            # `path: deploy/{env}` inside `{...}`: braces are YAML syntax there
            parts.append("quote values containing { } inside a {...} mapping, e.g. path: \"deploy/{env}\"")
        return "invalid YAML: " + "; ".join(parts) if parts else "invalid YAML"
    return "invalid YAML: " + str(err).splitlines()[0]


class _Refused(Exception):
    def __init__(self, message: str, mark: Any) -> None:
        super().__init__(message)
        self.message, self.mark = message, mark


class _GuardedComposer(Composer):
    """Refuses aliases and excessive nesting while composing, before anything is built from them.

    Doing it here, not in a separate pass over the events, parses each blueprint once; stopping early
    also stops ruamel's scanner, which slows down quadratically on pathological nesting."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.parser.check_event(AliasEvent):
            raise _Refused("YAML aliases (*name) are not supported in blueprints; write the value out",
                           self.parser.peek_event().start_mark)
        if not self.parser.check_event(CollectionStartEvent):
            return super().compose_node(parent, index)
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise _Refused(f"YAML nested more than {MAX_DEPTH} levels deep", self.parser.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load_positioned(text: str, filename: str) -> list[Any]:
    """Parse every document of ``text`` into LocDict/LocList/scalars; raise InputError on bad YAML."""
    yaml = _yaml()
    yaml.Composer = _GuardedComposer
    try:
        docs = list(yaml.load_all(text))
    except _Refused as err:
        raise InputError(err.message, Location(filename, err.mark.line + 1, err.mark.column + 1)) from None
    except YAMLError as err:
        raise InputError(_one_line(err), _error_location(err, filename)) from None
    except RecursionError:
        raise InputError("YAML nested too deeply", Location(filename, 1, 1)) from None
    return [_convert(doc, filename, _start(doc, filename)) for doc in docs]


def _start(doc: Any, filename: str) -> Location:
    """Where a document's top-level mapping or sequence begins (the second document is not at 1:1)."""
    if isinstance(doc, (CommentedMap, CommentedSeq)):
        return Location(filename, doc.lc.line + 1, doc.lc.col + 1)
    return Location(filename, 1, 1)


def _convert(node: Any, filename: str, loc: Location) -> Any:
    if isinstance(node, CommentedMap):
        out = LocDict(loc=loc)
        for key, value in node.items():
            kline, kcol = node.lc.key(key)
            vline, vcol = node.lc.value(key)
            key_loc = Location(filename, kline + 1, kcol + 1)
            value_loc = Location(filename, vline + 1, vcol + 1)
            skey = key if isinstance(key, str) else str(key)
            out.key_locs[skey] = key_loc
            out.value_locs[skey] = value_loc
            out[skey] = _convert(value, filename, value_loc)
        return out
    if isinstance(node, CommentedSeq):
        out_list = LocList(loc=loc)
        for index, item in enumerate(node):
            iline, icol = node.lc.item(index)
            item_loc = Location(filename, iline + 1, icol + 1)
            out_list.item_locs.append(item_loc)
            out_list.append(_convert(item, filename, item_loc))
        return out_list
    if isinstance(node, str):
        return str(node)
    if isinstance(node, bool) or node is None:
        return node
    if isinstance(node, int):
        return int(node)
    if isinstance(node, float):
        return float(node)
    return str(node)  # timestamps and other exotic scalars are kept as text


class _ManifestLoader(_FAST_LOADER):  # type: ignore[misc]
    """Timestamps stay text, as Kubernetes keeps them (its YAML is converted to JSON first)."""

    yaml_implicit_resolvers: ClassVar[dict[Any, list[Any]]] = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _FAST_LOADER.yaml_implicit_resolvers.items()
    }


def load_plain(text: str) -> list[Any]:
    """Parse every document of ``text`` into JSON data (manifests, dumps); raises one of ``YAML_ERRORS``.

    Manifests and cluster dumps can be large, so this uses libyaml through PyYAML (about ten times
    ruamel's pure-Python speed).  Its YAML 1.1 reading is also what kubectl's YAML decoding does, and
    a repeated key keeps the last value, as kubectl and kubeconform do (``load_plain_strict`` rejects it).
    """
    return [to_json(doc) for doc in pyyaml.load_all(text, Loader=_ManifestLoader)]


def to_json(value: Any) -> Any:
    """JSON data: plain dicts and lists, string keys, timestamps as the text Kubernetes would keep."""
    if isinstance(value, Mapping):
        return {k if isinstance(k, str) else _json_key(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat().replace("+00:00", "Z")
    return value


def _json_key(key: Any) -> str:
    if key is None:
        return "null"
    if isinstance(key, bool):
        return "true" if key else "false"
    return str(key)


def load_plain_strict(text: str) -> list[Any]:
    """Like ``load_plain`` but duplicate keys are errors (``--strict``)."""
    yaml = YAML(typ="safe", pure=True)
    yaml.allow_duplicate_keys = False
    return [to_json(doc) for doc in yaml.load_all(text)]
