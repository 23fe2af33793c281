"""Switches and selection: `enabled: false` in overrides, `tenants: ["*"]`, label selectors, warnings.

Each test edits a private copy of the example repository and compares two full renders: what the
switch removes disappears where it is switched off and nowhere else, and no other Application
changes (sync waves come from the environment's whole dependency graph).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path

import pytest

from gitops_gen.base.errors import InputErrors
from gitops_gen.blueprint.load import load_repo
from gitops_gen.cli import run
from gitops_gen.render import render
from tests.conftest import copy_example
from tests.test_load_errors import BASE

DEV, STAGE, PROD = "environments/dev.yaml", "environments/stage.yaml", "environments/prod.yaml"
CERT_MANAGER_OFF = "      cert-manager: {enabled: false}\n      ingress-nginx: {values:"


def edit(root: Path, file: str, old: str, new: str) -> None:
    path = root / file
    text = path.read_text()
    assert text.count(old) == 1, f"{file}: {old!r} occurs {text.count(old)} times"
    path.write_text(text.replace(old, new))


def files(root: Path) -> dict[str, bytes]:
    return {f.path: f.content for f in render(load_repo(root)).files}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A copy of tests/corpus/base: a frozen example, so these tests do not move when the example does."""
    return Path(shutil.copytree(BASE, tmp_path / "repo"))


@pytest.fixture
def before(repo: Path) -> dict[str, bytes]:
    return files(repo)


def changes(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> tuple[set[str], set[str], set[str]]:
    """(removed, added, modified) paths."""
    return (set(old) - set(new), set(new) - set(old), {p for p in set(old) & set(new) if old[p] != new[p]})


def applications(paths: set[str]) -> set[str]:
    return {p for p in paths if "/application_" in p}


def test_an_addon_switched_off_in_one_environment_disappears_there_and_nowhere_else(
        repo: Path, before: dict[str, bytes]) -> None:
    edit(repo, STAGE, "  syncPolicy: {automated: true}\n",
         "  syncPolicy: {automated: true}\n  overrides:\n    addons:\n      loki: {enabled: false}\n")
    removed, added, modified = changes(before, files(repo))
    assert removed == {"clusters/stage-eu1/application_stage-eu1-loki.yaml",
                       "clusters/stage-us1/application_stage-us1-loki.yaml"}
    assert added == set()
    # loki's chart repository leaves the platform project's sourceRepos there; no Application changes
    assert modified == {"clusters/stage-eu1/appproject_stage-eu1-platform.yaml",
                        "clusters/stage-us1/appproject_stage-us1-platform.yaml"}


def test_switching_off_a_dependency_moves_no_other_sync_wave(repo: Path, before: dict[str, bytes]) -> None:
    edit(repo, DEV, "      ingress-nginx: {values:", CERT_MANAGER_OFF)
    after = files(repo)
    removed, added, modified = changes(before, after)
    assert applications(removed) == {"clusters/dev-eu1/application_dev-eu1-cert-manager.yaml"}
    assert added == set()
    wave = re.compile(rb'argocd.argoproj.io/sync-wave: "(-?\d+)"')
    for path in after:
        if path.startswith("clusters/") and "/application_" in path:
            assert wave.findall(after[path]) == wave.findall(before[path]), path
    # what changed besides: the dependents' depends-on annotation (the dependency is gone) and the project
    assert applications(modified) == {"clusters/dev-eu1/application_dev-eu1-ingress-nginx.yaml",
                                      "clusters/dev-eu1/application_dev-eu1-cluster-issuers.yaml"}


def test_a_dependency_switched_off_is_a_warning_with_its_place(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    edit(repo, DEV, "      ingress-nginx: {values:", CERT_MANAGER_OFF)
    assert run(["render", "--repo", str(repo)]) == 0
    err = capsys.readouterr().err.splitlines()
    assert "environments/dev.yaml:7:7: warning: add-on 'ingress-nginx' depends on 'cert-manager', switched off on " \
           "cluster 'dev-eu1': it will sync without waiting for it" in err


def test_a_cluster_switch_wins_over_the_environment(repo: Path, before: dict[str, bytes]) -> None:
    edit(repo, PROD, "          ingress-nginx: {values: {controller: {replicaCount: 5}}}",
         "          ingress-nginx: {values: {controller: {replicaCount: 5}}}\n          loki: {enabled: true}")
    edit(repo, PROD, "      ingress-nginx: {values: {controller: {replicaCount: 3}}}\n",
         "      ingress-nginx: {values: {controller: {replicaCount: 3}}}\n      loki: {enabled: false}\n")
    removed, added, modified = changes(before, files(repo))
    assert applications(removed) == {"clusters/prod-eu1/application_prod-eu1-loki.yaml"}
    assert applications(modified) == set() and added == set()


def test_a_tenant_switched_off_on_one_cluster(repo: Path, before: dict[str, bytes]) -> None:
    edit(repo, STAGE, "          search: {tier: medium}", "          search: {enabled: false}")
    after = files(repo)
    removed, added, _ = changes(before, after)
    assert not added
    assert removed and all("stage-us1" in p or "/clusters/stage-us1/" in p for p in removed), removed
    assert not any("stage-eu1" in p for p in removed)
    assert "tenants/search/clusters/stage-us1/kustomization.yaml" in removed  # its own layer goes too
    assert any(p.startswith("clusters/stage-eu1/") and "search" in p for p in after)


def test_a_tenant_switched_off_in_an_environment(repo: Path, before: dict[str, bytes]) -> None:
    edit(repo, DEV, "  overrides:\n", "  overrides:\n    tenants:\n      search: {enabled: false}\n")
    removed, added, modified = changes(before, files(repo))
    assert {p for p in removed if p.startswith("clusters/")} == {
        p for p in before if p.startswith("clusters/dev-eu1/") and "search" in p}
    assert {p for p in removed if p.startswith("tenants/")} == {
        p for p in before if p.startswith("tenants/search/overlays/dev/")}
    assert not added and not applications(modified)


def test_an_addon_off_in_its_stack_runs_only_where_switched_on(repo: Path, before: dict[str, bytes]) -> None:
    edit(repo, "blueprints/addons/observability.yaml", "    - name: loki\n      namespace: monitoring\n",
         "    - name: loki\n      namespace: monitoring\n      enabled: false\n")
    edit(repo, PROD, "      ingress-nginx: {values: {controller: {replicaCount: 3}}}\n",
         "      ingress-nginx: {values: {controller: {replicaCount: 3}}}\n      loki: {enabled: true}\n")
    removed, _, modified = changes(before, files(repo))
    assert applications(removed) == {"clusters/dev-eu1/application_dev-eu1-loki.yaml",
                                     "clusters/stage-eu1/application_stage-eu1-loki.yaml",
                                     "clusters/stage-us1/application_stage-us1-loki.yaml"}
    assert not applications(modified)


def test_star_selects_every_tenant(repo: Path, before: dict[str, bytes]) -> None:
    edit(repo, DEV, "tenants: [payments, search, checkout]", 'tenants: ["*"]')
    assert files(repo) == before
    assert load_repo(repo).environments["dev"].tenants == ("checkout", "payments", "search")


def test_a_label_selector_selects_tenants_by_their_metadata_labels(repo: Path, before: dict[str, bytes]) -> None:
    for tenant, tier in (("payments", "gold"), ("checkout", "gold"), ("search", "bronze")):
        edit(repo, f"blueprints/tenants/{tenant}.yaml", f"metadata: {{name: {tenant}}}",
             f"metadata: {{name: {tenant}, labels: {{support: {tier}}}}}")
    edit(repo, PROD, "tenants: [payments, search, checkout]", "tenants: {matchLabels: {support: gold}}")
    edit(repo, STAGE, "tenants: [payments, search, checkout]",
         "tenants: {matchExpressions: [{key: support, operator: In, values: [gold, bronze]}]}")
    repo_model = load_repo(repo)
    assert repo_model.environments["prod"].tenants == ("checkout", "payments")
    assert repo_model.environments["stage"].tenants == ("checkout", "payments", "search")
    removed, added, _ = changes(before, files(repo))
    assert not added
    assert {p for p in removed if p.startswith("clusters/")} == {
        p for p in before if p.startswith("clusters/prod-") and "search" in p}


@pytest.mark.parametrize(("old", "new", "message"), [
    ("tenants: [payments, search, checkout]", 'tenants: ["*", payments]',
     'environments/dev.yaml:9:12: spec.tenants: "*" selects every tenant; list names or "*", not both'),
    ("tenants: [payments, search, checkout]", "tenants: {matchLabel: {a: b}}",
     "environments/dev.yaml:9:13: spec.tenants.matchLabel: unknown field (did you mean 'matchLabels'?)"),
    ("tenants: [payments, search, checkout]", "tenants: {matchExpressions: [{key: a, operator: in, values: [b]}]}",
     "environments/dev.yaml:9:51: spec.tenants.matchExpressions[0].operator: 'in' is not one of In, NotIn, Exists,"
     " DoesNotExist (did you mean 'In'?)"),
    ("tenants: [payments, search, checkout]", "tenants: {matchExpressions: [{key: a, operator: In}]}",
     "environments/dev.yaml:9:32: spec.tenants.matchExpressions[0]: operator In needs values"),
    ("tenants: [payments, search, checkout]", "tenants: everyone",
     "environments/dev.yaml:9:12: spec.tenants: expected a list of tenant names, [\"*\"] or a label selector,"
     " got a string"),
    ("ingress-nginx: {values: {controller: {replicaCount: 1}}}", 'ingress-nginx: {enabled: "no"}',
     "environments/dev.yaml:13:32: spec.overrides.addons.ingress-nginx.enabled: expected true or false, got a string"),
])
def test_bad_switches_and_selectors_are_located_errors(repo: Path, old: str, new: str, message: str) -> None:
    edit(repo, DEV, old, new)
    with pytest.raises(InputErrors) as caught:
        load_repo(repo)
    assert [str(e) for e in caught.value.errors] == [message]


def test_a_tenant_no_environment_selects_is_a_warning_not_an_error(
        repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "blueprints/tenants/data.yaml").write_text(
        "apiVersion: gitops-gen/v1\nkind: Tenant\nmetadata: {name: data}\nspec: {tier: small}\n")
    (repo / "blueprints/addons/extras.yaml").write_text(
        "apiVersion: gitops-gen/v1\nkind: AddonStack\nmetadata: {name: extras}\nspec:\n  addons: []\n")
    expected = [
        "blueprints/addons/extras.yaml:3:18: warning: add-on stack 'extras' is used by no environment",
        "blueprints/tenants/data.yaml:3:18: warning: tenant 'data' is selected by no environment",
    ]
    assert run(["render", "--repo", str(repo)]) == 0
    assert capsys.readouterr().err.splitlines() == expected
    live = tmp_path / "live.yaml"
    live.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\n")
    # every command that loads the blueprints says the same, once (drift loads them twice)
    assert run(["drift", "--repo", str(repo), "--env", "dev", "--live-from", str(live)]) == 1
    assert [line for line in capsys.readouterr().err.splitlines() if "warning:" in line] == expected
    assert [str(w) for w in load_repo(repo).warnings] == [
        "blueprints/addons/extras.yaml:3:18: warning: add-on stack 'extras' is used by no environment",
        "blueprints/tenants/data.yaml:3:18: warning: tenant 'data' is selected by no environment"]


def test_every_command_rejects_the_same_bad_config_at_load(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A misspelt policy or drift key fails render, validate and drift alike, every error listed."""
    repo = copy_example(tmp_path / "example")
    edit(repo, "gitops.yaml", "    rules:\n", "    rulez:\n")
    edit(repo, "gitops.yaml", "    countDegraded: true\n", "    countDegraded: true\n    countOutOfSnyc: false\n")
    live = tmp_path / "live.yaml"
    live.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x, namespace: y}\n")
    outputs = []
    for args in (["render"], ["render", "--check"], ["validate"], ["drift", "--env", "prod", "--live-from", str(live)]):
        assert run([*args, "--repo", str(repo)]) == 2, args
        outputs.append(capsys.readouterr().err)
    assert outputs[0].splitlines() == [
        "gitops.yaml:18:5: spec.policy.rulez: unknown field (did you mean 'rules'?)",
        "gitops.yaml:24:5: spec.drift.countOutOfSnyc: unknown field (did you mean 'countOutOfSync'?)"]
    assert all(out == outputs[0] for out in outputs), outputs
