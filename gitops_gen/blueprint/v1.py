"""Blueprint format v1: the field specs of each kind, the one declaration of the format.

The loader checks every document against these specs; ``gitops_gen.blueprint.jsonschema`` and
``gitops_gen.blueprint.fielddocs`` turn the same specs into JSON Schema and the field reference.  The
``policy`` and ``drift`` sections of gitops.yaml are declared by their own packages and checked here
with everything else, so every command rejects the same bad config.  ``construct.py`` turns checked
documents into the typed model.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from gitops_gen.base import naming
from gitops_gen.base.errors import InputError, Location
from gitops_gen.base.kubeversions import SUPPORTED_VERSIONS
from gitops_gen.base.quantity import QUANTITY
from gitops_gen.blueprint.sections import DRIFT_SPEC, POLICY_SPEC
from gitops_gen.blueprint.spec import (
    Bool,
    Either,
    Errors,
    Field,
    Free,
    Int,
    ListOf,
    MapOf,
    Name,
    Obj,
    Str,
    shown,
)
from gitops_gen.yamlio.reader import LocDict, LocList

API_VERSION = "gitops-gen/v1"
KINDS = ("Settings", "AddonStack", "Tenant", "Environment")
# Patterns are unanchored and applied with re.fullmatch (a trailing newline never slips through).
HTTPS_URL = re.compile(r"https://[A-Za-z0-9.-]+(:[0-9]+)?(/[!-~]*)?")
REPO_URL = re.compile(r"(https://|ssh://|oci://|git@[A-Za-z0-9.-]+:)[!-~]+")
CHART_REPO_URL = re.compile(r"(https?://|oci://)[!-~]+")  # plain http:// too: internal mirrors, loopback
EXACT_VERSION = re.compile(r"v?[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.-]+)?")
GROUP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._@-]*")
PATH = re.compile(r"(?!/)(?!.*(^|/)\.\.(/|$))[A-Za-z0-9._/{}-]+")
VERSION = re.compile(r"1\.[0-9]+")
NO_SPACE = re.compile(r"[!-~]+")  # printable ASCII, no whitespace: revisions, context names
LABEL_VALUE = re.compile(naming.LABEL_VALUE)
LABEL_KEY = re.compile(naming.LABEL_KEY)
KIND_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]{0,62}")  # a CRD kind, lower-cased, is a DNS-1035 label

quantity = Str(QUANTITY, "a Kubernetes quantity such as 500m, 4 or 8Gi", allow_numbers=True)
repo_url = Str(REPO_URL, "a git or Helm repository URL (https://, ssh://, git@ or oci://)")
revision = Str(NO_SPACE, "a revision (branch, tag or commit)")
names = ListOf(Name(), unique=True)
groups = ListOf(Str(GROUP_NAME, "a group name"), unique=True)
labels_spec = MapOf(Str(LABEL_VALUE, "a label value"), keys=Str(LABEL_KEY, "a label key"))

metadata_spec = Obj({
    "name": Field(Name(), True, doc="DNS-1123 label; becomes file and object names"),
    "labels": Field(labels_spec, doc="labels of the blueprint itself (environments select tenants by them)"),
    "annotations": Field(Free(), doc="free-form notes; gitops-gen ignores them"),
})
settings_metadata_spec = Obj({k: Field(f.spec, doc=f.doc) for k, f in metadata_spec.fields.items() if k != "name"})
chart_spec = Obj({
    "repoURL": Field(Str(CHART_REPO_URL, "a Helm repository URL (https://, http:// or oci://)"), True,
                     doc="Helm repository URL (https://, http:// or oci://)"),
    "name": Field(Str(GROUP_NAME, "a chart name"), True, doc="chart name in that repository"),
    "version": Field(Str(EXACT_VERSION, "an exact chart version (x.y.z, no ranges)"), True,
                     doc="exact version x.y.z (ranges would upgrade clusters without a reviewed change)"),
})
source_spec = Obj({
    "repoURL": Field(repo_url, True, doc="git repository URL"),
    "path": Field(Str(PATH, "a relative path inside the repo"), True,
                  doc="folder inside the repository; `{env}` and `{cluster}` are replaced"),
    "targetRevision": Field(revision, True, doc="branch, tag or commit"),
})
ignore_diff_spec = Obj({
    "group": Field(Str(), doc="API group (`\"\"` for core)"),
    "kind": Field(Str(), True, doc="kind of the objects"),
    "name": Field(Str(), doc="only the object of this name"),
    "namespace": Field(Str(), doc="only objects in this namespace"),
    "jsonPointers": Field(ListOf(Str(re.compile(r"/.*"), "a JSON pointer starting with '/'")),
                          doc="fields to ignore, e.g. `/spec/replicas`"),
    "jqPathExpressions": Field(ListOf(Str()), doc="fields to ignore, as jq path expressions"),
    "managedFieldsManagers": Field(ListOf(Str()), doc="ignore fields owned by these field managers"),
})
ignore_differences_field = Field(ListOf(ignore_diff_spec),
                                 doc="Argo CD `ignoreDifferences` (adds `RespectIgnoreDifferences=true`)")


def _check_manifest(body: LocDict, path: str, errors: Errors) -> None:
    for key in ("apiVersion", "kind"):
        if not isinstance(body.get(key), str) or not body.get(key):
            errors.append(InputError(f"{path}: a manifest needs {key}", body.loc))
            return
    meta = body.get("metadata")
    name = meta.get("name") if isinstance(meta, Mapping) else None
    if not isinstance(name, str) or naming.subdomain_problem(name):
        where = meta.value_loc("name") if isinstance(meta, LocDict) and "name" in meta else body.loc
        errors.append(InputError(f"{path}.metadata.name: {shown(name)} is not a DNS-1123 subdomain", where))
        return
    namespace = meta.get("namespace", "") if isinstance(meta, LocDict) else ""
    if isinstance(meta, LocDict) and namespace != "" and (
            not isinstance(namespace, str) or naming.label_problem(namespace)):
        # the namespace becomes a folder of rendered/: "../../x" must stop here, with its place
        errors.append(InputError(f"{path}.metadata.namespace: {shown(namespace)} is not a DNS-1123 label",
                                 meta.value_loc("namespace")))
        return
    if not KIND_NAME.fullmatch(body["kind"]):
        errors.append(InputError(f"{path}.kind: {shown(body['kind'])} is not a kind name", body.loc))


class Manifest(Free):
    """A plain Kubernetes manifest: apiVersion, kind and a DNS-1123 subdomain as metadata.name."""

    def check(self, value: Any, loc: Location, path: str, errors: Errors) -> Any:
        body = super().check(value, loc, path, errors)
        if body is None:
            return None
        body = body if isinstance(body, LocDict) else LocDict(body, loc=loc)
        before = len(errors)
        _check_manifest(body, path, errors)
        return body if len(errors) == before else None


def exactly_one_source(addon: LocDict, path: str, errors: Errors) -> None:
    given = [k for k in ("chart", "source", "manifests") if k in addon]
    if len(given) != 1:
        what = ", ".join(given) if given else "none of them"
        errors.append(InputError(
            f"{path or 'addon'}: an add-on needs exactly one of chart, source or manifests (got {what})", addon.loc))


ONE_SOURCE_SCHEMA = {"oneOf": [{"required": [k]} for k in ("chart", "source", "manifests")]}
ENABLED_DOC = "false switches it off here (it disappears from these clusters; no other sync wave moves)"


def _addon_fields(full: bool) -> dict[str, Field]:
    def partial(spec: Obj) -> Obj:  # an override may change one field of the chart or source
        return spec if full else Obj({k: Field(f.spec, doc=f.doc) for k, f in spec.fields.items()})

    return {
        "name": Field(Name(), full, doc="add-on name; Applications are named `<cluster>-<name>`"),
        "namespace": Field(Name(), full, doc="namespace it is installed into (created by Argo CD)"),
        "enabled": Field(Bool(), doc="false: off unless an environment or cluster override switches it on",
                         default=True) if full else Field(Bool(), doc=ENABLED_DOC, derived="the stack's"),
        "chart": Field(partial(chart_spec), doc="a Helm chart from a Helm repository"),
        "source": Field(partial(source_spec), doc="a folder of a git repository"),
        "manifests": Field(ListOf(Manifest()), doc="plain manifests, rendered as Kustomize base + overlays"),
        "values": Field(Free(), doc="Helm values (`helm.valuesObject`); overrides merge into them"),
        "dependsOn": Field(names, doc="add-ons that must sync first (sync waves)"),
        "hydrate": Field(Bool(), doc="a chart's output is written under rendered/ (Kustomize) and the Application "
                                     "syncs that Git path instead of the chart repository",
                         default=False if full else None, derived="" if full else "the stack's"),
        "serverSideApply": Field(Bool(), doc="adds `ServerSideApply=true` (CRDs above 256 KiB)",
                                 default=False if full else None, derived="" if full else "the stack's"),
        "ignoreDifferences": ignore_differences_field,
    }


addon_spec = Obj(_addon_fields(True), check_extra=exactly_one_source, schema=ONE_SOURCE_SCHEMA)
addon_override_spec = Obj({k: v for k, v in _addon_fields(False).items() if k not in ("name", "dependsOn")})

def _network_fields(full: bool) -> dict[str, Field]:
    return {
        "allowFromNamespaces": Field(names, doc="namespaces whose pods may reach the tenant's pods"),
        "allowSameNamespace": Field(Bool(), doc="pods may reach pods of their own namespace",
                                    default=True if full else None, derived="" if full else "the tenant's"),
    }


network_spec = Obj(_network_fields(True))
app_spec = Obj({
    "name": Field(Name(), True, doc="app name; the Application is `<cluster>-<name>`"),
    "namespace": Field(Name(), True, doc="one of the tenant's namespaces"),
    "source": Field(source_spec, True, doc="where its manifests live"),
    "dependsOn": Field(names, doc="apps of this tenant that must sync first"),
    "ignoreDifferences": ignore_differences_field,
})
tenant_override_fields = {
    "tier": Field(Name(), doc="quota tier, one of gitops.yaml's `tiers`"),
    "labels": Field(labels_spec, doc="labels of every tenant namespace (e.g. `cost-center`)"),
    "owners": Field(groups, doc="groups bound to `admin` in the tenant namespaces"),
    "viewers": Field(groups, doc="groups bound to `view`"),
    "network": Field(Obj(_network_fields(False)), doc="ingress allowances on top of default-deny"),
}
tenant_spec = Obj({
    **tenant_override_fields,
    "tier": Field(Name(), True, doc=tenant_override_fields["tier"].doc),
    "network": Field(network_spec, doc="ingress allowances on top of default-deny"),
    "namespaces": Field(names, doc="its namespaces", derived="[<tenant name>]"),
    "sourceRepos": Field(ListOf(repo_url, unique=True), doc="repositories its AppProject permits",
                         derived="its apps' repositories"),
    "apps": Field(ListOf(app_spec), doc="its Argo CD Applications"),
    "ignoreDifferences": ignore_differences_field,
})
tenant_override_spec = Obj({**tenant_override_fields, "enabled": Field(Bool(), doc=ENABLED_DOC, derived="true")})
overrides_spec = Obj({
    "addons": Field(MapOf(addon_override_spec), doc="per add-on name: fields that win over the stack's"),
    "tenants": Field(MapOf(tenant_override_spec), doc="per tenant name: fields that win over the tenant's"),
})
RESERVED_LABEL_DOMAINS = ("gitops-gen.io", "argoproj.io", "kubernetes.io", "k8s.io")


def _own_labels(cluster: LocDict, path: str, errors: Errors) -> None:
    labels = cluster.get("labels") or LocDict()
    for key in labels:
        domain = key.split("/", 1)[0] if "/" in key else ""
        if any(domain == d or domain.endswith("." + d) for d in RESERVED_LABEL_DOMAINS):
            errors.append(InputError(f"{path}.labels.{key}: the {domain} prefix is reserved (gitops-gen and Argo CD "
                                     "set these labels themselves)", labels.key_loc(key)))


def _one_provider(auth: LocDict, path: str, errors: Errors) -> None:
    if ("aws" in auth) == ("exec" in auth):
        errors.append(InputError(f"{path}: give exactly one of aws or exec", auth.loc))


ARN = re.compile(r"arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+")
BASE64 = re.compile(r"[A-Za-z0-9+/]+={0,2}")
auth_spec = Obj({
    "aws": Field(Obj({
        "clusterName": Field(Str(NO_SPACE, "an EKS cluster name"), True, doc="EKS cluster name"),
        "roleARN": Field(Str(ARN, "an IAM role ARN arn:aws:iam::<account>:role/<name>"), doc="IAM role Argo CD "
                         "assumes (IRSA / Pod Identity gives it the identity; no key is stored)"),
        "profile": Field(Str(NO_SPACE, "an AWS profile name"), doc="AWS profile of the Argo CD pods"),
    }), doc="Argo CD's awsAuthConfig: an IAM identity, no credential"),
    "exec": Field(Obj({
        "command": Field(Str(NO_SPACE, "a command"), True, doc="credential plugin Argo CD runs"),
        "args": Field(ListOf(Str(NO_SPACE, "an argument")), doc="its arguments"),
        "apiVersion": Field(Str(NO_SPACE, "client.authentication.k8s.io/v1beta1 or v1"), True,
                            doc="ExecCredential API version"),
        "env": Field(MapOf(Str(NO_SPACE, "a value")), doc="environment of the plugin (never a secret: "
                     "`validate` refuses credentials in rendered/)"),
        "installHint": Field(Str(what="a message"), doc="shown when the plugin is missing"),
    }), doc="Argo CD's execProviderConfig: a credential plugin (e.g. argocd-k8s-auth gcp / azure)"),
    "caData": Field(Str(BASE64, "base64 PEM"), doc="the API server's CA bundle, base64 (public, not a credential)"),
}, check_extra=_one_provider, schema={"oneOf": [{"required": ["aws"]}, {"required": ["exec"]}]})
cluster_spec = Obj({
    "name": Field(Name(), True, doc="cluster name, unique in the repository"),
    "server": Field(Str(HTTPS_URL, "an https:// URL"), True, doc="API server URL Argo CD deploys to"),
    "context": Field(Str(NO_SPACE, "a kubeconfig context name"), doc="kubeconfig context for `drift`",
                     derived="the cluster name"),
    "overrides": Field(overrides_spec, doc="win over the environment's overrides on this cluster"),
    "labels": Field(labels_spec, doc="fleet inventory labels (e.g. `region`) on the cluster's Argo CD Secret "
                    "(fleet mode)"),
    "auth": Field(auth_spec, doc="fleet mode: how Argo CD reaches the cluster without a stored credential; "
                  "without it the cluster is registered by hand (`gitops-gen fleet labels` prints its labels)"),
    "shard": Field(Int(0), doc="Argo CD application-controller shard of the cluster (fleet mode)"),
}, check_extra=_own_labels)
sync_spec = Obj({
    "automated": Field(Bool(), doc="automated sync", derived="true, false in production"),
    "prune": Field(Bool(), doc="delete what Git no longer has", derived="automated, false in production"),
    "selfHeal": Field(Bool(), doc="revert changes made in the cluster", derived="automated"),
})
TENANT_NAME = Str(rf"\*|{naming.LABEL}", "a tenant name or \"*\"", max_length=63)
OPERATORS = ("In", "NotIn", "Exists", "DoesNotExist")


def _lone_star(items: LocList, path: str, errors: Errors) -> None:
    if "*" in items and len(items) > 1:
        errors.append(InputError(f"{path}: \"*\" selects every tenant; list names or \"*\", not both", items.loc))


def _values_fit_operator(expr: LocDict, path: str, errors: Errors) -> None:
    needs = expr["operator"] in ("In", "NotIn")
    if needs != bool(expr.get("values")):
        errors.append(InputError(f"{path}: operator {expr['operator']} " + (
            "needs values" if needs else "takes no values"), expr.loc))


selector_spec = Obj({
    "matchLabels": Field(labels_spec, doc="tenants whose metadata.labels hold all of these"),
    "matchExpressions": Field(ListOf(Obj({
        "key": Field(Str(LABEL_KEY, "a label key"), True, doc="label key"),
        "operator": Field(Str(choices=OPERATORS), True, doc="In, NotIn, Exists or DoesNotExist"),
        "values": Field(ListOf(Str(LABEL_VALUE, "a label value")), doc="for In and NotIn"),
    }, check_extra=_values_fit_operator)), doc="Kubernetes label selector expressions over metadata.labels"),
})
environment_spec = Obj({
    "promotesFrom": Field(Name(), doc="the environment changes are promoted from"),
    "kubernetesVersion": Field(Str(VERSION, "a Kubernetes version X.Y (quote it: \"1.31\")",
                                   choices=SUPPORTED_VERSIONS, not_a_choice=f"is not supported (supported: "
                                   f"{SUPPORTED_VERSIONS[0]}–{SUPPORTED_VERSIONS[-1]})"), True,
                               doc=f"Kubernetes version X.Y, quoted ({SUPPORTED_VERSIONS[0]}"
                                   f"–{SUPPORTED_VERSIONS[-1]}); validation uses its schemas"),
    "production": Field(Bool(), doc="production safeguards", derived="true when named prod or production"),
    "clusters": Field(ListOf(cluster_spec), True, doc="its clusters"),
    "addonStacks": Field(names, doc="add-on stacks every cluster runs"),
    "tenants": Field(Either((ListOf(TENANT_NAME, unique=True, check_extra=_lone_star,
                                    schema={"if": {"contains": {"const": "*"}}, "then": {"maxItems": 1}}),
                             selector_spec), "a list of tenant names, [\"*\"] or a label selector"),
                     doc="tenants it runs: names, `[\"*\"]` for every tenant, or a label selector "
                         "`{matchLabels: ..., matchExpressions: ...}` over the tenants' metadata.labels"),
    "syncPolicy": Field(sync_spec, doc="sync policy of its Applications"),
    "overrides": Field(overrides_spec, doc="per add-on and tenant: fields that win over the blueprints'"),
})
tier_spec = Obj({
    "cpu": Field(quantity, True, doc="CPU requests and limits"), "memory": Field(quantity, True, doc="memory"),
    "pods": Field(Int(1), True, doc="number of pods"), "storage": Field(quantity, doc="storage requests"),
})
def _container(cpu: str, memory: str) -> Obj:
    return Obj({"cpu": Field(quantity, doc="CPU", default=cpu), "memory": Field(quantity, doc="memory",
                                                                              default=memory)})


limits_spec = Obj({
    "defaultRequest": Field(_container("100m", "128Mi"), doc="requests of containers that set none", default={}),
    "default": Field(_container("500m", "512Mi"), doc="limits of containers that set none", default={}),
})
settings_spec = Obj({
    "repoURL": Field(repo_url, True, doc="this repository, as Argo CD reads it"),
    "targetRevision": Field(revision, True, doc="the branch Argo CD syncs `rendered/` from"),
    "argocdNamespace": Field(Name(), doc="namespace of Argo CD", default="argocd"),
    "argocdServer": Field(Str(HTTPS_URL, "an https:// URL"), doc="API server of the cluster Argo CD runs on",
                          default="https://kubernetes.default.svc"),
    "argocdContext": Field(Str(NO_SPACE, "a kubeconfig context name"),
                           doc="kubeconfig context of the Argo CD cluster, for `drift`", derived="each cluster's"),
    "tiers": Field(MapOf(tier_spec), True, doc="quota tiers tenants refer to"),
    "limits": Field(limits_spec, doc="LimitRange defaults of tenant namespaces", default={}),
    "policy": Field(POLICY_SPEC, doc="`gitops-gen validate`: rule switches, severities, exceptions", default={}),
    "drift": Field(DRIFT_SPEC, doc="`gitops-gen drift`: what never counts as drift", default={}),
    "fleet": Field(Obj({
        "mode": Field(Str(choices=("applications", "applicationsets")), doc="applications: one Application "
                      "file per cluster; applicationsets: ApplicationSets and cluster Secrets, Argo CD fans out",
                      default="applications"),
        "progressiveSync": Field(Bool(), doc="applicationsets mode: RollingSync steps order each tenant's "
                                 "namespaces before its apps (Argo CD then turns their auto-sync off)",
                                 default=False),
    }), doc="how the fleet is laid out (docs/fleet.md)", default={}),
    "crdDirs": Field(ListOf(Str(PATH, "a folder inside the repository"), unique=True),
                     doc="folders of CustomResourceDefinitions `validate` checks custom resources with"),
    "charts": Field(Obj({"required": Field(Bool(), doc="a chart missing from the cache is an error (exit 2), as "
                                                       "with --require-charts", default=False)}),
                    doc="Helm charts `render`, `validate`, `diff` and `drift` expand from the cache", default={}),
})
stack_spec = Obj({"addons": Field(ListOf(addon_spec), True, doc="its add-ons")})

SPEC_OF_KIND = {"Settings": settings_spec, "AddonStack": stack_spec, "Tenant": tenant_spec,
                "Environment": environment_spec}
