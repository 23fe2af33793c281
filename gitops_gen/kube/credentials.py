"""Credentials as kubectl uses them, and never in a message.

* A token (``token``, ``tokenFile``, an exec plugin's ``status.token``) is trimmed of surrounding white
  space, as kubectl trims it: a token file saved with a final newline is the common case, and sent raw
  the newline makes the HTTP library fail with the whole ``Bearer ...`` header in its error.
* An exec credential plugin runs under the cluster's deadline (``--timeout``), its stderr is captured and
  never shown (plugins print tokens, account names and URLs there), and a plugin that fails is a failure
  of that cluster (exit 3) instead of a read without credentials.
* ``scrub`` takes the known secrets and any ``user:password@`` of a URL out of a message.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from gitops_gen.base.errors import ExternalError

MAX_PLUGIN_OUTPUT = 1 << 20  # an ExecCredential is a few KB
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s]*@")
_HIDDEN = "***"


def token(raw: object) -> str:
    """A bearer token as kubectl sends it: surrounding white space trimmed; refused if it still holds a
    control character (a header cannot carry one, and the error would repeat the token)."""
    text = str(raw).strip()
    if any(ord(c) < 0x20 or ord(c) == 0x7F for c in text):
        raise ExternalError("the kubeconfig's token holds a control character: it cannot be sent "
                            "(the token itself is not shown)")
    return text


def scrub(message: str, secrets: Iterable[str] = ()) -> str:
    """``message`` without ``user:password@`` in URLs and without any of ``secrets``."""
    text = _USERINFO.sub(r"\1", message)
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        text = text.replace(secret, _HIDDEN)
    return text


def run_plugin(spec: Mapping[str, Any], cwd: str | None, cluster: Mapping[str, Any] | None,
               timeout: float, deadline: float | None = None) -> Mapping[str, Any]:
    """The ``status`` of an ExecCredential from the plugin ``spec`` (a kubeconfig user's ``exec``), run for
    at most ``timeout`` seconds (what is left of the cluster's ``deadline``)."""
    command = spec.get("command")
    api_version = spec.get("apiVersion")
    if not isinstance(command, str) or not command or not isinstance(api_version, str):
        raise ExternalError("exec credential plugin: the kubeconfig's exec needs a command and an apiVersion")
    args = spec.get("args") or []
    if not isinstance(args, Sequence) or isinstance(args, str):
        raise ExternalError("exec credential plugin: args must be a list")
    env = dict(os.environ)
    for item in spec.get("env") or ():
        if isinstance(item, Mapping) and isinstance(item.get("name"), str):
            env[item["name"]] = str(item.get("value", ""))
    info: dict[str, Any] = {"apiVersion": api_version, "kind": "ExecCredential", "spec": {"interactive": False}}
    if spec.get("provideClusterInfo") and cluster is not None:
        info["spec"]["cluster"] = dict(cluster)
    env["KUBERNETES_EXEC_INFO"] = json.dumps(info)
    name = os.path.basename(command)
    try:  # its own session, so that a hanging plugin is ended with everything it started
        process = subprocess.Popen([command, *map(str, args)], cwd=cwd or None, env=env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
    except OSError as err:
        raise ExternalError(f"exec credential plugin {name} cannot be run: {err.strerror or err}") from None
    try:
        stdout, _ = process.communicate(timeout=max(0.001, timeout))
    except subprocess.TimeoutExpired:
        _end(process)
        within = round(deadline or timeout, 1)
        raise ExternalError(f"exec credential plugin {name} did not answer within the {within:g}s "
                            "deadline (set drift.timeoutSeconds or --timeout)") from None
    if process.returncode != 0:
        # Its stderr is not shown: plugins write tokens, account names and URLs there.
        raise ExternalError(f"exec credential plugin {name} failed (exit {process.returncode}); run it by "
                            "hand to see why (its own messages are not repeated here)")
    try:
        reply = json.loads(stdout[:MAX_PLUGIN_OUTPUT])
    except ValueError:
        raise ExternalError(f"exec credential plugin {name} did not print an ExecCredential (JSON)") from None
    status = reply.get("status") if isinstance(reply, Mapping) else None
    if not isinstance(status, Mapping) or reply.get("apiVersion") != api_version:
        raise ExternalError(f"exec credential plugin {name} printed no ExecCredential status of {api_version}")
    return status


def _end(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(OSError, subprocess.TimeoutExpired):
        process.communicate(timeout=5)
