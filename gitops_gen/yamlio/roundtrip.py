"""Edit a blueprint in place, keeping what a reviewer reads: comments, key order, quoting, indentation.

The one owner of ruamel.yaml's round-trip mode (reading blueprints with positions is ``yamlio``'s job).

ruamel reproduces most files byte for byte, but not all: it re-spaces aligned values (``s:  {...}``)
and may re-wrap long flow mappings.  So the edit is made on ruamel's tree, and only the lines ruamel
changed *because of the edit* are carried into the original text; the rest of the file stays as the
user wrote it.  When the edit touches a line ruamel would have reformatted anyway, the whole re-dumped
file is used (still the same data, comments kept).
"""

from __future__ import annotations

import difflib
import io
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import CommentMark, YAMLError
from ruamel.yaml.scalarstring import DoubleQuotedScalarString
from ruamel.yaml.tokens import CommentToken

from gitops_gen.base.errors import InputError, Location
from gitops_gen.yamlio.reader import load_plain

KeyPath = tuple[str, ...]  # keys from the top of the document


@dataclass(frozen=True)
class Edit:
    """Set ``path`` to ``value``, or (``remove``) delete it and every mapping the removal leaves empty
    (down to ``keep`` leading keys, which are never removed)."""

    path: KeyPath
    value: Any = None
    remove: bool = False
    keep: int = 1


def read_mapping(text: str, filename: str = "<blueprint>") -> CommentedMap:
    """The one YAML mapping of a blueprint, as the editor sees it; ``InputError`` when it is not one."""
    return _load(_yaml(text), text, filename)


def _load(yaml: YAML, text: str, filename: str) -> CommentedMap:
    try:
        doc = yaml.load(text)
    except YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = Location(filename, mark.line + 1, mark.column + 1) if mark is not None else Location(filename)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise InputError(f"cannot edit: {problem}{_tab_hint(text, mark)}", where) from None
    if not isinstance(doc, CommentedMap):
        raise InputError("cannot edit: the file is not a YAML mapping", Location(filename))
    return doc


def apply_edits(text: str, edits: Sequence[Edit], filename: str = "<blueprint>") -> str:
    """``text`` with ``edits`` applied; raises ``InputError`` when it is not one YAML mapping."""
    yaml = _yaml(text)
    doc = _load(yaml, text, filename)
    before = _dump(yaml, doc)
    # settings first: a removal that empties a mapping a setting then refills would drop its comments
    for edit in sorted(edits, key=lambda e: e.remove):
        if edit.remove:
            _remove(doc, edit.path, edit.keep)
        else:
            _set(doc, edit.path, edit.value)
    after = _dump(yaml, doc)
    try:
        result = transplant(text, before, after)
    except Unmappable as err:
        raise InputError("cannot make this edit without rewriting lines around it (a flow mapping over "
                         "several lines, a JSON-style file or a `? key`): make the change by hand",
                         Location(filename, err.line, 1)) from None
    if _yaml(result).load(result) != doc:
        raise InputError("cannot make this edit keeping the file's own layout: make the change by hand",
                         Location(filename, 1, 1))
    return result


def _tab_hint(text: str, mark: Any) -> str:
    line = text.splitlines()[mark.line] if mark is not None and mark.line < len(text.splitlines()) else ""
    return (" (a tab before a comment: the loader reads it, the editor does not; put a space there)"
            if "\t#" in line or "\t #" in line else "")


def _yaml(text: str) -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long line the user wrote on one line
    mapping, sequence, offset = guess_indent(text)
    yaml.indent(mapping=mapping, sequence=sequence, offset=offset)
    return yaml


def _dump(yaml: YAML, doc: Any) -> str:
    out = io.StringIO()
    yaml.dump(doc, out)
    return out.getvalue()


def guess_indent(text: str) -> tuple[int, int, int]:
    """(mapping indent, sequence indent, dash offset) as the file itself uses them (default 2, 2, 0)."""
    mapping: int | None = None
    offset: int | None = None
    lines = [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    for line, following in itertools.pairwise(lines):
        content = line.split(" #")[0].rstrip()
        if not content.endswith(":") or content.lstrip().startswith("- "):
            continue
        indent, deeper = _indent(line), _indent(following)
        if deeper <= indent:
            continue
        if following.lstrip().startswith("- "):
            offset = deeper - indent if offset is None else offset
        elif mapping is None:
            mapping = deeper - indent
    mapping = mapping or 2
    offset = offset if offset is not None else 0
    return mapping, offset + 2, offset


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _set(doc: CommentedMap, path: KeyPath, value: Any) -> None:
    node = doc
    for depth, key in enumerate(path[:-1]):
        child = node.get(key)
        if not isinstance(child, CommentedMap):
            child = CommentedMap()
            # the first levels (spec.overrides.addons) hold several entries: block style; deeper, a new
            # chain of keys fits on one line (`web: {chart: {version: 1.2.3}}`), as does anything in a flow map
            flow = depth >= 3 or _is_flow(node)
            if flow:
                child.fa.set_flow_style()
            node[key] = child
        node = child
    node[path[-1]] = _to_node(value, flow=_is_flow(node) or len(path) > 3)


def _remove(doc: CommentedMap, path: KeyPath, keep: int) -> None:
    chain: list[CommentedMap] = [doc]
    for key in path[:-1]:
        child = chain[-1].get(key)
        if not isinstance(child, CommentedMap):
            return
        chain.append(child)
    if path[-1] not in chain[-1]:
        return
    depth = len(path) - 1
    orphans = _pop(chain[depth], path[-1])
    while depth > keep and not chain[depth]:  # a mapping the removal left empty goes too
        depth -= 1
        orphans = _pop(chain[depth], path[depth], orphans)
    for level in range(depth, 0, -1):  # comment lines that followed the last removed line
        if not orphans:
            break
        orphans = _place_after(chain[level - 1], path[level - 1], orphans)


def _pop(node: CommentedMap, key: str, orphans: str = "") -> str:
    """Delete ``key``; return the full-line comments ruamel stored with it that belong to the lines
    below it (ruamel attaches a comment line to the item before it), placed before the next key when
    there is one."""
    entry = node.ca.items.pop(key, None)
    token = entry[2] if entry and len(entry) > 2 else None
    if token is not None and "\n" in token.value.rstrip("\n"):
        orphans = token.value.split("\n", 1)[1] + orphans  # its first line is the item's own comment
    following = _next_key(node, key)
    del node[key]
    if not orphans.strip():
        return ""
    return _place_before(node, following, orphans) if following is not None else orphans


def _place_after(node: CommentedMap, key: str, lines: str) -> str:
    following = _next_key(node, key)
    return _place_before(node, following, lines) if following is not None else lines


def _next_key(node: CommentedMap, key: str) -> str | None:
    keys = list(node)
    index = keys.index(key)
    return keys[index + 1] if index + 1 < len(keys) else None


def _place_before(node: CommentedMap, key: str, lines: str) -> str:
    tokens = []
    for line in lines.splitlines():
        text = line.lstrip(" ")
        tokens.append(CommentToken(text + "\n", CommentMark(len(line) - len(text) if text else 0)))
    entry = node.ca.items.setdefault(key, [None, None, None, None])
    entry[1] = tokens + (entry[1] or [])
    return ""


def _is_flow(node: Any) -> bool:
    return bool(getattr(node, "fa", None) is not None and node.fa.flow_style())


def _to_node(value: Any, flow: bool) -> Any:
    if isinstance(value, Mapping):
        out = CommentedMap((str(k), _to_node(v, True)) for k, v in value.items())
        if flow:
            out.fa.set_flow_style()
        return out
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_to_node(v, True) for v in value)
        seq.fa.set_flow_style()
        return seq
    if isinstance(value, str) and load_plain(str(value)) != [value]:  # str(): libyaml takes no str subclass
        return DoubleQuotedScalarString(value)  # "yes", "1.30", "#x": read back as the string it is
    return value


class Unmappable(Exception):
    """An edit falls on lines ruamel would rewrite as a different number of lines (a flow mapping over
    several lines, a JSON-style file, ``? key``): carrying it would rewrite lines nobody asked to change."""

    def __init__(self, line: int) -> None:
        super().__init__(line)
        self.line = line  # 1-based, in the original


def transplant(original: str, before: str, after: str) -> str:
    """Carry the line changes ``before`` -> ``after`` into ``original`` (of which ``before`` is ruamel's
    reformatted copy): every other line keeps its bytes, line ending included (CRLF, CR, mixed, no final
    newline).  A line ruamel reformats in place maps to its original; raises ``Unmappable`` when a change
    falls inside lines ruamel would join or split."""
    lines = _lines(original)
    orig = [content for content, _ in lines]
    old, new = ([content for content, _ in _lines(t)] for t in (before, after))
    eol = _dominant(lines)
    to_orig: dict[int, int] = {}
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, orig, old, autojunk=False).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):  # same lines, maybe re-spaced
            to_orig.update((j1 + k, i1 + k) for k in range(i2 - i1))
    out: list[tuple[str, str]] = []
    pos = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if i1 < i2:  # lines replaced or removed: they must be lines the original has, in one run
            start = to_orig.get(i1, -1)
            if start < 0 or any(to_orig.get(k) != start + k - i1 for k in range(i1, i2)):
                raise Unmappable(_near(to_orig, i1) + 1)
            end = start + i2 - i1
        elif i1 - 1 in to_orig:
            start = end = to_orig[i1 - 1] + 1
        elif i1 == len(old):  # appended at the end
            start = end = len(orig)
        elif i1 in to_orig or i1 == 0:
            start = end = to_orig.get(i1, 0)
        else:
            raise Unmappable(_near(to_orig, i1) + 1)
        if start < pos:
            raise Unmappable(start + 1)
        out.extend(lines[pos:start])
        endings = [ending for _, ending in lines[start:end]]
        out.extend((text, endings[k] if k < len(endings) and endings[k] else eol) for k, text in enumerate(new[j1:j2]))
        pos = end
    out.extend(lines[pos:])
    if lines and not lines[-1][1] and out and out[-1][1]:  # the file had no final newline: nor has it now
        out = [*((t, e or eol) for t, e in out[:-1]), (out[-1][0], "")]
    return "".join(text + ending for text, ending in out)


def _lines(text: str) -> list[tuple[str, str]]:
    """(content, line ending) of each line, YAML's line breaks only (not str.splitlines's \\x85, \\u2028 ...);
    the ending is "" for a last line without one."""
    return [(m[1], m[2]) for m in _LINE.finditer(text) if m[0]]


_LINE = re.compile(r"([^\r\n]*)(\r\n|\r|\n|$)")


def _dominant(lines: list[tuple[str, str]]) -> str:
    endings = [ending for _, ending in lines if ending]
    return max(set(endings), key=endings.count) if endings else "\n"


def _near(to_orig: Mapping[int, int], index: int) -> int:
    """The original line closest before ``index`` of ruamel's copy (0 when none)."""
    return next((to_orig[k] for k in range(index, -1, -1) if k in to_orig), 0)
