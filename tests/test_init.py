"""`gitops-gen init`: a new repository that renders and validates as created, and that init never overwrites."""

from __future__ import annotations

import fnmatch
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from gitops_gen.base.manifest import ref_of
from gitops_gen.blueprint.load import load_repo
from gitops_gen.cli import COMMANDS
from gitops_gen.render import render
from gitops_gen.tools import kustomize
from gitops_gen.write import build, scaffold, writer
from gitops_gen.yamlio.reader import load_plain
from tests.conftest import PROJECT, copy_example, require_tool, tree_digest
from tests.validate.conftest import run_cli

BLUEPRINTS = ("gitops.yaml", "blueprints/addons/platform.yaml", "blueprints/tenants/team-a.yaml",
              "environments/dev.yaml", "environments/prod.yaml")
CI_FILES = (".github/workflows/gitops-gen.yml", ".github/workflows/drift.yml", ".gitlab-ci.yml")


@pytest.fixture
def made(tmp_path: Path) -> Path:
    root = tmp_path / "platform-gitops"
    result = run_cli("init", str(root))
    assert result.code == 0, result.err
    return root


def test_init_writes_the_golden_path_and_renders_it(made: Path) -> None:
    files = {p.relative_to(made).as_posix() for p in made.rglob("*") if p.is_file()}
    expected = {*BLUEPRINTS, *CI_FILES, "README.md", ".gitignore", ".pre-commit-config.yaml", ".vscode/settings.json",
                ".schemas/settings.json", ".schemas/addonstack.json", ".schemas/tenant.json",
                ".schemas/environment.json"}
    assert {f for f in files if not f.startswith("rendered/")} == expected
    assert {f.split("/")[1] for f in files if f.startswith("rendered/")} == {"bootstrap", "clusters", "addons",
                                                                             "tenants", "platform"}
    repo = load_repo(made)
    assert sorted(repo.environments) == ["dev", "prod"] and repo.environments["prod"].promotes_from == "dev"
    assert list(repo.stacks) == ["platform"] and list(repo.tenants) == ["team-a"]
    assert {p.cluster.name for p in repo.plans} == {"dev-1", "prod-1"}
    assert all(p.tenants for p in repo.plans)


def test_a_new_repository_is_current_and_valid(made: Path) -> None:
    assert run_cli("render", "--repo", str(made), "--check").code == 0
    result = run_cli("validate", "--repo", str(made))
    assert result.code == 0
    assert re.search(r"Summary: \d+ documents, 0 errors, 0 warnings", result.out), result.out
    assert result.err == ""  # no loader warning either (every blueprint is used)


@pytest.mark.tools
def test_every_kustomization_of_a_new_repository_builds_into_the_computed_objects(made: Path) -> None:
    require_tool(kustomize.command() is not None, "kustomize/kubectl not found on PATH")
    rendering = render(load_repo(made))
    checked = 0
    for target in rendering.targets:
        desired = rendering.desired[target.cluster]
        for app in desired:
            path = app.body.get("spec", {}).get("source", {}).get("path", "") if app.ref.kind == "Application" else ""
            if not path.startswith("rendered/") or path.startswith(("rendered/clusters/", "rendered/bootstrap")):
                continue  # Helm charts, other repositories, app-of-apps folders, the bootstrap (built below)
            bundle = path.removeprefix("rendered/").split("/overlays/")[0].split("/clusters/")[0]
            built = {ref_of(o): o for o in kustomize.build(made / path)}
            want = {m.ref: json.loads(json.dumps(m.body)) for m in desired if m.path.startswith(bundle + "/")}
            assert built == want, path
            checked += 1
    assert checked >= 2 * 3  # per cluster: the tenant bundle, the plain-manifest add-on, the drift reader
    bootstrap = {ref_of(o).name for o in kustomize.build(made / "rendered" / "bootstrap")}
    assert bootstrap >= {"root-dev-1", "root-prod-1", "gitops-gen-bootstrap", "argocd-cm"}


@pytest.mark.tools
def test_render_in_a_real_git_repository_leaves_it_clean(tmp_path: Path) -> None:
    git = pytest.importorskip("git", reason="gitpython is not installed")
    require_tool(shutil.which("git") is not None, "git not found on PATH")
    repo = git.Repo.init(tmp_path / "fleet")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Platform Bot")
        config.set_value("user", "email", "bot@example.com")
    assert run_cli("init", repo.working_dir).code == 0
    repo.git.add(A=True)
    repo.index.commit("gitops-gen init")
    assert run_cli("render", "--repo", repo.working_dir).code == 0
    assert run_cli("render", "--repo", repo.working_dir, "--no-cache").code == 0
    assert repo.git.status("--porcelain", "--untracked-files=all") == ""
    ignored = repo.git.status("--porcelain", "--ignored").splitlines()
    assert ignored in ([], ["!! .gitops-gen/"])


def test_a_second_init_changes_nothing_and_says_so(made: Path) -> None:
    before = tree_digest(made)
    result = run_cli("init", str(made))
    assert result.code == 2 and result.out == ""
    assert result.err.strip() == f"gitops-gen: {made} already holds a gitops-gen repository (gitops.yaml): " \
                                 "init wrote nothing"
    assert tree_digest(made) == before


@pytest.mark.parametrize("existing", ["README.md", ".gitignore", "environments/prod.yaml", ".schemas/tenant.json"])
def test_one_existing_file_means_nothing_is_written(tmp_path: Path, existing: str) -> None:
    (tmp_path / existing).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / existing).write_text("mine\n")
    before = tree_digest(tmp_path)
    result = run_cli("init", str(tmp_path))
    assert result.code == 2
    assert f"init would overwrite {existing}; it wrote nothing" in result.err
    assert tree_digest(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [existing.split("/")[0]]


def test_a_file_where_a_folder_must_be_and_a_non_empty_rendered_are_conflicts(tmp_path: Path) -> None:
    (tmp_path / "blueprints").write_text("not a folder\n")
    (tmp_path / "rendered").mkdir()
    (tmp_path / "rendered" / "app.yaml").write_text("kind: ConfigMap\n")
    result = run_cli("init", str(tmp_path))
    assert result.code == 2 and "init would overwrite blueprints, rendered/; it wrote nothing" in result.err
    assert run_cli("init", str(tmp_path / "blueprints")).code == 2  # a file is no folder to init into


def test_an_empty_folder_and_an_empty_rendered_folder_are_fine(tmp_path: Path) -> None:
    (tmp_path / "rendered").mkdir()
    assert run_cli("init", str(tmp_path)).code == 0
    assert (tmp_path / "rendered" / "bootstrap" / "kustomization.yaml").is_file()


def test_init_ignores_an_enclosing_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    outer = copy_example(tmp_path / "outer")
    before = tree_digest(outer)
    monkeypatch.chdir(outer / "blueprints")
    result = run_cli("init", "platform")
    assert result.code == 0, result.err
    inner = outer / "blueprints" / "platform"
    assert {k: v for k, v in tree_digest(outer).items() if not k.startswith("blueprints/platform/")} == before
    assert run_cli("render", "--repo", str(inner), "--check").code == 0
    monkeypatch.chdir(tmp_path)
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    monkeypatch.chdir(fresh)
    assert run_cli("init").code == 0  # DIR defaults to here
    assert (fresh / "gitops.yaml").is_file()


def test_repo_url_is_written_where_argo_cd_reads_it(tmp_path: Path) -> None:
    url = "https://git.example.org/platform/fleet.git"
    assert run_cli("init", str(tmp_path), "--repo-url", url).code == 0
    assert f"repoURL: {url}" in (tmp_path / "gitops.yaml").read_text()
    root_app = load_plain((tmp_path / "rendered" / "bootstrap" / "application_root-prod-1.yaml").read_text())[0]
    assert root_app["spec"]["source"]["repoURL"] == url
    bad = run_cli("init", str(tmp_path / "other"), "--repo-url", "not a url")
    assert bad.code == 2 and "--repo-url" in bad.err and not (tmp_path / "other").exists()


def test_a_failed_first_render_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(build, "render_repo", broken)
    target = tmp_path / "new"
    assert run_cli("init", str(target)).code != 0
    assert not target.exists()


def test_init_refuses_a_render_whose_inputs_changed_mid_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """init renders through the one orchestration, so it has render's guard (its copy once lacked it)."""
    real_plan = writer.plan

    def edited_mid_render(rendering: Any, out_dir: Path) -> writer.Plan:  # after load and render, before swap
        settings = out_dir.parent / "gitops.yaml"
        settings.write_text(settings.read_text() + "# saved by an editor meanwhile\n")
        return real_plan(rendering, out_dir)

    monkeypatch.setattr(writer, "plan", edited_mid_render)
    target = tmp_path / "new"
    result = run_cli("init", str(target))
    assert result.code == 2
    assert "the inputs changed during the render" in result.err
    assert not target.exists()


def test_each_blueprint_points_its_editor_at_a_schema_that_accepts_it(made: Path) -> None:
    """The editor settings map globs (not a relative modeline, which breaks when a blueprint moves into a
    subfolder) to schemas that accept each blueprint, and say YAML 1.1."""
    import jsonschema_rs

    settings = json.loads((made / ".vscode" / "settings.json").read_text())
    assert settings["yaml.yamlVersion"] == "1.1"
    moved = made / "blueprints" / "tenants" / "payments" / "team-a.yaml"  # a team folder, as the README allows
    moved.parent.mkdir()
    (made / "blueprints" / "tenants" / "team-a.yaml").rename(moved)
    for rel in [*(r.replace("tenants/team-a", "tenants/payments/team-a") for r in BLUEPRINTS)]:
        text = (made / rel).read_text()
        assert "yaml-language-server" not in text
        matching = [schema for schema, globs in settings["yaml.schemas"].items()
                    if any(fnmatch.fnmatch(rel, g) or fnmatch.fnmatch(rel, g.replace("**/", "")) for g in globs)]
        assert len(matching) == 1, (rel, matching)
        schema_path = (made / matching[0]).resolve()
        assert schema_path.is_relative_to(made.resolve()) and schema_path.is_file()
        validator = jsonschema_rs.validator_for(json.loads(schema_path.read_text()))
        doc = load_plain(text)[0]
        assert validator.is_valid(json.loads(json.dumps(doc))), list(validator.iter_errors(doc))
        misspelt = {**doc, "spec": {**doc["spec"], "tennants": []}}
        assert not validator.is_valid(json.loads(json.dumps(misspelt, default=str))), rel
    assert "team-a" in load_repo(made).tenants  # the loader reads the team folder too


def test_ci_templates_run_only_commands_that_exist(made: Path) -> None:
    for rel in CI_FILES:
        text = (made / rel).read_text()
        assert isinstance(load_plain(text)[0], dict)
        used = set(re.findall(r"\bgitops-gen ([a-z]+)", text))
        assert used and used <= set(COMMANDS), (rel, used - set(COMMANDS))
        assert 'pip install "$GITOPS_GEN_INSTALL"' in text and ".venv/bin" not in text and "make install" not in text
        assert "@GITOPS_GEN_INSTALL@" not in text
    (repo,) = load_plain((made / ".pre-commit-config.yaml").read_text())[0]["repos"]
    published = load_plain((PROJECT / ".pre-commit-hooks.yaml").read_text())[0]  # what gitops-gen offers
    assert repo["repo"] == "local" and "rev" not in repo  # no tag to guess: the hooks install what CI installs
    assert [h["id"] for h in repo["hooks"]] == [h["id"] for h in published] == ["gitops-gen-render-check",
                                                                               "gitops-gen-validate"]
    for hook, offered in zip(repo["hooks"], published, strict=True):
        assert hook["entry"] == offered["entry"] and hook["language"] == offered["language"] == "python"
        assert hook["additional_dependencies"] == [scaffold.install_spec()]


def test_init_writes_the_install_requirement_it_is_given(tmp_path: Path) -> None:
    wheel = "https://artifacts.example.internal/gitops_gen-0.1.0-py3-none-any.whl"
    assert run_cli("init", str(tmp_path / "r"), "--install", wheel).code == 0
    for rel in [*CI_FILES, ".pre-commit-config.yaml", "README.md"]:
        assert wheel in (tmp_path / "r" / rel).read_text(), rel
    assert run_cli("init", str(tmp_path / "s"), "--install", "gitops-gen==1.0; echo $HOME").code == 2


def test_the_readme_tells_how_to_do_the_everyday_things(made: Path) -> None:
    readme = (made / "README.md").read_text()
    for heading in ("Add a tenant", "Add an add-on", "Add a cluster", "Review a change", "Promote from dev to prod",
                    "Bootstrap Argo CD"):
        assert f"## {heading}" in readme
    for command in ("gitops-gen diff", "gitops-gen promote --to prod", "kubectl apply -k rendered/bootstrap"):
        assert command in readme
    assert "@GITOPS_GEN_VERSION@" not in readme and not re.search(r"\bmake (render|validate|install)", readme)
    header = (made / "rendered" / "bootstrap" / "kustomization.yaml").read_text().splitlines()[0]
    assert header.endswith("run `gitops-gen render`.")
