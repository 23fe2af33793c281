"""The one YAML reader: blueprints, rendered files, manifests, CRD files and cluster dumps (owns PyYAML).

libyaml (PyYAML's C parser) turns the text into events; ``_Composer`` builds the values from them itself,
in one pass and without recursion, so that every guard holds *before* its cost is paid: nesting depth,
alias expansion and document count, keys that are not text, tags, ``%YAML`` versions and merge keys are
refused at the event that breaks the rule, with its ``file:line:col``.  Scalars mean what they mean to
kubectl (``gitops_gen.yamlio.scalars``).

Two profiles.  Blueprints come back positioned (``LocDict``/``LocList`` remember where every key, value
and item was written; keys are the text as written; aliases and ``<<`` are refused).  Everything else
comes back as plain JSON data (keys turned into JSON keys as kubectl does; aliases and ``<<`` merges are
allowed within an expansion budget).  A repeated key is found in both: an error for blueprints and under
``validate --strict``, a warning otherwise (the last value wins, as in kubectl).  docs/yaml-reading.md
says why.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, NamedTuple

import yaml
from yaml import YAMLError
from yaml import events as ev

from gitops_gen.base.errors import InputError, Location, show
from gitops_gen.yamlio import scalars as ys
from gitops_gen.yamlio.positions import LocDict, LocList, loc_of

_CParser: Any
try:
    from yaml._yaml import CParser as _CParser
except ImportError:  # pragma: no cover - PyYAML built without libyaml: the same events in pure Python, slower
    _CParser = None

__all__ = ["BLUEPRINT", "MANIFESTS", "YAML_ERRORS", "LocDict", "LocList", "Parsed", "YamlError", "load_documents",
           "load_json", "load_plain", "load_positioned", "loc_of", "to_json"]


class YamlError(InputError):
    """Input that is not YAML we read: always located."""


YAML_ERRORS: tuple[type[Exception], ...] = (YamlError,)  # what every loader below raises on bad input
YAML_OR_DEPTH_ERRORS = YAML_ERRORS  # nesting is a located YamlError now, never a RecursionError


class Profile(NamedTuple):
    positions: bool  # LocDict/LocList with source positions, keys as written, repeated keys are errors
    aliases: bool  # *alias and << merge keys allowed (within the expansion budget)
    max_depth: int
    max_documents: int


# A blueprint is a page of YAML: 100 levels is already absurd.  Manifests and CRDs nest deeper (an
# OpenAPI schema adds two levels per property); 200 keeps every later walk far from Python's recursion limit.
BLUEPRINT = Profile(positions=True, aliases=False, max_depth=100, max_documents=100)
MANIFESTS = Profile(positions=False, aliases=True, max_depth=200, max_documents=100_000)
ALIAS_BUDGET = 10_000  # nodes aliases may add, plus ALIAS_RATIO x the nodes written: a billion laughs stops here
ALIAS_RATIO = 10


@dataclass(frozen=True)
class Parsed:
    """One document: its value, the line its content starts on, and the keys repeated in it (warnings)."""

    value: Any
    line: int
    duplicates: tuple[InputError, ...] = ()


def load_positioned(text: str, filename: str) -> list[Any]:
    """Every document of a blueprint file as LocDict/LocList/scalars; YamlError on anything we refuse."""
    return [doc.value for doc in _Composer(text, filename, BLUEPRINT, strict=True).documents()]


def load_documents(text: str, name: str = "<input>", strict: bool = False) -> list[Parsed]:
    """Every document of a manifest stream as JSON data, with its first line and its repeated keys.

    ``strict``: a repeated key is an error instead of a warning."""
    return _Composer(text, name, MANIFESTS, strict).documents()


def load_plain(text: str, name: str = "<input>", strict: bool = False) -> list[Any]:
    """Every document of ``text`` as JSON data (manifests, dumps, CRDs, rendered files); YamlError if bad."""
    return [doc.value for doc in load_documents(text, name, strict)]


def load_json(text: str, name: str = "<input>") -> Any:
    """A JSON document, read by the C decoder (ten times libyaml's speed) with the same depth guard."""
    try:
        value = json.loads(text)
    except RecursionError:
        value = _TOO_DEEP  # deeper than Python decodes: the YAML reader finds the place
    except json.JSONDecodeError as err:
        raise YamlError(f"invalid JSON: {err.msg}", Location(name, err.lineno, err.colno)) from None
    except ValueError:  # an integer of more digits than Python converts (4,300)
        raise YamlError("invalid JSON: a number with too many digits", Location(name, 1, 1)) from None
    if value is _TOO_DEEP or _deeper_than(value, MANIFESTS.max_depth):
        load_plain(text, name)  # JSON is YAML: this raises, located where the nesting goes too deep
        raise YamlError(f"nested more than {MANIFESTS.max_depth} levels deep", Location(name, 1, 1))
    if ("\\ud" in text or "\\uD" in text) and _lone_surrogate(value):
        at = min(i for i in (text.find("\\ud"), text.find("\\uD")) if i >= 0)
        where = Location(name, text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at))
        raise YamlError("invalid JSON: a \\u escape of half a surrogate pair (not a character)", where)
    return value


def _lone_surrogate(value: Any) -> bool:
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, str):
            if any("\ud800" <= c <= "\udfff" for c in node):
                return True
        elif isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return False


_TOO_DEEP = object()


def _deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
        stack.extend((v, depth + 1) for v in children if isinstance(v, (dict, list)))
    return False


def to_json(value: Any) -> Any:
    """JSON data: plain dicts and lists and string keys (for values that did not come from this reader)."""
    if isinstance(value, dict):
        return {k if isinstance(k, str) else ys.json_key(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    return value


_NO_KEY, _MERGE, _NOTHING = object(), object(), object()
_SCALAR, _ALIAS = ev.ScalarEvent, ev.AliasEvent
_MAP, _SEQ, _MAP_END, _SEQ_END = ev.MappingStartEvent, ev.SequenceStartEvent, ev.MappingEndEvent, ev.SequenceEndEvent
_COLLECTION_TAGS = {_MAP: (None, "!", ys.MAP), _SEQ: (None, "!", ys.SEQ)}


class _Frame:
    """A mapping or sequence being composed."""

    __slots__ = ("anchor", "is_map", "key", "key_loc", "loc", "merges", "start", "value")

    def __init__(self, value: Any, is_map: bool, loc: Any, anchor: str | None, start: int) -> None:
        self.value, self.is_map, self.loc, self.anchor, self.start = value, is_map, loc, anchor, start
        self.key: Any = _NO_KEY
        self.key_loc: Any = None
        self.merges: list[tuple[Any, Any]] = []


class _Composer:
    """Events -> values for one stream; every refusal is a YamlError at the offending event."""

    def __init__(self, text: str, name: str, profile: Profile, strict: bool) -> None:
        text = text if type(text) is str else str(text)  # libyaml takes exactly str (not a subclass)
        self.text, self.name, self.profile, self.strict = text, name, profile, strict
        self.duplicates: list[InputError] = []

    def documents(self) -> list[Parsed]:
        docs: list[Parsed] = []
        try:
            get = _events(self.text)
            get()  # stream start
            while type(start := get()) is ev.DocumentStartEvent:
                if len(docs) >= self.profile.max_documents:
                    raise self.error(f"more than {self.profile.max_documents:,} YAML documents", start)
                if start.version not in (None, (1, 1)):
                    raise self.error(f"%YAML {'.'.join(map(str, start.version))}: YAML 1.1 is read here, as kubectl"
                                     " reads it; remove the directive", start)
                self.duplicates = []
                value, line = self.document(get)
                docs.append(Parsed(value, line, tuple(self.duplicates)))
        except YAMLError as err:
            raise self.parse_error(err) from None
        except UnicodeEncodeError as err:  # a lone surrogate in the text: not Unicode libyaml can read
            raise YamlError(f"not valid Unicode text (character {err.start})", Location(self.name, 1, 1)) from None
        return docs

    def document(self, get: Any) -> tuple[Any, int]:  # one loop over events: the guards sit where they apply
        positions, aliases, max_depth = self.profile.positions, self.profile.aliases, self.profile.max_depth
        name = self.name
        stack: list[_Frame] = []
        top: _Frame | None = None
        root: Any = _NOTHING
        root_line = 1
        anchors: dict[str, tuple[Any, int]] = {}
        count = expanded = nodes = 0  # nodes written; nodes added by aliases; both (sizes anchored values)
        while True:
            event = get()
            kind = type(event)
            if not aliases and kind is not _ALIAS and getattr(event, "anchor", None):
                raise self.error("YAML anchors (&name) are not supported in blueprints; write the value out", event)
            if kind is _SCALAR:
                count += 1
                nodes += 1
                if top is not None and top.is_map and top.key is _NO_KEY:
                    top.key = self.key(event)
                    top.key_loc = Location(name, event.start_mark.line + 1, event.start_mark.column + 1) \
                        if positions else event
                    if event.anchor and top.key is not _MERGE:
                        anchors[event.anchor] = (top.key, 1)
                    continue
                value = self.scalar(event)
                loc = Location(name, event.start_mark.line + 1, event.start_mark.column + 1) if positions else None
                if event.anchor:
                    anchors[event.anchor] = (value, 1)
            elif kind is _MAP or kind is _SEQ:
                if top is not None and top.is_map and top.key is _NO_KEY:
                    what = "a mapping" if kind is _MAP else "a list"
                    raise self.error(f"a mapping key must be text, not {what}", event)
                if len(stack) >= max_depth:
                    raise self.error(f"YAML nested more than {max_depth} levels deep", event)
                if event.tag not in _COLLECTION_TAGS[kind]:
                    raise self.error(f"unsupported YAML tag {_short(event.tag)}: write plain YAML", event)
                count += 1
                nodes += 1
                mark = event.start_mark
                loc = Location(name, mark.line + 1, mark.column + 1) if positions else None
                if positions:
                    container: Any = LocDict(loc=loc) if kind is _MAP else LocList(loc=loc)
                else:
                    container = {} if kind is _MAP else []
                top = _Frame(container, kind is _MAP, loc, event.anchor, nodes)
                if not stack and root is _NOTHING:
                    root_line = mark.line + 1
                stack.append(top)
                continue
            elif kind is _MAP_END or kind is _SEQ_END:
                frame = stack.pop()
                top = stack[-1] if stack else None
                value, loc = frame.value, frame.loc
                if frame.merges:
                    self.merge(frame)
                if frame.anchor:
                    anchors[frame.anchor] = (value, nodes - frame.start + 1)
            elif kind is _ALIAS:
                if not aliases:
                    raise self.error("YAML aliases (*name) are not supported in blueprints; write the value out", event)
                if event.anchor not in anchors:
                    raise self.error(f"alias *{show(event.anchor)} refers to no anchor before it"
                                     " (or to the collection that holds it)", event)
                anchored, size = anchors[event.anchor]
                expanded += size
                nodes += size
                if expanded > ALIAS_BUDGET + ALIAS_RATIO * count:
                    raise self.error(f"aliases expand this document beyond {ALIAS_RATIO}x its size: refused"
                                     " (an alias bomb?)", event)
                if top is not None and top.is_map and top.key is _NO_KEY:
                    if isinstance(anchored, (dict, list)):
                        raise self.error("a mapping key must be text, not an alias of a collection", event)
                    top.key, top.key_loc = anchored, event
                    continue
                value, loc = _copy(anchored, max_depth - len(stack), self, event), None
            elif kind is ev.DocumentEndEvent:
                return (None if root is _NOTHING else root), root_line
            else:  # pragma: no cover - libyaml emits nothing else inside a document
                raise self.error(f"unexpected YAML event {kind.__name__}", event)
            if top is None:
                if root is _NOTHING and kind is _SCALAR:
                    root_line = event.start_mark.line + 1
                root = value
            elif top.is_map:
                self.put(top, value, loc)
            else:
                top.value.append(value)
                if positions:
                    top.value.item_locs.append(loc)

    def key(self, event: Any) -> Any:
        """A mapping key: its text as written (blueprints) or its JSON key as kubectl makes it."""
        tag, text = event.tag, event.value
        if tag == ys.MERGE or (tag is None and event.implicit[0] and text == "<<"):
            if not self.profile.aliases:
                raise self.error("merge keys (<<) are not supported in blueprints; write the keys out", event)
            return _MERGE
        if self.profile.positions:
            if tag not in (None, "!", ys.STR):
                raise self.error(f"a key cannot carry a tag ({_short(tag)}): write it as plain text", event)
            return text
        value = self.scalar(event)
        if value is None:
            raise self.error("a mapping key cannot be null (kubectl refuses it): quote it", event)
        return ys.json_key(value)

    def scalar(self, event: Any) -> Any:
        tag = event.tag
        try:
            if tag is None:
                return ys.resolve_plain(event.value) if event.implicit[0] else event.value
            if tag in ys.SCALAR_TAGS:
                return ys.resolve_tagged(tag, event.value)
        except ys.ScalarError as err:
            raise self.error(str(err), event) from None
        raise self.error(f"unsupported YAML tag {_short(tag)}: write plain YAML", event)

    def put(self, frame: _Frame, value: Any, loc: Any) -> None:
        key, key_loc = frame.key, frame.key_loc
        frame.key = _NO_KEY
        if key is _MERGE:
            sources = value if isinstance(value, list) else [value]
            if not sources or not all(isinstance(s, dict) for s in sources):
                raise self.error("<< merges a mapping or a list of mappings, nothing else", key_loc)
            frame.merges.extend((source, key_loc) for source in sources)
            return
        mapping = frame.value
        if key in mapping:
            where = key_loc if isinstance(key_loc, Location) else self.location(key_loc)
            first = f" (first on line {mapping.key_loc(key).line})" if isinstance(mapping, LocDict) else ""
            duplicate = YamlError(f"duplicate key {show(key)}{first}", where)
            if self.strict:
                raise duplicate
            self.duplicates.append(duplicate)
            del mapping[key]  # the last value wins, as in kubectl, and takes the last place
        mapping[key] = value
        if self.profile.positions:
            mapping.key_locs.setdefault(key, key_loc)
            mapping.value_locs[key] = loc or key_loc

    def merge(self, frame: _Frame) -> None:
        """``<<``: merged keys never override the mapping's own; the first merged mapping wins."""
        mapping = frame.value
        for source, _ in frame.merges:
            for key, value in source.items():
                if key not in mapping:
                    mapping[key] = value

    def location(self, event: Any) -> Location:
        mark = event.start_mark
        return Location(self.name, mark.line + 1, mark.column + 1)

    def error(self, message: str, at: Any) -> YamlError:
        return YamlError(message, at if isinstance(at, Location) else self.location(at))

    def parse_error(self, err: YAMLError) -> YamlError:
        """libyaml's exception as one located line."""
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        if mark is None:  # a ReaderError: a byte or character YAML does not allow, at a byte offset
            raw = self.text.encode("utf-8", "surrogatepass")
            offset = int(getattr(err, "position", 0))
            where = Location(self.name, raw.count(b"\n", 0, offset) + 1, offset - raw.rfind(b"\n", 0, offset))
            character = getattr(err, "character", "")
            shown = show(chr(character) if isinstance(character, int) else character)
            return YamlError(f"character {shown} is not allowed in YAML (escape it inside double quotes)", where)
        where = Location(self.name, mark.line + 1, mark.column + 1)
        context, problem = getattr(err, "context", None), getattr(err, "problem", None)
        if problem == "exceeded maximum nesting depth":  # libyaml's own limit, met while it scans ahead
            return YamlError("YAML nested more than 1,000 levels deep", where)
        if problem == "found incompatible YAML document":
            return YamlError("unsupported %YAML version: YAML 1.1 is read here, as kubectl reads it", where)
        parts = [p for p in (context, problem) if p]
        line = self.text.split("\n", mark.line + 1)[mark.line] if mark.line < self.text.count("\n") + 1 else ""
        char = line[mark.column:mark.column + 1]
        if problem and "cannot start any token" in problem and char:
            parts[-1] += f" ({show(char)})" + ("; indent with spaces, not tabs" if char == "\t" else "")
        if "flow mapping" in (context or "") and line.count("{") > 1:
            # `path: deploy/{env}` inside `{...}`: braces are YAML syntax there
            parts.append('quote values containing { } inside a {...} mapping, e.g. path: "deploy/{env}"')
        return YamlError("invalid YAML: " + "; ".join(parts) if parts else "invalid YAML", where)


def _events(text: str) -> Any:
    """A function returning the next parse event of ``text``."""
    if _CParser is not None:
        return _CParser(text).get_event
    return iter(yaml.parse(text, Loader=yaml.SafeLoader)).__next__


def _short(tag: str | None) -> str:
    return show("!!" + tag.removeprefix(ys.TAG) if tag and tag.startswith(ys.TAG) else tag)


def _copy(value: Any, room: int, composer: _Composer, event: Any) -> Any:
    """A fresh copy of an anchored value (nothing downstream shares it), refused if it nests too deep."""
    if not isinstance(value, (dict, list)):
        return value
    if room <= 0:
        raise composer.error(f"YAML nested more than {composer.profile.max_depth} levels deep (through an alias)",
                             event)
    if isinstance(value, dict):
        return {k: _copy(v, room - 1, composer, event) for k, v in value.items()}
    return [_copy(v, room - 1, composer, event) for v in value]
