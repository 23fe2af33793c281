"""The one YAML reader: kubectl's YAML 1.1, positions, and every refusal located (gitops_gen.yamlio.reader)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_gen.base.errors import show
from gitops_gen.yamlio.emit import dump_document
from gitops_gen.yamlio.reader import (
    ALIAS_BUDGET,
    LocDict,
    LocList,
    YamlError,
    load_documents,
    load_json,
    load_plain,
    load_positioned,
)

KUBECTL_READS = [  # plain scalar -> what sigs.k8s.io/yaml (go-yaml v2) hands to the API server
    ("yes", True), ("on", True), ("ON", True), ("y", True), ("no", False), ("off", False), ("N", False),
    ("true", True), ("False", False), ("~", None), ("null", None), ("", None),
    ("=", "="), ("2024-01-01", "2024-01-01"), ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
    ("1:20", "1:20"), ("12", 12), ("-3", -3), ("+7", 7), ("0x1F", 31), ("0o17", 15), ("017", 15),
    ("0b101", 5), ("1_000", 1000), ("1e3", 1000.0), ("1.5", 1.5), (".5", 0.5), ("08", 8.0),
    ("9223372036854775807", 9223372036854775807), ("18446744073709551616", 1.8446744073709552e19),
    ("1e999", "1e999"), ("0x", "0x"), ("128Mi", "128Mi"), ("500m", "500m"), ("v1.2", "v1.2"),
    ("<<", "<<"), ("Yes please", "Yes please"),
]


@pytest.mark.parametrize(("text", "value"), KUBECTL_READS)
def test_scalars_read_as_kubectl_reads_them(text: str, value: Any) -> None:
    assert load_plain(f"a: {text}\n") == [{"a": value}]
    assert load_positioned(f"a: {text}\n", "f")[0]["a"] == value  # blueprints mean the same


@pytest.mark.parametrize(("text", "value"), [("'yes'", "yes"), ('"12"', "12"), ("!!str 12", "12"),
                                             ("!!int '12'", 12), ("!!float 1", 1.0), ("!!bool yes", True),
                                             ("!!null ''", None), ("! 12", "12"), ("|\n  x\n", "x\n")])
def test_quoted_and_tagged_scalars(text: str, value: Any) -> None:
    assert load_plain(f"a: {text}\n") == [{"a": value}]


def test_keys_are_json_keys_in_manifests_and_written_text_in_blueprints() -> None:
    text = "true: 1\n0x10: 2\n1.0: 3\nname: 4\n"
    assert load_plain(text) == [{"true": 1, "16": 2, "1": 3, "name": 4}]
    assert list(load_positioned(text, "f")[0]) == ["true", "0x10", "1.0", "name"]


REFUSED = [  # (YAML, where, what the one line says) in every profile
    ("%YAML 1.2\n---\na: 1\n", "1:1", "%YAML 1.2"),
    ("%YAML 1.3\n---\na: 1\n", "1:1", "%YAML version"),
    ("a: !!omap [b: 1]\n", "1:4", "unsupported YAML tag '!!omap'"),
    ("a: !!python/object:os.system x\n", "1:4", "'!!python/object:os.system'"),
    ("a: !custom x\n", "1:4", "'!custom'"),
    ("a: !!binary aGk=\n", "1:4", "'!!binary'"),
    ("a: !!int abc\n", "1:4", "cannot read 'abc' as !!int"),
    ("? [a]\n: 1\n", "1:3", "a mapping key must be text, not a list"),
    ("{a: 1}: 2\n", "1:1", "a mapping key must be text, not a mapping"),
    ("kind: x\nspec: {? {a: 1} : b}\n", "2:10", "not a mapping"),
    ("a: \x01\n", "1:4", "character '\\x01' is not allowed"),
    ("a: .inf\n", "1:4", "no JSON form"),
    ("a: [1\n", "2:1", "invalid YAML"),
    ("\tkey: x\n", "1:1", "'\\t'"),
]


@pytest.mark.parametrize(("text", "where", "says"), REFUSED)
def test_refusals_are_one_located_line(text: str, where: str, says: str) -> None:
    for load in (lambda t: load_plain(t, "m.yaml"), lambda t: load_positioned(t, "m.yaml")):
        with pytest.raises(YamlError) as caught:
            load(text)
        assert str(caught.value).startswith(f"m.yaml:{where}: "), str(caught.value)
        assert says in caught.value.message and "\n" not in str(caught.value)


@pytest.mark.parametrize(("text", "where", "says"), [
    ("a: &x 1\nb: *x\n", "1:4", "anchors (&name) are not supported in blueprints"),
    ("a: &x 1\n", "1:4", "anchors (&name) are not supported in blueprints"),
    ("a: &x {b: 1}\n", "1:4", "anchors (&name) are not supported in blueprints"),
    ("a: *x\n", "1:4", "aliases (*name) are not supported in blueprints"),
    ("<<: {a: 1}\n", "1:1", "merge keys (<<) are not supported in blueprints"),
    ("!!int 1: x\n", "1:1", "a key cannot carry a tag ('!!int')"),
    ("a: 1\nb: 2\na: 3\n", "3:1", "duplicate key 'a' (first on line 1)"),
])
def test_blueprints_refuse_aliases_merges_tagged_keys_and_repeated_keys(text: str, where: str, says: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_positioned(text, "b.yaml")
    assert str(caught.value) == f"b.yaml:{where}: {says}" or (
        str(caught.value).startswith(f"b.yaml:{where}: ") and says in str(caught.value))


@pytest.mark.parametrize(("text", "where"), [("a: *nowhere\n", "1:4"), ("a: &a [*a]\n", "1:8")])
def test_an_alias_without_a_finished_anchor_is_refused(text: str, where: str) -> None:
    with pytest.raises(YamlError, match="refers to no anchor") as caught:
        load_plain(text, "m.yaml")
    assert str(caught.value).startswith(f"m.yaml:{where}: ")


def test_manifests_merge_keys_and_aliases_as_kubectl_does() -> None:
    text = "base: &b {x: 1, z: 2}\nm:\n  <<: *b\n  z: 3\nk: {<<: [{p: 1}, {p: 2, q: 2}]}\nl: *b\n"
    assert load_plain(text) == [{"base": {"x": 1, "z": 2}, "m": {"z": 3, "x": 1}, "k": {"p": 1, "q": 2},
                                 "l": {"x": 1, "z": 2}}]
    doc = load_plain(text)[0]
    doc["l"]["x"] = 9
    assert doc["base"]["x"] == 1  # an alias is a copy: nothing downstream shares it
    with pytest.raises(YamlError, match="<< merges a mapping"):
        load_plain("m: {<<: 1}\n")


def test_a_repeated_key_is_a_warning_by_default_and_an_error_when_strict() -> None:
    [doc] = load_documents("# top\na: 1\nb: 2\na: 3\n", "d.yaml")
    assert doc.value == {"b": 2, "a": 3} and doc.line == 2  # the last value wins, as in kubectl
    assert [str(d) for d in doc.duplicates] == ["d.yaml:4:1: duplicate key 'a'"]
    with pytest.raises(YamlError, match="duplicate key 'a'"):
        load_documents("a: 1\na: 3\n", "d.yaml", strict=True)


def test_every_node_has_its_position() -> None:
    doc = load_positioned("apiVersion: v1\nspec:\n  owners: [a, b]\n  apps:\n    - name: y\n      v: 1\n", "f")[0]
    assert isinstance(doc, LocDict) and isinstance(doc["spec"]["owners"], LocList)
    assert str(doc.loc) == "f:1:1" and str(doc.key_loc("spec")) == "f:2:1"
    assert str(doc["spec"].value_loc("owners")) == "f:3:11" and str(doc["spec"]["owners"].item_loc(1)) == "f:3:15"
    assert str(doc["spec"]["apps"].item_loc(0)) == "f:5:7" and str(doc["spec"]["apps"][0].value_loc("v")) == "f:6:10"


def test_documents_know_their_first_line() -> None:
    docs = load_documents("# c\n---\na: 1\n---\n\n# x\nb: 2\n---\n", "s")
    assert [(d.value, d.line) for d in docs] == [({"a": 1}, 3), ({"b": 2}, 7), (None, 9)]


BOMBS = {
    "flow-100k": "[" * 100_000,
    "mapping-100k": "{a: " * 100_000,
    "block-sequence-100k": "- " * 100_000 + "x\n",
    "indentation-1400": "".join(" " * i + "a:\n" for i in range(1400)),
    "billion-laughs": "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
        f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]\n" for i in range(1, 10)),
    "alias-deepens": "a: &a " + "[" * 150 + "]" * 150 + "\nb: " + "[" * 60 + "*a" + "]" * 60 + "\n",
}


@pytest.mark.parametrize("name", sorted(BOMBS))
def test_bombs_are_refused_with_their_location(name: str) -> None:
    """How fast: `make bench` (reader: refusal times); here only that the refusal is a located error."""
    with pytest.raises(YamlError) as caught:
        load_plain(BOMBS[name], "bomb.yaml")
    assert caught.value.location is not None and caught.value.location.line >= 1
    assert "deep" in caught.value.message or "aliases" in caught.value.message


def test_alias_budget_allows_ordinary_reuse() -> None:
    text = "x: &x {a: 1, b: [1, 2, 3]}\n" + "".join(f"k{i}: *x\n" for i in range(ALIAS_BUDGET // 10))
    assert len(load_plain(text)[0]) == ALIAS_BUDGET // 10 + 1


def test_document_count_is_bounded() -> None:
    with pytest.raises(YamlError, match="more than 100 YAML documents"):
        load_positioned("---\n" * 101, "many.yaml")


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"a": ' * 3000 + "1" + "}" * 3000])
def test_json_nested_beyond_the_limit_is_a_located_error(text: str) -> None:
    with pytest.raises(YamlError) as caught:
        load_json(text, "deep.json")
    assert str(caught.value).startswith("deep.json:1:") and "nested" in caught.value.message


def test_json_within_the_limit_reads_fast_and_equal() -> None:
    assert load_json('{"a": [1, 2.5, "x", null, true]}') == {"a": [1, 2.5, "x", None, True]}


def test_show_makes_any_value_safe_for_one_line() -> None:
    assert show("a\nb\x1b[31m") == "'a\\nb\\x1b[31m'"
    assert show("x" * 1_000_000).endswith("... (999,920 more characters)") and len(show("x" * 1_000_000)) < 140
    assert (show({"a": 1}), show([1]), show(None), show(3)) == ("a mapping", "a list", "None", "3")


yaml11_scalars = st.one_of(
    st.sampled_from([t for t, _ in KUBECTL_READS if t not in ("1e999",)]),
    st.from_regex(r"[-+]?[0-9_]{1,12}(\.[0-9]*)?([eE][-+]?[0-9]{1,3})?", fullmatch=True),
    st.from_regex(r"0[xob][0-9a-fA-F_]{0,8}", fullmatch=True),
    st.text(alphabet="yYnNoOtTfF~.-+0123456789:=<", max_size=6),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.from_regex(r"k[a-z]{1,8}", fullmatch=True), yaml11_scalars, max_size=6))
def test_strict_and_default_read_yaml_1_1_values_alike(values: dict[str, str]) -> None:
    """--strict only adds errors (unknown fields, repeated keys): never a different reading of a value."""
    text = "".join(f"{k}: {v}\n" for k, v in values.items())
    try:
        default = load_plain(text)
    except YamlError as err:
        with pytest.raises(YamlError) as strict_err:
            load_plain(text, strict=True)
        assert str(strict_err.value) == str(err)
        return
    assert load_plain(text, strict=True) == default


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=20)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4),
                                            st.dictionaries(st.text(max_size=10), inner, max_size=4)),
                    max_leaves=20))
def test_what_the_emitter_writes_reads_back_equal_in_both_profiles(value: Any) -> None:
    text = dump_document(value)
    assert load_plain(text) == load_plain(text, strict=True) == [value]


def test_without_libyaml_the_pure_python_events_give_the_same_reading(monkeypatch: pytest.MonkeyPatch) -> None:
    from gitops_gen.yamlio import reader

    text = "".join(f"k{i}: {t}\n" for i, (t, _) in enumerate(KUBECTL_READS) if t != "1e999")
    with_libyaml = load_plain(text)
    monkeypatch.setattr(reader, "_CParser", None)
    assert load_plain(text) == with_libyaml
    with pytest.raises(YamlError, match="nested more than 200 levels deep"):
        load_plain("[" * 100_000)


def test_a_manifest_namespace_that_would_leave_its_folder_is_refused_where_it_is_written() -> None:
    from gitops_gen.blueprint import v1

    body = load_positioned("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ../../x}\n", "b.yaml")[0]
    errors: list[Any] = []
    v1._check_manifest(body, "spec.addons[0].manifests[0]", errors)
    assert [str(e) for e in errors] == [
        "b.yaml:3:32: spec.addons[0].manifests[0].metadata.namespace: '../../x' is not a DNS-1123 label"]
