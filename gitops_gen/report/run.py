"""Build the evidence pack for a repository, and write it as a folder of files with a manifest."""

from __future__ import annotations

import datetime
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from gitops_gen.base import clock
from gitops_gen.base.cachedir import user_cache_dir
from gitops_gen.base.errors import InputError
from gitops_gen.base.inputs import decode, read_input
from gitops_gen.blueprint.load import load_repo
from gitops_gen.render import render
from gitops_gen.report import cache as report_cache
from gitops_gen.report import changelog, drift, posture, sections
from gitops_gen.report.formats import FILES
from gitops_gen.report.model import Commit, Report, plain
from gitops_gen.tools import gitrev
from gitops_gen.validate.crds import CrdRegistry
from gitops_gen.validate.policy.config import compile_policy
from gitops_gen.validate.repo import OnDisk, Scope, check_rendering
from gitops_gen.write.cache import fingerprint
from gitops_gen.yamlio.reader import load_json

MANIFEST = "manifest.json"
MAX_DRIFT_REPORT_BYTES = 64 << 20
DEFAULT_SINCE_DAYS = 92  # a quarter


def build(root: Path, envs: Sequence[str] = (), since: str | None = None, drift_reports: Path | None = None,
          now: datetime.datetime | None = None, cache: bool = True) -> Report:
    """The whole pack for ``root`` at its work tree (the commit named is HEAD)."""
    now = now or clock.now()
    notes: list[str] = []
    key = user_cache_dir("report", "sections", hashlib.sha256(
        f"{fingerprint(root, envs)}\0{now.date()}".encode()).hexdigest() + ".json") if cache else None
    found = report_cache.read(key)
    parts = report_cache.sections_from(found) if found else None
    if parts is None:
        parts = _sections(root, envs, now.date())
        report_cache.write(key, {"inventory": [list(d) for d in parts[0]], "access": [list(g) for g in parts[1]],
                                 "capacity": plain(parts[2]), "posture": plain(parts[3])})
    since = since or (now.date() - datetime.timedelta(days=DEFAULT_SINCE_DAYS)).isoformat()
    commit, changes = "", tuple[Commit, ...]()
    try:
        with gitrev.open_checkout(root, "the change log and the commit come from Git") as checkout:
            commit = checkout.head_sha()
        changes = changelog.change_log(root, since, user_cache_dir("report", "changes") if cache else None)
    except InputError as err:
        notes.append(f"no change log: {err.message}")
    history = drift.history(_drift_reports(drift_reports)) if drift_reports is not None else ()
    if drift_reports is None:
        notes.append("no drift history: give --drift-reports DIR (a folder of `gitops-gen drift -o json` reports)")
    return Report(commit, now.isoformat(timespec="seconds"), *parts, changes, history, since, tuple(notes))


def _sections(root: Path, envs: Sequence[str], today: datetime.date) -> report_cache.Sections:
    """Inventory, access, capacity and posture: one load and render of the work tree."""
    repo = load_repo(root)
    rendering = render(repo, envs)
    # The policy rules alone: schemas and references are validate's job in CI; the posture is about the rules.
    disk = OnDisk(frozenset(f.path for f in rendering.files), {}, {})
    findings, _ = check_rendering(repo, rendering, CrdRegistry(), disk=disk,
                                  scope=Scope(document=lambda cluster, m: False, references=False))
    return (sections.inventory(repo, envs), sections.access(rendering.desired), sections.capacity(rendering.desired),
            posture.posture(findings, compile_policy(repo.settings.policy), today))


def _drift_reports(folder: Path) -> list[Any]:
    if not folder.is_dir():
        raise InputError(f"--drift-reports {folder}: not a folder")
    out = []
    for path in sorted(folder.rglob("*.json")):
        doc = load_json(decode(read_input(path, str(path), MAX_DRIFT_REPORT_BYTES), str(path)), str(path))
        if isinstance(doc, dict):
            out.append(doc)
    return out


def write_out(report: Report, out: Path) -> dict[str, Any]:
    """Every file of the pack under ``out``, then ``manifest.json`` with each file's sha256 and the commit."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        digests = {}
        for name, render_file in FILES.items():
            data = render_file(report).encode("utf-8")
            _write(out / name, data)
            digests[name] = hashlib.sha256(data).hexdigest()
        manifest = {"version": 1, "commit": report.commit, "generated_at": report.generated_at,
                    "files": [{"path": n, "sha256": d} for n, d in digests.items()]}
        _write(out / MANIFEST, (json.dumps(manifest, indent=2) + "\n").encode("utf-8"))
    except OSError as err:
        raise InputError(f"--out {out}: cannot write: {err.strerror}") from None
    return manifest


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
