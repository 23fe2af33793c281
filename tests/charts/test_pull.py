"""``charts pull``: Helm repositories and OCI registries on loopback, the content-addressed cache, the lock."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from gitops_gen.charts import cache, lock
from gitops_gen.cli import run
from tests.charts.chartkit import pack, publish, push_oci, serve, write_chart, write_repo


def _addon(url: str, name: str = "web", version: str = "1.0.0", **extra: object) -> dict[str, object]:
    return {"name": name, "namespace": name, "chart": {"repoURL": url, "name": name, "version": version}, **extra}


def test_pull_fetches_each_chart_once_and_locks_its_digest(tmp_path: Path, chart_cache: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    publish(site, write_chart(tmp_path / "src", "web", "1.0.0"))
    with serve(site) as url:
        repo = write_repo(tmp_path / "repo", [_addon(url)])
        assert run(["charts", "pull", "--repo", str(repo)]) == 0
        assert "fetched: web 1.0.0" in capsys.readouterr().out
        digest = "sha256:" + hashlib.sha256((site / "web-1.0.0.tgz").read_bytes()).hexdigest()
        assert lock.read(repo).digests == {lock.ChartKey(url, "web", "1.0.0"): digest}
        assert cache.path_of(digest).read_bytes() == (site / "web-1.0.0.tgz").read_bytes()
        assert str(chart_cache) in str(cache.path_of(digest))
        (site / "web-1.0.0.tgz").unlink()  # a second pull needs no network for a cached, locked chart
        assert run(["charts", "pull", "--repo", str(repo)]) == 0
        assert "cached: web 1.0.0" in capsys.readouterr().out


def test_a_changed_archive_is_refused_naming_both_digests_unless_relock(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    publish(site, write_chart(tmp_path / "src", "web", "1.0.0"))
    with serve(site) as url:
        repo = write_repo(tmp_path / "repo", [_addon(url)])
        assert run(["charts", "pull", "--repo", str(repo)]) == 0
        old = next(iter(lock.read(repo).digests.values()))
        cache.path_of(old).unlink()
        publish(site, write_chart(tmp_path / "src", "web", "1.0.0", values={"replicas": 9, "image": "evil:1"}))
        capsys.readouterr()
        assert run(["charts", "pull", "--repo", str(repo)]) == 2
        err = capsys.readouterr().err
        new = "sha256:" + hashlib.sha256((site / "web-1.0.0.tgz").read_bytes()).hexdigest()
        assert old in err and new in err and "--relock" in err
        assert run(["charts", "pull", "--repo", str(repo), "--relock"]) == 0
        assert next(iter(lock.read(repo).digests.values())) == new


def test_a_tampered_cache_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    publish(site, write_chart(tmp_path / "src", "web", "1.0.0"))
    with serve(site) as url:
        repo = write_repo(tmp_path / "repo", [_addon(url)])
        assert run(["charts", "pull", "--repo", str(repo)]) == 0
        digest = next(iter(lock.read(repo).digests.values()))
        cache.path_of(digest).write_bytes(b"tampered")
        capsys.readouterr()
        assert run(["charts", "pull", "--repo", str(repo)]) == 2
        err = capsys.readouterr().err
        assert digest in err and cache.digest_of(b"tampered") in err


def test_an_archive_the_index_contradicts_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    publish(site, write_chart(tmp_path / "src", "web", "1.0.0"))
    (site / "web-1.0.0.tgz").write_bytes(pack(write_chart(tmp_path / "other", "web", "1.0.0",
                                                          values={"replicas": 5, "image": "x"})))
    with serve(site) as url:
        repo = write_repo(tmp_path / "repo", [_addon(url)])
        assert run(["charts", "pull", "--repo", str(repo)]) == 2
        assert "its index says" in capsys.readouterr().err
        assert not (repo / "charts.lock").exists()


@pytest.mark.parametrize(("content", "expected"), [
    (None, "answered 404"),
    (b"\x00\x01 not yaml: [", "is not a Helm repository index"),
    (b"apiVersion: v1\nentries: {}\n", "has no chart named 'web'"),
])
def test_a_repository_that_answers_404_or_garbage_is_a_located_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None, expected: str) -> None:
    site = tmp_path / "site"
    site.mkdir()
    if content is not None:
        (site / "index.yaml").write_bytes(content)
    with serve(site) as url:
        repo = write_repo(tmp_path / "repo", [_addon(url)])
        code = run(["charts", "pull", "--repo", str(repo)])
        err = capsys.readouterr().err
        assert code in (2, 3) and expected in err and "Traceback" not in err
        assert "web 1.0.0" in err


def test_an_archive_that_is_no_chart_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "site"
    publish(site, write_chart(tmp_path / "src", "web", "1.0.0"))
    (site / "web-1.0.0.tgz").write_bytes(b"not a tarball")
    index = (site / "index.yaml").read_text()  # the index now lists the garbage with its real digest
    old = index.split("digest: ")[1].split()[0]
    (site / "index.yaml").write_text(index.replace(old, hashlib.sha256(b"not a tarball").hexdigest()))
    with serve(site) as url:
        repo = write_repo(tmp_path / "repo", [_addon(url)])
        assert run(["charts", "pull", "--repo", str(repo)]) == 2
        err = capsys.readouterr().err
        assert "not a chart archive" in err and "platform.yaml" in err


@pytest.mark.tools
def test_pull_from_an_oci_registry(tmp_path: Path, oci_registry: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = pack(write_chart(tmp_path / "src", "web", "2.0.0"))
    push_oci(oci_registry, "charts/web", data, "2.0.0")
    url = "oci://" + oci_registry.removeprefix("http://") + "/charts"
    repo = write_repo(tmp_path / "repo", [_addon(url, version="2.0.0")])
    assert run(["charts", "pull", "--repo", str(repo)]) == 0
    assert lock.read(repo).digests == {lock.ChartKey(url, "web", "2.0.0"): cache.digest_of(data)}
    missing = write_repo(tmp_path / "repo2", [_addon(url, version="9.9.9")])
    capsys.readouterr()
    assert run(["charts", "pull", "--repo", str(missing)]) == 3
    assert "answered 404" in capsys.readouterr().err


def test_a_chart_no_environment_runs_leaves_the_lock(tmp_path: Path) -> None:
    site = tmp_path / "site"
    publish(site, write_chart(tmp_path / "src", "web", "1.0.0"), write_chart(tmp_path / "src", "api", "1.0.0"))
    with serve(site) as url:
        repo = write_repo(tmp_path / "repo", [_addon(url), _addon(url, name="api")])
        assert run(["charts", "pull", "--repo", str(repo)]) == 0
        assert len(lock.read(repo).digests) == 2
        write_repo(repo, [_addon(url)])
        assert run(["charts", "pull", "--repo", str(repo), "--env", "dev"]) == 0
        assert len(lock.read(repo).digests) == 2  # one environment pulled: the others' entries stay
        assert run(["charts", "pull", "--repo", str(repo)]) == 0
        assert set(lock.read(repo).digests) == {lock.ChartKey(url, "web", "1.0.0")}


def test_an_oci_chart_renders_as_argo_cd_reads_oci_helm_sources(tmp_path: Path) -> None:
    import yaml

    repo = write_repo(tmp_path / "repo", [_addon("oci://registry.example.test/charts", version="2.0.0")])
    assert run(["render", "--repo", str(repo)]) == 0
    app = yaml.safe_load((repo / "rendered" / "clusters" / "dev-a" / "application_dev-a-web.yaml").read_text())
    assert app["spec"]["source"]["repoURL"] == "registry.example.test/charts"  # no scheme: Argo CD's OCI form
    assert app["spec"]["source"]["chart"] == "web"
    project = yaml.safe_load((repo / "rendered" / "clusters" / "dev-a" / "appproject_dev-a-platform.yaml").read_text())
    assert "registry.example.test/charts" in project["spec"]["sourceRepos"]
    assert run(["validate", "--repo", str(repo)]) in (0, 1)
