"""Cross-references: projects, Argo CD glob semantics (with ``!`` denials), ownership, names, paths, waves."""

from __future__ import annotations

from typing import Any

import pytest

from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.base.repourl import normalize_git_url
from gitops_gen.validate.policy import PolicyContext
from gitops_gen.validate.projects import (
    destination_permitted,
    glob_match,
    source_permitted,
)
from gitops_gen.validate.references import REFERENCE_RULES, check

REPO = "https://github.com/acme/platform-gitops.git"
CONTEXT = PolicyContext(env="prod", production=True, cluster="prod-eu1", argocd_namespace="argocd",
                        repo_url=REPO, rendered_files=frozenset({
                            "clusters/prod-eu1/apps.yaml",
                            "tenants/payments/overlays/prod/kustomization.yaml",
                        }))
IN_CLUSTER = "https://kubernetes.default.svc"


def project(name: str, repos: list[str], destinations: list[dict[str, str]]) -> Manifest:
    return Manifest({"apiVersion": "argoproj.io/v1alpha1", "kind": "AppProject",
                     "metadata": {"name": name, "namespace": "argocd"},
                     "spec": {"sourceRepos": repos, "destinations": destinations}}, path="clusters/p.yaml")


def app(name: str, project: str = "payments", repo: str = "https://github.com/acme/payments.git",
        path: str = "deploy", dest: dict[str, str] | None = None, wave: str | None = None,
        depends: str | None = None, **meta: Any) -> Manifest:
    annotations = {}
    if wave is not None:
        annotations["argocd.argoproj.io/sync-wave"] = wave
    if depends is not None:
        annotations["gitops-gen.io/depends-on"] = depends
    return Manifest({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                     "metadata": {"name": name, "namespace": "argocd", "annotations": annotations,
                                  "labels": {"gitops-gen.io/cluster": "prod-eu1"}, **meta},
                     "spec": {"project": project,
                              "source": {"repoURL": repo, "path": path, "targetRevision": "main"},
                              "destination": dest or {"server": IN_CLUSTER, "namespace": "payments-api"}}},
                    path=f"clusters/prod-eu1/{name}.yaml")


PAYMENTS = project("payments", ["https://github.com/acme/payments.git"],
                   [{"server": IN_CLUSTER, "namespace": "payments-*"}])


def rules(findings: list[Any]) -> list[tuple[str, str]]:
    return sorted((f.rule, f.ref.name) for f in findings)


# --- Argo CD glob semantics ----------------------------------------------------------------------

@pytest.mark.parametrize(("pattern", "text", "separators", "expected"), [
    ("*", "anything/at/all", "/", False),  # plain glob.Match: '*' stops at '/' ...
    ("**", "anything/at/all", "/", True),
    ("payments-*", "payments-api", "", True),
    ("payments-?pi", "payments-api", "", True),
    ("payments-[a-c]pi", "payments-api", "", True),
    ("payments-[!a]pi", "payments-api", "", False),
    ("{payments,search}-api", "search-api", "", True),
    ("https://github.com/acme/*", "https://github.com/acme/payments", "/", True),
    ("https://github.com/acme/*", "https://github.com/acme/team/payments", "/", False),
    ("https://github.com/acme/**", "https://github.com/acme/team/payments", "/", True),
    ("a\\*b", "a*b", "", True),
    ("a\\*b", "axb", "", False),
    ("[", "[", "", False),  # does not compile: Argo CD treats it as no match
])
def test_glob_match(pattern: str, text: str, separators: str, expected: bool) -> None:
    assert glob_match(pattern, text, separators) is expected


@pytest.mark.parametrize(("url", "normalized"), [
    ("https://GitHub.com/Acme/Repo.git", "https://github.com/acme/repo"),
    ("git@github.com:acme/repo.git", "git@github.com/acme/repo"),
    ("ssh://git@github.com/acme/repo.git", "git@github.com/acme/repo"),
    ("  https://github.com/acme/repo  ", "https://github.com/acme/repo"),
])
def test_normalize_git_url(url: str, normalized: str) -> None:
    assert normalize_git_url(url) == normalized


@pytest.mark.parametrize(("repos", "url", "expected"), [
    (["*"], "https://github.com/acme/anything.git", True),  # '*' alone matches across '/'
    ([], "https://github.com/acme/a.git", False),
    (["https://github.com/acme/a.git"], "https://github.com/ACME/a", True),  # normalised both sides
    (["https://github.com/acme/*"], "https://github.com/acme/a.git", True),
    (["https://github.com/acme/*"], "https://github.com/other/a.git", False),
    (["*", "!https://github.com/acme/secret.git"], "https://github.com/acme/secret.git", False),
    (["*", "!https://github.com/acme/secret.git"], "https://github.com/acme/open.git", True),
    (["!https://github.com/acme/secret.git", "*"], "https://github.com/acme/secret.git", False),  # deny wins
    (["https://github.com/acme/*", "!https://github.com/acme/secret-*"], "https://github.com/acme/secret-x",
     False),
    (["!https://github.com/acme/secret.git"], "https://github.com/acme/open.git", True),  # as Argo CD
])
def test_source_permitted(repos: list[str], url: str, expected: bool) -> None:
    assert source_permitted(repos, url) is expected


PROD = "https://prod-eu1.k8s"
ALL = [{"server": "*", "namespace": "*"}]


@pytest.mark.parametrize(("destinations", "server", "name", "namespace", "expected"), [
    ([{"server": "*", "namespace": "*"}], PROD, "", "anything", True),
    ([{"server": PROD, "namespace": "payments-*"}], PROD, "", "payments-api", True),
    ([{"server": PROD, "namespace": "payments-*"}], PROD, "", "search", False),
    ([{"server": "https://other", "namespace": "*"}], PROD, "", "payments-api", False),
    ([{"name": "prod-eu1", "namespace": "a"}], "", "prod-eu1", "a", True),
    ([{"name": "prod-eu1", "namespace": "a"}], PROD, "", "a", False),  # server given, only names listed
    ([*ALL, {"server": "*", "namespace": "!kube-system"}], PROD, "", "kube-system", False),
    ([*ALL, {"server": "*", "namespace": "!kube-system"}], PROD, "", "default", True),
    ([{"server": "*", "namespace": "*"}, {"server": f"!{PROD}", "namespace": "*"}], PROD, "", "a", False),
    ([], PROD, "", "a", False),
])
def test_destination_permitted(destinations: list[dict[str, str]], server: str, name: str, namespace: str,
                               expected: bool) -> None:
    assert destination_permitted(destinations, server, name, namespace) is expected


# --- check() --------------------------------------------------------------------------------------

def test_consistent_objects_have_no_findings() -> None:
    objects = [PAYMENTS, app("payments-api", path="deploy/prod"),
               app("payments-ns", repo=REPO, path="rendered/tenants/payments/overlays/prod",
                   project="default")]
    assert check(objects, CONTEXT) == []


def test_missing_project() -> None:
    findings = check([app("a", project="nope")], CONTEXT)
    assert rules(findings) == [("GG201", "a")]
    assert findings[0].path == "spec.project"


def test_source_and_destination_denied() -> None:
    objects = [PAYMENTS, app("a", repo="https://github.com/evil/x.git"),
               app("b", dest={"server": IN_CLUSTER, "namespace": "kube-system"})]
    assert rules(check(objects, CONTEXT)) == [("GG202", "a"), ("GG203", "b")]


def test_duplicate_application_names() -> None:
    first = app("a")
    second = Manifest(dict(first.body), path="clusters/prod-eu1/other.yaml")
    findings = check([PAYMENTS, first, second, first], CONTEXT)  # the same object twice is one object
    assert rules(findings) == [("GG205", "a")]


def test_path_must_exist_in_rendered() -> None:
    objects = [app("ok", repo=REPO + "/", project="default", path="./rendered/clusters/prod-eu1/"),
               app("gone", repo="https://GITHUB.com/acme/platform-gitops", project="default",
                   path="rendered/tenants/search/overlays/prod"),
               app("outside", repo=REPO, project="default", path="blueprints"),
               app("elsewhere", repo="https://github.com/acme/other.git", project="default", path="nope")]
    findings = check(objects, CONTEXT)
    assert rules(findings) == [("GG206", "gone"), ("GG206", "outside")]
    assert findings[0].path == "spec.source.path"


def test_path_check_is_off_without_rendered_files() -> None:
    context = PolicyContext(repo_url=REPO)
    assert check([app("gone", repo=REPO, project="default", path="rendered/x")], context) == []


def test_sync_waves_follow_depends_on() -> None:
    objects = [PAYMENTS,
               app("cert-manager", wave="-10"),
               app("ingress", wave="0", depends="cert-manager"),
               app("issuers", wave="-10", depends="cert-manager"),          # same wave: wrong
               app("late", depends="ingress, cert-manager"),                 # default wave 0 == ingress
               app("orphan", wave="5", depends="missing"),
               app("garbled", wave="soon")]
    findings = check(objects, CONTEXT)
    assert rules(findings) == [("GG207", "garbled"), ("GG207", "issuers"), ("GG207", "late"),
                               ("GG207", "orphan")]
    late = next(f for f in findings if f.ref and f.ref.name == "late")
    assert late.message == "sync-wave 0 is not after its dependency ingress (wave 0)"


def test_object_owned_by_two_applications() -> None:
    deploy = ObjectRef("apps/v1", "Deployment", "payments-api", "web")
    same_old = ObjectRef("apps/v1beta1", "Deployment", "payments-api", "web")
    apps_ = {app("a").ref: [deploy, ObjectRef("v1", "Service", "payments-api", "web")],
             app("b").ref: [same_old], app("c").ref: []}
    objects = [Manifest({"apiVersion": "apps/v1", "kind": "Deployment",
                         "metadata": {"name": "web", "namespace": "payments-api"}}, path="tenants/x.yaml")]
    findings = check(objects, CONTEXT, owned=apps_)
    assert [(f.rule, f.ref, f.file) for f in findings] == [("GG204", deploy, "tenants/x.yaml")]
    assert findings[0].message == "owned by 2 Applications: a, b"


def test_reference_rules_registry() -> None:
    assert sorted(REFERENCE_RULES) == [f"GG20{i}" for i in range(1, 8)]
    assert all(r.id == k and r.rationale for k, r in REFERENCE_RULES.items())
