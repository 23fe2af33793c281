"""Every loader error class, end to end through the CLI.

Each case copies a known-good repository (tests/corpus/base, a frozen copy of
the example so line numbers stay put while the example evolves, rendered once
per session) into a temporary folder, breaks one thing with a small edit and
runs ``gitops-gen render`` (a representative subset also ``render --check``).
It must exit 2, report every problem as ``path:line:col: message`` sorted by
file then line, never show a traceback, leave ``rendered/`` byte-identical and
write nothing anywhere in the temporary folder.
"""

from __future__ import annotations

import hashlib
import itertools
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.blueprint.load import load_repo
from gitops_gen.blueprint.model import Addon, ClusterPlan, Repo, Tenant
from gitops_gen.cli import run

BASE = Path(__file__).resolve().parent / "corpus" / "base"

SETTINGS = "gitops.yaml"
CORE = "blueprints/addons/platform-core.yaml"
OBS = "blueprints/addons/observability.yaml"
CHECKOUT = "blueprints/tenants/checkout.yaml"
PAYMENTS = "blueprints/tenants/payments.yaml"
SEARCH = "blueprints/tenants/search.yaml"
DEV = "environments/dev.yaml"
STAGE = "environments/stage.yaml"
PROD = "environments/prod.yaml"

ERROR_LINE = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+):(?P<col>\d+): (?P<message>.+)$")


# --- describing a broken repository ---------------------------------------------------------------


@dataclass(frozen=True)
class Edit:
    """Replace ``old`` (which must occur exactly once) by ``new`` in ``file``; ``old=None`` writes the whole file."""

    file: str
    old: str | None
    new: str | bytes

    def apply(self, repo: Path) -> None:
        path = repo / self.file
        if self.old is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(self.new if isinstance(self.new, bytes) else self.new.encode())
            return
        text = path.read_text(encoding="utf-8")
        assert text.count(self.old) == 1, f"{self.file}: {self.old!r} occurs {text.count(self.old)} times"
        assert isinstance(self.new, str)
        path.write_text(text.replace(self.old, self.new), encoding="utf-8")


def sub(file: str, old: str, new: str) -> Edit:
    return Edit(file, old, new)


def put(file: str, content: str | bytes) -> Edit:
    return Edit(file, None, content)


def copy(src: str, dst: str) -> Edit:
    return Edit(dst, None, (BASE / src).read_bytes())


@dataclass(frozen=True)
class Expect:
    file: str
    line: int
    col: int | None  # None: the column is not meaningful for this error
    fragments: tuple[str, ...]

    def matches(self, got: tuple[str, int, int, str]) -> bool:
        file, line, col, message = got
        return (file, line) == (self.file, self.line) and self.col in (None, col) \
            and all(f in message for f in self.fragments)


def at(where: str, *fragments: str) -> Expect:
    """``at("file:line:col", "text", ...)``: one expected error line (col may be omitted)."""
    file, line, *col = where.split(":")
    return Expect(file, int(line), int(col[0]) if col else None, fragments)


def case(case_id: str, edits: Edit | list[Edit], *expected: Expect) -> Any:
    return pytest.param(edits if isinstance(edits, list) else [edits], expected, id=case_id)


# --- the corpus -------------------------------------------------------------------------------------

CHART_LINE = "      chart: {repoURL: https://charts.jetstack.io, name: cert-manager, version: v1.16.2}\n"
GIT_SOURCE = "{repoURL: https://github.com/acme/x.git, path: x, targetRevision: main}"
SECOND_DOC = "---\napiVersion: gitops-gen/v1\nkind: Tenant\nmetadata: {name: extra}\nspec: {tier: small}\n"
LAUGHS = "abcdefghij"  # each level refers to the previous one nine times: 9**9 "lol"s if aliases were expanded
BILLION_LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"{cur}: &{cur} [{', '.join([f'*{prev}'] * 9)}]\n" for prev, cur in itertools.pairwise(LAUGHS))

UNKNOWN_KEYS = [
    case("unknown-key-tenant-spec", sub(CHECKOUT, "  viewers:", "  viewer:"),
         at(f"{CHECKOUT}:6:3", "spec.viewer: unknown field", "did you mean 'viewers'?")),
    case("unknown-key-top-level", sub(CHECKOUT, "metadata: {name: checkout}", "metdata: {name: checkout}"),
         at(f"{CHECKOUT}:1:1", "metadata: required field is missing"),
         at(f"{CHECKOUT}:3:1", "metdata: unknown field", "did you mean 'metadata'?")),
    case("unknown-key-chart",
         sub(OBS, "kube-prometheus-stack, version: 65.1.1}", "kube-prometheus-stack, versoin: 65.1.1}"),
         at(f"{OBS}:8:14", "spec.addons[0].chart.version: required field is missing"),
         at(f"{OBS}:8:105", "spec.addons[0].chart.versoin: unknown field", "did you mean 'version'?")),
    case("unknown-key-settings", sub(SETTINGS, "  argocdNamespace:", "  argoNamespace:"),
         at(f"{SETTINGS}:7:3", "spec.argoNamespace: unknown field", "did you mean 'argocdNamespace'?")),
    case("unknown-key-env-override", sub(DEV, "ingress-nginx: {values:", "ingress-nginx: {valuse:"),
         at(f"{DEV}:13:23", "spec.overrides.addons.ingress-nginx.valuse: unknown field", "did you mean 'values'?")),
    case("unknown-key-cluster", sub(PROD, "prod-eu1, server:", "prod-eu1, servr:"),
         at(f"{PROD}:8:7", "spec.clusters[0].server: required field is missing"),
         at(f"{PROD}:8:24", "spec.clusters[0].servr: unknown field", "did you mean 'server'?")),
    case("unknown-key-sync-policy", sub(DEV, "{automated: true}", "{automatic: true}"),
         at(f"{DEV}:10:16", "spec.syncPolicy.automatic: unknown field", "did you mean 'automated'?")),
]

WRONG_TYPES = [
    case("list-expected", sub(CHECKOUT, "owners: [checkout-admins]", "owners: checkout-admins"),
         at(f"{CHECKOUT}:5:11", "spec.owners: expected a list, got a string")),
    case("integer-expected", sub(SETTINGS, "pods: 40}", "pods: forty}"),
         at(f"{SETTINGS}:9:45", "spec.tiers.small.pods: expected an integer, got a string")),
    case("integer-at-least-1", sub(SETTINGS, "pods: 40}", "pods: 0}"),
         at(f"{SETTINGS}:9:45", "spec.tiers.small.pods: must be at least 1")),
    case("boolean-expected", sub(DEV, "{automated: true}", '{automated: "yes"}'),
         at(f"{DEV}:10:27", "spec.syncPolicy.automated: expected true or false, got a string")),
    case("mapping-expected-got-list",
         sub(CORE, "      values:\n        crds: {enabled: true}\n        prometheus: {enabled: true}\n",
             "      values: [crds]\n"),
         at(f"{CORE}:9:15", "spec.addons[0].values: expected a mapping, got a list")),
    case("list-expected-got-mapping",
         sub(DEV, "  clusters:\n    - {name: dev-eu1, server: https://dev-eu1.k8s.acme.internal}",
             "  clusters: {name: dev-eu1, server: https://dev-eu1.k8s.acme.internal}"),
         at(f"{DEV}:6:13", "spec.clusters: expected a list, got a mapping")),
    case("spec-is-a-list", put(SEARCH, "apiVersion: gitops-gen/v1\nkind: Tenant\nmetadata: {name: search}\n"
                                       "spec: [tier, small]\n"),
         at(f"{SEARCH}:4:7", "spec: expected a mapping, got a list")),
    case("name-is-a-number", sub(SEARCH, "{name: search}", "{name: 42}"),
         at(f"{SEARCH}:3:18", "metadata.name: expected a name (string), got a number")),
    case("name-is-null", sub(SEARCH, "{name: search}", "{name: }"),
         at(f"{SEARCH}:3:18", "metadata.name: expected a name (string), got null")),
    case("quantity-invalid", sub(SETTINGS, 'small:  {cpu: "4",', 'small:  {cpu: "four",'),
         at(f"{SETTINGS}:9:19", "spec.tiers.small.cpu: 'four' is not a Kubernetes quantity")),
    case("label-value-invalid", sub(CHECKOUT, "{cost-center: cc-3300}", '{cost-center: "cc 3300"}'),
         at(f"{CHECKOUT}:9:25", "spec.labels.cost-center: 'cc 3300' is not a label value")),
    case("repo-url-not-https", sub(CHECKOUT, "sourceRepos: [https://github.com/acme/checkout.git,",
                                   "sourceRepos: [http://github.com/acme/checkout.git,"),
         at(f"{CHECKOUT}:12:17", "spec.sourceRepos[0]: 'http://github.com/acme/checkout.git' is not a git or Helm")),
    case("source-path-escapes-repo", sub(CHECKOUT, 'path: "deploy/{env}"', 'path: "../deploy/{env}"'),
         at(f"{CHECKOUT}:16:69", "spec.apps[0].source.path: '../deploy/{env}' is not a relative path")),
]

MISSING_FIELDS = [
    case("missing-tier", sub(CHECKOUT, "  tier: small\n", ""),
         at(f"{CHECKOUT}:5:3", "spec.tier: required field is missing")),
    case("missing-kubernetes-version", sub(DEV, '  kubernetesVersion: "1.32"\n', ""),
         at(f"{DEV}:5:3", "spec.kubernetesVersion: required field is missing")),
    case("missing-addon-namespace", sub(CORE, "      namespace: cert-manager\n      chart:", "      chart:"),
         at(f"{CORE}:6:7", "spec.addons[0].namespace: required field is missing")),
    case("missing-repo-url", sub(SETTINGS, "  repoURL: https://github.com/acme/platform-gitops.git\n", ""),
         at(f"{SETTINGS}:5:3", "spec.repoURL: required field is missing")),
    case("missing-metadata-name", sub(CHECKOUT, "metadata: {name: checkout}", "metadata: {labels: {team: checkout}}"),
         at(f"{CHECKOUT}:3:11", "metadata.name: required field is missing")),
    case("missing-cluster-server", sub(DEV, "{name: dev-eu1, server: https://dev-eu1.k8s.acme.internal}",
                                       "{name: dev-eu1}"),
         at(f"{DEV}:7:7", "spec.clusters[0].server: required field is missing")),
    case("missing-app-source", sub(CHECKOUT, '      source: {repoURL: https://github.com/acme/checkout.git, path: '
                                             '"deploy/{env}", targetRevision: main}\n', ""),
         at(f"{CHECKOUT}:14:7", "spec.apps[0].source: required field is missing")),
    case("missing-spec", put(SEARCH, "apiVersion: gitops-gen/v1\nkind: Tenant\nmetadata: {name: search}\n"),
         at(f"{SEARCH}:1:1", "spec: required field is missing")),
    case("missing-settings-spec", put(SETTINGS, "apiVersion: gitops-gen/v1\nkind: Settings\n"),
         at(f"{SETTINGS}:1:1", "spec: required field is missing")),
]

BAD_NAMES = [
    *(case(f"metadata-name-{label}", sub(SEARCH, "{name: search}", f"{{name: {name}}}"),
           at(f"{SEARCH}:3:18", "metadata.name:", problem))
      for label, name, problem in [
          ("dot-dot-slash", '"../x"', "must be a DNS-1123 label"),
          ("slash", '"a/b"', "must be a DNS-1123 label"),
          ("upper-case", "UPPER", "must be a DNS-1123 label"),
          ("empty", '""', "must not be empty"),
          ("64-chars", "a" * 64, "is 64 characters long; at most 63"),
          ("leading-dash", '"-search"', "must be a DNS-1123 label"),
          ("dot", "a.b", "must be a DNS-1123 label"),
          ("dot-dot", '".."', "must be a DNS-1123 label"),
          ("unicode", "suche-ä", "must be a DNS-1123 label"),
      ]),
    case("metadata-name-63-chars-is-fine", sub(SEARCH, "{name: search}", f"{{name: {'a' * 63}}}"),
         at(f"{SEARCH}:13:7", "app 'search-indexer': namespace 'search' is not one of the tenant's namespaces"),
         at(f"{DEV}:9:23", "unknown tenant 'search'"),
         at(f"{PROD}:15:23", "unknown tenant 'search'"),
         at(f"{STAGE}:15:23", "unknown tenant 'search'")),  # its stage override is that same problem
    case("addon-name", sub(CORE, "    - name: cert-manager\n", "    - name: ../cert-manager\n"),
         at(f"{CORE}:6:13", "spec.addons[0].name: '../cert-manager' must be a DNS-1123 label")),
    case("addon-namespace", sub(CORE, "      namespace: external-dns\n", "      namespace: external_dns\n"),
         at(f"{CORE}:25:18", "spec.addons[2].namespace: 'external_dns' must be a DNS-1123 label")),
    case("cluster-name", sub(DEV, "{name: dev-eu1,", "{name: DEV-EU1,"),
         at(f"{DEV}:7:14", "spec.clusters[0].name: 'DEV-EU1' must be a DNS-1123 label")),
    case("app-name", sub(CHECKOUT, "    - name: checkout-web", "    - name: checkout/web"),
         at(f"{CHECKOUT}:14:13", "spec.apps[0].name: 'checkout/web' must be a DNS-1123 label")),
    case("tenant-namespace", sub(CHECKOUT, "namespaces: [checkout]", 'namespaces: [checkout, "../etc"]'),
         at(f"{CHECKOUT}:8:26", "spec.namespaces[1]: '../etc' must be a DNS-1123 label")),
    case("tier-name", sub(SETTINGS, "    large:  {", "    Large:  {"),
         at(f"{SETTINGS}:11:5", "spec.tiers.Large: 'Large' must be a DNS-1123 label")),
    case("override-target-name", sub(DEV, "      ingress-nginx: {values:", "      ingress/nginx: {values:"),
         at(f"{DEV}:13:7", "spec.overrides.addons.ingress/nginx: 'ingress/nginx' must be a DNS-1123 label")),
    case("environment-name-too-long", sub(DEV, "{name: dev}", f"{{name: {'d' * 64}}}"),
         at(f"{DEV}:3:18", "is 64 characters long")),
]

DUPLICATES = [
    case("duplicate-yaml-key-block", sub(CHECKOUT, "  tier: small\n", "  tier: small\n  tier: large\n"),
         at(f"{CHECKOUT}:8:3", "duplicate key 'tier'")),
    case("duplicate-yaml-key-flow", sub(DEV, "{name: dev-eu1, server:", "{name: dev-eu1, name: dev-eu2, server:"),
         at(f"{DEV}:7:23", "duplicate key 'name'")),
    case("duplicate-yaml-key-top-level", sub(CHECKOUT, "kind: Tenant\n", "kind: Tenant\nkind: Tenant\n"),
         at(f"{CHECKOUT}:3:1", "duplicate key 'kind'")),
    case("duplicate-tenant-across-files", copy(CHECKOUT, "blueprints/tenants/zz-checkout.yaml"),
         at("blueprints/tenants/zz-checkout.yaml:3:18", "Tenant 'checkout' is already defined at "
            f"{CHECKOUT}:3:18")),
    case("duplicate-tenant-yml-extension", copy(CHECKOUT, "blueprints/tenants/checkout.yml"),
         at("blueprints/tenants/checkout.yml:3:18", "Tenant 'checkout' is already defined")),
    case("duplicate-stack-across-files", copy(OBS, "blueprints/addons/zz-observability.yaml"),
         at("blueprints/addons/zz-observability.yaml:3:18", "AddonStack 'observability' is already defined")),
    case("duplicate-environment-across-files", copy(DEV, "environments/zz-dev.yaml"),
         at("environments/zz-dev.yaml:3:18", "Environment 'dev' is already defined at environments/dev.yaml:3:18")),
    case("duplicate-addon-in-stack", sub(OBS, "    - name: loki\n", "    - name: kube-prometheus-stack\n"),
         at(f"{OBS}:14:7", "add-on 'kube-prometheus-stack' is defined twice in stack 'observability'")),
    case("duplicate-addon-across-stacks", sub(OBS, "    - name: podinfo-dashboards\n", "    - name: cert-manager\n"),
         at(f"{DEV}:8:32", "add-on 'cert-manager' comes from both stack 'platform-core' and stack 'observability'"),
         at(f"{PROD}:14:32", "add-on 'cert-manager' comes from both"),
         at(f"{STAGE}:14:32", "add-on 'cert-manager' comes from both")),
    case("duplicate-app-in-tenant",
         sub(CHECKOUT, "targetRevision: main}\n", "targetRevision: main}\n    - name: checkout-web\n"
             f"      namespace: checkout\n      source: {GIT_SOURCE}\n"),
         at(f"{CHECKOUT}:17:7", "app 'checkout-web' is defined twice in tenant 'checkout'")),
    case("duplicate-list-entry",
         sub(DEV, "tenants: [payments, search, checkout]", "tenants: [payments, search, payments]"),
         at(f"{DEV}:9:31", "spec.tenants[2]: 'payments' is listed twice")),
]

UNKNOWN_REFERENCES = [
    case("unknown-stack", sub(STAGE, "addonStacks: [platform-core, observability]",
                              "addonStacks: [platform-core, observabilty]"),
         at(f"{STAGE}:14:32", "unknown add-on stack 'observabilty'", "did you mean 'observability'?")),
    case("unknown-tenant", sub(DEV, "tenants: [payments, search, checkout]", "tenants: [payments, serch, checkout]"),
         at(f"{DEV}:9:23", "unknown tenant 'serch'", "did you mean 'search'?")),
    case("unknown-tier", sub(CHECKOUT, "tier: small", "tier: smal"),
         at(f"{CHECKOUT}:7:9", "spec.tier: unknown tier 'smal'", "did you mean 'small'?")),
    case("unknown-addon-dependency", sub(CORE, "dependsOn: [ingress-nginx]", "dependsOn: [ingress-ngnix]"),
         at(f"{CORE}:26:19", "add-on 'external-dns' depends on 'ingress-ngnix', but no stack defines it",
            "did you mean 'ingress-nginx'?")),
    case("addon-dependency-stack-not-in-environment",
         [sub(STAGE, "addonStacks: [platform-core, observability]", "addonStacks: [observability]"),
          sub(OBS, "      dependsOn: [kube-prometheus-stack]\n      chart:",
              "      dependsOn: [kube-prometheus-stack, cert-manager]\n      chart:")],
         at(f"{OBS}:16:42", "add-on 'loki' depends on 'cert-manager', but its stack is not in environment 'stage'")),
    case("unknown-app-dependency", sub(PAYMENTS, "dependsOn: [payments-api]", "dependsOn: [payments-apii]"),
         at(f"{PAYMENTS}:19:19", "app 'payments-worker': dependsOn names unknown app 'payments-apii'",
            "did you mean 'payments-api'?")),
    case("unknown-env-addon-override", sub(DEV, "      ingress-nginx: {values:", "      ingres-nginx: {values:"),
         at(f"{DEV}:13:7", "overrides.addons.ingres-nginx: not an add-on of this environment",
            "did you mean 'ingress-nginx'?")),
    case("unknown-env-tenant-override", sub(PROD, "      payments: {tier: large", "      paymnts: {tier: large"),
         at(f"{PROD}:22:7", "overrides.tenants.paymnts: not a tenant of this environment", "did you mean 'payments'?")),
    case("env-tenant-override-not-in-environment",
         sub(PROD, "tenants: [payments, search, checkout]", "tenants: [search, checkout]"),
         at(f"{PROD}:22:7", "overrides.tenants.payments: not a tenant of this environment")),
    case("unknown-cluster-addon-override",
         sub(PROD, "          ingress-nginx: {values: {controller: {replicaCount: 5}}}",
             "          nginx: {values: {controller: {replicaCount: 5}}}"),
         at(f"{PROD}:13:11", "overrides.addons.nginx: not an add-on of this environment")),
    case("unknown-cluster-tenant-override", sub(STAGE, "search: {tier: medium}", "serch: {tier: medium}"),
         at(f"{STAGE}:13:11", "overrides.tenants.serch: not a tenant of this environment", "did you mean 'search'?")),
    case("unknown-tier-in-cluster-override", sub(STAGE, "search: {tier: medium}", "search: {tier: huge}"),
         at(f"{STAGE}:13:26", "overrides.tenants.search.tier: unknown tier 'huge'")),
    case("unknown-tier-in-env-override", sub(PROD, "payments: {tier: large,", "payments: {tier: larg,"),
         at(f"{PROD}:22:24", "overrides.tenants.payments.tier: unknown tier 'larg'", "did you mean 'large'?")),
    case("unknown-promotes-from", sub(PROD, "promotesFrom: stage", "promotesFrom: stag"),
         at(f"{PROD}:5:17", "spec.promotesFrom: unknown environment 'stag'", "did you mean 'stage'?")),
]

CYCLES = [
    case("addon-cycle",
         sub(CORE, "    - name: cert-manager\n", "    - name: cert-manager\n      dependsOn: [external-dns]\n"),
         at(f"{CORE}:7:18",
            "dependency cycle between add-ons: cert-manager -> external-dns -> ingress-nginx -> cert-manager")),
    case("addon-depends-on-itself",
         sub(CORE, "    - name: cert-manager\n", "    - name: cert-manager\n      dependsOn: [cert-manager]\n"),
         at(f"{CORE}:7:18", "dependency cycle between add-ons: cert-manager -> cert-manager")),
    case("app-cycle", sub(PAYMENTS, "      namespace: payments-api\n",
                          "      namespace: payments-api\n      dependsOn: [payments-worker]\n"),
         at(f"{PAYMENTS}:3:18", "dependency cycle between apps: payments-api -> payments-worker -> payments-api")),
]

NAMESPACES = [
    case("namespace-claimed-by-two-tenants",
         sub(CHECKOUT, "namespaces: [checkout]", "namespaces: [checkout, payments-worker]"),
         at(f"{PAYMENTS}:8:30", "namespace 'payments-worker' is already claimed by tenant 'checkout'")),
    case("namespace-claimed-by-default", sub(CHECKOUT, "namespaces: [checkout]", "namespaces: [checkout, search]"),
         at(f"{SEARCH}:3:18", "namespace 'search' is already claimed by tenant 'checkout'")),
    case("namespace-claimed-by-two-defaults",
         sub(SEARCH, "  tier: small\n", "  tier: small\n  namespaces: [checkout]\n"),
         at(f"{SEARCH}:8:16", "namespace 'checkout' is already claimed by tenant 'checkout'"),
         at(f"{SEARCH}:14:7", "app 'search-indexer': namespace 'search' is not one of the tenant's namespaces")),
    case("app-outside-tenant-namespaces",
         sub(CHECKOUT, "      namespace: checkout\n", "      namespace: payments-api\n"),
         at(f"{CHECKOUT}:14:7", "app 'checkout-web': namespace 'payments-api' is not one of the tenant's namespaces")),
    case("tenant-claims-addon-namespace", sub(CHECKOUT, "namespaces: [checkout]", "namespaces: [checkout, monitoring]"),
         at(f"{CHECKOUT}:3:18", "tenant 'checkout' claims namespace 'monitoring'", "environment 'dev'"),
         at(f"{CHECKOUT}:3:18", "tenant 'checkout' claims namespace 'monitoring'", "environment 'prod'"),
         at(f"{CHECKOUT}:3:18", "tenant 'checkout' claims namespace 'monitoring'", "environment 'stage'")),
]

ADDON_SOURCES = [
    case("addon-without-source", sub(CORE, CHART_LINE, ""),
         at(f"{CORE}:6:7", "spec.addons[0]: an add-on needs exactly one of chart, source or manifests",
            "got none of them")),
    case("addon-with-chart-and-source", sub(CORE, CHART_LINE, f"{CHART_LINE}      source: {GIT_SOURCE}\n"),
         at(f"{CORE}:6:7", "needs exactly one of chart, source or manifests", "got chart, source")),
    case("addon-with-all-three", sub(CORE, CHART_LINE, f"{CHART_LINE}      source: {GIT_SOURCE}\n"
                                                       "      manifests: []\n"),
         at(f"{CORE}:6:7", "got chart, source, manifests")),
    case("env-override-adds-second-source",
         sub(DEV, "      ingress-nginx: {values: {controller: {replicaCount: 1}}}",
             f"      ingress-nginx: {{source: {GIT_SOURCE}}}"),
         at(f"{DEV}:13:22", "add-on ingress-nginx: an add-on needs exactly one of chart, source or manifests",
            "got chart, source")),
    case("cluster-override-adds-second-source",
         sub(PROD, "          ingress-nginx: {values: {controller: {replicaCount: 5}}}",
             "          ingress-nginx: {manifests: [{apiVersion: v1, kind: ConfigMap, metadata: {name: x}}]}"),
         at(f"{PROD}:13:26", "add-on ingress-nginx: an add-on needs exactly one", "got chart, manifests")),
    case("manifest-without-kind", sub(CORE, "          kind: ClusterIssuer\n", ""),
         at(f"{CORE}:36:11", "spec.addons[3].manifests[0]: a manifest needs kind")),
]

CHART_VERSIONS = [
    *(case(f"chart-version-{label}", sub(CORE, "version: v1.16.2}", f'version: "{version}"}}'),
           at(f"{CORE}:8:81", f"spec.addons[0].chart.version: '{version}' is not an exact chart version"))
      for label, version in [("caret", "^1.2"), ("x-range", "1.x"), ("latest", "latest"), ("tilde", "~1.16.0"),
                             ("range", ">=1.0.0"), ("two-parts", "1.16"), ("empty", ""), ("star", "*")]),
    case("chart-version-unquoted-float", sub(CORE, "version: v1.16.2}", "version: 1.16}"),
         at(f"{CORE}:8:81", "spec.addons[0].chart.version: expected a string, got the number 1.16", "quotes")),
    case("chart-version-range-in-override",
         sub(DEV, "      ingress-nginx: {values: {controller: {replicaCount: 1}}}",
             '      ingress-nginx: {chart: {version: "4.x"}}'),
         at(f"{DEV}:13:40", "spec.overrides.addons.ingress-nginx.chart.version: '4.x' is not an exact chart version")),
]

CLUSTERS = [
    case("cluster-name-twice-in-env", sub(PROD, "    - name: prod-us1\n", "    - name: prod-eu1\n"),
         at(f"{PROD}:9:7", "cluster name 'prod-eu1' is already used at environments/prod.yaml:8:7")),
    case("cluster-name-twice-across-envs", sub(STAGE, "{name: stage-eu1,", "{name: dev-eu1,"),
         at(f"{STAGE}:8:7", "cluster name 'dev-eu1' is already used at environments/dev.yaml:7:7")),
    *(case(f"server-{label}", sub(DEV, "server: https://dev-eu1.k8s.acme.internal}", f'server: "{server}"}}'),
           at(f"{DEV}:7:31", f"spec.clusters[0].server: '{server}' is not an https:// URL"))
      for label, server in [("http", "http://dev-eu1.k8s.acme.internal"), ("no-scheme", "dev-eu1.k8s.acme.internal"),
                            ("no-host", "https://"), ("ftp", "ftp://dev-eu1"), ("space", "https://dev eu1"),
                            ("upper-scheme-typo", "htps://dev-eu1")]),
    *(case(f"kubernetes-version-{label}", sub(DEV, 'kubernetesVersion: "1.32"', f"kubernetesVersion: {written}"),
           at(f"{DEV}:5:22", "spec.kubernetesVersion:", *fragments))
      for label, written, fragments in [
          ("too-old", '"1.12"', ("'1.12' is not supported", "1.25")),
          ("major-2", '"2.0"', ("'2.0' is not a Kubernetes version X.Y",)),
          ("patch-level", '"1.31.2"', ("is not a Kubernetes version X.Y",)),
          ("v-prefix", '"v1.31"', ("is not a Kubernetes version X.Y",)),
          ("latest", "latest", ("is not a Kubernetes version X.Y",)),
          ("unquoted-1.30-is-float-1.3", "1.30", ("expected a string, got the number 1.3", "quotes")),
          ("unquoted-1.31", "1.31", ("expected a string, got the number 1.31", "quotes")),
      ]),
]

FILES = [
    case("empty-file", put("blueprints/tenants/empty.yaml", ""),
         at("blueprints/tenants/empty.yaml:1:1", "file is empty")),
    case("only-comments", put("blueprints/tenants/todo.yaml", "# a tenant for the data team\n# coming soon\n"),
         at("blueprints/tenants/todo.yaml:1:1", "file is empty")),
    case("only-document-marker", put("environments/qa.yaml", "---\n"),
         at("environments/qa.yaml:1:1", "file is empty")),
    case("only-whitespace", put("environments/qa.yaml", "\n   \n\n"),
         at("environments/qa.yaml:1:1", "file is empty")),
    case("empty-settings", put(SETTINGS, ""),
         at(f"{SETTINGS}:1:1", "file is empty")),
    case("top-level-list", put("blueprints/addons/list.yaml", "- name: cert-manager\n- name: loki\n"),
         at("blueprints/addons/list.yaml:1:1", "expected a mapping at the top of the file, got a list")),
    case("top-level-scalar", put("blueprints/addons/scalar.yaml", "just some text\n"),
         at("blueprints/addons/scalar.yaml:1:1", "expected a mapping at the top of the file, got a string")),
    case("latin-1-text", put("blueprints/tenants/cafe.yaml",
                             "apiVersion: gitops-gen/v1\nkind: Tenant\nmetadata: {name: caf\xe9}\n".encode("latin-1")),
         at("blueprints/tenants/cafe.yaml:3:21", "not UTF-8 text")),
    case("binary-file", put("blueprints/tenants/logo.yaml", bytes(range(256))),
         at("blueprints/tenants/logo.yaml:1:1", "not a text file")),
    case("utf-16-file", put("blueprints/tenants/wide.yaml", "apiVersion: gitops-gen/v1\n".encode("utf-16")),
         at("blueprints/tenants/wide.yaml:1:1", "not a text file")),
    case("file-too-large", put("blueprints/tenants/huge.yaml", "#" * ((1 << 20) + 1)),
         at("blueprints/tenants/huge.yaml:1:1", "file is larger than")),
    case("two-documents", sub(CHECKOUT, "targetRevision: main}\n", "targetRevision: main}\n" + SECOND_DOC),
         at(f"{CHECKOUT}:18:1", "expected one YAML document, found 2")),
    case("yaml-syntax-error", sub(CHECKOUT, "metadata: {name: checkout}", "metadata: {name: checkout"),
         at(f"{CHECKOUT}:4:5", "invalid YAML")),
    case("yaml-tab-indent", sub(CHECKOUT, "  tier: small\n", "\ttier: small\n"),
         at(f"{CHECKOUT}:7:1", "invalid YAML", "'\\t'")),
    case("billion-laughs", put("blueprints/tenants/lol.yaml", BILLION_LAUGHS),
         at("blueprints/tenants/lol.yaml:1:4", "YAML anchors (&name) are not supported")),
    case("merge-key-alias", put("blueprints/tenants/merge.yaml",
                                "apiVersion: gitops-gen/v1\nkind: Tenant\nmetadata: &m {name: merge}\n"
                                "spec:\n  <<: *m\n  tier: small\n"),
         at("blueprints/tenants/merge.yaml:3:11", "YAML anchors (&name) are not supported in blueprints")),
    case("merge-key", put("blueprints/tenants/merge.yaml",
                          "apiVersion: gitops-gen/v1\nkind: Tenant\nmetadata: {name: merge}\n"
                          "spec:\n  <<: {tier: small}\n"),
         at("blueprints/tenants/merge.yaml:5:3", "merge keys (<<) are not supported in blueprints")),
    # 500 deep: past the blueprint limit (100) and short of libyaml's own (1,000 in recent wheels, none in
    # older ones), so the verdict and its column are the same on every PyYAML the floors allow; the
    # 100,000-deep bombs are in tests/test_reader.py and their refusal time in `make bench`.
    case("nesting-bomb", put("blueprints/tenants/deep.yaml", "[" * 500 + "]" * 500),
         at("blueprints/tenants/deep.yaml:1:101", "YAML nested more than 100 levels deep")),
    case("indentation-nesting-bomb",
         put("blueprints/tenants/stairs.yaml", "".join(" " * i + "a:\n" for i in range(1400))),
         at("blueprints/tenants/stairs.yaml:101:101", "YAML nested more than 100 levels deep")),
]

HEADERS = [
    case("wrong-api-version", sub(CHECKOUT, "apiVersion: gitops-gen/v1", "apiVersion: gitops-gen/v2"),
         at(f"{CHECKOUT}:1:13", "apiVersion: expected 'gitops-gen/v1', got 'gitops-gen/v2'")),
    case("kubernetes-api-version", sub(CHECKOUT, "apiVersion: gitops-gen/v1", "apiVersion: v1"),
         at(f"{CHECKOUT}:1:13", "apiVersion: expected 'gitops-gen/v1', got 'v1'")),
    case("missing-api-version", sub(CHECKOUT, "apiVersion: gitops-gen/v1\n", ""),
         at(f"{CHECKOUT}:1:1", "apiVersion: expected 'gitops-gen/v1'")),
    case("wrong-kind", sub(CHECKOUT, "kind: Tenant", "kind: Tenat"),
         at(f"{CHECKOUT}:2:7", "kind: expected 'Tenant' here, got 'Tenat'")),
    case("tenant-in-environments", copy(CHECKOUT, "environments/checkout.yaml"),
         at("environments/checkout.yaml:2:7", "kind: expected 'Environment' here, got 'Tenant'",
            "blueprints/tenants/")),
    case("environment-in-tenants", copy(DEV, "blueprints/tenants/dev.yaml"),
         at("blueprints/tenants/dev.yaml:2:7", "kind: expected 'Tenant' here, got 'Environment'", "environments/")),
    case("settings-kind-wrong", sub(SETTINGS, "kind: Settings", "kind: Setting"),
         at(f"{SETTINGS}:3:7", "kind: expected 'Settings' here, got 'Setting'")),
]

ALL_AT_ONCE = [
    case("three-errors-in-two-files-sorted",
         [sub(SEARCH, "  tier: small", "  tier: Small"),
          sub(CHECKOUT, "sourceRepos: [https://github.com/acme/checkout.git,",
              "sourceRepos: [http://github.com/acme/checkout.git,"),
          sub(CHECKOUT, "  labels: {cost-center: cc-3300}", "  labels: [cc-3300]")],
         at(f"{CHECKOUT}:9:11", "spec.labels: expected a mapping, got a list"),
         at(f"{CHECKOUT}:12:17", "spec.sourceRepos[0]:"),
         at(f"{SEARCH}:7:9", "spec.tier: 'Small' must be a DNS-1123 label")),
    case("errors-in-every-folder-sorted-by-path",
         [sub(SETTINGS, "  argocdNamespace:", "  argoNamespace:"),
          sub(DEV, "{automated: true}", "{automated: maybe}"),
          sub(OBS, "    - name: loki\n", "    - name: Loki\n"),
          sub(CHECKOUT, "  viewers:", "  viewer:")],
         at(f"{OBS}:14:13", "'Loki' must be a DNS-1123 label"),
         at(f"{CHECKOUT}:6:3", "spec.viewer: unknown field"),
         at(f"{DEV}:10:27", "spec.syncPolicy.automated: expected true or false"),
         at(f"{SETTINGS}:7:3", "spec.argoNamespace: unknown field")),
    case("cross-file-errors-in-several-environments",
         [sub(DEV, "tenants: [payments, search, checkout]", "tenants: [payments, serch, checkout]"),
          sub(PROD, "promotesFrom: stage", "promotesFrom: qa"),
          sub(STAGE, "addonStacks: [platform-core, observability]", "addonStacks: [platform-cor, observability]")],
         at(f"{DEV}:9:23", "unknown tenant 'serch'"),
         at(f"{PROD}:5:17", "unknown environment 'qa'"),
         at(f"{STAGE}:14:17", "unknown add-on stack 'platform-cor'")),
]

LIMITS = "    default: {cpu: 500m, memory: 512Mi}\n"
CONFIG_SECTIONS = [  # gitops.yaml's policy and drift sections: checked at load, so every command refuses them
    case("policy-unknown-key", sub(SETTINGS, LIMITS, LIMITS + "  policy:\n    rule: {GG104: {severity: warning}}\n"),
         at(f"{SETTINGS}:17:5", "spec.policy.rule: unknown field", "did you mean 'rules'?")),
    case("policy-unknown-rule-and-severity",
         sub(SETTINGS, LIMITS, LIMITS + "  policy:\n    rules:\n      GG1O4: {severity: warning}\n"
                                        "      GG105: {severity: fatal}\n"),
         at(f"{SETTINGS}:18:7", "spec.policy.rules.GG1O4: 'GG1O4' is not a known policy rule id",
            "did you mean 'GG104'?"),
         at(f"{SETTINGS}:19:25", "spec.policy.rules.GG105.severity: 'fatal' is not one of error, warning, info")),
    case("policy-exception-incomplete",
         sub(SETTINGS, LIMITS,
             LIMITS + "  policy:\n    exceptions:\n      - {rule: GG105, object: {}, expires: soon}\n"),
         at(f"{SETTINGS}:18:9", "spec.policy.exceptions[0].reason: required field is missing"),
         at(f"{SETTINGS}:18:31", "spec.policy.exceptions[0].object: name at least one of"),
         at(f"{SETTINGS}:18:44", "spec.policy.exceptions[0].expires: expected a date YYYY-MM-DD, got 'soon'")),
    case("drift-unknown-key-and-bad-flag",
         sub(SETTINGS, LIMITS, LIMITS + "  drift:\n    countOutOfSnyc: true\n    countDegraded: maybe\n"),
         at(f"{SETTINGS}:17:5", "spec.drift.countOutOfSnyc: unknown field", "did you mean 'countOutOfSync'?"),
         at(f"{SETTINGS}:18:20", "spec.drift.countDegraded: expected true or false, got a string")),
    case("drift-unsupported-jq-path",
         sub(SETTINGS, LIMITS, LIMITS + "  drift:\n    ignoreDifferences:\n"
                                        "      - {kind: Deployment, jqPathExpressions: ['.a | .b']}\n"),
         at(f"{SETTINGS}:18:48", "spec.drift.ignoreDifferences[0].jqPathExpressions[0]: unsupported jq path")),
    case("switch-not-a-boolean", sub(DEV, "ingress-nginx: {values: {controller: {replicaCount: 1}}}",
                                     "ingress-nginx: {enabled: off-ish}"),
         at(f"{DEV}:13:32", "spec.overrides.addons.ingress-nginx.enabled: expected true or false")),
    case("star-with-names", sub(DEV, "tenants: [payments, search, checkout]", 'tenants: ["*", search]'),
         at(f"{DEV}:9:12", 'spec.tenants: "*" selects every tenant')),
    case("selector-unknown-operator",
         sub(DEV, "tenants: [payments, search, checkout]", "tenants: {matchExpressions: [{key: a, operator: Equals}]}"),
         at(f"{DEV}:9:51", "spec.tenants.matchExpressions[0].operator: 'Equals' is not one of In, NotIn")),
    case("value-ending-in-newline", sub(CHECKOUT, "namespaces: [checkout]", 'namespaces: ["checkout\\n"]'),
         at(f"{CHECKOUT}:8:16", "spec.namespaces[0]: 'checkout\\n' must be a DNS-1123 label")),
    case("repo-url-ending-in-newline", sub(CHECKOUT, "sourceRepos: [https://github.com/acme/checkout.git,",
                                           'sourceRepos: ["https://github.com/acme/checkout.git\\n",'),
         at(f"{CHECKOUT}:12:17", "spec.sourceRepos[0]:", "is not a git or Helm repository URL")),
]

CASES = [*UNKNOWN_KEYS, *WRONG_TYPES, *MISSING_FIELDS, *BAD_NAMES, *DUPLICATES, *UNKNOWN_REFERENCES, *CYCLES,
         *NAMESPACES, *ADDON_SOURCES, *CHART_VERSIONS, *CLUSTERS, *FILES, *HEADERS, *ALL_AT_ONCE,
         *CONFIG_SECTIONS]


# --- running a case ----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def example_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The base repository with the rendered/ gitops-gen makes for it; each test copies this again."""
    dst = tmp_path_factory.mktemp("example") / "repo"
    shutil.copytree(BASE, dst)
    assert run(["render", "--repo", str(dst)]) == 0, "tests/corpus/base must render cleanly"
    return dst


def broken_repo(example_copy: Path, tmp_path: Path, edits: list[Edit]) -> Path:
    """A copy of the example with ``edits`` applied; rendered/ is hard-linked (edits never touch it, and any
    write to it, in place or not, changes what ``tree_state`` sees)."""
    repo = tmp_path / "repo"
    shutil.copytree(example_copy, repo, ignore=shutil.ignore_patterns("rendered"))
    shutil.copytree(example_copy / "rendered", repo / "rendered", copy_function=os.link)
    for edit in edits:
        edit.apply(repo)
    return repo


def tree_state(root: Path) -> dict[str, str]:
    """Every folder, file and link below ``root`` with a digest of its content."""
    state: dict[str, str] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs:
            state[Path(folder, name).relative_to(root).as_posix()] = "dir"
        for name in files:
            path = Path(folder, name)
            state[path.relative_to(root).as_posix()] = (
                f"link:{os.readlink(path)}" if path.is_symlink() else hashlib.sha256(path.read_bytes()).hexdigest())
    return state


def reported_errors(stderr: str) -> list[tuple[str, int, int, str]]:
    errors = []
    for line in stderr.splitlines():
        match = ERROR_LINE.match(line)
        assert match, f"not a `path:line:col: message` line: {line!r}\n--- stderr ---\n{stderr}"
        errors.append((match["file"], int(match["line"]), int(match["col"]), match["message"]))
    return errors


def describe(errors: list[tuple[str, int, int, str]]) -> str:
    return "\n".join(f"  {f}:{line}:{col}: {m}" for f, line, col, m in errors)


def assert_fails_cleanly(args: list[str], expected: tuple[Expect, ...], root: Path,
                         capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2, exactly the expected `path:line:col: message` lines in order, no traceback, nothing written."""
    before = tree_state(root)
    code = run(args)
    out, err = capsys.readouterr()

    assert "Traceback" not in out + err
    assert code == 2, f"{' '.join(args[:2])}: exit {code}\n--- stdout ---\n{out}\n--- stderr ---\n{err}"
    assert out == ""
    errors = reported_errors(err)
    assert len(errors) == len(expected) and all(e.matches(g) for e, g in zip(expected, errors, strict=True)), (
        "expected:\n" + "\n".join(f"  {e.file}:{e.line}:{e.col}: {' … '.join(e.fragments)}" for e in expected)
        + "\nreported:\n" + describe(errors))
    assert errors == sorted(errors, key=lambda e: (e[0], e[1], e[2]))
    assert tree_state(root) == before


@pytest.mark.parametrize(("edits", "expected"), CASES)
def test_render_of_broken_repo_exits_2_naming_file_and_line_and_writes_nothing(
        edits: list[Edit], expected: tuple[Expect, ...], example_copy: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = broken_repo(example_copy, tmp_path, edits)
    monkeypatch.chdir(tmp_path)  # anything written relative to the working folder shows up in tree_state
    assert_fails_cleanly(["render", "--repo", str(repo)], expected, tmp_path, capsys)


# `render --check` loads exactly as `render` does; one case per layer (file, YAML, fields, names, references,
# overrides, cross-file) keeps the suite fast while proving --check fails the same way and writes nothing.
CHECK_IDS = {
    "empty-file", "binary-file", "latin-1-text", "two-documents", "top-level-list", "billion-laughs",
    "nesting-bomb", "yaml-syntax-error", "duplicate-yaml-key-block", "wrong-api-version", "tenant-in-environments",
    "unknown-key-tenant-spec", "list-expected", "missing-repo-url", "metadata-name-dot-dot-slash",
    "chart-version-caret", "server-http", "kubernetes-version-unquoted-1.30-is-float-1.3",
    "duplicate-tenant-across-files", "unknown-stack", "unknown-cluster-tenant-override", "addon-cycle",
    "namespace-claimed-by-default", "env-override-adds-second-source", "cluster-name-twice-across-envs",
    "three-errors-in-two-files-sorted"}
CHECK_CASES = [c for c in CASES if c.id in CHECK_IDS]


@pytest.mark.parametrize(("edits", "expected"), CHECK_CASES)
def test_render_check_of_broken_repo_exits_2_and_writes_nothing(
        edits: list[Edit], expected: tuple[Expect, ...], example_copy: Path, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    repo = broken_repo(example_copy, tmp_path, edits)
    monkeypatch.chdir(tmp_path)
    assert_fails_cleanly(["render", "--check", "--repo", str(repo)], expected, tmp_path, capsys)


def test_every_check_case_names_a_case() -> None:
    assert CHECK_IDS - {c.id for c in CASES} == set()


def test_a_single_error_is_printed_bare(example_copy: Path, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    repo = broken_repo(example_copy, tmp_path, [sub(CHECKOUT, "  viewers:", "  viewer:")])
    assert run(["render", "--repo", str(repo)]) == 2
    assert capsys.readouterr().err.startswith(f"{CHECKOUT}:6:3: ")


def test_console_entry_point_exits_2_without_traceback(example_copy: Path, tmp_path: Path) -> None:
    repo = broken_repo(example_copy, tmp_path, [sub(CHECKOUT, "tier: small", "tier: smal")])
    proc = subprocess.run([sys.executable, "-m", "gitops_gen", "render", "--repo", str(repo)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    assert f"{CHECKOUT}:7:9: spec.tier: unknown tier 'smal'" in proc.stderr


def test_the_example_repo_itself_loads(example_copy: Path, tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """The corpus is only meaningful if the unedited copy is clean: `render --check` says up to date."""
    repo = broken_repo(example_copy, tmp_path, [])
    assert run(["render", "--check", "--repo", str(repo)]) == 0, capsys.readouterr()


# --- what a correct repository loads to ----------------------------------------------------------------


def plan_of(repo: Repo, cluster: str) -> ClusterPlan:
    return next(p for p in repo.plans if p.cluster.name == cluster)


def addon(plan: ClusterPlan, name: str) -> Addon:
    return next(a for a in plan.addons if a.name == name)


def tenant(plan: ClusterPlan, name: str) -> Tenant:
    return next(t for t in plan.tenants if t.name == name)


def test_addon_overrides_merge_environment_then_cluster() -> None:
    repo = load_repo(BASE)
    controller = {c: addon(plan_of(repo, c), "ingress-nginx").values["controller"]
                  for c in ("dev-eu1", "stage-eu1", "prod-eu1", "prod-us1")}
    assert {c: v["replicaCount"] for c, v in controller.items()} == {
        "dev-eu1": 1, "stage-eu1": 2, "prod-eu1": 3, "prod-us1": 5}  # stack, env, cluster: the cluster wins
    assert all(v["metrics"] == {"enabled": True} for v in controller.values())  # maps merge, siblings survive
    prometheus = addon(plan_of(repo, "prod-us1"), "kube-prometheus-stack").values["prometheus"]["prometheusSpec"]
    assert prometheus == {"retention": "30d", "replicas": 2}


def test_overrides_replace_lists_and_cluster_wins_for_tenants(example_copy: Path, tmp_path: Path) -> None:
    repo = load_repo(broken_repo(example_copy, tmp_path, [
        sub(CORE, "        crds: {enabled: true}\n",
            "        crds: {enabled: true}\n        extraArgs: [--v=2, --x]\n"),
        sub(DEV, "    addons:\n", "    addons:\n      cert-manager: {values: {extraArgs: [--v=4]}}\n"),
        sub(PROD, "payments: {tier: large, labels: {sla: gold}}",
            "payments: {tier: large, labels: {sla: gold}, owners: [sre]}"),
        sub(STAGE, "  syncPolicy: {automated: true}\n",
            "  syncPolicy: {automated: true}\n  overrides:\n    tenants:\n      search: {tier: large}\n"),
    ]))
    dev_values = addon(plan_of(repo, "dev-eu1"), "cert-manager").values
    assert dev_values["extraArgs"] == ["--v=4"] and dev_values["crds"] == {"enabled": True}
    assert addon(plan_of(repo, "prod-eu1"), "cert-manager").values["extraArgs"] == ["--v=2", "--x"]
    payments = tenant(plan_of(repo, "prod-eu1"), "payments")
    assert payments.owners == ("sre",) and payments.tier == "large"
    assert payments.labels == {"cost-center": "cc-4410", "data-classification": "pci", "sla": "gold"}
    assert tenant(plan_of(repo, "dev-eu1"), "payments").tier == "medium"
    assert tenant(plan_of(repo, "stage-eu1"), "search").tier == "large"  # environment override
    assert tenant(plan_of(repo, "stage-us1"), "search").tier == "medium"  # the cluster's own wins


def test_namespaces_default_to_the_tenant_name() -> None:
    repo = load_repo(BASE)
    assert repo.tenants["search"].namespaces == ("search",)
    assert repo.tenants["payments"].namespaces == ("payments-api", "payments-worker")


def test_prod_is_not_automated_unless_asked(example_copy: Path, tmp_path: Path) -> None:
    repo = load_repo(broken_repo(example_copy, tmp_path, [
        sub(PROD, "  syncPolicy: {automated: false}\n", ""),
        sub(DEV, "  syncPolicy: {automated: true}\n", ""),
    ]))
    prod, dev = repo.environments["prod"], repo.environments["dev"]
    assert prod.production and not prod.sync_policy.automated
    assert not prod.sync_policy.prune and not prod.sync_policy.self_heal
    assert not dev.production and dev.sync_policy.automated and dev.sync_policy.prune and dev.sync_policy.self_heal


def test_production_flag_overrides_the_name(example_copy: Path, tmp_path: Path) -> None:
    repo = load_repo(broken_repo(example_copy, tmp_path, [
        sub(STAGE, "  syncPolicy: {automated: true}\n", "  production: true\n"),
        sub(PROD, "  syncPolicy: {automated: false}\n", "  production: false\n"),
    ]))
    stage, prod = repo.environments["stage"], repo.environments["prod"]
    assert stage.production and not stage.sync_policy.automated
    assert not prod.production and prod.sync_policy.automated


def test_production_can_still_opt_in_to_automation(example_copy: Path, tmp_path: Path) -> None:
    repo = load_repo(broken_repo(example_copy, tmp_path, [
        sub(PROD, "  syncPolicy: {automated: false}\n", "  syncPolicy: {automated: true}\n")]))
    prod = repo.environments["prod"]
    assert prod.production and prod.sync_policy.automated


def test_blueprints_in_subfolders_are_found(example_copy: Path, tmp_path: Path) -> None:
    repo = broken_repo(example_copy, tmp_path, [])
    team = repo / "blueprints" / "tenants" / "team-payments"
    team.mkdir()
    (repo / "blueprints" / "tenants" / "payments.yaml").rename(team / "payments.yaml")
    assert run(["render", "--repo", str(repo)]) == 0
    header = (repo / "rendered" / "tenants" / "payments" / "base" / "namespace_payments-api.yaml").read_text()
    assert header.startswith("# Generated by gitops-gen from blueprints/tenants/team-payments/payments.yaml.")


def test_a_blueprint_symlinked_from_outside_the_repo_is_refused(
        example_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = broken_repo(example_copy, tmp_path, [])
    outside = tmp_path / "elsewhere.yaml"
    (repo / "blueprints" / "tenants" / "search.yaml").rename(outside)
    (repo / "blueprints" / "tenants" / "search.yaml").symlink_to(outside)
    assert run(["render", "--repo", str(repo)]) == 2
    assert capsys.readouterr().err == (
        "blueprints/tenants/search.yaml:1:1: a symlink to a path outside the repository: every input must live in it\n")


def test_braces_in_a_flow_mapping_get_a_hint(example_copy: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """DESIGN.md's own example writes `path: deploy/{env}` inside `{...}`: YAML reads that brace as syntax."""
    repo = broken_repo(example_copy, tmp_path, [sub(CHECKOUT, 'path: "deploy/{env}"', "path: deploy/{env}")])
    assert run(["render", "--repo", str(repo)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"{CHECKOUT}:16:") and 'quote values containing { } inside a {...} mapping' in err


def test_file_errors_and_cross_file_errors_come_in_one_run(example_copy: Path, tmp_path: Path,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    """A typo inside one tenant and an unknown reference elsewhere are both reported; the broken tenant
    itself is not called unknown by the environments that list it."""
    repo = broken_repo(example_copy, tmp_path, [
        sub(CHECKOUT, "  viewers:", "  viewer:"),
        sub(PROD, "addonStacks: [platform-core, observability]", "addonStacks: [platform-core, observabilty]"),
    ])
    assert run(["render", "--repo", str(repo)]) == 2
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        f"{CHECKOUT}:6:3: spec.viewer: unknown field (did you mean 'viewers'?)",
        f"{PROD}:14:32: unknown add-on stack 'observabilty' (did you mean 'observability'?)",
    ]  # and not: "overrides.addons.kube-prometheus-stack: not an add-on", a consequence of the same typo
