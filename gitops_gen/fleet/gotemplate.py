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
    out: list[str] = []
    pos = 0
    while (start := text.find("{{", pos)) >= 0:
        out.append(text[pos:start])
        end = _action_end(text, start + 2)
        out.append(_print(_evaluate(text[start + 2:end].strip(), params)))
        pos = end + 2
    out.append(text[pos:])
    return "".join(out)


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


def _evaluate(action: str, params: Mapping[str, Any]) -> Any:
    if action.startswith("-") or action.endswith("-"):
        raise TemplateError(f"trim markers are not part of what gitops-gen writes: {{{{{action}}}}}")
    words = _split(action)
    if not words:
        raise TemplateError("empty action {{}}")
    head, args = words[0], words[1:]
    if head == "index":
        if len(args) < 2:
            raise TemplateError(f"index needs a map and a key: {{{{{action}}}}}")
        value = _term(args[0], params)
        for key in args[1:]:
            if not isinstance(value, Mapping):
                raise TemplateError(f"index of a non-map in {{{{{action}}}}}")
            value = value.get(_term(key, params), "")
        return value
    if head == "toJson":
        if len(args) != 1:
            raise TemplateError(f"toJson takes one argument: {{{{{action}}}}}")
        return json.dumps(_term(args[0], params), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    if args:
        raise TemplateError(f"not a template gitops-gen writes: {{{{{action}}}}}")
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
