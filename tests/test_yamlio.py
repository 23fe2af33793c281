"""The YAML emitter: whatever JSON data goes in comes back equal through both YAML 1.1 and 1.2 readers."""

from __future__ import annotations

from typing import Any

import yaml as pyyaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from gitops_gen.yamlio.emit import dump_document
from gitops_gen.yamlio.reader import load_plain

# kubectl (and our reader) read integers past 64 bits as floats, so the round trip holds for int64 only
INT64 = st.integers(min_value=-(2**63), max_value=2**63 - 1)
scalars = st.one_of(st.none(), st.booleans(), INT64, st.floats(allow_nan=False, allow_infinity=False),
                    st.text(), st.sampled_from(["yes", "no", "on", "off", "y", "n", "~", "null", "1e3", "0x1F",
                                                "2024-01-01", "1:20", "-1", "+1", ".5", "128Gi", "500m", "a: b",
                                                "a #b", "- x", "*x", "&x", "!x", "%x", "@x", "`x", "'x'", '"x"',
                                                "{x}", "[x]", "x\ny", " x", "x ", "", "\t", "\u2028", "\x85"]))
data = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(st.text(), inner, max_size=4)), max_leaves=25)


def _ruamel(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


@settings(max_examples=200, deadline=None)
@given(data)
@example({"A\n": None})  # regressions the search found: `$` matches before a final newline,
@example({"\x7f": "\u2028"})  # C1 controls and line separators must be escaped inside quotes,
@example([1e-05, 1e16])  # and YAML 1.1 reads 1e-05 (no dot) as a string
def test_round_trip_through_yaml_1_1_and_1_2(value: Any) -> None:
    text = dump_document(value)  # keys too: a key ending in a newline once slipped through `$`
    assert pyyaml.safe_load(text) == value
    assert _ruamel(text) == value
    assert load_plain(text) == [value]


def test_kubernetes_shapes_read_well() -> None:
    doc = {"kind": "ResourceQuota", "apiVersion": "v1", "metadata": {"name": "q", "labels": {"a/b": "true"}},
           "spec": {"hard": {"cpu": "4", "memory": "8Gi", "pods": "40"}}, "data": {"x": "l1\nl2"}}
    assert dump_document(doc).splitlines() == [
        "apiVersion: v1", "kind: ResourceQuota", "metadata:", "  name: q", "  labels:", '    a/b: "true"',
        "data:", '  x: "l1\\nl2"', "spec:", "  hard:", '    cpu: "4"', "    memory: 8Gi", '    pods: "40"']
