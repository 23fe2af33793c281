"""In-place blueprint edits: the smallest text change, comments and layout kept, the data exactly as asked."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from gitops_gen.base.errors import InputError
from gitops_gen.yamlio.reader import load_plain
from gitops_gen.yamlio.roundtrip import Edit, apply_edits, guess_indent, transplant
from tests.conftest import PROJECT

BLUEPRINTS = sorted(p for pattern in ("environments/*.yaml", "blueprints/*/*.yaml", "gitops.yaml",
                                      "tests/corpus/*/environments/*.yaml", "tests/corpus/*/blueprints/*/*.yaml",
                                      "tests/corpus/*/gitops.yaml")
                    for p in PROJECT.glob(pattern))

ENV = """\
apiVersion: gitops-gen/v1
kind: Environment
metadata: {name: prod}
spec:
  promotesFrom: stage   # after stage
  overrides:
    addons:
      cert-manager: {chart: {version: v1.15.0}}   # held back: the HSM issuer
      # ingress runs three replicas in production

      ingress-nginx: {values: {controller: {replicaCount: 3}}}
      kyverno:
        chart:
          version: 1.2.3   # pinned
        values: {admissionController: {replicas: 3}}
    # tenants follow
    tenants:
      payments: {tier: large}
"""
ADDONS = ("spec", "overrides", "addons")


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    old, new = before.splitlines(), after.splitlines()
    return [line for line in old if line not in new], [line for line in new if line not in old]


def test_setting_an_existing_value_changes_that_line_only() -> None:
    out = apply_edits(ENV, [Edit((*ADDONS, "kyverno", "chart", "version"), "1.3.0")])
    assert changed_lines(ENV, out) == (["          version: 1.2.3   # pinned"], ["          version: 1.3.0   # pinned"])


def test_a_new_key_joins_a_flow_mapping_on_its_line() -> None:
    out = apply_edits(ENV, [Edit((*ADDONS, "ingress-nginx", "chart", "version"), "4.12.0")])
    assert changed_lines(ENV, out) == (
        ["      ingress-nginx: {values: {controller: {replicaCount: 3}}}"],
        ["      ingress-nginx: {values: {controller: {replicaCount: 3}}, chart: {version: 4.12.0}}"])


def test_a_new_addon_override_is_one_flow_line_after_the_others() -> None:
    out = apply_edits(ENV, [Edit((*ADDONS, "loki", "values", "singleBinary", "replicas"), 3)])
    assert changed_lines(ENV, out) == ([], ["      loki: {values: {singleBinary: {replicas: 3}}}"])
    assert out.index("loki:") > out.index("kyverno:") and out.index("loki:") < out.index("# tenants follow")


def test_a_missing_overrides_section_is_created_in_block_style() -> None:
    text = "kind: Environment\nspec:\n  clusters:\n    - {name: a, server: https://a}\n  tenants: [a]   # all\n"
    out = apply_edits(text, [Edit((*ADDONS, "kyverno", "chart", "version"), "1.2.3")])
    assert out == text + "  overrides:\n    addons:\n      kyverno: {chart: {version: 1.2.3}}\n"


def test_removing_the_only_field_removes_the_emptied_override_but_not_the_comments_below_it() -> None:
    out = apply_edits(ENV, [Edit((*ADDONS, "cert-manager", "chart", "version"), remove=True, keep=1)])
    gone = "      cert-manager: {chart: {version: v1.15.0}}   # held back: the HSM issuer"
    assert changed_lines(ENV, out) == ([gone], [])
    assert "      # ingress runs three replicas in production\n\n      ingress-nginx" in out


def test_removing_the_last_override_removes_the_section_up_to_spec() -> None:
    text = "kind: Environment\nspec:\n  tenants: [a]\n  overrides:\n    addons:\n      x: {chart: {version: 1.0.0}}\n"
    out = apply_edits(text, [Edit((*ADDONS, "x", "chart", "version"), remove=True, keep=1)])
    assert out == "kind: Environment\nspec:\n  tenants: [a]\n"


def test_removing_a_block_field_keeps_its_siblings_and_their_comments() -> None:
    out = apply_edits(ENV, [Edit((*ADDONS, "kyverno", "chart", "version"), remove=True, keep=1)])
    assert changed_lines(ENV, out) == (["        chart:", "          version: 1.2.3   # pinned"], [])
    assert "      kyverno:\n        values: {admissionController: {replicas: 3}}\n    # tenants follow\n" in out


def test_quotes_and_untouched_lines_keep_their_form() -> None:
    text = 'spec:\n  a: "1.30"\n  b: \'x\'\n  c:  {d: 1}   # aligned\n  e: 1\n'
    out = apply_edits(text, [Edit(("spec", "e"), 2)])
    assert out == text.replace("e: 1", "e: 2")  # c's double space is ruamel's to lose, not ours


def test_an_edit_on_a_line_ruamel_would_reformat_still_gives_the_right_data() -> None:
    text = "spec:\n  c:  {d: 1}   # aligned\n"
    out = apply_edits(text, [Edit(("spec", "c", "d"), 2)])
    assert load_plain(out) == [{"spec": {"c": {"d": 2}}}]
    assert "# aligned" in out


def test_transplant_carries_only_the_edit_into_the_original() -> None:
    original = "a:  1\nb: 2\nc:  3\n"
    assert transplant(original, "a: 1\nb: 2\nc: 3\n", "a: 1\nb: 5\nc: 3\n") == "a:  1\nb: 5\nc:  3\n"
    assert transplant(original, "a: 1\nb: 2\nc: 3\n", "a: 1\nb: 2\nx: 0\nc: 3\n") == "a:  1\nb: 2\nx: 0\nc:  3\n"


@pytest.mark.parametrize("text, expected", [
    ("a:\n  b: 1\n", (2, 2, 0)),
    ("a:\n    b: 1\nc:\n- 1\n", (4, 2, 0)),
    ("spec:\n  clusters:\n    - {name: a}\n", (2, 4, 2)),
    ("a: 1\n", (2, 2, 0)),
])
def test_indentation_is_read_from_the_file(text: str, expected: tuple[int, int, int]) -> None:
    assert guess_indent(text) == expected


def test_not_a_mapping_is_an_input_error() -> None:
    with pytest.raises(InputError, match="not a YAML mapping"):
        apply_edits("- 1\n", [Edit(("a",), 1)], "x.yaml")
    with pytest.raises(InputError, match="cannot edit"):
        apply_edits("a: [1\n", [Edit(("a",), 1)], "x.yaml")


def _expected(data: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    node = out
    for key in path[:-1]:
        if not isinstance(node.get(key), dict):
            node[key] = {}
        node = node[key]
    node[path[-1]] = value
    return out


keys = st.sampled_from(["spec", "overrides", "addons", "cert-manager", "values", "chart", "version", "x-y"])
scalars = st.one_of(st.integers(-5, 5), st.booleans(), st.none(),
                    st.sampled_from(["1.30", "v1.2.3", "yes", "a b", "#x", "", "{env}", "3d", "on"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
    st.sampled_from(["a", "b", "c"]), inner, max_size=3), max_leaves=6)


# each example re-parses a whole blueprint twice: few examples, and no shrinking (the inputs are small already)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(st.sampled_from(BLUEPRINTS), st.lists(keys, min_size=1, max_size=4), values)
def test_set_then_remove_gives_the_data_asked_for_and_the_file_back(path: Path, tail: list[str], value: Any) -> None:
    text = path.read_text()
    data = load_plain(text)[0]
    target = ("spec", "zz-new", *tail)  # a key no blueprint has: removing it must restore the file
    out = apply_edits(text, [Edit(target, value)])
    assert load_plain(out)[0] == _expected(data, target, value)
    assert [line for line in text.splitlines() if line.lstrip().startswith("#")] == \
        [line for line in out.splitlines() if line.lstrip().startswith("#")]
    assert apply_edits(out, [Edit(target, remove=True, keep=1)]) == text
