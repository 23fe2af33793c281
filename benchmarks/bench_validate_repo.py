"""validate --repo, the whole command per document, against kubernetes_validate.validate() per document.

Issue 7's figure: the 1-environment, 2-cluster, 25-add-on, 100-tenant fleet, one `gitops-gen validate`
process (start-up, load, render, stale check, schemas, policy, references) divided by the documents it
validated, next to the reference library's per-document call on every document the command validates
(each distinct rendered file object once, as the command counts them; the Argo CD objects, for which the
reference has no schema, are left out of its timing), measured in the same run.  An earlier version timed
the reference on a 200-document sample, whose figure did not reproduce from outside (issue 15).
Default and --strict are timed alike: one reader, so they should agree.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.fleet import scratch, write_fleet

RUNS = 3


def _validate(repo: Path, *args: str) -> tuple[float, int]:
    """Median seconds of RUNS `gitops-gen validate` processes, and the documents the summary counts."""
    times, documents = [], 0
    for _ in range(RUNS):
        started = time.perf_counter()
        done = subprocess.run([str(Path(sys.executable).parent / "gitops-gen"), "validate", "--repo", str(repo), *args],
                              capture_output=True, text=True, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise SystemExit(f"validate failed ({done.returncode}): {done.stdout[-400:]} {done.stderr[-400:]}")
        summary = done.stdout.strip().splitlines()[-1]  # "Summary: N documents, 0 errors, 0 warnings"
        documents = int(summary.split()[1].replace(",", ""))
    return statistics.median(times), documents


def run(report: Callable[[str, str], None]) -> None:
    import kubernetes_validate

    from gitops_gen.blueprint.load import load_repo
    from gitops_gen.cli import run as cli
    from gitops_gen.render import render

    with tempfile.TemporaryDirectory(prefix="validate-repo-", dir=scratch()) as tmp:
        repo = write_fleet(Path(tmp) / "fleet", envs=("prod",), clusters_per_env=2, tenants=100)
        if cli(["render", "--repo", str(repo)]) != 0:
            raise SystemExit("render of the bench fleet failed")
        default, documents = _validate(repo)
        strict, _ = _validate(repo, "--strict")
        rendering = render(load_repo(repo))
        version = rendering.targets[0].kubernetes_version
        distinct = {(m.path, m.ref): m.body for objects in rendering.desired.values() for m in objects}
        builtin = [body for (_, ref), body in distinct.items() if not ref.api_version.startswith("argoproj.io/")]
        started = time.perf_counter()
        for body in builtin:
            kubernetes_validate.validate(dict(body), version, strict=True)
        reference = len(builtin) / (time.perf_counter() - started)
    ours = documents / default
    report("validate --repo: 1 env x 2 clusters, 25 add-ons, 100 tenants", f"{documents:,} documents")
    report("validate --repo: whole command (median of 3 processes)", f"{default:.2f} s = {ours:,.0f} docs/s")
    report("validate --repo --strict: whole command", f"{strict:.2f} s = {strict / default:.2f}x default "
           "(target <= 1.2x)")
    report("kubernetes_validate.validate() per document", f"{reference:,.0f} docs/s (all {len(builtin):,} "
           f"built-in documents of {len(distinct):,})")
    report("validate --repo: ratio per document", f"{ours / reference:,.0f}x (target >= 40x)")
