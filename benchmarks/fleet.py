"""A synthetic fleet: 3 environments x 8 clusters, 25 add-ons, 300 tenants (2 namespaces, 1 app each).

Shaped like a real platform repository: add-ons of all three kinds with dependency
chains, environment and cluster overrides of values and tiers, tenants spread
over tiers.  Written as blueprint files so the benchmark measures the real CLI.
"""

from __future__ import annotations

from pathlib import Path

ENVS = ("dev", "stage", "prod")
CLUSTERS_PER_ENV = 8
ADDONS = 25
TENANTS = 300
TIERS = ("small", "medium", "large")


def _addon(i: int) -> str:
    name = f"addon-{i:02d}"
    deps = f"\n      dependsOn: [addon-{i - 1:02d}]" if i % 5 and i != 15 else ""
    head = f"    - name: {name}\n      namespace: {name}{deps}\n"
    if i % 5 == 4:  # plain manifests -> Kustomize base + overlays
        return head + f"""      manifests:
        - apiVersion: v1
          kind: ConfigMap
          metadata: {{name: {name}-settings}}
          data: {{level: info, owner: platform}}
        - apiVersion: rbac.authorization.k8s.io/v1
          kind: ClusterRole
          metadata: {{name: {name}-reader}}
          rules: [{{apiGroups: [""], resources: [pods], verbs: [get, list]}}]
        - apiVersion: apps/v1
          kind: Deployment
          metadata: {{name: {name}}}
          spec:
            replicas: 2
            selector: {{matchLabels: {{app: {name}}}}}
            template:
              metadata: {{labels: {{app: {name}}}}}
              spec: {{containers: [{{name: main, image: "ghcr.io/acme/{name}:1.0.{i}"}}]}}
"""
    if i % 5 == 3:
        return head + (f"      source: {{repoURL: https://github.com/acme/{name}.git, path: deploy,"
                       f" targetRevision: v1.{i}.0}}\n")
    return head + (f"      chart: {{repoURL: https://charts.example.com/{name}, name: {name}, version: 1.{i}.0}}\n"
                   f"      values: {{replicaCount: 2, resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}\n")


def _tenant(i: int) -> str:
    name = f"team-{i:03d}"
    return f"""apiVersion: gitops-gen/v1
kind: Tenant
metadata: {{name: {name}}}
spec:
  owners: [{name}-admins]
  viewers: [{name}-oncall]
  tier: {TIERS[i % 3]}
  namespaces: [{name}-api, {name}-jobs]
  labels: {{cost-center: cc-{1000 + i}}}
  network: {{allowFromNamespaces: [addon-01]}}
  sourceRepos: [https://github.com/acme/{name}.git]
  apps:
    - name: {name}-api
      namespace: {name}-api
      source: {{repoURL: https://github.com/acme/{name}.git, path: "deploy/{{env}}", targetRevision: main}}
"""


def _environment(index: int, env: str, clusters_per_env: int = CLUSTERS_PER_ENV, tenant_count: int = TENANTS) -> str:
    clusters = []
    for c in range(clusters_per_env):
        over = (f"\n      overrides: {{addons: {{addon-00: {{values: {{replicaCount: {c + 3}}}}}}},"
                f" tenants: {{team-{c % tenant_count:03d}: {{tier: large}}}}}}") if c % 2 else ""
        clusters.append(f"    - name: {env}-{c:02d}\n      server: https://{env}-{c:02d}.k8s.example.com{over}")
    tenants = ", ".join(f"team-{i:03d}" for i in range(tenant_count))
    return f"""apiVersion: gitops-gen/v1
kind: Environment
metadata: {{name: {env}}}
spec:
  kubernetesVersion: "1.3{index}"
  clusters:
{chr(10).join(clusters)}
  addonStacks: [core, extras]
  tenants: [{tenants}]
  syncPolicy: {{automated: {str(env != "prod").lower()}}}
  overrides:
    addons:
      addon-01: {{values: {{replicaCount: {index + 2}}}}}
      addon-04:
        manifests: [{{apiVersion: v1, kind: ConfigMap, metadata: {{name: addon-04-settings}}, data: {{level: {env}}}}}]
    tenants:
      team-001: {{tier: large}}
"""


def scratch() -> Path:
    """Where benchmarks write: inside the project (.benchmarks/, git-ignored), on the file system a
    repository lives on.  /tmp on these machines showed 10x slower file creation at times, which
    measured the machine's housekeeping rather than gitops-gen."""
    folder = Path(__file__).resolve().parents[1] / ".benchmarks"
    folder.mkdir(exist_ok=True)
    return folder


def write_fleet(root: Path, envs: tuple[str, ...] = ENVS, clusters_per_env: int = CLUSTERS_PER_ENV,
                tenants: int = TENANTS) -> Path:
    """Write the fleet's blueprints under ``root`` and return it (smaller fleets by the keywords)."""
    (root / "blueprints" / "addons").mkdir(parents=True)
    (root / "blueprints" / "tenants").mkdir(parents=True)
    (root / "environments").mkdir()
    (root / "gitops.yaml").write_text("""apiVersion: gitops-gen/v1
kind: Settings
spec:
  repoURL: https://github.com/acme/fleet-gitops.git
  targetRevision: main
  tiers:
    small:  {cpu: "4",  memory: 8Gi,  pods: 40}
    medium: {cpu: "16", memory: 32Gi, pods: 150}
    large:  {cpu: "64", memory: 128Gi, pods: 500}
""")
    for stack, numbers in (("core", range(0, 15)), ("extras", range(15, ADDONS))):
        body = "".join(_addon(i) for i in numbers)
        (root / "blueprints" / "addons" / f"{stack}.yaml").write_text(
            f"apiVersion: gitops-gen/v1\nkind: AddonStack\nmetadata: {{name: {stack}}}\nspec:\n  addons:\n{body}")
    for i in range(tenants):
        (root / "blueprints" / "tenants" / f"team-{i:03d}.yaml").write_text(_tenant(i))
    for index, env in enumerate(envs):
        (root / "environments" / f"{env}.yaml").write_text(_environment(index, env, clusters_per_env, tenants))
    return root
