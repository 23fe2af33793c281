"""Reading revisions: the default branch, a gitops root in a subfolder, a base from before gitops-gen."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from gitops_gen.base.errors import InputError
from gitops_gen.cli import run
from gitops_gen.tools import gitrev
from tests.diff.conftest import GLOBEX, commit_all, edit, git, new_repo

pytestmark = pytest.mark.tools


def test_default_branch_prefers_the_remote_then_main_then_master(tmp_path: Path) -> None:
    upstream = new_repo(tmp_path / "upstream")
    clone = git.Repo.clone_from(upstream.working_dir, tmp_path / "clone")
    with gitrev.open_checkout(Path(clone.working_dir)) as checkout:
        assert checkout.default_branch() == "origin/HEAD"
    clone.git.remote("set-head", "origin", "--delete")
    with gitrev.open_checkout(Path(clone.working_dir)) as checkout:
        assert checkout.default_branch() == "origin/main"
    with gitrev.open_checkout(Path(upstream.working_dir)) as checkout:
        assert checkout.default_branch() == "main"
    upstream.git.branch("-m", "main", "master")
    with gitrev.open_checkout(Path(upstream.working_dir)) as checkout:
        assert checkout.default_branch() == "master"
    upstream.git.branch("-m", "master", "trunk")
    with gitrev.open_checkout(Path(upstream.working_dir)) as checkout, pytest.raises(InputError, match="--base"):
        checkout.default_branch()


def test_the_base_is_where_the_branch_left_the_default_branch(tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    repo = new_repo(tmp_path / "r")
    fork = repo.head.commit.hexsha
    repo.git.checkout("-b", "feature")
    root = Path(repo.working_dir)
    edit(root / "blueprints" / "tenants" / "ledger.yaml", "tier: s", "tier: m")
    commit_all(repo, "ledger grows")
    repo.git.checkout("main")  # main moves on after the fork: its changes are not the feature's
    edit(root / "blueprints" / "tenants" / "identity.yaml", "owners:", "owners: [idp-oncall]\n  x-owners:")
    repo.git.checkout("--", ".")
    edit(root / "environments" / "dev.yaml", "storefront: {tier: s}", "storefront: {tier: xs}")
    commit_all(repo, "storefront shrinks on dev")
    repo.git.checkout("feature")
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "-o", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["base"] == fork
    touched = {o["object"]["name"] for c in report["clusters"] for a in c["applications"] for o in a["objects"]}
    assert touched == {"tenant-quota"}
    assert all("ledger" in a["name"] for c in report["clusters"] for a in c["applications"])
    repo.git.checkout("main")  # reviewing the feature from elsewhere: the base follows --head, not HEAD
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "--head", "feature", "-o", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["base"] == fork


def test_a_gitops_root_in_a_subfolder_and_a_base_before_gitops_gen(tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    top = tmp_path / "monorepo"
    top.mkdir()
    (top / "README.md").write_text("platform monorepo\n")
    repo = git.Repo.init(top, initial_branch="main")
    with repo.config_writer() as config:
        config.set_value("user", "name", "Platform Bot")
        config.set_value("user", "email", "bot@example.com")
    before = commit_all(repo, "before gitops-gen")
    shutil.copytree(GLOBEX, top / "deploy" / "fleet")
    assert run(["render", "--repo", str(top / "deploy" / "fleet")]) == 0
    first = commit_all(repo, "gitops-gen arrives")
    capsys.readouterr()
    assert run(["diff", "--repo", str(top / "deploy" / "fleet"), "--base", before, "--head", first, "-o", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["summary"]["applications"]["removed"] == 0 and report["summary"]["applications"]["added"] > 20
    assert any("has no gitops.yaml" in w for w in report["warnings"])
    edit(top / "deploy" / "fleet" / "blueprints" / "tenants" / "ledger.yaml", "tier: s", "tier: m")
    second = commit_all(repo, "ledger grows (rendered/ not updated: stale)")
    capsys.readouterr()
    assert run(["diff", "--repo", str(top / "deploy" / "fleet"), "--base", first, "--head", second,
                "-o", "json", "--cluster", "dev-use1"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [c["name"] for c in report["clusters"]] == ["dev-use1"]
    assert [w.split(":")[0] for w in report["warnings"]] == [f"{second} ({second[:12]})"]
    assert "rendered/tenants/ledger/" in report["warnings"][0]


def test_a_symlink_out_of_the_repository_at_a_revision_is_refused(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    repo = new_repo(tmp_path / "r")
    root = Path(repo.working_dir)
    (tmp_path / "outside.yaml").write_text((root / "blueprints" / "tenants" / "ledger.yaml").read_text())
    (root / "blueprints" / "tenants" / "ledger.yaml").unlink()
    (root / "blueprints" / "tenants" / "ledger.yaml").symlink_to("../../../outside.yaml")
    linked = commit_all(repo, "a symlink out")
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "--base", linked, "--head", linked]) == 2
    assert "symlink" in capsys.readouterr().err


def _host_secret(tmp_path: Path) -> Path:
    """A folder outside the repository holding a CRD-looking file whose name must never be shown."""
    host = tmp_path / "host-only"
    host.mkdir()
    (host / "host-private-name.yaml").write_text("apiVersion: apiextensions.k8s.io/v1\n"
                                                 "kind: CustomResourceDefinition\n")
    return host


def test_a_chain_of_links_that_each_look_in_repo_is_refused_at_a_revision(tmp_path: Path,
                                                                          capsys: pytest.CaptureFixture[str]) -> None:
    repo = new_repo(tmp_path / "r")
    root = Path(repo.working_dir)
    _host_secret(tmp_path)
    tenants = root / "blueprints" / "tenants"
    (tenants / "up").symlink_to("../..")  # textually the repository root, really its parent
    (tenants / "up2").symlink_to("up/..")
    shutil.rmtree(root / "crds")
    (root / "crds").symlink_to("blueprints/tenants/up2/host-only")
    linked = commit_all(repo, "a chain of links")
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "--base", linked, "--head", linked]) == 2
    err = capsys.readouterr().err
    assert "outside the repository" in err and "host-private-name" not in err


def test_a_crds_link_out_of_the_work_tree_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = new_repo(tmp_path / "r")
    root = Path(repo.working_dir)
    host = _host_secret(tmp_path)
    shutil.rmtree(root / "crds")
    (root / "crds").symlink_to(host)
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "--base", "HEAD"]) == 2
    err = capsys.readouterr().err
    assert "outside the repository" in err and "host-private-name" not in err


def test_a_file_linked_out_from_a_work_tree_crd_folder_is_not_read(tmp_path: Path,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    repo = new_repo(tmp_path / "r")
    root = Path(repo.working_dir)
    host = _host_secret(tmp_path)
    (root / "crds" / "linked.yaml").symlink_to(host / "host-private-name.yaml")
    (host / "folder").mkdir()
    (root / "crds" / "linked-folder").symlink_to(host / "folder")
    capsys.readouterr()
    code = run(["diff", "--repo", str(root), "--base", "HEAD", "-o", "json"])
    captured = capsys.readouterr()
    assert code in (0, 2), captured.err
    assert "host-private-name" not in captured.out + captured.err


def test_a_huge_blob_at_a_revision_is_refused_by_its_size(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    repo = new_repo(tmp_path / "r")
    root = Path(repo.working_dir)
    (root / "blueprints" / "tenants" / "huge.yaml").write_bytes(b"# " + b"x" * (3 << 20) + b"\n")
    big = commit_all(repo, "a huge blueprint")
    streamed: list[str] = []
    original = repo.odb.__class__.stream

    def stream(self: object, sha: bytes) -> object:
        streamed.append(sha.hex())
        return original(self, sha)  # type: ignore[arg-type]

    monkeypatch.setattr(repo.odb.__class__, "stream", stream)
    huge = repo.git.rev_parse(f"{big}:blueprints/tenants/huge.yaml")
    capsys.readouterr()
    assert run(["diff", "--repo", str(root), "--base", big, "--head", big]) == 2
    err = capsys.readouterr().err
    assert "blueprints/tenants/huge.yaml" in err and "larger than 1,048,576 bytes" in err
    assert huge not in streamed  # refused by the size git records, never read


@pytest.mark.parametrize("ref", ["HEAD@{yesterday}", "HEAD:gitops.yaml", "HEAD^{tree}", "HEAD@{99999}"])
def test_any_revision_spelling_is_compared_or_refused_never_a_crash(tmp_path: Path, ref: str,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    repo = new_repo(tmp_path / "r")
    code = run(["diff", "--repo", str(repo.working_dir), "--base", ref, "-o", "json"])
    err = capsys.readouterr().err
    assert code in (0, 2), err
    assert "internal error" not in err
    if code == 2:
        assert f"unknown revision {ref!r}" in err


def test_an_older_commit_in_a_shallow_clone_says_to_fetch_the_history(tmp_path: Path,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    upstream = new_repo(tmp_path / "upstream")
    (Path(upstream.working_dir) / "README.md").write_text("second commit\n")
    commit_all(upstream, "second")
    clone = tmp_path / "clone"
    git.Repo.clone_from(f"file://{upstream.working_dir}", clone, depth=1)
    assert run(["diff", "--repo", str(clone), "--base", "HEAD~1"]) == 2
    err = capsys.readouterr().err
    assert "unknown revision 'HEAD~1'" in err and "shallow" in err
