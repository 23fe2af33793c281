"""Path mode input, like kubeconform: files, folders, ``-`` for stdin.

Folders are walked recursively for ``*.yaml``, ``*.yml`` and ``*.json``; a file
named explicitly is read whatever its suffix.  A stream is split at ``---``
lines before parsing so that each document knows its line and one broken
document does not hide the others.  ``kind: List`` is expanded into its items.

A path that does not exist, a file that cannot be parsed, a document without
``kind`` or ``apiVersion``: all are findings (exit 1), as in kubeconform,
because they are defects of the input set the run was asked to judge.  Exit 2
stays for bad flags (an unsupported ``--kubernetes-version``, a missing
``--crd-dir``).
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from gitops_gen import yamlio
from gitops_gen.errors import InputError
from gitops_gen.validate.crds import CrdRegistry, CrdSource, is_crd, registry_from_crds
from gitops_gen.validate.engine import Document
from gitops_gen.validate.findings import INVALID_DOCUMENT, Finding, Severity

SUFFIXES = (".yaml", ".yml", ".json")
STDIN = "-"
STDIN_NAME = "stdin"
_SEPARATOR = re.compile(r"^---(?=[ \t]|$)", re.MULTILINE)


def read_inputs(
    paths: Sequence[str], stdin: TextIO, strict: bool = False
) -> tuple[list[Document], list[Finding]]:
    """Every document under ``paths`` and the findings about inputs that could not be read."""
    docs: list[Document] = []
    problems: list[Finding] = []
    for name, text in _texts(paths, stdin, problems):
        for doc in parse_stream(text, name, strict, problems):
            docs.extend(expand_list(doc))
    return docs, problems


def stdin_is_device(stdin: TextIO) -> bool:
    """Whether stdin is a terminal or a device such as /dev/null: nothing was piped in.

    Reading it would wait for typing or yield nothing; kubeconform refuses it too.
    Streams without a file descriptor (tests, wrappers) count as piped data.
    """
    try:
        return stat.S_ISCHR(os.fstat(stdin.fileno()).st_mode)
    except (AttributeError, OSError, ValueError):
        return False


def _texts(paths: Sequence[str], stdin: TextIO, problems: list[Finding]) -> Iterator[tuple[str, str]]:
    for raw in paths:
        if raw == STDIN:
            yield STDIN_NAME, stdin.read()
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.suffix in SUFFIXES and p.is_file())
        elif path.exists():
            files = [path]
        else:
            problems.append(_problem(raw, 0, "no such file or directory"))
            continue
        for file in files:
            try:
                yield str(file), file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                problems.append(_problem(str(file), 0, f"cannot read: {err}"))


def parse_stream(text: str, name: str, strict: bool, problems: list[Finding]) -> Iterator[Document]:
    """Documents of a YAML (or JSON) stream, each with the line its content starts on."""
    if name.endswith(".json") or text.lstrip().startswith(("{", "[")):
        try:
            yield Document(yamlio.to_json(json.loads(text)), name, _first_content_line(text, 1), text=text)
            return
        except ValueError:
            pass  # YAML is a superset of JSON: let the YAML parser report where it breaks
    chunks = list(_chunks(text))
    whole = _load_whole(text, strict)
    parts = [(start, c) for start, c in chunks if _holds_document(c)]
    if whole is not None and len(whole) == len(parts):  # one parser run for the stream: twice as fast
        for value, (start, chunk) in zip(whole, parts, strict=True):
            yield Document(value, name, _first_content_line(chunk, start), text=chunk, text_line=start)
        return
    for start, chunk in chunks:  # parse part by part: exact lines, and one bad part hides nothing
        try:
            values = yamlio.load_plain_strict(chunk) if strict else yamlio.load_plain(chunk)
        except yamlio.YAML_ERRORS as err:
            problems.append(_yaml_problem(err, name, start))
            continue
        except RecursionError:
            problems.append(_problem(name, start, "YAML nested too deeply"))
            continue
        line = _first_content_line(chunk, start)
        for value in values:
            yield Document(value, name, line, text=chunk, text_line=start)


def _load_whole(text: str, strict: bool) -> list[Any] | None:
    try:
        return yamlio.load_plain_strict(text) if strict else yamlio.load_plain(text)
    except yamlio.YAML_OR_DEPTH_ERRORS:
        return None


def _holds_document(chunk: str) -> bool:
    """Whether the YAML parser makes a document of this part (a ``---`` always does, even empty)."""
    return chunk.startswith("---") or any(
        line.strip() and not line.strip().startswith("#") for line in chunk.split("\n")
    )


def _chunks(text: str) -> Iterator[tuple[int, str]]:
    """(first line, text) of each ``---``-separated part; the separator stays with its part."""
    starts = [m.start() for m in _SEPARATOR.finditer(text)]
    if not starts or starts[0] != 0:
        starts.insert(0, 0)
    line = 1
    for index, begin in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        chunk = text[begin:end]
        yield line, chunk
        line += chunk.count("\n")  # per part, not from the top: linear in a 100,000-document stream


def _first_content_line(chunk: str, start: int) -> int:
    for index, line in enumerate(chunk.split("\n")):
        text = line.strip()
        if text.startswith("---"):
            text = text[3:].strip()
        if text and not text.startswith("#"):
            return start + index
    return start


def _yaml_problem(err: Exception, name: str, start: int) -> Finding:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    line = start + mark.line if mark is not None else start
    duplicate = re.search(r'found duplicate key "([^"]*)"', str(err))
    if duplicate:
        return _problem(name, line, f"duplicate key {duplicate.group(1)!r}")
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    return _problem(name, line, f"invalid YAML: {problem}")


def _problem(name: str, line: int, message: str) -> Finding:
    return Finding(INVALID_DOCUMENT, Severity.ERROR, None, message, file=name, line=line)


def expand_list(doc: Document) -> Iterator[Document]:
    """``kind: List`` -> its items (an empty List yields nothing); anything else -> itself."""
    body = doc.body
    if isinstance(body, dict) and body.get("kind") == "List" and isinstance(body.get("items", []), list):
        for index, item in enumerate(body.get("items") or ()):
            yield dataclasses.replace(doc, body=item, within=(*doc.within, "items", index))
        return
    yield doc


def load_crd_dirs(dirs: Sequence[Path], strict_fields: bool = True) -> CrdRegistry:
    """Every CRD in the YAML/JSON files under ``dirs`` (recursive); other documents are ignored.

    A folder that does not exist is a usage error (exit 2); a file or document that cannot be
    read, and a CRD that cannot be compiled, are findings about it in the registry: the others load.
    """
    sources: list[CrdSource] = []
    problems: list[Finding] = []
    for root in dirs:
        if not root.is_dir():
            raise InputError(f"--crd-dir {root}: not a directory")
        for file in sorted(p for p in root.rglob("*") if p.suffix in SUFFIXES and p.is_file()):
            try:
                text = file.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                problems.append(_problem(str(file), 0, f"cannot read CRD file: {err}"))
                continue
            for doc in parse_stream(text, str(file), False, problems):
                sources.extend(CrdSource(d.body, d.file, d.line) for d in expand_list(doc) if is_crd(d.body))
    registry = registry_from_crds(sources, strict_fields)
    return CrdRegistry(registry.kinds, tuple(problems) + registry.findings)
