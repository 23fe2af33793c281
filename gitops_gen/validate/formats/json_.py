"""``-o json``: the versioned shape of DESIGN.md ("version": 1)."""

from __future__ import annotations

import json

from gitops_gen.validate.findings import Report


def format_report(report: Report, color: bool = False) -> str:
    return json.dumps(report.as_json(), indent=2, ensure_ascii=False) + "\n"
