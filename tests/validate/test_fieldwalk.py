"""The one-pass trie walk finds exactly what walking each pattern from the root finds."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from gitops_gen.validate import apiserver, fieldwalk

_KEYS = st.sampled_from(["a", "b", "c"])
_PART = st.sampled_from(["a", "b", "c", "[]", "{}"])
_DOC = st.recursive(
    st.one_of(st.integers(0, 3), st.just("x")),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(_KEYS, inner, max_size=3)),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(_DOC, st.lists(st.lists(_PART, min_size=1, max_size=4), min_size=1, max_size=5))
def test_trie_walk_equals_walking_each_pattern(doc: Any, patterns: list[list[str]]) -> None:
    trie = fieldwalk.build((tuple(p), i) for i, p in enumerate(patterns))
    one_pass = sorted((path, i) for path, _, checks in fieldwalk.walk(doc, trie) for i in checks)
    each = sorted((path, i) for i, p in enumerate(patterns) for path, _ in apiserver.at(doc, p, ""))
    assert one_pass == each
