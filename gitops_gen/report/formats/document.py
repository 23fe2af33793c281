"""``-o json``: the whole pack as one versioned document (``version``: model.JSON_VERSION)."""

from __future__ import annotations

import json
from typing import Any

from gitops_gen.report.model import JSON_VERSION, Report, plain


def as_json(report: Report) -> dict[str, Any]:
    body = plain(report)
    body["posture"]["exceptions"] = [{**plain(e), "state": e.state} for e in report.posture.exceptions]
    return {"version": JSON_VERSION, **body}


def render(report: Report) -> str:
    """One object per line at the top level; a fleet's access matrix alone is tens of thousands of rows."""
    doc = as_json(report)
    lines = [f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in doc.items()]
    return "{\n" + ",\n".join(lines) + "\n}\n"
