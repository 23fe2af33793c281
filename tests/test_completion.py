"""Shell completion: click's protocol (_GITOPS_GEN_COMPLETE) offering the repository's own names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.shell_completion import ShellComplete
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gitops_gen.blueprint import catalogue
from gitops_gen.cli import COMPLETE_VAR, PROG, main

ENVS = ["dev", "prod", "stage"]
PROD_CLUSTERS = ["prod-eu1", "prod-us1"]


def complete(args: list[str], incomplete: str = "") -> list[str]:
    return [item.value for item in ShellComplete(main, {}, PROG, COMPLETE_VAR).get_completions(args, incomplete)]


@pytest.fixture
def in_repo(example_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(example_repo / "blueprints")  # a subfolder: the repository is found upward, as commands do
    return example_repo


@pytest.mark.parametrize("args", [["render", "--env"], ["validate", "--env"], ["drift", "--env"], ["diff", "--env"]])
def test_env_completes_environment_names(in_repo: Path, args: list[str]) -> None:
    assert complete(args) == ENVS
    assert complete(args, "pr") == ["prod"]


@pytest.mark.parametrize("option", ["--to", "--from"])
def test_promote_completes_environments(in_repo: Path, option: str) -> None:
    assert complete(["promote", option]) == ENVS


def test_promote_addon_completes_addon_names(in_repo: Path) -> None:
    assert complete(["promote", "--to", "prod", "--addon"]) == list(catalogue.read(in_repo).addons)
    assert complete(["promote", "--addon"], "cert") == ["cert-manager"]


def test_cluster_completes_the_clusters_of_the_environment_given(in_repo: Path) -> None:
    assert complete(["drift", "--env", "prod", "--cluster"]) == PROD_CLUSTERS
    every = complete(["drift", "--cluster"])
    assert set(PROD_CLUSTERS) < set(every) and len(every) == len(set(every))
    assert complete(["drift", "--env", "nope", "--cluster"]) == []


def test_repo_given_on_the_line_is_the_one_read(example_repo: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # no repository here
    assert complete(["render", "--env"]) == []
    assert complete(["render", "--repo", str(example_repo), "--env"]) == ENVS


def test_the_catalogue_holds_tenants_and_addons(example_repo: Path) -> None:
    names = catalogue.read(example_repo)
    assert names.tenants == ("checkout", "payments", "search")
    assert {"cert-manager", "ingress-nginx", "external-dns"} <= set(names.addons)
    assert names.environments == tuple(ENVS)
    assert names.clusters_of("prod") == tuple(PROD_CLUSTERS)


def test_a_half_typed_blueprint_still_completes_the_others(in_repo: Path) -> None:
    (in_repo / "environments" / "qa.yaml").write_text("kind: Environment\nmetadata: {name: qa\nspec: [")
    (in_repo / "environments" / "bin.yaml").write_bytes(b"\xff\xfe\0\0")
    assert complete(["render", "--env"]) == ENVS


def test_a_named_pipe_called_yaml_does_not_hang_completion(in_repo: Path) -> None:
    """The catalogue reads through the guarded reader (its own plain read blocked on a FIFO forever)."""
    os.mkfifo(in_repo / "environments" / "pipe.yaml")
    assert complete(["render", "--env"]) == ENVS


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_reading_names_never_raises(tmp_path: Path, content: bytes) -> None:
    root = tmp_path / "fuzz"
    (root / "environments").mkdir(parents=True, exist_ok=True)
    (root / "gitops.yaml").write_text("apiVersion: gitops-gen/v1\n")
    (root / "environments" / "x.yaml").write_bytes(content)
    names = catalogue.read(root)
    assert all(isinstance(n, str) for n in names.environments + names.clusters_of())


def _shell(example_repo: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, **env}
    return subprocess.run([sys.executable, "-m", "gitops_gen"], cwd=example_repo, env=environ,
                          capture_output=True, text=True, timeout=60, check=False)


def test_the_real_program_answers_bash(example_repo: Path) -> None:
    proc = _shell(example_repo, _GITOPS_GEN_COMPLETE="bash_complete",
                  COMP_WORDS="gitops-gen drift --env prod --cluster ", COMP_CWORD="5")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"plain,{c}" for c in PROD_CLUSTERS]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_documented_activation_scripts_exist(example_repo: Path, shell: str) -> None:
    proc = _shell(example_repo, _GITOPS_GEN_COMPLETE=f"{shell}_source")
    assert proc.returncode == 0, proc.stderr
    assert f"{shell}_complete" in proc.stdout and "_GITOPS_GEN_COMPLETE" in proc.stdout


def test_the_readme_documents_each_shell() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for shell in ("bash", "zsh", "fish"):
        assert f"_GITOPS_GEN_COMPLETE={shell}_source gitops-gen" in readme, shell


def test_explain_completes_clusters_then_that_cluster_s_applications(in_repo: Path) -> None:
    assert "prod-eu1" in complete(["explain"]) and "prod-us1" in complete(["explain"], "prod-u")
    apps = complete(["explain", "prod-eu1"])
    assert {"prod-eu1-ingress-nginx", "prod-eu1-payments-namespaces", "prod-eu1-payments-api"} <= set(apps)
    assert complete(["explain", "prod-eu1"], "prod-eu1-ingress") == ["prod-eu1-ingress-nginx"]
