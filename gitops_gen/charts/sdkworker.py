"""The Helm SDK worker: ``python -m gitops_gen.charts.sdkworker``, one JSON request per line on stdin.

The only module that imports ``helm_python`` (the ``helm`` extra).  Requests: ``{"op": "version"}`` and
``{"op": "render", archive, release, namespace, values, kube_version, api_versions}``; answers one JSON line:
``{"ok": true, "templates": {helm path: text}}`` or ``{"ok": false, "error": Helm's message}``.  CRDs
(``crds/`` of the chart and its subcharts) are part of the templates, as ``helm template --include-crds``
prints them.  The SDK's Python wrapper does not expose ``kube_version`` / ``api_versions``; its native
render options do, so the request goes to ``helm_render`` with them (ADR 0013).
"""

from __future__ import annotations

import json
import sys
from typing import Any


def _render(request: dict[str, Any], charts: dict[str, Any]) -> dict[str, Any]:
    import helm_python
    from helm_python import _native

    path = str(request["archive"])
    chart = charts.get(path)
    if chart is None:
        chart = charts[path] = helm_python.Chart.load(path)
    options = {"name": request["release"], "namespace": request["namespace"],
               "kube_version": request["kube_version"], "api_versions": list(request["api_versions"]),
               "is_install": True}
    out = _native.call_string("helm_render", chart._raw(), json.dumps(request["values"]), json.dumps(options))
    templates: dict[str, str] = json.loads(out)
    for crd in chart.crds:
        templates[crd["filename"]] = crd["data"]
    return {"ok": True, "templates": {k: v for k, v in templates.items() if v.strip()}}


def main() -> None:
    import helm_python

    charts: dict[str, Any] = {}
    for line in sys.stdin:
        request = json.loads(line)
        try:
            if request.get("op") == "version":
                answer: dict[str, Any] = {"ok": True, "version": helm_python.helm_sdk_version()}
            else:
                answer = _render(request, charts)
        except helm_python.HelmError as err:
            answer = {"ok": False, "error": str(err)}
        except Exception as err:  # a bad archive the SDK trips over: a message, never a dead worker
            answer = {"ok": False, "error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
