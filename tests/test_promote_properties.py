"""Promotion's contract over many override combinations (hypothesis), on a small generated repository.

After `promote --to prod --addon X` (values included) the target runs, at environment level, exactly
what the source runs, except the value leaves prod set itself before (kept); the target's override
never restates a stack default it did not need; a second promotion finds nothing; the edit touches
only prod's blueprint, and comments survive.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gitops_gen.blueprint.load import load_repo
from gitops_gen.blueprint.overrides import deep_merge
from gitops_gen.promote import overrides_reader, plan, promote
from gitops_gen.promote.plan import leaf_differences, sets, stack_fields
from gitops_gen.yamlio.roundtrip import read_mapping

STACK = """\
apiVersion: gitops-gen/v1
kind: AddonStack
metadata: {name: core}
spec:
  addons:
    - name: web
      namespace: web
      chart: {repoURL: https://charts.example.org, name: web, version: 1.0.0}
      values: {replicas: 2, image: {tag: "1.0"}, features: {a: true, b: false}}
"""
SETTINGS = """\
apiVersion: gitops-gen/v1
kind: Settings
spec:
  repoURL: https://git.example.org/fleet.git
  targetRevision: main
  tiers: {small: {cpu: "1", memory: 1Gi, pods: 10}}
"""
ENV = """\
apiVersion: gitops-gen/v1
kind: Environment
metadata: {{name: {name}}}
spec:{promotes}
  kubernetesVersion: "1.31"
  clusters:
    - {{name: {name}-1, server: https://{name}-1.example.org}}   # the only cluster
  addonStacks: [core]
  tenants: []
{overrides}"""

versions = st.sampled_from([None, "1.0.0", "1.1.0", "2.0.0"])
leaf = st.sampled_from([1, 2, 3, True, False, "1.0", "2.0", "x"])
values = st.fixed_dictionaries({}, optional={
    "replicas": leaf,
    "image": st.fixed_dictionaries({}, optional={"tag": leaf, "pullPolicy": leaf}),
    "features": st.fixed_dictionaries({}, optional={"a": leaf, "c": leaf}),
})


def override_text(version: str | None, vals: dict[str, Any]) -> str:
    body: dict[str, Any] = {}
    if version:
        body["chart"] = {"version": version}
    if vals:
        body["values"] = vals
    if not body:
        return ""
    return "  overrides:\n    addons:\n      # the web add-on\n      web: " + json.dumps(body) + "\n"


def write_repo(root: Path, dev: tuple[str | None, dict[str, Any]], prod: tuple[str | None, dict[str, Any]]) -> None:
    (root / "blueprints" / "addons").mkdir(parents=True)
    (root / "environments").mkdir()
    (root / "gitops.yaml").write_text(SETTINGS)
    (root / "blueprints" / "addons" / "core.yaml").write_text(STACK)
    (root / "environments" / "dev.yaml").write_text(ENV.format(name="dev", promotes="", overrides=override_text(*dev)))
    (root / "environments" / "prod.yaml").write_text(
        ENV.format(name="prod", promotes="\n  promotesFrom: dev   # after dev", overrides=override_text(*prod)))


def env_level(root: Path, env: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the add-on's environment-level fields, the environment's own override of it)."""
    repo = load_repo(root)
    base = stack_fields(repo.stacks["core"].addons[0])
    over = overrides_reader(root)(repo.environments[env]).env.get("web") or {}
    return dict(deep_merge(base, over)), dict(over)


# every example loads a repository three times: few examples, no shrinking (the inputs are small already)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(versions, values, versions, values)
def test_promotion_makes_the_target_run_what_the_source_runs(dev_version: str | None, dev_values: dict[str, Any],
                                                             prod_version: str | None,
                                                             prod_values: dict[str, Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_repo(root, (dev_version, dev_values), (prod_version, prod_values))
        dev_text = (root / "environments" / "dev.yaml").read_text()
        prod_before = (root / "environments" / "prod.yaml").read_text()
        want, _ = env_level(root, "dev")
        had, own = env_level(root, "prod")

        result = promote(root, "prod", addons=["web"])
        assert (root / "environments" / "dev.yaml").read_text() == dev_text
        prod_after = (root / "environments" / "prod.yaml").read_text()
        assert [line for line in prod_before.splitlines() if "#" in line] == \
            [line for line in prod_after.splitlines() if "#" in line] or "web:" not in prod_after
        assert bool(result.diff) == (prod_after != prod_before)

        have, own_after = env_level(root, "prod")
        assert have["chart"] == want["chart"]
        for path, new, old in leaf_differences(want["values"], had["values"]):
            expected = old if sets(own.get("values"), path) else new
            node: Any = have["values"]
            for key in path:
                node = node.get(key) if isinstance(node, dict) else None
            assert node == expected, (path, node, expected)
        if want["chart"]["version"] == "1.0.0" != had["chart"]["version"]:  # back to the default: no restating it
            assert "version" not in (own_after.get("chart") or {})
        again = plan(load_repo(root), "prod", addons=["web"], read=overrides_reader(root))
        assert again.changes == ()
        assert read_mapping(prod_after)["spec"]["promotesFrom"] == "dev"
