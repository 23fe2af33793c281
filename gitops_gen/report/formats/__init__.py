"""The report's output formats, one module each, in one registry: name -> (render function, file name)."""

from __future__ import annotations

from collections.abc import Callable

from gitops_gen.report.formats import document, markdown, page, table
from gitops_gen.report.model import Report

FORMATS: dict[str, Callable[[Report], str]] = {
    "html": page.render,
    "markdown": markdown.render,
    "json": document.render,
    "csv": table.access_csv,
}
# What ``--out DIR`` writes: every format, and each table of the pack as its own CSV.
FILES: dict[str, Callable[[Report], str]] = {
    "report.html": page.render,
    "report.md": markdown.render,
    "report.json": document.render,
    "access.csv": table.access_csv,
    "inventory.csv": table.inventory_csv,
    "quotas.csv": table.quotas_csv,
    "exceptions.csv": table.exceptions_csv,
    "changes.csv": table.changes_csv,
    "drift.csv": table.drift_csv,
}
