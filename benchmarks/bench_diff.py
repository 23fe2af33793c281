"""Review a pull request on the 3x8 / 25 / 300 fleet: one tenant's tier changed between two commits.

Both timings are fresh `gitops-gen` processes in the same run: one full `render`
(load, render, write 28k files: the baseline) and the whole `diff` of the two
commits (read both revisions from git, two loads and renders in memory, compare
per cluster, risks, validation of what changed, JSON out).  Target: diff <= 2x render.
"""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_render import _cli
from benchmarks.fleet import scratch, write_fleet


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=bench", "-c", "user.email=bench@example.com", *args],
                   check=True, capture_output=True)


def run(report: Callable[[str, str], None]) -> None:
    with tempfile.TemporaryDirectory(prefix="diff-", dir=scratch()) as tmp:
        repo = write_fleet(Path(tmp) / "fleet")
        render, _, _ = _cli(repo, "--no-cache")
        _git(repo, "init", "-q", "-b", "main")
        _git(repo, "add", "-A")
        _git(repo, "commit", "-q", "-m", "fleet")
        tenant = repo / "blueprints" / "tenants" / "team-042.yaml"
        tenant.write_text(tenant.read_text().replace("tier: small", "tier: large"))
        _cli(repo)
        _git(repo, "commit", "-q", "-a", "-m", "team-042 grows")
        diff, diff_rss, out = _cli(repo, "--base", "HEAD~1", "--head", "HEAD", "-o", "json", command="diff")
        worktree, _, _ = _cli(repo, "--base", "HEAD~1", "-o", "markdown", command="diff")
        summary = json.loads(out)["summary"]
        report("full render (baseline, one process)", f"{render:.2f} s")
        report("diff of two commits (one tenant's tier)", f"{diff:.2f} s = {diff / render:.2f}x render "
               f"(target <= 2x), {diff_rss:.0f} MiB")
        report("  what it found", f"{summary['clusters_changed']} clusters, objects {summary['objects']}")
        report("diff against the work tree, Markdown", f"{worktree:.2f} s = {worktree / render:.2f}x render")
