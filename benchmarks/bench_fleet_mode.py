"""Fleet mode: 5 envs x 100 clusters in applicationsets mode against today's layout at 120, in one run.

The fleet of benchmarks/fleet.py (25 add-ons, 300 tenants with 2 namespaces and 1 app each, cluster
overrides on every second cluster) at 5 x 100 = 500 clusters in ``fleet: {mode: applicationsets}``,
and at 3 x 40 = 120 clusters in today's ``applications`` layout as the baseline.  Every command runs
in a fresh process through the real CLI; peak memory is the process's VmHWM.  Targets (ADR 0015):
``rendered/`` <= 10 files per cluster + add-on + tenant and <= 50 MB; full render no slower than the
baseline's; no-op render <= 25 % of the full one; peak <= 1 GiB; ``validate`` and a one-tenant ``diff``
per cluster within 1.5x of the same at 24 clusters (3 x 8, the fleet's default shape, also in
applicationsets mode).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_render import _cli
from benchmarks.fleet import ADDONS, TENANTS, scratch, write_fleet

FIVE = ("dev", "qa", "stage", "perf", "prod")
MODE = "  fleet: {mode: applicationsets}\n"


def _size(root: Path) -> tuple[int, float]:
    files, size = 0, 0
    for folder, _, names in os.walk(root):
        files += len(names)
        size += sum(os.path.getsize(os.path.join(folder, n)) for n in names)
    return files, size / 1e6


def _fleet(root: Path, envs: tuple[str, ...], per_env: int, mode: bool) -> Path:
    write_fleet(root, envs, per_env, TENANTS)
    if mode:
        settings = root / "gitops.yaml"
        settings.write_text(settings.read_text() + MODE)
    return root


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True,
                   env={**os.environ, "GIT_AUTHOR_NAME": "b", "GIT_AUTHOR_EMAIL": "b@e", "GIT_COMMITTER_NAME": "b",
                        "GIT_COMMITTER_EMAIL": "b@e"})


def _per_cluster(root: Path, clusters: int) -> tuple[float, float]:
    """Seconds per cluster of `validate --repo` and of a one-tenant `diff` (a tier change of team-007)."""
    validate, _, _ = _cli_any(root, "validate")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", "-A")
    _git(root, "commit", "-qm", "fleet")
    tenant = root / "blueprints" / "tenants" / "team-007.yaml"
    tenant.write_text(tenant.read_text().replace("tier: medium", "tier: large"))
    diff, _, _ = _cli_any(root, "diff")
    return validate / clusters, diff / clusters


def _cli_any(root: Path, command: str) -> tuple[float, float, str]:
    """Like ``_cli``, but exit 1 (findings, a changed cluster) is a result, not a failure."""
    code = ("import sys; from gitops_gen.cli import run; rc = run(sys.argv[1:]); "
            "hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')]; "
            "print('maxrss', hwm[0] if hwm else 0, file=sys.stderr); sys.exit(rc)")
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, command, "--repo", str(root)], capture_output=True,
                          text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        raise SystemExit(f"{command} failed ({done.returncode}): {done.stderr.strip()[-2000:]}")
    return elapsed, int(done.stderr.split("maxrss")[-1].split()[0]) / 1024, done.stdout


def run(report: Callable[[str, str], None]) -> None:
    with tempfile.TemporaryDirectory(prefix="fleet-mode-", dir=scratch()) as tmp:
        base = _fleet(Path(tmp) / "apps120", ("dev", "stage", "prod"), 40, mode=False)
        base_full, base_rss, _ = _cli(base)
        base_files, base_mb = _size(base / "rendered")
        report("applications layout, 120 clusters: full render", f"{base_full:.1f} s, {base_rss:.0f} MiB peak, "
               f"{base_files:,} files, {base_mb:.0f} MB")
        shutil.rmtree(base)
        big = _fleet(Path(tmp) / "sets500", FIVE, 100, mode=True)
        full, rss, _ = _cli(big)
        noop, noop_rss, _ = _cli(big)
        files, mb = _size(big / "rendered")
        budget = 10 * (500 + ADDONS + TENANTS)
        report("applicationsets, 500 clusters: files in rendered/", f"{files:,} (target <= {budget:,}), "
               f"{mb:.1f} MB (target <= 50)")
        report("applicationsets 500 full render / applications 120", f"{full:.1f} s / {base_full:.1f} s "
               f"(x{full / base_full:.2f}, target <= x1): {'ok' if full <= base_full else 'SLOWER'}")
        report("applicationsets 500: no-op render / full", f"{noop:.1f} s / {full:.1f} s "
               f"({100 * noop / full:.0f} %, target <= 25 %)")
        report("applicationsets 500: peak memory (full, no-op)", f"{rss:.0f} MiB, {noop_rss:.0f} MiB "
               f"(target <= 1024)")
        small = _fleet(Path(tmp) / "sets24", ("dev", "stage", "prod"), 8, mode=True)
        _cli(small)
        v24, d24 = _per_cluster(small, 24)
        v500, d500 = _per_cluster(big, 500)
        for name, at24, at500 in (("validate --repo", v24, v500), ("one-tenant diff", d24, d500)):
            ratio = at500 / at24 if at24 else float("inf")
            report(f"applicationsets {name}: s per cluster at 500 / at 24",
                   f"{at500:.3f} / {at24:.3f} (x{ratio:.2f}, target <= x1.5): {'ok' if ratio <= 1.5 else 'WORSE'}")


if __name__ == "__main__":
    run(lambda name, text: print(f"{name}: {text}"))
