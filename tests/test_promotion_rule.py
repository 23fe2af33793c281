"""GG112 on a small but realistic pipeline (dev -> stage -> prod, commented blueprints): it fires while
a promotion is pending, on the environment that lags, and goes quiet once `promote` has carried the change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_gen.cli import run
from tests.validate.conftest import run_cli

FILES = {
    "gitops.yaml": """\
# Platform settings of the Initech fleet.
apiVersion: gitops-gen/v1
kind: Settings
spec:
  repoURL: https://git.initech.example/platform/fleet.git
  targetRevision: main
  tiers:
    small: {cpu: "2", memory: 4Gi, pods: 20}   # the only tier for now
""",
    "blueprints/addons/base.yaml": """\
apiVersion: gitops-gen/v1
kind: AddonStack
metadata: {name: base}
spec:
  addons:
    # certificates first: everything else needs them
    - name: cert-manager
      namespace: cert-manager
      chart: {repoURL: https://charts.jetstack.io, name: cert-manager, version: v1.16.2}
      values: {crds: {enabled: true}}
    - name: dashboards
      namespace: monitoring
      source: {repoURL: https://git.initech.example/sre/dashboards.git, path: "fleet/{env}", targetRevision: v3.1.0}
""",
    "blueprints/tenants/tps.yaml": """\
# The TPS reports team.
apiVersion: gitops-gen/v1
kind: Tenant
metadata: {name: tps}
spec:
  owners: [tps-admins]
  tier: small
  labels: {cost-center: cc-0042}
""",
    "environments/dev.yaml": """\
apiVersion: gitops-gen/v1
kind: Environment
metadata: {name: dev}
spec:
  kubernetesVersion: "1.31"
  clusters:
    - {name: dev-1, server: https://dev-1.k8s.initech.example}
  addonStacks: [base]
  tenants: [tps]
  overrides:
    addons:
      cert-manager: {values: {replicaCount: 1}}   # dev is small
""",
    "environments/stage.yaml": """\
apiVersion: gitops-gen/v1
kind: Environment
metadata: {name: stage}
spec:
  promotesFrom: dev   # everything reaches stage through dev
  kubernetesVersion: "1.31"
  clusters:
    - {name: stage-1, server: https://stage-1.k8s.initech.example}
    - {name: stage-2, server: https://stage-2.k8s.initech.example}
  addonStacks: [base]
  tenants: [tps]
""",
    "environments/prod.yaml": """\
apiVersion: gitops-gen/v1
kind: Environment
metadata: {name: prod}
spec:
  promotesFrom: stage
  kubernetesVersion: "1.31"
  clusters:
    - {name: prod-1, server: https://prod-1.k8s.initech.example}
  addonStacks: [base]
  tenants: [tps]
  syncPolicy: {automated: false}   # production syncs by hand
  overrides:
    addons:
      # production keeps three replicas
      cert-manager: {values: {replicaCount: 3}}
""",
}


@pytest.fixture
def pipeline(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def gg112(root: Path) -> tuple[int, dict[str, str]]:
    """Exit code of a render + validate, and Application name -> severity of its GG112 findings."""
    assert run(["render", "--repo", str(root)]) == 0
    result = run_cli("validate", "--repo", str(root), "-o", "json")
    findings = json.loads(result.out)["findings"]
    assert not [f for f in findings if f["rule"] != "GG112"], findings
    return result.code, {f["object"]["name"]: f["severity"] for f in findings if f["rule"] == "GG112"}


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.slow
def test_the_rule_fires_while_a_promotion_is_pending_and_not_after(pipeline: Path) -> None:
    assert gg112(pipeline) == (0, {})
    edit(pipeline, "environments/dev.yaml", "cert-manager: {values: {replicaCount: 1}}",
         "cert-manager: {chart: {version: v1.17.1}, values: {replicaCount: 1}}")
    # stage now runs a version dev has moved past; prod runs what stage runs
    assert gg112(pipeline) == (0, {"stage-1-cert-manager": "warning", "stage-2-cert-manager": "warning"})

    assert run_cli("promote", "--repo", str(pipeline), "--to", "stage").code == 0
    stage = (pipeline / "environments/stage.yaml").read_text()
    assert "promotesFrom: dev   # everything reaches stage through dev" in stage
    assert gg112(pipeline) == (0, {"prod-1-cert-manager": "warning"})

    assert run_cli("promote", "--repo", str(pipeline), "--to", "prod").code == 0
    prod = (pipeline / "environments/prod.yaml").read_text()
    assert ("      # production keeps three replicas\n"
            "      cert-manager: {values: {replicaCount: 3}, chart: {version: v1.17.1}}\n") in prod
    assert gg112(pipeline) == (0, {})


@pytest.mark.slow
def test_a_version_that_skips_a_stage_is_reported_and_the_severity_is_configurable(pipeline: Path) -> None:
    edit(pipeline, "environments/prod.yaml", "    - {name: prod-1, server: https://prod-1.k8s.initech.example}",
         "    - name: prod-1\n      server: https://prod-1.k8s.initech.example\n      overrides:\n"
         "        addons:\n          dashboards: {source: {targetRevision: v3.2.0}}   # hotfix straight to prod")
    code, found = gg112(pipeline)
    assert (code, found) == (0, {"prod-1-dashboards": "warning"})
    edit(pipeline, "gitops.yaml", "  tiers:", "  policy:\n    rules:\n      GG112: {severity: error}\n  tiers:")
    assert gg112(pipeline) == (1, {"prod-1-dashboards": "error"})
    edit(pipeline, "gitops.yaml", "GG112: {severity: error}", "GG112: {enabled: false}")
    assert gg112(pipeline) == (0, {})
