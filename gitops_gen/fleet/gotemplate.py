"""The Go ``text/template`` subset gitops-gen writes into ApplicationSets, evaluated as Argo CD does (pure).

Argo CD renders every string of an ApplicationSet's template (and of a matrix's second generator) with
Go's text/template, sprig loaded, ``goTemplateOptions: [missingkey=error]``.  gitops-gen writes only:

- text outside actions, copied as is;
- ``{{"{{"}}``: a string literal, how a literal ``{{`` in a blueprint value is written (``escape``);
- ``{{.a.b}}``: a field chain; a missing key is an error (missingkey=error);
- ``{{index X "k"}}``: a map lookup; a missing key gives "" (``index`` ignores missingkey, and the maps
  indexed are Secret labels and annotations, ``map[string]string``);
- ``{{toJson X}}``: sprig's toJson (Go's encoding/json; only the parsed value matters here).

Anything else (pipelines, trim markers, other functions) is refused with ``TemplateError``: the
expansion must never guess what Argo CD would do with a template gitops-gen did not write.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

ESCAPED_OPEN = '{{"{{"}}'
_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
_FIELD = re.compile(r"(\.[A-Za-z_][A-Za-z0-9_]*)+")


class TemplateError(ValueError):
    """A template Argo CD would refuse (missing key) or gitops-gen does not emit."""


def escape(text: str) -> str:
    """``text`` as a template that renders to exactly ``text``."""
    return text.replace("{{", ESCAPED_OPEN)


def is_template(text: str) -> bool:
    return "{{" in text


def render(text: str, params: Mapping[str, Any]) -> str:
    """Execute ``text`` with ``params`` (the generator's parameters)."""
    if "{{" not in text:
        return text
    return "".join(part if isinstance(part, str) else _print(_run(part, params)) for part in compile_text(text))


def evaluate(text: str, params: Mapping[str, Any]) -> Any:
    """The value of a template that is one action and nothing else (``{{toJson .patch}}``), unprinted."""
    parts = compile_text(text)
    if len(parts) != 1 or isinstance(parts[0], str):
        raise TemplateError(f"not a single action: {text!r}")
    return _run(parts[0], params)


Action = tuple[str, tuple[str, ...]]  # (head, arguments): parsed once per template string


@functools.lru_cache(maxsize=65536)
def compile_text(text: str) -> tuple[str | Action, ...]:
    """``text`` split into literal text and parsed actions (cached: a fleet repeats the same templates)."""
    out: list[str | Action] = []
    pos = 0
    while (start := text.find("{{", pos)) >= 0:
        if start > pos:
            out.append(text[pos:start])
        end = _action_end(text, start + 2)
        out.append(_parse(text[start + 2:end].strip()))
        pos = end + 2
    if pos < len(text):
        out.append(text[pos:])
    return tuple(out)


def _parse(action: str) -> Action:
    if action.startswith("-") or action.endswith("-"):
        raise TemplateError(f"trim markers are not part of what gitops-gen writes: {{{{{action}}}}}")
    words = _split(action)
    if not words:
        raise TemplateError("empty action {{}}")
    head, args = words[0], tuple(words[1:])
    if head == "index" and len(args) < 2:
        raise TemplateError(f"index needs a map and a key: {{{{{action}}}}}")
    if head == "toJson" and len(args) != 1:
        raise TemplateError(f"toJson takes one argument: {{{{{action}}}}}")
    if head not in ("index", "toJson") and args:
        raise TemplateError(f"not a template gitops-gen writes: {{{{{action}}}}}")
    for word in (head, *args) if head not in ("index", "toJson") else args:
        if not (word.startswith('"') or _FIELD.fullmatch(word)):
            raise TemplateError(f"not a template term gitops-gen writes: {word}")
    return head, args


def _action_end(text: str, pos: int) -> int:
    """Index of the ``}}`` closing the action opened before ``pos`` (string literals may hold braces)."""
    while pos < len(text):
        if text.startswith("}}", pos):
            return pos
        if text[pos] == '"':
            literal = _STRING.match(text, pos)
            if not literal:
                break
            pos = literal.end()
            continue
        pos += 1
    raise TemplateError(f"unclosed action in template {text!r}")


def _run(action: Action, params: Mapping[str, Any]) -> Any:
    head, args = action
    if head == "index":
        value = _term(args[0], params)
        for key in args[1:]:
            if not isinstance(value, Mapping):
                raise TemplateError(f"index of a non-map in {{{{index {' '.join(args)}}}}}")
            value = value.get(_term(key, params), "")
        return value
    if head == "toJson":
        return json.dumps(_term(args[0], params), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return _term(head, params)


def _split(action: str) -> list[str]:
    words: list[str] = []
    pos = 0
    while pos < len(action):
        if action[pos].isspace():
            pos += 1
            continue
        literal = _STRING.match(action, pos)
        if literal:
            words.append(literal.group(0))
            pos = literal.end()
            continue
        end = pos
        while end < len(action) and not action[end].isspace():
            end += 1
        words.append(action[pos:end])
        pos = end
    return words


def term(word: str, params: Mapping[str, Any]) -> Any:
    """The value of one term: a string literal or a field chain."""
    return _term(word, params)


def _term(word: str, params: Mapping[str, Any]) -> Any:
    if word.startswith('"'):
        try:
            return json.loads(word)  # Go's and JSON's escapes agree on everything gitops-gen writes
        except json.JSONDecodeError as err:
            raise TemplateError(f"bad string literal {word}") from err
    if _FIELD.fullmatch(word):
        value: Any = params
        for key in word[1:].split("."):
            if not isinstance(value, Mapping) or key not in value:
                raise TemplateError(f"map has no entry for key {key!r} ({word}; missingkey=error)")
            value = value[key]
        return value
    raise TemplateError(f"not a template term gitops-gen writes: {word}")


def _print(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    raise TemplateError(f"a template action printed a {type(value).__name__}; gitops-gen prints strings only")
