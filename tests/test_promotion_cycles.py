"""`promotesFrom` is a pipeline: a loop (an environment promoting from itself, or dev -> qa -> stage -> prod ->
dev) is refused at load with the cycle named and located, so `promote --to dev` never plans a rollback."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.validate.conftest import run_cli


def environment(root: Path, name: str, promotes_from: str | None) -> None:
    text = (root / "environments" / "dev.yaml").read_text()
    text = text.replace("metadata: {name: dev}", f"metadata: {{name: {name}}}")
    text = text.replace("dev-1", f"{name}-1")
    if promotes_from:
        text = text.replace("spec:\n", f"spec:\n  promotesFrom: {promotes_from}\n", 1)
    (root / "environments" / f"{name}.yaml").write_text(text)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    assert run_cli("init", str(root)).code == 0
    return root


def test_an_environment_promoting_from_itself(repo: Path) -> None:
    environment(repo, "dev", "dev")
    done = run_cli("render", "--repo", str(repo))
    assert done.code == 2
    assert "environments/dev.yaml:6:17: spec.promotesFrom: promotion cycle dev -> dev" in done.err
    assert "Traceback" not in done.err


def test_a_four_step_loop(repo: Path) -> None:
    environment(repo, "qa", "dev")
    environment(repo, "stage", "qa")
    environment(repo, "dev", "prod")
    prod = repo / "environments" / "prod.yaml"
    prod.write_text(prod.read_text().replace("promotesFrom: dev", "promotesFrom: stage"))
    done = run_cli("promote", "--repo", str(repo), "--to", "dev", "--dry-run")
    assert done.code == 2
    assert "promotion cycle dev -> qa -> stage -> prod -> dev" in done.err
    assert done.err.startswith("environments/dev.yaml:6:17:")


def test_a_pipeline_loads(repo: Path) -> None:
    environment(repo, "qa", "dev")
    prod = repo / "environments" / "prod.yaml"
    prod.write_text(prod.read_text().replace("promotesFrom: dev", "promotesFrom: qa"))
    assert run_cli("render", "--repo", str(repo)).code == 0
