"""Chart defaults in the provenance chain: the chart's values.yaml is the lowest layer of an add-on's values."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gitops_gen.blueprint.load import load_repo
from gitops_gen.blueprint.provenance import CHART, CLUSTER, STACK, Provenance
from gitops_gen.charts import cache
from gitops_gen.charts.defaults import chart_defaults
from gitops_gen.charts.lock import LOCK_FILE, ChartKey, text_of
from gitops_gen.cli import run
from tests.charts.chartkit import pack, write_chart, write_repo

URL = "https://charts.example.test"


def fleet(tmp_path: Path) -> Path:
    data = pack(write_chart(tmp_path / "src", "web", "1.0.0", values={"replicas": 1, "image": "nginx:1.27"}))
    cache.store(data)
    root = write_repo(tmp_path / "repo", [{"name": "web", "namespace": "web",
                                           "chart": {"repoURL": URL, "name": "web", "version": "1.0.0"},
                                           "values": {"replicas": 2}}],
                      envs={"dev": {"kubernetesVersion": "1.31", "clusters": [
                          {"name": "dev-a", "server": "https://dev-a.test",
                           "overrides": {"addons": {"web": {"values": {"replicas": 3}}}}}]}})
    (root / LOCK_FILE).write_text(text_of({ChartKey(URL, "web", "1.0.0"): cache.digest_of(data)}))
    return root


def test_the_chart_default_is_the_lowest_layer(tmp_path: Path) -> None:
    root = fleet(tmp_path)
    provenance = Provenance(load_repo(root), chart_defaults=chart_defaults(root))
    chain = provenance.chain("dev-a", "addon", "web", ("values", "replicas"))
    assert chain is not None
    assert [(x.layer, x.value) for x in chain.layers] == [(CHART, 1), (STACK, 2), (CLUSTER, 3)]
    chart = chain.layers[0].location
    assert chart.file == "web-1.0.0.tgz:web/values.yaml" and chart.line >= 1
    image = provenance.chain("dev-a", "addon", "web", ("values", "image"))
    assert image is not None and image.winner.layer == CHART and image.winner.value == "nginx:1.27"


def test_a_chart_not_in_the_cache_has_no_default_layer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = fleet(tmp_path)
    monkeypatch.setenv("GITOPS_GEN_CACHE_DIR", str(tmp_path / "empty"))
    chain = Provenance(load_repo(root), chart_defaults=chart_defaults(root)).chain(
        "dev-a", "addon", "web", ("values", "replicas"))
    assert chain is not None and [x.layer for x in chain.layers] == [STACK, CLUSTER]


def test_explain_shows_the_chart_default(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = fleet(tmp_path)
    capsys.readouterr()
    assert run(["explain", "--repo", str(root), "dev-a", "web", "spec.source.helm.valuesObject.replicas",
                "-o", "json"]) == 0
    (field,) = json.loads(capsys.readouterr().out)["objects"][0]["fields"]
    assert [x["layer"] for x in field["chain"]] == [CHART, STACK, CLUSTER]
