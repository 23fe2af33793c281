"""Output formats: an explicit registry of functions turning a DriftReport into text."""

from __future__ import annotations

from typing import Protocol

from gitops_gen.drift.formats import json_, junit, markdown, text
from gitops_gen.drift.model import DriftReport


class Formatter(Protocol):
    def __call__(self, report: DriftReport, color: bool = False) -> str: ...  # color: only text uses it


FORMATS: dict[str, Formatter] = {
    "text": text.render,
    "json": json_.render,
    "markdown": markdown.render,
    "junit": junit.render,
}
# ``--report FILE`` picks the format from the file name.
EXTENSIONS: dict[str, str] = {".txt": "text", ".json": "json", ".md": "markdown", ".xml": "junit"}
