"""`explain` and the provenance map: every layer names its own file and line, and the right one wins.

The repository is written here (not the example), one value set in each layer, so every line
number the tests expect is found in the text they wrote.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import reduce
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gitops_gen.base.errors import Location
from gitops_gen.base.redact import is_secret
from gitops_gen.blueprint.load import load_repo
from gitops_gen.blueprint.model import Written
from gitops_gen.blueprint.overrides import deep_merge
from gitops_gen.blueprint.provenance import CLUSTER, ENVIRONMENT, STACK, TENANT, TIER, Provenance, _layered
from gitops_gen.cli import run
from gitops_gen.diff.fields import leaves
from gitops_gen.explain import explain
from gitops_gen.render import render
from gitops_gen.render.origins import chain_of

SETTINGS = """apiVersion: gitops-gen/v1
kind: Settings
spec:
  repoURL: https://git.example.org/ops/fleet.git
  targetRevision: main
  tiers:
    small: {cpu: "2", memory: 4Gi, pods: 20}
    medium: {cpu: "8", memory: 16Gi, pods: 80}
    large: {cpu: "32", memory: 64Gi, pods: 300}
"""
STACK_FILE = """apiVersion: gitops-gen/v1
kind: AddonStack
metadata: {name: base}
spec:
  addons:
    - name: web
      namespace: web
      chart: {repoURL: https://charts.example.org, name: web, version: 2.0.0}
      values:
        onlyStack: s
        envWins: s
        clusterWins: s
        hosts: [a.example.org, b.example.org]
"""
TENANT_FILE = """apiVersion: gitops-gen/v1
kind: Tenant
metadata: {name: shop}
spec:
  owners: [shop-admins]
  viewers: [shop-readers]
  tier: small
  labels: {cost-center: cc-77}
"""
ENV_FILE = """apiVersion: gitops-gen/v1
kind: Environment
metadata: {name: live}
spec:
  kubernetesVersion: "1.31"
  clusters:
    - name: live-a
      server: https://a.example.org
      overrides:
        addons:
          web: {values: {clusterWins: c, hosts: [c.example.org]}}
        tenants:
          shop: {tier: large}
    - name: live-b
      server: https://b.example.org
  addonStacks: [base]
  tenants: [shop]
  overrides:
    addons:
      web: {values: {envWins: e, clusterWins: e}, chart: {version: 2.1.0}}
    tenants:
      shop: {tier: medium}
"""
FILES = {"gitops.yaml": SETTINGS, "blueprints/addons/base.yaml": STACK_FILE,
         "blueprints/tenants/shop.yaml": TENANT_FILE, "environments/live.yaml": ENV_FILE}


@pytest.fixture
def fleet(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def line_of(file: str, needle: str, nth: int = 0) -> int:
    lines = [i for i, line in enumerate(FILES[file].splitlines(), 1) if needle in line]
    return lines[nth]


def where(layer: Any) -> tuple[str, str, int]:
    return layer.layer, layer.location.file, layer.location.line


def field(fleet: Path, cluster: str, app: str, path: str, obj: str = "") -> Any:
    repo = load_repo(fleet)
    objects = render(repo).desired[cluster]
    (found,) = explain(Provenance(repo), objects, cluster, app, obj, path)
    (one,) = found.fields
    return one


VALUES = "spec.source.helm.valuesObject"
STACK_PATH, ENV_PATH = "blueprints/addons/base.yaml", "environments/live.yaml"


def test_a_value_set_in_each_layer_names_its_file_and_line(fleet: Path) -> None:
    only = field(fleet, "live-a", "web", f"{VALUES}.onlyStack")
    assert [where(x) for x in only.chain.layers] == [(STACK, STACK_PATH, line_of(STACK_PATH, "onlyStack"))]
    env = field(fleet, "live-b", "web", f"{VALUES}.envWins")
    assert [where(x) for x in env.chain.layers] == [(STACK, STACK_PATH, line_of(STACK_PATH, "envWins")),
                                                    (ENVIRONMENT, ENV_PATH, line_of(ENV_PATH, "envWins"))]
    assert env.value == "e" and env.chain.winner.value == "e"
    version = field(fleet, "live-a", "web", "spec.source.targetRevision")
    assert [where(x) for x in version.chain.layers] == [(STACK, STACK_PATH, line_of(STACK_PATH, "version: 2.0.0")),
                                                        (ENVIRONMENT, ENV_PATH, line_of(ENV_PATH, "2.1.0"))]


def test_a_cluster_override_beats_the_environment_override(fleet: Path) -> None:
    won = field(fleet, "live-a", "web", f"{VALUES}.clusterWins")
    assert won.value == "c"
    assert [where(x) for x in won.chain.layers] == [
        (STACK, STACK_PATH, line_of(STACK_PATH, "clusterWins")),
        (ENVIRONMENT, ENV_PATH, line_of(ENV_PATH, "clusterWins: e")),
        (CLUSTER, ENV_PATH, line_of(ENV_PATH, "clusterWins: c"))]
    assert won.chain.winner.layer == CLUSTER and won.chain.winner.field.startswith("spec.clusters[name=live-a]")
    other = field(fleet, "live-b", "web", f"{VALUES}.clusterWins")  # no cluster override there
    assert other.value == "e" and other.chain.winner.layer == ENVIRONMENT


def test_a_replaced_list_item_names_the_layer_that_replaced_it(fleet: Path) -> None:
    item = field(fleet, "live-a", "web", f"{VALUES}.hosts[0]")
    assert item.value == "c.example.org"
    assert [where(x) for x in item.chain.layers] == [(STACK, STACK_PATH, line_of(STACK_PATH, "hosts")),
                                                     (CLUSTER, ENV_PATH, line_of(ENV_PATH, "hosts"))]
    second = field(fleet, "live-b", "web", f"{VALUES}.hosts[1]")
    assert second.value == "b.example.org" and second.chain.winner.layer == STACK


def test_a_quota_names_the_tier_and_every_layer_that_chose_it(fleet: Path) -> None:
    quota = 'spec.hard["limits.cpu"]'
    a = field(fleet, "live-a", "shop-namespaces", quota, "ResourceQuota/shop/tenant-quota")
    assert a.value == "32"
    assert [where(x) for x in a.chain.layers] == [
        (TENANT, "blueprints/tenants/shop.yaml", line_of("blueprints/tenants/shop.yaml", "tier: small")),
        (ENVIRONMENT, ENV_PATH, line_of(ENV_PATH, "tier: medium")),
        (CLUSTER, ENV_PATH, line_of(ENV_PATH, "tier: large")),
        (TIER, "gitops.yaml", line_of("gitops.yaml", "large:"))]
    b = field(fleet, "live-b", "shop-namespaces", quota, "ResourceQuota/shop/tenant-quota")
    assert b.value == "8" and b.chain.layers[-2].layer == ENVIRONMENT and b.chain.winner.value == "8"


def test_groups_and_labels_point_at_the_tenant_blueprint(fleet: Path) -> None:
    owners = field(fleet, "live-a", "shop-namespaces", "subjects[0].name", "RoleBinding/shop/tenant-owners")
    assert owners.value == "shop-admins"
    assert where(owners.chain.winner) == (TENANT, "blueprints/tenants/shop.yaml",
                                          line_of("blueprints/tenants/shop.yaml", "owners"))
    label = field(fleet, "live-a", "shop-namespaces", 'metadata.labels["cost-center"]', "Namespace/shop")
    assert label.chain.winner.value == "cc-77"


def test_fields_gitops_gen_sets_itself_have_no_chain(fleet: Path) -> None:
    assert field(fleet, "live-a", "web", "spec.project").chain is None
    assert field(fleet, "live-a", "web", "metadata.labels[\"app.kubernetes.io/managed-by\"]").chain is None


def test_every_rendered_field_of_the_fleet_is_explained_without_error(fleet: Path) -> None:
    repo = load_repo(fleet)
    provenance = Provenance(repo)
    for cluster, objects in render(repo).desired.items():
        for m in objects:
            for path, value in leaves(m.body):
                chain = chain_of(provenance, cluster, m.body, path)
                if chain is not None and not is_secret(m.ref):
                    assert chain.winner.value == value or str(chain.winner.value) == str(value) \
                        or isinstance(chain.winner.value, list), (m.ref, path)


def test_the_command_prints_the_chain_and_json(fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["explain", "--repo", str(fleet), "live-a", "web", f"{VALUES}.clusterWins"]) == 0
    out = capsys.readouterr().out
    assert "wins cluster override" in out and f"{ENV_PATH}:{line_of(ENV_PATH, 'clusterWins: c')}:" in out
    assert run(["explain", "--repo", str(fleet), "live-a", "live-a-web", "-o", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    fields = {f["path"]: f for f in doc["objects"][0]["fields"]}
    assert fields["spec.source.targetRevision"]["winner"]["line"] == line_of(ENV_PATH, "2.1.0")
    assert fields["spec.project"]["origin"] == "gitops-gen"


@pytest.mark.parametrize("args, message", [
    (["live-z", "web"], "unknown cluster 'live-z'"),
    (["live-a", "wbe"], "did you mean 'web'?"),
    (["live-a", "web", "Deployment/x"], "deploys no 'Deployment/x'"),
    (["live-a", "web", "-", "spec..x"], "is not a field path"),
])
def test_unknown_names_are_input_errors(fleet: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                                        message: str) -> None:
    assert run(["explain", "--repo", str(fleet), *args]) == 2
    assert message in capsys.readouterr().err


# -- the provenance chains agree with the merge itself --------------------------------------------------------

KEYS = st.sampled_from("abc")
VALUE = st.one_of(st.integers(0, 3), st.lists(st.integers(0, 3), max_size=2))
TREE = st.recursive(VALUE, lambda inner: st.dictionaries(KEYS, inner, max_size=3), max_leaves=8)
LAYER = st.dictionaries(KEYS, TREE, max_size=3)


def merged_leaves(value: Mapping[str, Any], key: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    out: dict[tuple[str, ...], Any] = {}
    for name, item in value.items():
        if isinstance(item, Mapping) and item:
            out.update(merged_leaves(item, (*key, name)))
        else:
            out[(*key, name)] = item
    return out


@given(st.lists(LAYER, min_size=1, max_size=4))
def test_the_last_layer_of_each_chain_is_what_deep_merge_keeps(layers: list[dict[str, Any]]) -> None:
    result = reduce(deep_merge, layers[1:], deep_merge(layers[0], {}))
    chains = _layered([(f"layer{i}", "", Written(layer, {}, Location("x")), ()) for i, layer in enumerate(layers)])
    assert {k: v[-1].layer.value for k, v in chains.items()} == merged_leaves(result)


def manifests_addon(fleet: Path, name: str, manifest: str) -> Path:
    """Add a plain-manifests add-on holding one v1 object (``manifest``: its lines after apiVersion)."""
    stack = fleet / STACK_PATH
    stack.write_text(stack.read_text() + f"    - name: {name}\n      namespace: {name}\n      manifests:\n"
                     "        - apiVersion: v1\n" + manifest)
    return stack


def test_a_finding_on_a_field_a_blueprint_wrote_points_at_that_line(fleet: Path,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    stack = manifests_addon(fleet, "knobs", """          kind: ConfigMap
          metadata: {name: knobs}
          data:
            level: info
            retries: 3
""")
    capsys.readouterr()
    run(["validate", "--repo", str(fleet), "-o", "json"])
    findings = [f for f in json.loads(capsys.readouterr().out)["findings"] if f["object"]["name"] == "knobs"]
    assert findings and {f["path"] for f in findings} == {"data.retries"}
    line = stack.read_text().splitlines().index("            retries: 3") + 1
    assert {f["source"] for f in findings} == {f"{STACK_PATH}:{line}:22"}


def test_chart_defaults_join_the_chain_as_the_lowest_layer(fleet: Path) -> None:
    """The hook charts (issue 16) plug into: the chart's values.yaml under the stack's values."""
    from gitops_gen.blueprint.provenance import CHART

    values = Location("charts/web/values.yaml")
    defaults = Written({"values": {"onlyStack": "chart", "fromChart": 1}},
                       {("values", "onlyStack"): Location(values.file, 2, 12), ("values", "fromChart"): Location(
                           values.file, 3, 12)}, values)
    provenance = Provenance(load_repo(fleet), chart_defaults=lambda plan, addon: defaults if addon.chart else None)
    stacked = provenance.chain("live-a", "addon", "web", ("values", "onlyStack"))
    assert stacked is not None and [x.layer for x in stacked.layers] == [CHART, STACK]
    assert stacked.layers[0].location == Location(values.file, 2, 12)
    own = provenance.chain("live-a", "addon", "web", ("values", "fromChart"))
    assert own is not None and own.winner.layer == CHART and own.winner.value == 1


def test_a_secret_s_values_never_show(fleet: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stack = manifests_addon(fleet, "creds", """          kind: Secret
          metadata: {name: db}
          stringData: {password: hunter2}
""")
    capsys.readouterr()
    assert run(["explain", "--repo", str(fleet), "live-a", "creds", "Secret/creds/db", "-o", "json"]) == 0
    out = capsys.readouterr().out
    assert "hunter2" not in out
    fields = {f["path"]: f for f in json.loads(out)["objects"][0]["fields"]}
    assert fields["stringData.password"]["value"] == "<redacted>"
    assert fields["stringData.password"]["winner"]["line"] == stack.read_text().splitlines().index(
        "          stringData: {password: hunter2}") + 1
