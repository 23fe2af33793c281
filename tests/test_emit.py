"""Output every parser can read, with the data unchanged: long keys, YAML-special keys, non-string keys.

The emitter's contract: for JSON data (string keys) the text reads back equal through PyYAML (YAML 1.1,
what kubectl's readers resemble), ruamel (YAML 1.2) and our own reader; a non-string key comes back as
the string JSON would make of it, whatever the reader.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml as pyyaml
from hypothesis import example, given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from gitops_gen.tools import kustomize
from gitops_gen.yamlio.emit import MAX_IMPLICIT_KEY, dump_document
from gitops_gen.yamlio.reader import load_plain
from gitops_gen.yamlio.scalars import json_key
from tests.conftest import require_tool

# Keys every YAML reader would turn into something else when written plain.
SPECIAL = ["true", "True", "null", "Null", "~", "yes", "no", "on", "off", "y", "n", "0x10", "0o17", "017",
           "1e3", "1_000", "1:20", "2001-01-01", "2001-01-01T00:00:00Z", ".inf", "-.inf", ".nan", "<<", "=",
           "", " ", "-", "?", ":", "- a", "? a", "a: b", "a #b", "#a", "&a", "*a", "!a", "%a", "@a", "`a", "|",
           ">", "'a'", '"a"', "{a}", "[a]", "a\nb", "a\n", "\t", "\u2028", "\x85", "\x00", "\ufeff"]
LONG = st.integers(MAX_IMPLICIT_KEY - 8, MAX_IMPLICIT_KEY + 8).flatmap(
    lambda n: st.sampled_from(["k", "é", "\u4e2d", "\\", '"', "\x01", " ", "\U0001f600"]).map(lambda c: c * n))
keys = st.one_of(st.text(max_size=12), st.sampled_from(SPECIAL), LONG)
scalars = st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**64 - 1),
                    st.floats(allow_nan=False, allow_infinity=False), st.text(), st.sampled_from(SPECIAL), LONG)
data = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                     st.dictionaries(keys, inner, max_size=4)), max_leaves=20)


def ruamel(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


def readers(text: str) -> list[Any]:
    """The document as read by PyYAML (1.1), ruamel (1.2) and gitops-gen's own reader."""
    return [pyyaml.safe_load(text), ruamel(text), load_plain(text)[0]]


@settings(max_examples=150, deadline=None)
@given(data)
@example({"k" * 1025: {"a": ["b"]}})
@example([{"é" * 1030: None, "a": 1}])
@example({"\x01" * 200: 1})  # 200 characters, 1,202 once escaped: the quoted form decides
def test_round_trip_with_long_and_special_keys(value: Any) -> None:
    text = dump_document(value)
    for read in readers(text):
        assert read == value


def test_a_key_longer_than_yaml_allows_is_written_explicitly() -> None:
    fits, too_long = "k" * MAX_IMPLICIT_KEY, "k" * (MAX_IMPLICIT_KEY + 1)
    assert dump_document({fits: 1}) == f"{fits}: 1\n"
    assert dump_document({too_long: {"a": 1}}) == f"? {too_long}\n:\n  a: 1\n"
    assert dump_document({"\x01" * 200: 1}).startswith('? "\\u0001')  # the written form counts
    assert dump_document([{too_long: [1]}]) == f"- ? {too_long}\n  :\n    - 1\n"


@pytest.mark.parametrize("key", ["true", "null", "0x10", "~", "yes", "1e3", "2001-01-01", "<<", "="])
def test_special_keys_stay_the_strings_they_are(key: str) -> None:
    text = dump_document({"values": {key: "v"}})
    for read in readers(text):
        assert read == {"values": {key: "v"}}


# integers within 64 bits: beyond them kubectl (go-yaml v2) reads a float, and so does our reader
WORD_INTS = st.integers(-(2**63), 2**64 - 1)
NON_STRING = st.one_of(st.none(), st.booleans(), WORD_INTS,
                       st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=100, deadline=None)
@example({0.0: 0}).via("-0.0 after 0.0 once shared a cache entry")
@example({-0.0: 0}).via("-0.0 after 0.0 once shared a cache entry")
@given(st.dictionaries(NON_STRING, WORD_INTS, max_size=5).filter(
    lambda d: len({json_key(k) for k in d}) == len(d)))
def test_a_key_that_is_not_a_string_reads_back_as_the_string_json_makes_of_it(value: dict[Any, int]) -> None:
    want = {json_key(k): v for k, v in value.items()}
    assert json.loads(json.dumps(want)) == want
    for read in readers(dump_document({"m": value})):
        assert read == {"m": want}


def test_non_string_keys_as_kubectl_would_read_them() -> None:
    assert dump_document({True: 1, None: 2, 16: 3, 1.5: 4}) == '"1.5": 4\n"16": 3\n"null": 2\n"true": 1\n'


# kustomize (kyaml) round-trips every object through JSON parsed as YAML, where the 1,024-character
# limit applies to flow keys too: no writing of ours gets a longer key through it (see docs/writer.md);
# it drops a key spelled `<<` even when quoted, and Go's JSON leaves U+0085 raw, which go-yaml then reads
# as a line break; it writes a `=` key bare, which PyYAML and ruamel then take for YAML 1.1's `value`
# tag.  The sample stays inside what kustomize can carry.
KUSTOMIZE_SAFE = [k for k in SPECIAL if k not in ("<<", "\x85", "=")]


@pytest.mark.slow
@pytest.mark.tools
def test_kustomize_reads_the_emitters_output_unchanged(tmp_path: Path) -> None:
    require_tool(kustomize.command() is not None, "kustomize/kubectl not found on PATH")
    spec: dict[str, Any] = {key: key for key in KUSTOMIZE_SAFE}
    spec["nested"] = [{key: [key, 1, 1.5, True, None]} for key in KUSTOMIZE_SAFE]
    spec["k" * (MAX_IMPLICIT_KEY - 2)] = "the longest key kustomize carries"
    spec["long value"] = "v" * 5000
    obj = {"apiVersion": "example.com/v1", "kind": "Sample", "metadata": {"name": "sample"}, "spec": spec}
    (tmp_path / "sample.yaml").write_text(dump_document(obj), encoding="utf-8")
    (tmp_path / "kustomization.yaml").write_text(
        dump_document({"apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
                       "resources": ["sample.yaml"]}), encoding="utf-8")
    cmd = kustomize.command()
    assert cmd is not None
    done = subprocess.run([*cmd, str(tmp_path)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert ruamel(done.stdout) == obj


# End to end: Helm values in a blueprint -> rendered Application -> read back by every reader.
LOKI = "rendered/clusters/dev-eu1/application_dev-eu1-loki.yaml"


def _render_with_values(repo: Path, lines: list[str]) -> list[Any]:
    from gitops_gen.cli import run

    blueprint = repo / "blueprints" / "addons" / "observability.yaml"
    text = blueprint.read_text()
    anchor = "        loki: {auth_enabled: false}\n"
    assert anchor in text
    blueprint.write_text(text.replace(anchor, anchor + "        special:\n" + "".join(
        f"          {line}\n" for line in lines)))
    assert run(["render", "--repo", str(repo)]) == 0
    written = (repo / LOKI).read_text(encoding="utf-8")
    return [doc["spec"]["source"]["helm"]["valuesObject"]["special"] for doc in readers(written)]


def test_a_long_helm_values_key_renders_to_a_file_every_reader_reads(example_repo: Path) -> None:
    long_key = "k" * 1500
    lines = [f"? {long_key}", ": long", f'? "{"q" * 1100}"', ": quoted"]  # YAML wants them explicit too
    for special in _render_with_values(example_repo, lines):
        assert special == {long_key: "long", "q" * 1100: "quoted"}


def test_yaml_special_helm_values_keys_reach_the_rendered_file_as_written(example_repo: Path) -> None:
    keys = ["true", "null", "0x10", "~", "yes", "1e3", "2001-01-01", "1_000", "017"]
    lines = [f"{key}: v{i}" for i, key in enumerate(keys)] + ['"<<": quoted', '"=": quoted too']
    want = {key: f"v{i}" for i, key in enumerate(keys)} | {"<<": "quoted", "=": "quoted too"}
    for special in _render_with_values(example_repo, lines):
        assert special == want


def test_every_file_of_a_render_reads_back_the_same_in_every_reader(example_repo: Path) -> None:
    """Each rendered file, values with long keys included, parses in PyYAML, ruamel and our reader
    alike, and each single-object file holds exactly the object the render computed."""
    from gitops_gen.blueprint.load import load_repo
    from gitops_gen.render import render

    _render_with_values(example_repo, [f"? {'k' * 1500}", ": long", "plain: [1, 2.5, true, null, '~']"])
    files = render(load_repo(example_repo)).files
    assert len(files) > 100
    for f in files:
        text = (example_repo / "rendered" / f.path).read_text(encoding="utf-8")
        docs = [list(pyyaml.safe_load_all(text)), list(YAML(typ="safe", pure=True).load_all(text)),
                load_plain(text)]
        assert docs[0] == docs[1] == docs[2], f.path
        if len(f.manifests) == 1 and not f.path.rsplit("/", 1)[-1].startswith(("kustomization", "patch_")):
            assert docs[0] == [json.loads(json.dumps(f.manifests[0].body))], f.path
