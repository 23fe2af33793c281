"""`gitops-gen promote` on a repository not written for it (tests/corpus/globex), step by step.

A chart version is changed in the first environment (dev) and carried to qa, staging and production,
each step dry-run first; the edited blueprint keeps every comment and every line it did not need to
change, and the render afterwards runs the new version exactly where it should and nothing else changes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gitops_gen.blueprint.load import load_repo
from gitops_gen.cli import run
from gitops_gen.promote import Promotion, overrides_reader
from gitops_gen.promote import plan as make_plan
from gitops_gen.render import render
from gitops_gen.yamlio.reader import load_plain
from tests.conftest import PROJECT, copy_example, tree_digest
from tests.validate.conftest import run_cli

CORPUS = PROJECT / "tests" / "corpus" / "globex"
DEV_LINE = "      cilium: {values: {hubble: {ui: {enabled: true}}, operator: {replicas: 1}}}\n"
BUMP = "      cert-manager: {chart: {version: v1.17.1}}   # trying the new release before qa\n"


@pytest.fixture
def globex(tmp_path: Path) -> Path:
    root = tmp_path / "globex"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("rendered", ".gitops-gen"))
    dev = root / "environments" / "dev.yaml"
    dev.write_text(dev.read_text().replace(DEV_LINE, DEV_LINE + BUMP))
    return root


def plan(root: Path, target: str, source: str | None = None, addons: list[str] | None = None) -> Promotion:
    return make_plan(load_repo(root), target, source, addons or [], read=overrides_reader(root))


def cert_manager_versions(root: Path) -> dict[str, str]:
    """Cluster -> the cert-manager chart version its rendered Application runs."""
    out = {}
    for path in (root / "rendered" / "clusters").glob("*/application_*-cert-manager.yaml"):
        app = load_plain(path.read_text())[0]
        out[path.parent.name] = app["spec"]["source"]["targetRevision"]
    return out


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if "#" in line]


def promote(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli("promote", "--repo", str(root), *args)
    return result.code, result.out, result.err


@pytest.mark.slow
def test_a_version_changed_in_dev_is_promoted_step_by_step(globex: Path) -> None:
    assert run(["render", "--repo", str(globex)]) == 0
    assert set(cert_manager_versions(globex).values()) == {"v1.17.1", "v1.16.2", "v1.15.4"}
    steps = [("qa", ["qa-use1", "qa-euw1"]), ("staging", ["staging-use1", "staging-use2"]),
             ("production", ["prod-use1", "prod-euw1"])]
    for env, clusters in steps:
        blueprint = globex / "environments" / f"{env}.yaml"
        before_text, before_tree = blueprint.read_text(), tree_digest(globex)
        code, out, _ = promote(globex, "--to", env, "--dry-run")
        assert code == 0
        assert "cert-manager: chart.version v1.16.2 -> v1.17.1" in out
        assert f"+++ b/environments/{env}.yaml" in out and "dry run: nothing written" in out
        assert tree_digest(globex) == before_tree

        code, out, _ = promote(globex, "--to", env)
        assert code == 0 and f"wrote environments/{env}.yaml" in out
        after_text = blueprint.read_text()
        assert comments(after_text) == comments(before_text)  # every comment, in order, untouched
        removed = [line for line in before_text.splitlines() if line not in after_text.splitlines()]
        assert all("cert-manager" in line or "kube-prometheus-stack" in line or "chart: {version: 66.2.2}" in line
                   for line in removed), removed
        assert {p for p, d in tree_digest(globex).items() if before_tree.get(p) != d} == \
            {f"environments/{env}.yaml"}  # promote edits one blueprint and nothing else

        rendered_before = tree_digest(globex / "rendered")
        assert run(["render", "--repo", str(globex)]) == 0
        versions = cert_manager_versions(globex)
        assert all(versions[c] == "v1.17.1" for c in clusters)
        changed = {p for p, d in tree_digest(globex / "rendered").items() if rendered_before.get(p) != d}
        touched = {f"clusters/{c}/application_{c}-cert-manager.yaml" for c in clusters}
        if env == "production":  # staging ran the stack's kube-prometheus-stack; production held it back
            touched |= {f"clusters/{c}/application_{c}-kube-prometheus-stack.yaml"
                        for c in ("prod-use1", "prod-euw1", "prod-apse1")}
        assert changed == touched
    # the APAC cluster holds cert-manager back by its own override: left alone, and said so
    assert cert_manager_versions(globex)["prod-apse1"] == "v1.15.4"
    code, out, _ = promote(globex, "--to", "production")
    assert code == 0 and out.startswith("nothing to promote from staging to production")
    assert run(["validate", "--repo", str(globex)]) == 0


def test_the_override_of_a_field_the_source_runs_at_its_default_is_removed(globex: Path) -> None:
    promotion = plan(globex, "production", addons=["kube-prometheus-stack"])
    [change] = promotion.changes
    assert (change.path, change.old, change.new, change.remove) == (("chart", "version"), "66.2.2", "66.3.1", True)
    code, out, _ = promote(globex, "--to", "production", "--addon", "kube-prometheus-stack")
    assert code == 0
    assert "-        chart: {version: 66.2.2}\n" in out
    text = (globex / "environments" / "production.yaml").read_text()
    assert "      kube-prometheus-stack:\n        values: {prometheus:" in text
    assert "66.2.2" not in text


def test_cluster_overrides_are_reported_not_carried(globex: Path) -> None:
    for env in ("qa", "staging"):
        assert promote(globex, "--to", env)[0] == 0
    promotion = plan(globex, "production")
    assert any("cluster prod-apse1 overrides chart.version itself and keeps v1.15.4" in n for n in promotion.notes)
    assert any("cluster staging-use2 of staging overrides chart, values" in n for n in promotion.notes)
    assert all(c.addon != "cilium" for c in promotion.changes)  # the staging canary stays a canary


def test_values_are_carried_for_named_addons_and_the_targets_own_settings_are_kept(globex: Path) -> None:
    default = plan(globex, "qa")
    assert [c.path for c in default.changes] == [("chart", "version")]
    assert any("values.hubble.ui.enabled, values.operator.replicas differ" in n for n in default.notes)

    named = plan(globex, "qa", addons=["cilium", "external-dns"])
    assert {(c.addon, c.path, c.new) for c in named.changes} == {
        ("cilium", ("values", "hubble", "ui", "enabled"), True), ("cilium", ("values", "operator", "replicas"), 1)}
    assert any("values.domainFilters is qa's own setting" in n for n in named.notes)
    assert promote(globex, "--to", "qa", "--addon", "cilium", "--addon", "external-dns")[0] == 0
    repo = load_repo(globex)
    plans = {p.cluster.name: {a.name: a for a in p.addons} for p in repo.plans}
    assert plans["qa-use1"]["cilium"].values["operator"] == {"replicas": 1}
    assert plans["qa-use1"]["external-dns"].values["domainFilters"] == ["qa.globex.example"]
    assert plan(globex, "qa", addons=["cilium"]).changes == ()


def test_a_git_source_revision_is_promoted(globex: Path) -> None:
    stack = globex / "blueprints" / "addons" / "observability.yaml"
    dev = globex / "environments" / "dev.yaml"
    dev.write_text(dev.read_text().replace(BUMP, BUMP + "      fleet-dashboards: {source: {targetRevision: v2.4.0}}\n"))
    promotion = plan(globex, "staging", source="dev", addons=["fleet-dashboards"])
    assert [(c.path, c.old, c.new) for c in promotion.changes] == [(("source", "targetRevision"), "v2.3.0", "v2.4.0")]
    assert promote(globex, "--to", "staging", "--from", "dev", "--addon", "fleet-dashboards")[0] == 0
    rendering = render(load_repo(globex), ["staging"])
    apps = [m for ms in rendering.desired.values() for m in ms if m.ref.name.endswith("-fleet-dashboards")]
    assert {a.body["spec"]["source"]["targetRevision"] for a in apps} == {"v2.4.0"}
    assert "v2.3.0" in stack.read_text()  # the stack itself is not edited


@pytest.mark.parametrize("args, message", [
    (["--to", "prod"], "--to: unknown environment 'prod'"),
    (["--to", "qa", "--from", "stagin"], "--from: unknown environment 'stagin' (did you mean 'staging'?)"),
    (["--to", "dev"], "environment 'dev' has no promotesFrom: name the source with --from ENV"),
    (["--to", "qa", "--from", "qa"], "--from and --to both name 'qa': promotion needs two environments"),
    (["--to", "qa", "--addon", "certmanager"], "--addon: 'certmanager' is not an add-on of 'dev' or 'qa' "
                                                "(did you mean 'cert-manager'?)"),
])
def test_bad_arguments_are_one_line_and_exit_2(globex: Path, args: list[str], message: str) -> None:
    before = tree_digest(globex)
    code, out, err = promote(globex, *args)
    assert code == 2 and out == ""
    assert err.strip() == f"gitops-gen: {message}"
    assert tree_digest(globex) == before


def test_nothing_to_promote_says_so_and_exits_0(globex: Path) -> None:
    code, out, _ = promote(globex, "--to", "production", "--addon", "cilium")
    assert code == 0 and out.startswith("nothing to promote from staging to production\n")


def test_a_broken_repository_is_an_input_error(globex: Path) -> None:
    qa = globex / "environments" / "qa.yaml"
    qa.write_text(qa.read_text().replace("promotesFrom: dev", "promotesFrom: dve"))
    code, _, err = promote(globex, "--to", "qa")
    assert code == 2 and "environments/qa.yaml:5:" in err and "did you mean 'dev'" in err


def test_an_addon_switched_off_on_either_side_is_reported_not_promoted(example_repo: Path) -> None:
    # dev switches external-dns off (`enabled: false`); stage runs it: nothing of it moves either way
    stage = plan(example_repo, "stage", addons=["external-dns"])
    assert stage.changes == () and stage.notes == ("external-dns: switched off in dev; not promoted",)
    back = plan(example_repo, "dev", source="stage", addons=["external-dns"])
    assert back.changes == () and back.notes == ("external-dns: switched off in dev; not promoted",)
    code, out, _ = promote(example_repo, "--to", "stage", "--dry-run")
    assert code == 0 and "nothing to promote from dev to stage" in out


def test_a_yaml_1_1_boolean_arrives_as_the_boolean_it_is(tmp_path: Path) -> None:
    """dev's ``enabled: no`` is false for the loader (YAML 1.1, as kubectl reads it): it must reach stage
    as false, not as the string "no" a YAML 1.2 reader makes of it."""
    root = copy_example(tmp_path / "repo")
    dev = root / "environments" / "dev.yaml"
    dev.write_text(dev.read_text().replace(
        "ingress-nginx: {values: {controller: {replicaCount: 1}}}",
        "ingress-nginx: {values: {controller: {replicaCount: 1, admissionWebhooks: {enabled: no}}}}"))

    def webhooks(env: str) -> object:
        repo = load_repo(root)
        addon = next(p.env_addons["ingress-nginx"] for p in repo.plans if p.env.name == env)
        return addon.values["controller"].get("admissionWebhooks", {}).get("enabled")

    assert webhooks("dev") is False
    code, _, err = promote(root, "--to", "stage", "--addon", "ingress-nginx")
    assert code == 0, err
    assert webhooks("stage") is False
