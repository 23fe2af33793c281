"""Writing rendered/: minimal, owned files only, atomic, --check and --env."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from gitops_gen.cli import run
from gitops_gen.render.common import header
from gitops_gen.write import writer
from tests.conftest import tree_digest

OURS = header("blueprints/tenants/gone.yaml")  # exactly what a render writes first


def render_cli(repo: Path, *args: str) -> int:
    return run(["render", "--repo", str(repo), *args])


def test_a_rerun_with_no_change_writes_nothing(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert render_cli(example_repo) == 0
    assert "0 written, 0 removed" in capsys.readouterr().out
    stats = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (example_repo / "rendered").rglob("*")}
    assert render_cli(example_repo) == 0
    assert {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (example_repo / "rendered").rglob("*")} == stats


def test_render_from_scratch_then_check_is_clean(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import shutil
    shutil.rmtree(example_repo / "rendered")
    assert render_cli(example_repo) == 0
    assert render_cli(example_repo, "--check") == 0
    assert "is up to date" in capsys.readouterr().out


def _drop_tenant(repo: Path, tenant: str) -> None:
    for env in (repo / "environments").glob("*.yaml"):
        text = env.read_text().replace(f", {tenant}]", "]")
        env.write_text(text)
    (repo / "blueprints" / "tenants" / f"{tenant}.yaml").unlink()


def test_files_no_longer_produced_are_removed_but_foreign_files_stay(example_repo: Path) -> None:
    rendered = example_repo / "rendered"
    foreign = rendered / "tenants" / "checkout" / "NOTES.md"
    foreign.write_text("hand-written notes, not ours\n")
    unmarked = rendered / "clusters" / "dev-eu1" / "extra.yaml"
    unmarked.write_text("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine}\n")
    _drop_tenant(example_repo, "checkout")
    assert render_cli(example_repo) == 0
    assert foreign.read_text() == "hand-written notes, not ours\n"
    assert unmarked.exists()
    assert not (rendered / "tenants" / "checkout" / "base").exists()
    assert not list(rendered.glob("clusters/*/application_*-checkout-web.yaml"))


def test_check_lists_stale_missing_and_extra_and_writes_nothing(
        example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rendered = example_repo / "rendered"
    (rendered / "clusters" / "dev-eu1" / "application_dev-eu1-loki.yaml").write_text(OURS)
    (rendered / "clusters" / "dev-eu1" / "application_dev-eu1-cert-manager.yaml").unlink()
    (rendered / "clusters" / "dev-eu1" / "application_dev-eu1-old.yaml").write_text(OURS + "kind: Old\n")
    before = tree_digest(example_repo)
    assert render_cli(example_repo, "--check") == 1
    out = capsys.readouterr()
    assert out.out.splitlines() == [
        "stale: rendered/clusters/dev-eu1/application_dev-eu1-loki.yaml",
        "missing: rendered/clusters/dev-eu1/application_dev-eu1-cert-manager.yaml",
        "extra: rendered/clusters/dev-eu1/application_dev-eu1-old.yaml",
    ]
    assert "out of date" in out.err
    assert tree_digest(example_repo) == before


@pytest.mark.parametrize("failure", [OSError(28, "No space left on device"), KeyboardInterrupt()],
                         ids=["disk-full", "interrupted"])
def test_a_failed_render_leaves_rendered_exactly_as_it_was(
        example_repo: Path, monkeypatch: pytest.MonkeyPatch, failure: BaseException,
        capsys: pytest.CaptureFixture[str]) -> None:
    settings = example_repo / "gitops.yaml"
    settings.write_text(settings.read_text().replace("targetRevision: main", "targetRevision: release-2"))
    before = tree_digest(example_repo)
    writes = []

    def failing_write(path: Path, content: bytes) -> None:
        writes.append(path)
        if len(writes) == 3:
            raise failure
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)

    monkeypatch.setattr(writer, "_write_file", failing_write)
    if isinstance(failure, KeyboardInterrupt):
        assert render_cli(example_repo) == 130
    else:
        assert render_cli(example_repo) == 2
        err = capsys.readouterr().err
        assert "No space left on device" in err and "left as it was" in err and "Traceback" not in err
    assert len(writes) == 3
    assert tree_digest(example_repo) == before
    assert sorted(p.name for p in example_repo.iterdir()) == [
        "blueprints", "crds", "environments", "gitops.yaml", "rendered"]


def test_a_crash_between_the_two_renames_is_repaired(example_repo: Path) -> None:
    rendered = example_repo / "rendered"
    before = tree_digest(rendered)
    rendered.rename(example_repo / ".rendered.previous")
    assert render_cli(example_repo, "--check") == 0  # reads the previous tree, writes nothing
    assert not rendered.exists()
    assert render_cli(example_repo, "--no-cache") == 0
    assert tree_digest(rendered) == before
    assert not (example_repo / ".rendered.previous").exists()


def test_a_second_render_at_the_same_time_is_refused(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import fcntl

    settings = example_repo / "gitops.yaml"
    settings.write_text(settings.read_text().replace("targetRevision: main", "targetRevision: release-2"))
    before = tree_digest(example_repo / "rendered")
    fd = os.open(example_repo, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # what a running render holds
        assert render_cli(example_repo) == 2
        assert "another gitops-gen is writing" in capsys.readouterr().err
        assert tree_digest(example_repo / "rendered") == before
    finally:
        os.close(fd)
    assert render_cli(example_repo) == 0


def test_env_subset_writes_that_env_and_deletes_nothing_elsewhere(example_repo: Path) -> None:
    rendered = example_repo / "rendered"
    stale_dev = rendered / "clusters" / "dev-eu1" / "application_dev-eu1-gone.yaml"
    stale_dev.write_text(OURS)
    stale_prod = rendered / "clusters" / "prod-eu1" / "application_prod-eu1-gone.yaml"
    stale_prod.write_text(OURS)
    assert render_cli(example_repo, "--env", "prod") == 0
    assert stale_dev.exists()
    assert not stale_prod.exists()


def test_unknown_env_is_a_usage_error(example_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert render_cli(example_repo, "--env", "qa") == 2
    assert "unknown environment 'qa'" in capsys.readouterr().err


def test_rendered_paths_never_escape_their_folder(example_repo: Path) -> None:
    assert render_cli(example_repo) == 0
    root = (example_repo / "rendered").resolve()
    for path in root.rglob("*"):
        assert os.path.realpath(path).startswith(str(root) + os.sep)
        assert ".." not in path.relative_to(root).parts
