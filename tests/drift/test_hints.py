"""Next steps: the words fit the case (owner, sync policy, production, what drifted)."""

from __future__ import annotations

import pytest

from gitops_gen.base.manifest import Manifest, ObjectRef
from gitops_gen.base.status import DriftStatus
from gitops_gen.drift.hints import hint, live_only
from gitops_gen.drift.model import Change
from gitops_gen.drift.owners import Owner, Owners, unit_of

DEPLOY = ObjectRef("apps/v1", "Deployment", "shop", "web")
MANUAL = Owner("prod-eu1-shop")
AUTO = Owner("dev-eu1-shop", automated=True, prune=True, self_heal=True)
AUTO_NO_HEAL = Owner("dev-eu1-shop", automated=True, prune=False, self_heal=False)
GONE = Owner("old-app", rendered=False)
IMAGE = (Change("spec.template.spec.containers[name=app].image", "web:1", "web:2"),)


@pytest.mark.parametrize(("status", "changes", "owner", "production", "expected"), [
    (DriftStatus.MODIFIED, IMAGE, MANUAL, True,
     "sync Application prod-eu1-shop (production: automated sync is off by design): "
     "`argocd app sync prod-eu1-shop --resource apps:Deployment:shop/web`"),
    (DriftStatus.MODIFIED, IMAGE, AUTO_NO_HEAL, False,
     "Application dev-eu1-shop syncs automatically but selfHeal is off, so hand edits stay until the next "
     "change in Git: `argocd app sync dev-eu1-shop --resource apps:Deployment:shop/web`, or turn on selfHeal"),
    (DriftStatus.MISSING, (), MANUAL, False,
     "sync Application prod-eu1-shop to create it: `argocd app sync prod-eu1-shop --resource "
     "apps:Deployment:shop/web`"),
    (DriftStatus.EXTRA, (), MANUAL, True,
     "Application prod-eu1-shop no longer renders it; prune is off in production by design: review it, then "
     "`argocd app sync prod-eu1-shop --prune --resource apps:Deployment:shop/web`."),
    (DriftStatus.EXTRA, (), AUTO, False,
     "Application dev-eu1-shop no longer renders it and prunes it on its next sync; if it stays, check "
     "`argocd app get dev-eu1-shop` for a failed sync."),
    (DriftStatus.EXTRA, (), None, False,
     "no Application owns it: check that nothing uses it, then `kubectl --context prod-eu1 delete "
     "deployment.apps web -n shop --dry-run=server` and, if that shows only this object, run it without "
     "--dry-run."),
    (DriftStatus.EXTRA, (), GONE, False,
     "no Application owns it any more (old-app is no longer in Git): check that nothing uses it, then "
     "`kubectl --context prod-eu1 delete deployment.apps web -n shop --dry-run=server` and, if that shows "
     "only this object, run it without --dry-run."),
])
def test_hint_fits_the_case(status: DriftStatus, changes: tuple[Change, ...], owner: Owner | None,
                            production: bool, expected: str) -> None:
    assert hint(status, DEPLOY, changes, owner, production=production, context="prod-eu1") == expected


def test_self_healing_app_still_drifted_says_what_to_check() -> None:
    words = hint(DriftStatus.MODIFIED, DEPLOY, IMAGE, AUTO)
    assert words.startswith("Application dev-eu1-shop self-heals, yet this drifted: check `argocd app get")
    assert "ignoreDifferences" in words


def test_live_only_values_are_adopted_or_ignored() -> None:
    extra_arg = Change("spec.template.spec.containers[name=app].args", ["--port=80"], ["--port=80", "--debug"])
    words = hint(DriftStatus.MODIFIED, DEPLOY, (extra_arg,), MANUAL, source="blueprints/tenants/shop.yaml:12:7")
    assert words.startswith("the live object has values Git never set "
                            "(spec.template.spec.containers[name=app].args): if they should stay, adopt them "
                            "into the blueprint (blueprints/tenants/shop.yaml:12:7) or add an ignoreDifferences")
    assert live_only(Change("metadata.labels", None, {"team": "x"}))
    assert not live_only(Change("spec.replicas", 3, None))
    assert not live_only(Change("args", ["a", "b"], ["b"]))


def test_an_extra_application_with_the_resources_finalizer_warns_of_the_cascade() -> None:
    app = ObjectRef("argoproj.io/v1alpha1", "Application", "argocd", "prod-eu1-old")
    live = {"metadata": {"finalizers": ["resources-finalizer.argocd.argoproj.io"]}}
    assert "deleting it also deletes everything it deployed" in hint(DriftStatus.EXTRA, app, (), MANUAL, live=live)


def _app(name: str, path: str, labels: dict[str, str], automated: bool = False) -> Manifest:
    spec = {"source": {"path": path}, **({"syncPolicy": {"automated": {"prune": True}}} if automated else {})}
    return Manifest({"apiVersion": "argoproj.io/v1alpha1", "kind": "Application",
                     "metadata": {"name": name, "namespace": "argocd", "labels": labels}, "spec": spec})


def test_owners_by_rendered_folder_tracking_and_labels() -> None:
    tenant = _app("c1-shop-namespaces", "rendered/tenants/shop/clusters/c1",
                  {"gitops-gen.io/role": "tenant-namespaces", "gitops-gen.io/tenant": "shop"}, automated=True)
    root = _app("root-c1", "rendered/clusters/c1", {"gitops-gen.io/role": "root", "gitops-gen.io/cluster": "c1"})
    owners = Owners([tenant, root])
    quota = Manifest({"apiVersion": "v1", "kind": "ResourceQuota", "metadata": {"name": "q", "namespace": "shop"}},
                     path="tenants/shop/overlays/prod/patch_shop_resourcequota_q.yaml")
    assert owners.of_desired(quota) == Owner("c1-shop-namespaces", True, True, False)
    child = Manifest(tenant.body, path="clusters/c1/application_c1-shop-namespaces.yaml")
    assert owners.of_desired(child) is not None and owners.of_desired(child).name == "root-c1"  # type: ignore[union-attr]
    tracked = {"metadata": {"annotations": {"argocd.argoproj.io/tracking-id": "argocd_gone:apps/Deployment:shop/x"}}}
    assert owners.of_live(tracked) == Owner("gone", rendered=False)
    labelled = {"metadata": {"labels": {"gitops-gen.io/tenant": "shop"}}}
    assert owners.of_live(labelled) is not None and owners.of_live(labelled).name == "c1-shop-namespaces"  # type: ignore[union-attr]
    helm = {"metadata": {"labels": {"app.kubernetes.io/instance": "some-release"}}}
    assert owners.of_live(helm) is None  # Helm's release label is not an Argo CD Application


@pytest.mark.parametrize(("path", "unit"), [
    ("tenants/shop/clusters/c1", "tenants/shop"),
    ("addons/core/issuers/overlays/prod", "addons/core/issuers"),
    ("clusters/c1", "clusters/c1"),
    ("bootstrap", "bootstrap"),
    ("platform/drift-reader/base", "platform/drift-reader"),
])
def test_unit_folders(path: str, unit: str) -> None:
    assert unit_of(path) == unit
