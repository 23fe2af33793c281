"""``--live-from``: one dump per cluster, CLUSTER=PATH, and one file holding several clusters."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from drift_support import serverize

from gitops_gen.cli import run
from gitops_gen.yamlio.emit import dump_document
from tests.conftest import copy_example

CLUSTERS = ("prod-eu1", "prod-us1")


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_example(tmp_path_factory.mktemp("sources") / "repo")


@pytest.fixture(scope="module")
def live(repo: Path) -> dict[str, list[dict[str, Any]]]:
    """Each prod cluster's render as the API server would return it (in sync)."""
    from gitops_gen.blueprint.load import load_repo
    from gitops_gen.render import render

    rendering = render(load_repo(repo), ["prod"])
    return {c: [serverize(dict(m.body), i) for i, m in enumerate(rendering.desired[c])] for c in CLUSTERS}


def _yaml(objects: list[dict[str, Any]]) -> str:
    return "".join("---\n" + dump_document(o) for o in objects)


def drift(capsys: pytest.CaptureFixture[str], repo: Path, *args: str) -> tuple[int, dict[str, Any] | None, str]:
    code = run(["drift", "--repo", str(repo), "--env", "prod", *args, "-o", "json"])
    out, err = capsys.readouterr()
    return code, json.loads(out) if out else None, err


def _per_cluster(data: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    return {c["name"]: (c["summary"]["in_sync"], c["summary"]["missing"], c["summary"]["extra"])
            for c in data["clusters"]}


def test_one_file_marked_per_cluster_is_read_per_cluster(
    capsys: pytest.CaptureFixture[str], repo: Path, live: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    # What `for c in ...; do echo "--- # cluster: $c"; kubectl --context $c get ... -o yaml; done` gives.
    text = "".join(f"--- # cluster: {c}\n" + dump_document({"apiVersion": "v1", "kind": "List", "items": live[c]})
                   for c in CLUSTERS)
    dump = tmp_path / "prod.yaml"
    dump.write_text(text)
    code, data, err = drift(capsys, repo, "--live-from", str(dump))
    assert (code, err) == (0, "")
    assert data is not None
    assert _per_cluster(data) == {c: (len(live[c]), 0, 0) for c in CLUSTERS}
    assert [c["dump"] for c in data["clusters"]] == [f"{dump} (# cluster: {c})" for c in CLUSTERS]


def test_one_unmarked_file_for_two_clusters_is_refused_not_reported_missing(
    capsys: pytest.CaptureFixture[str], repo: Path, live: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    dump = tmp_path / "prod.yaml"
    dump.write_text(_yaml(live["prod-eu1"] + live["prod-us1"]))
    code, data, err = drift(capsys, repo, "--live-from", str(dump))
    assert (code, data) == (2, None)
    assert err == (f"{dump}: one dump for 2 clusters (prod-eu1, prod-us1) that does not say which objects are "
                   "whose: start each cluster's part with a `# cluster: NAME` line (or `--- # cluster: NAME`), "
                   "or give --live-from CLUSTER=PATH for each\n")


def test_cluster_equals_path_repeatable(
    capsys: pytest.CaptureFixture[str], repo: Path, live: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    for c in CLUSTERS:
        (tmp_path / f"dump-{c}.json").write_text(json.dumps({"apiVersion": "v1", "kind": "List", "items": live[c]}))
    args = [a for c in CLUSTERS for a in ("--live-from", f"{c}={tmp_path / f'dump-{c}.json'}")]
    code, data, _ = drift(capsys, repo, *args)
    assert code == 0 and data is not None
    assert _per_cluster(data) == {c: (len(live[c]), 0, 0) for c in CLUSTERS}


@pytest.mark.parametrize(("make", "message"), [
    (lambda d: ["--live-from", f"prod-eu1={d / 'eu1.yaml'}"],
     "gitops-gen: --live-from: no dump for cluster prod-us1: give --live-from prod-us1=PATH (or a plain "
     "--live-from PATH for the others)"),
    (lambda d: ["--live-from", f"prod-eu9={d / 'eu1.yaml'}"],
     "gitops-gen: --live-from prod-eu9=...: no cluster prod-eu9 in this run (clusters: prod-eu1, prod-us1)"),
    (lambda d: ["--live-from", str(d / "marked.yaml")],
     "{d}/marked.yaml: no `# cluster: prod-us1` part (it has: prod-eu1)"),
    (lambda d: ["--live-from", str(d / "early.yaml")],
     "{d}/early.yaml:2: objects before the first `# cluster: NAME` line: say which cluster they are from"),
])
def test_dumps_that_do_not_cover_the_clusters_are_exit_2(
    capsys: pytest.CaptureFixture[str], repo: Path, live: dict[str, list[dict[str, Any]]], tmp_path: Path,
    make: Any, message: str,
) -> None:
    (tmp_path / "eu1.yaml").write_text(_yaml(live["prod-eu1"]))
    (tmp_path / "marked.yaml").write_text("# cluster: prod-eu1\n" + _yaml(live["prod-eu1"]))
    (tmp_path / "early.yaml").write_text(_yaml(live["prod-eu1"][:1]) + "--- # cluster: prod-eu1\n"
                                         + "--- # cluster: prod-us1\n" + _yaml(live["prod-us1"]))
    code, data, err = drift(capsys, repo, *make(tmp_path))
    assert (code, data) == (2, None)
    assert err == message.format(d=tmp_path) + "\n"
