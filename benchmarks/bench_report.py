"""Evidence on the 3x8 / 25 / 300 fleet with 200 commits of history: `report` cold and warm, `explain` for one field.

Baselines in the same run: one render of the fleet (load + render in one process, the time `explain`
must stay under), and the cost of keeping the blueprints' positions through resolve (the walk behind
``Repo.sources``) against a load + render.  Targets: report <= 10 s with a cold change-log cache,
<= 2 s warm; explain for one field < one render.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.bench_render import _cli
from benchmarks.fleet import ENVS, TIERS, scratch, write_fleet

COMMITS = 200


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=Bench", "-c", "user.email=bench@example.com", *args],
                   check=True, capture_output=True)


def _edit(path: Path, pattern: str, replace: Callable[[re.Match[str]], str]) -> None:
    text = path.read_text()
    new = re.sub(pattern, replace, text, count=1)
    assert new != text, (path, pattern)
    path.write_text(new)


def _change(repo: Path, i: int) -> None:
    env = repo / "environments" / f"{ENVS[i % 3]}.yaml"
    kind = i % 5
    if kind == 0:
        tenant = repo / "blueprints" / "tenants" / f"team-{(i * 7) % 300:03d}.yaml"
        _edit(tenant, r"tier: (\w+)", lambda m: f"tier: {TIERS[(TIERS.index(m.group(1)) + 1) % 3]}")
    elif kind in (1, 2):  # an environment's override, or one cluster's
        addon = "addon-01" if kind == 1 else "addon-00"
        _edit(env, rf"{addon}: \{{values: \{{replicaCount: \d+", lambda m: f"{addon}: {{values: {{replicaCount: {i}")
    elif kind == 3:  # a chart bump in a stack: every environment
        k = [n for n in range(25) if n % 5 not in (3, 4)][i % 15]
        stack = repo / "blueprints" / "addons" / ("core.yaml" if k < 15 else "extras.yaml")
        _edit(stack, rf"name: addon-{k:02d}, version: [^}}]+", lambda m: f"name: addon-{k:02d}, version: 1.{k}.{i}")
    else:  # a comment: no cluster changes
        tenant = repo / "blueprints" / "tenants" / f"team-{i % 300:03d}.yaml"
        tenant.write_text(f"# reviewed {i}\n" + tenant.read_text())


def history(repo: Path, commits: int = COMMITS) -> None:
    """``commits`` commits of everyday changes: tiers, environment and cluster overrides, chart bumps, comments."""
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "fleet")
    for i in range(commits):
        _change(repo, i)
        _git(repo, "commit", "-q", "-a", "-m", f"change {i} (#{1000 + i})")


def _in_process(repo: Path, report: Callable[[str, str], None]) -> float:
    from gitops_gen.blueprint import construct
    from gitops_gen.blueprint.load import load_blueprints, load_repo
    from gitops_gen.blueprint.provenance import Provenance
    from gitops_gen.explain import explain
    from gitops_gen.render import render

    started = time.perf_counter()
    render(load_repo(repo))
    full = time.perf_counter() - started
    errors: list[object] = []
    blueprints, _ = load_blueprints(repo, errors)  # type: ignore[arg-type]
    assert blueprints is not None
    docs = [*blueprints.stacks.values(), *blueprints.tenants.values(), *blueprints.environments.values()]
    started = time.perf_counter()
    for doc in docs:
        construct.written(doc.spec, doc.origin)
    walk = time.perf_counter() - started
    report("load + render of the fleet, one process (baseline)", f"{full:.2f} s")
    report("  keeping every position through resolve (Repo.sources)", f"{walk * 1000:.0f} ms = "
           f"{100 * walk / full:.1f} % of load + render")
    started = time.perf_counter()
    repo_model = load_repo(repo)
    plan = next(p for p in repo_model.plans if p.cluster.name == "prod-01")
    objects = render(repo_model, [plan.env.name]).desired["prod-01"]
    (found,) = explain(Provenance(repo_model), objects, "prod-01", "addon-00", "", "spec.source.helm.valuesObject")
    one = time.perf_counter() - started
    chain = next(f.chain for f in found.fields if f.path.endswith("replicaCount"))
    assert chain is not None
    report("explain prod-01 addon-00 one field (load, render prod, trace)",
           f"{one:.2f} s = {one / full:.2f}x one render (target < 1x); winner: {chain.winner.layer}")
    started = time.perf_counter()
    provenance = Provenance(repo_model)
    for _ in range(100):
        explain(provenance, objects, "prod-01", "addon-00", "", "spec.source.helm.valuesObject.replicaCount")
    report("  the trace alone, 100 fields", f"{(time.perf_counter() - started) * 1000:.1f} ms")
    return full


def run(report: Callable[[str, str], None]) -> None:
    with tempfile.TemporaryDirectory(prefix="report-", dir=scratch()) as tmp:
        repo = write_fleet(Path(tmp) / "fleet")
        started = time.perf_counter()
        history(repo)
        report(f"history: {COMMITS} commits written", f"{time.perf_counter() - started:.1f} s")
        full = _in_process(repo, report)
        old = os.environ.get("GITOPS_GEN_CACHE_DIR")
        os.environ["GITOPS_GEN_CACHE_DIR"] = str(Path(tmp) / "cache")
        try:
            cold, cold_rss, out = _cli(repo, "--since", "1970-01-01", "-o", "json", command="report")
            warm, _, _ = _cli(repo, "--since", "1970-01-01", "-o", "json", command="report")
        finally:
            if old is None:
                del os.environ["GITOPS_GEN_CACHE_DIR"]
            else:
                os.environ["GITOPS_GEN_CACHE_DIR"] = old
        doc = json.loads(out)
        changes = doc["changes"]
        counts = sorted({len(c["clusters"]) for c in changes})
        report(f"report, change-log cache cold ({len(changes)} commits)", f"{cold:.2f} s = {cold / full:.1f}x render "
               f"(target <= 10 s), {cold_rss:.0f} MiB")
        report("report, change-log cache warm", f"{warm:.2f} s = {warm / full:.2f}x render (target <= 2 s)")
        report("  clusters per commit seen", ", ".join(map(str, counts)))
        _split(repo, report)


def _split(repo: Path, report: Callable[[str, str], None]) -> None:
    """Where a cold report's time goes, in one process."""
    import datetime

    from gitops_gen.report.changelog import change_log
    from gitops_gen.report.run import _sections

    started = time.perf_counter()
    _sections(repo, (), datetime.date.today())
    middle = time.perf_counter()
    change_log(repo, "1970-01-01", None)
    report("  cold split: sections (load, render, policy) / change log", f"{middle - started:.2f} s / "
           f"{time.perf_counter() - middle:.2f} s")
