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
import os
import re
import stat
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from gitops_gen.base.errors import InputError
from gitops_gen.base.inputs import read_stream, read_text, within
from gitops_gen.base.severity import Severity
from gitops_gen.validate.crds import CrdRegistry, CrdSource, is_crd, registry_from_crds
from gitops_gen.validate.engine import Document
from gitops_gen.validate.findings import INVALID_DOCUMENT, Finding
from gitops_gen.yamlio import reader

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
            try:
                yield STDIN_NAME, read_stream(stdin, STDIN_NAME)
            except InputError as err:
                problems.append(_located(err, 1))
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
                yield str(file), read_text(file)  # regular files only, within a byte cap
            except InputError as err:
                problems.append(_located(err, 1))


def parse_stream(text: str, name: str, strict: bool, problems: list[Finding]) -> Iterator[Document]:
    """Documents of a YAML (or JSON) stream, each with the line its content starts on."""
    if name.endswith(".json") or text.lstrip().startswith(("{", "[")):
        try:
            yield Document(reader.load_json(text, name), name, _first_content_line(text, 1), text=text)
            return
        except reader.YamlError:
            pass  # YAML is a superset of JSON: let the YAML parser report where it breaks
    chunks = list(_chunks(text))
    try:
        whole: list[reader.Parsed] | None = reader.load_documents(text, name, strict)  # one parser run: fast
    except reader.YamlError:
        whole = None
    parts = [(start, c) for start, c in chunks if _holds_document(c)]
    if whole is not None and len(whole) == len(parts):
        for parsed, (start, chunk) in zip(whole, parts, strict=True):
            problems.extend(_located(d, 1, Severity.WARNING) for d in parsed.duplicates)  # errors if --strict
            yield Document(parsed.value, name, parsed.line, text=chunk, text_line=start)
        return
    for start, chunk in chunks:  # parse part by part: exact lines, and one bad part hides nothing
        try:
            parsed_docs = reader.load_documents(chunk, name, strict)
        except reader.YamlError as err:
            problems.append(_located(err, start))
            continue
        for parsed in parsed_docs:
            problems.extend(_located(d, start, Severity.WARNING) for d in parsed.duplicates)
            yield Document(parsed.value, name, start + parsed.line - 1, text=chunk, text_line=start)


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


def _located(err: InputError, start: int, severity: Severity = Severity.ERROR) -> Finding:
    """An input error found in the part that starts on line ``start`` of its file."""
    where = err.location
    line = start + where.line - 1 if where and where.line else 0
    return Finding(INVALID_DOCUMENT, severity, None, err.message, file=where.file if where else "", line=line)


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


def crd_files(dirs: Sequence[Path], repo: Path | None = None) -> list[Path]:
    """The YAML/JSON files under ``dirs`` (recursive).  With ``repo`` (the folders gitops.yaml names), a
    folder whose real path is outside the repository is refused, and links to folders are not followed."""
    found: list[Path] = []
    for root in dirs:
        if repo is not None:
            within(root, repo, str(root.relative_to(repo)) if root.is_relative_to(repo) else str(root))
        if not root.is_dir():
            raise InputError(f"--crd-dir {root}: not a directory")
        for folder, subdirs, files in os.walk(root):  # does not follow links to folders
            subdirs.sort()
            found.extend(Path(folder) / f for f in sorted(files) if Path(f).suffix in SUFFIXES)
    return found


def load_crd_dirs(dirs: Sequence[Path], strict_fields: bool = True, *, repo: Path | None = None,
                  repo_dirs: Sequence[Path] = ()) -> CrdRegistry:
    """Every CRD in the YAML/JSON files under ``dirs`` and ``repo_dirs`` (recursive); other documents are
    ignored.  ``repo_dirs`` are the repository's own (gitops.yaml ``crdDirs``): no read leaves ``repo``
    (``inputs.within``); ``dirs`` (``--crd-dir``) may be anywhere.

    A folder that does not exist is a usage error (exit 2); a file or document that cannot be
    read, and a CRD that cannot be compiled, are findings about it in the registry: the others load.
    """
    sources: list[CrdSource] = []
    problems: list[Finding] = []
    files = [(f, None) for f in crd_files(dirs)] + [(f, repo) for f in crd_files(repo_dirs, repo)]
    for file, inside in files:
        try:
            text = read_text(file, root=inside)  # regular files only, within a byte cap, inside the repo
        except InputError as err:
            problems.append(_located(err, 1))
            continue
        for doc in parse_stream(text, str(file), False, problems):
            sources.extend(CrdSource(d.body, d.file, d.line) for d in expand_list(doc) if is_crd(d.body))
    registry = registry_from_crds(sources, strict_fields)
    return CrdRegistry(registry.kinds, tuple(problems) + registry.findings)
