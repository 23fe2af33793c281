"""One reading of ownership: the Application that deploys each rendered object, for validate, diff and drift."""

from __future__ import annotations

from gitops_gen.blueprint.load import load_repo
from gitops_gen.drift.owners import Owners
from gitops_gen.render import owners, render
from tests.conftest import PROJECT


def test_a_cluster_layer_application_owns_its_whole_bundle() -> None:
    """stage-us1's search tenant has a cluster layer (tenants/search/clusters/stage-us1): its Application
    deploys the base and the overlay too.  diff and validate once read ownership from the path split at
    ``/overlays/``, so the base objects there belonged to nobody (listed under the bootstrap)."""
    repo = load_repo(PROJECT)
    objects = render(repo).desired["stage-us1"]
    app = next(m for m in objects if m.ref.kind == "Application"
               and "tenants/search/clusters/stage-us1" in str(m.body["spec"].get("source", {}).get("path")))
    bundle = [m for m in objects if m.path.startswith("tenants/search/")]
    assert bundle and any(m.path.startswith("tenants/search/base/") for m in bundle)
    owned = owners.owned(objects, repo.settings.repo_url)
    assert {m.ref for m in bundle} <= set(owned[app.ref])
    by_unit = {unit: a.ref.name for unit, a in owners.units(objects, repo.settings.repo_url).items()}
    assert {owners.owner_of(m.path, by_unit) for m in bundle} == {app.ref.name}
    drift_owners = Owners(objects)  # drift reads the same units
    assert {getattr(drift_owners.of_desired(m), "name", None) for m in bundle} == {app.ref.name}


def test_units_are_the_folders_above_the_layers() -> None:
    assert owners.unit_of("tenants/t/overlays/prod") == "tenants/t"
    assert owners.unit_of("tenants/t/clusters/c") == "tenants/t"
    assert owners.unit_of("addons/stack/a/overlays/dev") == "addons/stack/a"
    assert owners.unit_of("clusters/prod-eu1") == "clusters/prod-eu1"
