"""Promote on the bench fleet (25 add-ons, 3 environments): every version bumped in dev, carried to stage.

Baselines from the same run: loading the repository (what every command pays first) for the promotion,
and GG111 (a one-field rule over the same Applications) for GG112's cost inside `validate`.
"""

from __future__ import annotations

import re
import shutil
import time
from collections.abc import Callable

from benchmarks.fleet import scratch, write_fleet
from gitops_gen.blueprint.load import load_repo
from gitops_gen.promote import promote
from gitops_gen.render import render
from gitops_gen.validate.policy import RULES, PolicyContext
from gitops_gen.validate.policy.promotion import upstream_revisions

ROUNDS = 3


def _best(action: Callable[[], object]) -> float:
    times = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return min(times)


def run(report: Callable[[str, str], None]) -> None:
    root = scratch() / "promote"
    shutil.rmtree(root, ignore_errors=True)
    write_fleet(root)
    for env, source in (("stage", "dev"), ("prod", "stage")):
        path = root / "environments" / f"{env}.yaml"
        path.write_text(path.read_text().replace("spec:\n", f"spec:\n  promotesFrom: {source}\n", 1))
    dev = root / "environments" / "dev.yaml"
    bump = {3: "source: {targetRevision: v9.0.0}"}  # git add-ons; charts otherwise (manifests: nothing to bump)
    bumps = "".join(f"      addon-{i:02d}: {{{bump.get(i % 5, 'chart: {version: 9.0.0}')}}}\n"
                    for i in range(25) if i % 5 != 4 and i != 1)
    dev.write_text(dev.read_text().replace("    addons:\n", "    addons:\n" + bumps, 1))
    stage_text = (root / "environments" / "stage.yaml").read_text()

    load = _best(lambda: load_repo(root))
    dry = _best(lambda: promote(root, "stage", dry_run=True))
    result = promote(root, "stage", dry_run=True)
    assert (root / "environments" / "stage.yaml").read_text() == stage_text
    changed = len(re.findall(r"^[+-] ", result.diff, re.M))
    report(f"promote --to stage --dry-run ({len(result.promotion.changes)} changes)",
           f"{dry * 1000:.0f} ms  (loading alone {load * 1000:.0f} ms: x{dry / load:.2f})")
    report("  blueprint lines changed in the diff", f"{changed}")

    repo = load_repo(root)
    rendering = render(repo, ["stage"])
    upstream = upstream_revisions(repo.plans, "dev")
    objects = [m for target in rendering.targets for m in rendering.desired[target.cluster]]
    context = PolicyContext(env="stage", promotes_from="dev", upstream_revisions=upstream,
                            repo_url="https://github.com/acme/fleet-gitops.git")
    gg112 = _best(lambda: list(RULES["GG112"].check(objects, context)))
    gg111 = _best(lambda: list(RULES["GG111"].check(objects, context)))
    found = len(list(RULES["GG112"].check(objects, context)))
    report(f"GG112 over stage's {len(objects)} objects ({found} findings)",
           f"{gg112 * 1000:.1f} ms  (GG111 {gg111 * 1000:.1f} ms: x{gg112 / gg111:.2f})")
    shutil.rmtree(root, ignore_errors=True)
