"""A realistic repository written from the docs, as an outside check would: a four-environment pipeline
(dev -> qa -> stage -> prod, ``promotesFrom``), several clusters each, an add-on stack of charts, a git source
and plain manifests (a CRD-bearing add-on with a cluster-scoped custom resource), tenants in team folders,
and every tenant selector form (``["*"]``, names, matchLabels, matchExpressions).

``build(root)`` writes it and renders it; tests then plant one change each and check what the tools say.
"""

from __future__ import annotations

from pathlib import Path

from gitops_gen.cli import run

TEAMS = {"payments": ["checkout", "ledger", "refunds"], "search": ["indexer", "query"],
         "data": ["etl", "warehouse", "reports"]}
CLUSTERS = {"dev": ["dev-eu1"], "qa": ["qa-eu1", "qa-us1"], "stage": ["stage-eu1", "stage-us1"],
            "prod": ["prod-eu1", "prod-us1", "prod-ap1"]}
PIPELINE = {"dev": None, "qa": "dev", "stage": "qa", "prod": "stage"}
SELECTORS = {
    "dev": 'tenants: ["*"]',
    "qa": "tenants: {matchLabels: {gate: qa}}",
    "stage": "tenants: {matchExpressions: [{key: team, operator: In, values: [payments, search, data]}]}",
    "prod": "tenants: [checkout, ledger, refunds, indexer, query, etl, warehouse, reports]",
}

SETTINGS = """\
apiVersion: gitops-gen/v1
kind: Settings
spec:
  repoURL: https://git.example.internal/platform/gitops.git
  targetRevision: main
  argocdNamespace: argocd
  tiers:
    small:  {cpu: "4",  memory: 8Gi,  pods: 40}
    medium: {cpu: "16", memory: 32Gi, pods: 150}
  policy:
    requiredNamespaceLabels: [cost-center]
"""

STACK = """\
apiVersion: gitops-gen/v1
kind: AddonStack
metadata: {name: platform}
spec:
  addons:
    - name: cert-manager
      namespace: cert-manager
      chart: {repoURL: https://charts.jetstack.io, name: cert-manager, version: v1.16.2}
      values: {crds: {enabled: true}}
    - name: ingress-nginx
      namespace: ingress-nginx
      dependsOn: [cert-manager]
      chart: {repoURL: https://kubernetes.github.io/ingress-nginx, name: ingress-nginx, version: 4.11.3}
      values: {controller: {replicaCount: 2}}
    - name: dashboards
      namespace: monitoring
      source:
        {repoURL: https://git.example.internal/platform/dashboards.git, path: "envs/{env}", targetRevision: v1.2.0}
    - name: priority-classes
      namespace: kube-system
      manifests:
        - apiVersion: scheduling.k8s.io/v1
          kind: PriorityClass
          metadata: {name: tenant-critical}
          value: 100000
"""

ENVIRONMENT = """\
apiVersion: gitops-gen/v1
kind: Environment
metadata: {{name: {name}}}
spec:
{promotes}  kubernetesVersion: "1.31"
  clusters:
{clusters}
  addonStacks: [platform]
  {selector}
  syncPolicy: {sync}
  overrides:
    addons:
      ingress-nginx: {{values: {{controller: {{replicaCount: {replicas}}}}}}}
"""

TENANT = """\
apiVersion: gitops-gen/v1
kind: Tenant
metadata:
  name: {name}
  labels: {{team: {team}{gate}}}
spec:
  owners: [{team}-admins]
  viewers: [{team}-developers]
  tier: small
  namespaces: [{name}]
  labels: {{cost-center: cc-{cost}}}
  network:
    allowFromNamespaces: [ingress-nginx]
  sourceRepos: [https://git.example.internal/{team}/{name}.git]
  apps:
    - name: {name}-app
      namespace: {name}
      source: {{repoURL: https://git.example.internal/{team}/{name}.git, path: "deploy/{{env}}", targetRevision: main}}
"""


def environment_text(name: str) -> str:
    clusters = "\n".join(f"    - {{name: {c}, server: https://{c}.k8s.example.internal}}" for c in CLUSTERS[name])
    promotes = f"  promotesFrom: {PIPELINE[name]}\n" if PIPELINE[name] else ""
    sync = "{automated: false}" if name == "prod" else "{automated: true, prune: true}"
    return ENVIRONMENT.format(name=name, promotes=promotes, clusters=clusters, selector=SELECTORS[name], sync=sync,
                              replicas=3 if name == "prod" else 1)


def build(root: Path) -> Path:
    (root / "blueprints" / "addons").mkdir(parents=True)
    (root / "environments").mkdir()
    (root / "gitops.yaml").write_text(SETTINGS)
    (root / "blueprints" / "addons" / "platform.yaml").write_text(STACK)
    for env in PIPELINE:
        (root / "environments" / f"{env}.yaml").write_text(environment_text(env))
    count = 0
    for team, tenants in TEAMS.items():
        folder = root / "blueprints" / "tenants" / team
        folder.mkdir(parents=True)
        for tenant in tenants:
            count += 1
            gate = ", gate: qa" if count % 2 else ""
            text = TENANT.format(name=tenant, team=team, gate=gate, cost=f"{count:04d}")
            (folder / f"{tenant}.yaml").write_text(text)
    assert run(["render", "--repo", str(root)]) == 0
    return root
