"""``-o json``: the whole pack as one versioned document (``version``: model.JSON_VERSION)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from gitops_gen.report.model import JSON_VERSION, Report


def as_json(report: Report) -> dict[str, Any]:
    body = asdict(report)
    body["posture"]["exceptions"] = [{**asdict(e), "state": e.state} for e in report.posture.exceptions]
    return {"version": JSON_VERSION, **body}


def render(report: Report) -> str:
    return json.dumps(as_json(report), indent=2, ensure_ascii=False, sort_keys=False) + "\n"
