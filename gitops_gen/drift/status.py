"""Argo CD's own verdict on each rendered Application: drift inside Helm charts shows up here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gitops_gen.base.manifest import Manifest
from gitops_gen.drift.config import DriftConfig
from gitops_gen.drift.model import AppStatus
from gitops_gen.render.owners import is_application

ARGO_GROUP = "argoproj.io"


def app_status(name: str, namespace: str, live: Mapping[str, Any] | None, config: DriftConfig) -> AppStatus:
    """Sync status, health and last operation phase of one Application (``live`` None: not found)."""
    if live is None:
        return AppStatus(
            name,
            namespace,
            sync="Unknown",
            health="Missing",
            operation="",
            drift=config.count_degraded,
            reason="Application not found in the cluster",
        )
    status = live.get("status") or {}
    sync = str((status.get("sync") or {}).get("status") or "Unknown")
    health = str((status.get("health") or {}).get("status") or "Unknown")
    operation_state = status.get("operationState") or {}
    operation = str(operation_state.get("phase") or "")
    drift = (config.count_out_of_sync and sync == "OutOfSync") or (
        config.count_degraded and health in ("Degraded", "Missing")
    )
    reason = ""
    if operation in ("Failed", "Error"):
        reason = str(operation_state.get("message") or "")[:200]  # the first line is what people act on
        reason = reason.splitlines()[0] if reason else ""
    return AppStatus(name, namespace, sync, health, operation, drift, reason)


def applications(
    desired: tuple[Manifest, ...],
    live_apps: Mapping[str, Mapping[str, Any]],
    config: DriftConfig,
    unknown: Mapping[str, str] | None = None,
) -> tuple[AppStatus, ...]:
    """One AppStatus per rendered Application, by name; ``live_apps`` maps name to live object.

    ``unknown`` maps the names of Applications that could not be read to why: not drift, not in sync.
    """
    unknown = unknown or {}
    apps = sorted((m.ref.name, m.ref.namespace) for m in desired if is_application(m.ref))
    return tuple(
        AppStatus(name, namespace, "Unknown", "Unknown", "", False, unknown[name])
        if name in unknown
        else app_status(name, namespace, live_apps.get(name), config)
        for name, namespace in apps
    )
