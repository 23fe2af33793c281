"""Formats of the change report: an explicit registry, one module per format.

Named for their role (``terminal``, ``comment``, ``document``, ``page``) so they
do not read like validate's and drift's ``output/`` modules.
"""

from __future__ import annotations

from typing import Protocol

from gitops_gen.diff.formats import comment, document, page, terminal
from gitops_gen.diff.model import ChangeReport

DEFAULT_MAX_LENGTH = 65_000  # GitHub refuses a comment over 65,536 characters


class Formatter(Protocol):
    def __call__(self, report: ChangeReport, max_length: int = DEFAULT_MAX_LENGTH, colour: bool = False) -> str: ...


FORMATS: dict[str, Formatter] = {
    "text": terminal.render,
    "markdown": comment.render,
    "json": document.render,
    "html": page.render,
}
# ``--report FILE`` picks the format from the file name.
EXTENSIONS: dict[str, str] = {".txt": "text", ".md": "markdown", ".json": "json", ".html": "html", ".htm": "html"}
