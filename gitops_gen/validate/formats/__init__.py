"""Output formats for validation reports: a registry of plain functions (one module per format)."""

from __future__ import annotations

from collections.abc import Callable

from gitops_gen.validate.findings import Report
from gitops_gen.validate.formats import github, json_, junit, sarif, text

Formatter = Callable[[Report, bool], str]  # (report, colour) -> the whole output, ending in a newline

FORMATS: dict[str, Formatter] = {
    "text": text.format_report,
    "json": json_.format_report,
    "junit": junit.format_report,
    "sarif": sarif.format_report,
    "github": github.format_report,
}
